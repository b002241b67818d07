/* FP32 convolution (groups = 1) and fully connected: 1x1 stride 1 unpadded convolutions and FC layers are a
 * GEMM over the NHWC input; other convolutions use the f32conv indirect kernels with an indirection buffer of
 * MR float pointers per tile and tap (padding points at a zero buffer), as the int8 path does. */
#include "../common/common.h"
#include "../pack/pack_f32.h"
#include "ops.h"
#include "window.h"

static q8rt_status f32_gemm_pack(struct q8rt_op_ctx* s, struct q8rt_op_plan* base) {
  return q8rt_op_packed_weights(s, base->op, s->kernels->f32gemm->pack, s->kernels->f32gemm->packed_size,
                                &q8rt_f32_conv_plan_of(base)->packed_w);
}

static q8rt_status f32_conv_setup(struct q8rt_op_ctx* s, struct q8rt_op_plan* base) {
  struct q8rt_f32_conv_plan* plan = q8rt_f32_conv_plan_of(base);
  const struct q8rt_model_op* op = base->op;
  const struct q8rt_blob_op* r = op->rec;
  plan->minmax = q8rt_f32_clamp_for(op);
  const struct q8rt_f32_gemm_config* g = s->kernels->f32gemm;
  q8rt_status status;
  uint32_t xd[4], yd[4];
  q8rt_tensor_nhwc(op->x, xd);
  q8rt_tensor_nhwc(op->y, yd);
  const size_t kh = r->kernel_h, kw = r->kernel_w, ks = kh * kw;
  plan->direct_gemm = ks == 1 && r->stride_h == 1 && r->stride_w == 1 && r->pad_top == 0 && r->pad_left == 0 &&
                      r->pad_bottom == 0 && r->pad_right == 0;
  if (plan->direct_gemm) return Q8RT_OK;
  const size_t c = xd[3], ow = yd[2];
  const size_t m = (size_t) yd[1] * ow, mr = g->mr;
  const size_t tiles = q8rt_divide_round_up(m, mr);
  status = q8rt_f32_zero_buffer(s, c, &plan->zero);
  if (status == Q8RT_OK) status = q8rt_f32_indirection_alloc(s, op, tiles * ks * mr, &plan->indirection);
  if (status != Q8RT_OK) return status;
  struct q8rt_window w;
  q8rt_window_init(&w, op, base->x, sizeof(float), plan->zero);
  q8rt_indirection_conv(&w, mr, plan->indirection, q8rt_store_f32_pointer);
  return Q8RT_OK;
}

struct conv_context {
  q8rt_f32conv_ukernel_fn ukernel;
  size_t n, kc, ks, mr, nr, panel_floats;
  const float* const* indirection;
  const float* w;
  float* y;
  const struct q8rt_f32_minmax_params* params;
};

static void conv_tile(void* arg, size_t m0, size_t n0, size_t mr, size_t nc) {
  const struct conv_context* c = arg;
  const float* const* a = c->indirection + (m0 / c->mr) * c->ks * c->mr;
  for (size_t j = n0; j < n0 + nc; j += c->nr) {
    c->ukernel(mr, q8rt_min_size(c->nr, n0 + nc - j), c->kc, c->ks, a, c->w + (j / c->nr) * c->panel_floats,
               c->y + m0 * c->n + j, c->n, c->params);
  }
}

static void f32_conv_run(struct q8rt_op_ctx* s, const struct q8rt_op_plan* base) {
  const struct q8rt_f32_conv_plan* plan = q8rt_f32_conv_plan_of_const(base);
  const struct q8rt_model_op* op = base->op;
  uint32_t xd[4], yd[4];
  q8rt_tensor_nhwc(op->x, xd);
  q8rt_tensor_nhwc(op->y, yd);
  const size_t m = (size_t) yd[1] * yd[2], n = yd[3], kc = xd[3];
  float* y = base->y;
  if (plan->direct_gemm) {
    q8rt_f32_run_gemm(s, plan, m, n, kc, (const float*) (const void*) base->x, kc, y);
    return;
  }
  const size_t ks = (size_t) op->rec->kernel_h * op->rec->kernel_w;
  struct conv_context c = {
    .ukernel = s->kernels->f32gemm->igemm, .n = n, .kc = kc, .ks = ks, .mr = s->kernels->f32gemm->mr,
    .nr = s->kernels->f32gemm->nr, .panel_floats = q8rt_pack_f32_gemm_panel_floats(kc, ks, s->kernels->f32gemm->nr),
    .indirection = plan->indirection, .w = plan->packed_w, .y = y, .params = &plan->minmax,
  };
  pthreadpool_parallelize_2d_tile_2d(s->pool, conv_tile, &c, m, n, c.mr, n, 0);
}

static void f32_conv_release(struct q8rt_op_plan* base) {
  struct q8rt_f32_conv_plan* plan = q8rt_f32_conv_plan_of(base);
  q8rt_free(plan->indirection); /* packed_w belongs to the model */
  q8rt_free(plan->zero);
}

const struct q8rt_op_impl q8rt_f32_conv_impl = {
  .plan_size = sizeof(struct q8rt_f32_conv_plan), .plan_align = _Alignof(struct q8rt_f32_conv_plan),
  .pack = f32_gemm_pack, .setup = f32_conv_setup, .run = f32_conv_run, .release = f32_conv_release,
};

static q8rt_status f32_fc_setup(struct q8rt_op_ctx* s, struct q8rt_op_plan* base) {
  (void) s;
  struct q8rt_f32_conv_plan* plan = q8rt_f32_conv_plan_of(base);
  plan->minmax = q8rt_f32_clamp_for(base->op);
  plan->direct_gemm = true;
  return Q8RT_OK;
}

static void f32_fc_run(struct q8rt_op_ctx* s, const struct q8rt_op_plan* base) {
  const struct q8rt_model_op* op = base->op;
  const size_t batch = op->y->dims[0], n = op->w->dims[0], k = op->w->dims[1];
  q8rt_f32_run_gemm(s, q8rt_f32_conv_plan_of_const(base), batch, n, k, (const float*) (const void*) base->x, k,
                    base->y);
}

/* The conv plan, with no session-owned buffers (direct GEMM only). */
const struct q8rt_op_impl q8rt_f32_fc_impl = {
  .plan_size = sizeof(struct q8rt_f32_conv_plan), .plan_align = _Alignof(struct q8rt_f32_conv_plan),
  .pack = f32_gemm_pack, .setup = f32_fc_setup, .run = f32_fc_run,
};
