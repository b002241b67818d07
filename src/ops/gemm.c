/* GEMM driver shared by 1x1 convolution and fully connected layers: MR-row tiles x all NR panels. */
#include "../../kernels/layout.h"
#include "../common/common.h"
#include "../pack/pack_size.h"
#include "ops.h"

struct gemm_context {
  q8rt_q8gemm_ukernel_fn ukernel;
  size_t m, n, k, mr, a_stride, panel_bytes;
  const uint8_t* a;
  const uint8_t* w;
  uint8_t* y;
  const struct q8rt_conv_params* params;
};

/* One task: rows [m0, m0 + mr) x columns [n0, n0 + nc), panel by panel. */
static void gemm_tile(void* arg, size_t m0, size_t n0, size_t mr, size_t nc) {
  const struct gemm_context* c = arg;
  for (size_t j = n0; j < n0 + nc; j += Q8RT_GEMM_NR) {
    c->ukernel(mr, q8rt_min_size(Q8RT_GEMM_NR, n0 + nc - j), c->k, c->a + m0 * c->a_stride, c->a_stride,
               c->w + (j / Q8RT_GEMM_NR) * c->panel_bytes, c->y + m0 * c->n + j, c->n, c->params);
  }
}

void q8rt_run_gemm(struct q8rt_session* s, const struct q8rt_model_op* op, size_t m, size_t n, size_t k,
                   const uint8_t* a, size_t a_stride, uint8_t* y) {
  struct gemm_context c = {
    .ukernel = s->kernels->gemm, .m = m, .n = n, .k = k, .mr = s->kernels->mr, .a_stride = a_stride,
    .panel_bytes = (size_t) q8rt_gemm_panel_bytes(k, 1),
    .a = a, .w = op->weights, .y = y, .params = &op->params.conv,
  };
  /* Few row tiles (e.g. a fully connected layer): split the columns instead, one panel per task. */
  const size_t threads = s->pool != NULL ? pthreadpool_get_threads_count(s->pool) : 1;
  const size_t row_tiles = q8rt_divide_round_up(m, c.mr);
  const size_t nc = row_tiles >= 4 * threads ? n : Q8RT_GEMM_NR;
  pthreadpool_parallelize_2d_tile_2d(s->pool, gemm_tile, &c, m, n, c.mr, nc, 0);
}
