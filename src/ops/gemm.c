/* int8 GEMM and indirect-convolution drivers, for any gemm configuration (config.h): 1x1 convolutions and fully
 * connected layers run q8rt_run_gemm, other convolutions q8rt_run_igemm. The configuration's split decides the
 * thread-pool tasks; every output is computed by the same arithmetic whatever the split, so results do not depend
 * on the thread count. */
#include "../common/common.h"
#include "ops.h"

const struct q8rt_gemm_config* q8rt_gemm_config_for(const struct q8rt_op_ctx* s, size_t kc, size_t ks, bool indirect) {
  const struct q8rt_gemm_config* small = s->kernels->conv_small_kc;
  if (indirect && small != NULL && kc <= small->max_kc && ks >= small->min_ks && ks <= small->max_ks) return small;
  if (indirect && s->kernels->conv != NULL) return s->kernels->conv;
  return s->kernels->gemm;
}

/* Bytes of one packed panel (nr columns) of the configuration. */
static size_t panel_bytes(const struct q8rt_gemm_config* g, size_t kc, size_t ks) {
  const struct q8rt_pack_src src = {.n = g->nr, .kc = kc, .ks = ks};
  return g->packed_size(&src);
}

static size_t pool_threads(const struct q8rt_op_ctx* s) {
  return s->pool != NULL ? pthreadpool_get_threads_count(s->pool) : 1;
}

/* Task shape of Q8RT_SPLIT_ROW_BLOCKS for an m x n product with mr-row micro-tiles on `threads` threads: *rows (a
 * multiple of mr) x *nc columns (a multiple of 32, or n). One thread: all rows at once (no task overhead).
 * Several: about TASKS_PER_THREAD tasks per thread (pthreadpool balances them dynamically): whole-width row blocks
 * when there are enough mr-row blocks, else mr rows x column blocks. */
#define TASKS_PER_THREAD 8
static void row_block_shape(size_t m, size_t n, size_t mr, size_t threads, size_t* rows, size_t* nc) {
  const size_t blocks = q8rt_divide_round_up(m, mr);
  *rows = blocks * mr;
  *nc = n;
  if (threads <= 1) return;
  const size_t tasks = TASKS_PER_THREAD * threads;
  if (blocks >= tasks) {
    *rows = q8rt_divide_round_up(blocks, tasks) * mr;
    return;
  }
  *rows = mr;
  const size_t steps = q8rt_divide_round_up(n, 32);
  *nc = q8rt_divide_round_up(steps, q8rt_divide_round_up(tasks, blocks)) * 32;
}

/* ---- GEMM ---- */

struct gemm_context {
  q8rt_q8gemm_ukernel_fn ukernel;
  size_t n, k, mr, nr, a_stride, panel_bytes;
  size_t rows_per_call; /* gemm_tile_n: mr, or SIZE_MAX for a kernel that takes any rows (gemmn_rows) */
  const uint8_t* a;
  const uint8_t* w;
  uint8_t* y;
  const struct q8rt_conv_params* params;
};

/* Rows [m0, m0 + mr) x columns [n0, n0 + nc), one call per panel. */
static void gemm_tile(void* arg, size_t m0, size_t n0, size_t mr, size_t nc) {
  const struct gemm_context* c = arg;
  for (size_t j = n0; j < n0 + nc; j += c->nr) {
    c->ukernel(mr, q8rt_min_size(c->nr, n0 + nc - j), c->k, c->a + m0 * c->a_stride, c->a_stride,
               c->w + (j / c->nr) * c->panel_bytes, c->y + m0 * c->n + j, c->n, c->params);
  }
}

/* Rows [m0, m0 + rows) x columns [n0, n0 + nc) (n0 % nr == 0) with a multi-panel kernel, one call per
 * rows_per_call rows (mr, or all of them). */
static void gemm_tile_n(void* arg, size_t m0, size_t n0, size_t rows, size_t nc) {
  const struct gemm_context* c = arg;
  const uint8_t* w = c->w + (n0 / c->nr) * c->panel_bytes;
  for (size_t i = 0; i < rows; i += c->rows_per_call) {
    const size_t mr = q8rt_min_size(c->rows_per_call, rows - i);
    c->ukernel(mr, nc, c->k, c->a + (m0 + i) * c->a_stride, c->a_stride, w, c->y + (m0 + i) * c->n + n0, c->n,
               c->params);
  }
}

