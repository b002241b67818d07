/* AVX-512 VNNI GEMM path of 1x1 convolutions and fully connected layers (sessions whose kernel table has
 * gemm_vnni). At setup, the op's Q8RT_LAYOUT_GEMM weights are repacked into Q8RT_LAYOUT_GEMM_VNNI
 * (kernels/layout.h, src/pack/pack_vnni.h) in plan->vnni_w, owned by the session: 64 + 16 * round_up(K, 4) bytes
 * per 16 output channels, about half the blob's int16 weights (MobileNetV2 1.0: ~3.4 MB per session).
 * At run time: tasks of whole vnni_mr-row blocks x columns (vnni_task_shape); GEMMs with fewer rows than one tile use the GEMV-style
 * kernel over column blocks of whole 16-column panels. Every output is computed by the same arithmetic whatever
 * the split, so results do not depend on the thread count. */
#include "../../kernels/layout.h"
#include "../common/common.h"
#include "../pack/pack_vnni.h"
#include "ops.h"

q8rt_status q8rt_gemm_vnni_setup(struct q8rt_session* s, struct q8rt_op_plan* plan, size_t n, size_t k) {
  if (s->kernels->gemm_vnni == NULL) return Q8RT_OK;
  const size_t bytes = q8rt_vnni_packed_bytes(n, k, 1);
  plan->vnni_w = q8rt_alloc_aligned(bytes);
  if (plan->vnni_w == NULL) {
    return q8rt_error(Q8RT_ERROR_OUT_OF_MEMORY, "out of memory for %zu bytes of repacked weights", bytes);
  }
  q8rt_repack_vnni(n, k, 1, plan->op->w->zero_point, plan->op->weights, plan->vnni_w);
  s->vnni_weight_bytes += bytes;
  return Q8RT_OK;
}

struct gemm_vnni_context {
  q8rt_q8gemm_ukernel_fn ukernel;
  size_t n, k, a_stride, panel_bytes, mr;
  const uint8_t* a;
  const uint8_t* w;
  uint8_t* y;
  const struct q8rt_conv_params* params;
};

/* Rows [m0, m0 + rows) x columns [n0, n0 + nc) (n0 % Q8RT_VNNI_NR == 0): one call per mr-row block. */
static void gemm_vnni_tile(void* arg, size_t m0, size_t n0, size_t rows, size_t nc) {
  const struct gemm_vnni_context* c = arg;
  const uint8_t* w = c->w + (n0 / Q8RT_VNNI_NR) * c->panel_bytes;
  for (size_t i = 0; i < rows; i += c->mr) {
    const size_t mr = rows - i < c->mr ? rows - i : c->mr;
    c->ukernel(mr, nc, c->k, c->a + (m0 + i) * c->a_stride, c->a_stride, w, c->y + (m0 + i) * c->n + n0, c->n,
               c->params);
  }
}

/* Task shape of an m x n GEMM / convolution with mr-row micro-tiles on `threads` threads: *rows (a multiple of
 * mr) x *nc columns (a multiple of 32, or n). One thread: all rows at once (no task overhead). Several: about
 * Q8RT_VNNI_TASKS_PER_THREAD tasks per thread (pthreadpool balances them dynamically): whole-width row blocks
 * when there are enough mr-row blocks, else mr rows x column blocks. The split never changes an output's
 * arithmetic (each output is one int32 dot product), so results do not depend on the thread count. */
#define Q8RT_VNNI_TASKS_PER_THREAD 8
static void vnni_task_shape(size_t m, size_t n, size_t mr, size_t threads, size_t* rows, size_t* nc) {
  const size_t blocks = q8rt_divide_round_up(m, mr);
  *rows = blocks * mr;
  *nc = n;
  if (threads <= 1) return;
  const size_t tasks = Q8RT_VNNI_TASKS_PER_THREAD * threads;
  if (blocks >= tasks) {
    *rows = q8rt_divide_round_up(blocks, tasks) * mr;
    return;
  }
  *rows = mr;
  const size_t steps = q8rt_divide_round_up(n, 32);
  *nc = q8rt_divide_round_up(steps, q8rt_divide_round_up(tasks, blocks)) * 32;
}

