/* GEMM driver shared by 1x1 convolution and fully connected layers: MR-row tiles x all NR panels.
 * With a multi-panel kernel (kernels->gemmn), each task is one call over its nc columns; GEMMs with fewer
 * rows than one MR tile use the GEMV-style kernel (kernels->gemv) when there is one. Every output is
 * computed by the same arithmetic whatever the split, so results do not depend on the thread count. */
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

/* One task, multi-panel kernel: rows [m0, m0 + mr) x columns [n0, n0 + nc) in one call (n0 % NR == 0). */
static void gemm_tile_n(void* arg, size_t m0, size_t n0, size_t mr, size_t nc) {
  const struct gemm_context* c = arg;
  c->ukernel(mr, nc, c->k, c->a + m0 * c->a_stride, c->a_stride, c->w + (n0 / Q8RT_GEMM_NR) * c->panel_bytes,
             c->y + m0 * c->n + n0, c->n, c->params);
}

void q8rt_run_gemm(struct q8rt_session* s, const struct q8rt_model_op* op, size_t m, size_t n, size_t k,
                   const uint8_t* a, size_t a_stride, uint8_t* y) {
  struct gemm_context c = {
    .ukernel = s->kernels->gemm, .m = m, .n = n, .k = k, .mr = s->kernels->mr, .a_stride = a_stride,
    .panel_bytes = (size_t) q8rt_gemm_panel_bytes(k, 1),
    .a = a, .w = op->weights, .y = y, .params = &op->params.conv,
  };
  const size_t threads = s->pool != NULL ? pthreadpool_get_threads_count(s->pool) : 1;
  const size_t row_tiles = q8rt_divide_round_up(m, c.mr);
  if (row_tiles >= 4 * threads) {
    /* Enough row tiles: each task is one row tile x all columns. */
    if (s->kernels->gemmn != NULL) {
      c.ukernel = s->kernels->gemmn;
      pthreadpool_parallelize_2d_tile_2d(s->pool, gemm_tile_n, &c, m, n, c.mr, n, 0);
    } else {
      pthreadpool_parallelize_2d_tile_2d(s->pool, gemm_tile, &c, m, n, c.mr, n, 0);
    }
    return;
  }
  /* Few row tiles (e.g. a fully connected layer): split the columns instead, into about 4 tasks per
   * thread (whole panels; one panel per task without a multi-panel kernel). */
  size_t nc = Q8RT_GEMM_NR;
  q8rt_q8gemm_ukernel_fn multi = m < c.mr && s->kernels->gemv != NULL ? s->kernels->gemv : s->kernels->gemmn;
  if (multi != NULL) {
    c.ukernel = multi;
    c.mr = m < c.mr && s->kernels->gemv != NULL ? m : c.mr;
    const size_t panels = q8rt_divide_round_up(n, Q8RT_GEMM_NR);
    const size_t tasks = threads > 1 ? 4 * threads : 1;
    nc = q8rt_divide_round_up(panels, tasks) * Q8RT_GEMM_NR;
    pthreadpool_parallelize_2d_tile_2d(s->pool, gemm_tile_n, &c, m, n, c.mr, nc, 0);
    return;
  }
  pthreadpool_parallelize_2d_tile_2d(s->pool, gemm_tile, &c, m, n, c.mr, nc, 0);
}