void q8rt_run_gemm(struct q8rt_op_ctx* s, const struct q8rt_conv_plan* plan, size_t m, size_t n, size_t k,
                   const uint8_t* a, size_t a_stride, uint8_t* y) {
  const struct q8rt_gemm_config* g = plan->gemm;
  struct gemm_context c = {
    .ukernel = g->gemm, .n = n, .k = k, .mr = g->mr, .nr = g->nr, .a_stride = a_stride,
    .panel_bytes = panel_bytes(g, k, 1), .a = a, .w = plan->packed_w, .y = y, .params = &plan->params,
  };
  c.rows_per_call = c.mr;
  const size_t threads = pool_threads(s);
  if (g->split == Q8RT_SPLIT_ROW_BLOCKS) {
    if (m >= g->mr || g->gemv == NULL) {
      size_t rows, nc;
      row_block_shape(m, n, g->mr, threads, &rows, &nc);
      c.ukernel = g->gemmn;
      if (g->gemmn_rows) c.rows_per_call = SIZE_MAX;
      pthreadpool_parallelize_2d_tile_2d(s->pool, gemm_tile_n, &c, m, n, rows, nc, 0);
      return;
    }
    /* Fewer rows than one tile (a fully connected layer at batch 1): GEMV-style over column blocks. */
    c.ukernel = g->gemv;
    c.mr = m;
    c.rows_per_call = m;
    const size_t steps = q8rt_divide_round_up(n, g->gemv_nc);
    const size_t tasks = threads > 1 ? 4 * threads : 1;
    pthreadpool_parallelize_2d_tile_2d(s->pool, gemm_tile_n, &c, m, n, m,
                                       q8rt_divide_round_up(steps, tasks) * g->gemv_nc, 0);
    return;
  }
  const size_t row_tiles = q8rt_divide_round_up(m, c.mr);
  if (row_tiles >= 4 * threads) {
    /* Enough row tiles: each task is one row tile x all columns. */
    if (g->gemmn != NULL) {
      c.ukernel = g->gemmn;
      pthreadpool_parallelize_2d_tile_2d(s->pool, gemm_tile_n, &c, m, n, c.mr, n, 0);
    } else {
      pthreadpool_parallelize_2d_tile_2d(s->pool, gemm_tile, &c, m, n, c.mr, n, 0);
    }
    return;
  }
  /* Few row tiles (e.g. a fully connected layer): split the columns instead, into about 4 tasks per thread
   * (whole panels; one panel per task without a multi-panel kernel). */
  const bool gemv = m < c.mr && g->gemv != NULL;
  q8rt_q8gemm_ukernel_fn multi = gemv ? g->gemv : g->gemmn;
  if (multi != NULL) {
    c.ukernel = multi;
    c.mr = gemv ? m : c.mr;
    c.rows_per_call = c.mr;
    const size_t panels = q8rt_divide_round_up(n, c.nr);
    const size_t tasks = threads > 1 ? 4 * threads : 1;
    const size_t nc = q8rt_divide_round_up(panels, tasks) * c.nr;
    pthreadpool_parallelize_2d_tile_2d(s->pool, gemm_tile_n, &c, m, n, c.mr, nc, 0);
    return;
  }
  pthreadpool_parallelize_2d_tile_2d(s->pool, gemm_tile, &c, m, n, c.mr, c.nr, 0);
}

/* ---- indirect convolution ---- */

struct igemm_context {
  q8rt_q8conv_ukernel_fn ukernel;
  size_t n, kc, ks, mr, nr, panel_bytes;
  const uint8_t* const* indirection;
  const uint8_t* w;
  uint8_t* y;
  const struct q8rt_conv_params* params;
};

/* Pixels [m0, m0 + mr) (one tile) x columns [n0, n0 + nc), one call per panel. */
static void igemm_tile(void* arg, size_t m0, size_t n0, size_t mr, size_t nc) {
  const struct igemm_context* c = arg;
  const uint8_t* const* a = c->indirection + (m0 / c->mr) * c->ks * c->mr;
  for (size_t j = n0; j < n0 + nc; j += c->nr) {
    c->ukernel(mr, q8rt_min_size(c->nr, n0 + nc - j), c->kc, c->ks, a, c->w + (j / c->nr) * c->panel_bytes,
               c->y + m0 * c->n + j, c->n, c->params);
  }
}

/* Pixels [m0, m0 + rows) (m0 % mr == 0) x columns [n0, n0 + nc) (n0 % nr == 0), multi-panel kernel, one call per
 * mr-pixel tile. */
static void igemm_tile_n(void* arg, size_t m0, size_t n0, size_t rows, size_t nc) {
  const struct igemm_context* c = arg;
  const uint8_t* w = c->w + (n0 / c->nr) * c->panel_bytes;
  for (size_t i = 0; i < rows; i += c->mr) {
    const size_t mr = q8rt_min_size(c->mr, rows - i);
    c->ukernel(mr, nc, c->kc, c->ks, c->indirection + ((m0 + i) / c->mr) * c->ks * c->mr, w,
               c->y + (m0 + i) * c->n + n0, c->n, c->params);
  }
}

void q8rt_run_igemm(struct q8rt_op_ctx* s, const struct q8rt_conv_plan* plan, size_t m, size_t n, size_t kc, size_t ks) {
  const struct q8rt_gemm_config* g = plan->gemm;
  struct igemm_context c = {
    .ukernel = g->igemmn != NULL ? g->igemmn : g->igemm, .n = n, .kc = kc, .ks = ks, .mr = g->mr, .nr = g->nr,
    .panel_bytes = panel_bytes(g, kc, ks), .indirection = plan->indirection, .w = plan->packed_w, .y = plan->base.y,
    .params = &plan->params,
  };
  if (g->split == Q8RT_SPLIT_ROW_BLOCKS) {
    size_t rows, nc;
    row_block_shape(m, n, c.mr, pool_threads(s), &rows, &nc);
    pthreadpool_parallelize_2d_tile_2d(s->pool, igemm_tile_n, &c, m, n, rows, nc, 0);
  } else if (g->igemmn != NULL) {
    pthreadpool_parallelize_2d_tile_2d(s->pool, igemm_tile_n, &c, m, n, c.mr, n, 0);
  } else {
    pthreadpool_parallelize_2d_tile_2d(s->pool, igemm_tile, &c, m, n, c.mr, n, 0);
  }
}