void q8rt_run_gemm_vnni(struct q8rt_session* s, const struct q8rt_op_plan* plan, size_t m, size_t n, size_t k,
                        const uint8_t* a, size_t a_stride, uint8_t* y) {
  struct gemm_vnni_context c = {
    .ukernel = s->kernels->gemm_vnni, .n = n, .k = k, .a_stride = a_stride,
    .panel_bytes = q8rt_vnni_panel_bytes(k, 1), .a = a, .w = plan->vnni_w, .y = y,
    .params = &plan->op->params.conv,
  };
  const size_t mr = s->kernels->vnni_mr;
  const size_t threads = s->pool != NULL ? pthreadpool_get_threads_count(s->pool) : 1;
  c.mr = mr;
  if (m >= mr || s->kernels->gemv_vnni == NULL) {
    size_t rows, nc;
    vnni_task_shape(m, n, mr, threads, &rows, &nc);
    pthreadpool_parallelize_2d_tile_2d(s->pool, gemm_vnni_tile, &c, m, n, rows, nc, 0);
    return;
  }
  /* Fewer rows than one tile (a fully connected layer at batch 1): GEMV-style over column blocks. */
  c.ukernel = s->kernels->gemv_vnni;
  c.mr = m;
  const size_t steps = q8rt_divide_round_up(n, 64);
  const size_t tasks = threads > 1 ? 4 * threads : 1;
  const size_t nc = q8rt_divide_round_up(steps, tasks) * 64;
  pthreadpool_parallelize_2d_tile_2d(s->pool, gemm_vnni_tile, &c, m, n, m, nc, 0);
}

q8rt_status q8rt_conv_vnni_setup(struct q8rt_session* s, struct q8rt_op_plan* plan, size_t n, size_t kc, size_t ks) {
  if (s->kernels->conv_vnni == NULL) return Q8RT_OK;
  const size_t bytes = q8rt_vnni_packed_bytes(n, kc, ks);
  plan->vnni_w = q8rt_alloc_aligned(bytes);
  if (plan->vnni_w == NULL) {
    return q8rt_error(Q8RT_ERROR_OUT_OF_MEMORY, "out of memory for %zu bytes of repacked weights", bytes);
  }
  q8rt_repack_vnni(n, kc, ks, plan->op->w->zero_point, plan->op->weights, plan->vnni_w);
  s->vnni_weight_bytes += bytes;
  return Q8RT_OK;
}

struct conv_vnni_context {
  q8rt_q8conv_ukernel_fn ukernel;
  size_t n, kc, ks, mr, panel_bytes;
  const uint8_t* const* indirection;
  const uint8_t* w;
  uint8_t* y;
  const struct q8rt_conv_params* params;
};

/* Pixels [m0, m0 + rows) x columns [n0, n0 + nc) (m0 % mr == 0, n0 % Q8RT_VNNI_NR == 0): one call per mr-pixel
 * block. */
static void conv_vnni_tile(void* arg, size_t m0, size_t n0, size_t rows, size_t nc) {
  const struct conv_vnni_context* c = arg;
  const uint8_t* w = c->w + (n0 / Q8RT_VNNI_NR) * c->panel_bytes;
  for (size_t i = 0; i < rows; i += c->mr) {
    const size_t mr = rows - i < c->mr ? rows - i : c->mr;
    c->ukernel(mr, nc, c->kc, c->ks, c->indirection + ((m0 + i) / c->mr) * c->ks * c->mr, w,
               c->y + (m0 + i) * c->n + n0, c->n, c->params);
  }
}

void q8rt_run_conv_vnni(struct q8rt_session* s, const struct q8rt_op_plan* plan, size_t m, size_t n, size_t kc,
                        size_t ks) {
  struct conv_vnni_context c = {
    .ukernel = s->kernels->conv_vnni, .n = n, .kc = kc, .ks = ks, .mr = s->kernels->vnni_mr,
    .panel_bytes = q8rt_vnni_panel_bytes(kc, ks), .indirection = plan->indirection, .w = plan->vnni_w,
    .y = plan->y, .params = &plan->op->params.conv,
  };
  const size_t threads = s->pool != NULL ? pthreadpool_get_threads_count(s->pool) : 1;
  size_t rows, nc;
  vnni_task_shape(m, n, c.mr, threads, &rows, &nc);
  pthreadpool_parallelize_2d_tile_2d(s->pool, conv_vnni_tile, &c, m, n, rows, nc, 0);
}
