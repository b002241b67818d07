/* FP32 path helpers: clamp rule, float zero / indirection buffers, the GEMM
 * driver and the input conversion (docs/arithmetic.md, "fp32"). */
#include <math.h>
#include <string.h>

#include "../blob/format.h"
#include "../common/common.h"
#include "../pack/pack_f32.h"
#include "ops.h"

struct q8rt_f32_minmax_params q8rt_f32_clamp_for(const struct q8rt_model_op* op) {
  struct q8rt_f32_minmax_params p = {-INFINITY, INFINITY};
  if (op->rec->rule != Q8RT_BLOB_RULE_CAFFE2) { /* TFLite: the fused activation */
    switch (op->rec->activation) {
      case Q8RT_ACTIVATION_RELU: p.min = 0.0f; break;
      case Q8RT_ACTIVATION_RELU_N1_TO_1: p.min = -1.0f; p.max = 1.0f; break;
      case Q8RT_ACTIVATION_RELU6: p.min = 0.0f; p.max = 6.0f; break;
      default: break;
    }
    return p;
  }
  if (op->rec->output_min == op->y->zero_point) p.min = 0.0f; /* Caffe2: Int8*Relu */
  return p;
}

q8rt_status q8rt_f32_zero_buffer(struct q8rt_op_ctx* s, size_t channels, float** zero) {
  const size_t bytes = q8rt_round_up(channels * sizeof(float) + Q8RT_ARENA_SLACK, 64);
  *zero = q8rt_alloc_aligned(bytes); /* zero-filled: 0.0f */
  if (*zero == NULL) return q8rt_error(Q8RT_ERROR_OUT_OF_MEMORY, "out of memory for a zero buffer");
  s->aux_bytes += bytes;
  return Q8RT_OK;
}

q8rt_status q8rt_f32_indirection_alloc(struct q8rt_op_ctx* s, const struct q8rt_model_op* op, size_t count,
                                       const float*** indirection) {
  size_t bytes;
  if (q8rt_mul_overflow(count, sizeof(const float*), &bytes) || s->aux_bytes + bytes > Q8RT_MAX_ARENA_BYTES) {
    return q8rt_error(Q8RT_ERROR_LIMIT, "op %u: indirection buffer of %zu pointers exceeds the memory cap",
                      op->rec->source_op, count);
  }
  *indirection = q8rt_alloc(bytes);
  if (*indirection == NULL) {
    return q8rt_error(Q8RT_ERROR_OUT_OF_MEMORY, "out of memory for an indirection buffer");
  }
  s->aux_bytes += bytes;
  return Q8RT_OK;
}

struct gemm_context {
  q8rt_f32gemm_ukernel_fn ukernel, ukernel1;
  size_t m, n, k, mr, nr, a_stride, panel_floats;
  const float* a;
  const float* w;
  float* y;
  const struct q8rt_f32_minmax_params* params;
};

/* One task: rows [m0, m0 + mb) x columns [n0, n0 + nc). Panel by panel, and for each panel every MR-row tile
 * of the block, so a panel is loaded into L1 once per block. With mb = MR: the usual row-tile-outer order. */
static void gemm_block(void* arg, size_t m0, size_t n0, size_t mb, size_t nc) {
  const struct gemm_context* c = arg;
  for (size_t j = n0; j < n0 + nc; j += c->nr) {
    const float* w = c->w + (j / c->nr) * c->panel_floats;
    const size_t nr = q8rt_min_size(c->nr, n0 + nc - j);
    for (size_t i = m0; i < m0 + mb; i += c->mr) {
      const size_t mr = q8rt_min_size(c->mr, m0 + mb - i);
      (mr == 1 ? c->ukernel1 : c->ukernel)(mr, nr, c->k, c->a + i * c->a_stride, c->a_stride, w, c->y + i * c->n + j,
                                           c->n, c->params);
    }
  }
}

#define GEMM_BLOCK_WEIGHT_BYTES (256 * 1024) /* larger packed weights: rows in blocks, panel-outer */
#define GEMM_A_BLOCK_BYTES (128 * 1024)      /* rows of A per block */

void q8rt_f32_run_gemm(struct q8rt_op_ctx* s, const struct q8rt_f32_conv_plan* plan, size_t m, size_t n, size_t k,
                       const float* a, size_t a_stride, float* y) {
  const struct q8rt_f32_gemm_config* g = s->kernels->f32gemm;
  const size_t mr = g->mr, nr = g->nr;
  struct gemm_context c = {
    .ukernel = g->gemm, .ukernel1 = g->gemm1, .m = m, .n = n, .k = k, .mr = mr, .nr = nr,
    .a_stride = a_stride, .panel_floats = q8rt_pack_f32_gemm_panel_floats(k, 1, nr), .a = a, .w = plan->packed_w,
    .y = y, .params = &plan->minmax,
  };
  size_t mb = mr;
  const size_t threads = s->pool != NULL ? pthreadpool_get_threads_count(s->pool) : 1;
  if (threads == 1 && q8rt_divide_round_up(n, nr) * c.panel_floats * sizeof(float) > GEMM_BLOCK_WEIGHT_BYTES) {
    const size_t rows = GEMM_A_BLOCK_BYTES / (k * sizeof(float)) / mr * mr;
    mb = rows > mr ? rows : mr;
  }
  /* Few row tiles (e.g. a fully connected layer): split the columns instead, one panel per task. */
  const size_t row_tiles = q8rt_divide_round_up(m, mb);
  const size_t nc = row_tiles >= 4 * threads ? n : nr;
  pthreadpool_parallelize_2d_tile_2d(s->pool, gemm_block, &c, m, n, mb, nc, 0);
}

void q8rt_f32_input(const void* input, int format, size_t channels, size_t pixels, float scale, uint8_t zero_point,
                    float* y) {
  if (format == Q8RT_INPUT_U8_NHWC) {
    const uint8_t* x = input;
    for (size_t i = 0; i < channels * pixels; i++) y[i] = (float) ((int32_t) x[i] - (int32_t) zero_point) * scale;
  } else if (format == Q8RT_INPUT_F32_NHWC) {
    memcpy(y, input, channels * pixels * sizeof(float));
  } else {
    const float* x = input;
    for (size_t p = 0; p < pixels; p++) {
      for (size_t c = 0; c < channels; c++) y[p * channels + c] = x[c * pixels + p];
    }
  }
}
