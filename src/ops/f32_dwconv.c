/* FP32 depthwise 3x3 convolution: the int8 path's row indirection (taps t = kx * 3 + ky) with float pointers. */
#include "../common/common.h"
#include "ops.h"
#include "window.h"

static q8rt_status f32_dwconv_pack(struct q8rt_op_ctx* s, struct q8rt_op_plan* base) {
  return q8rt_op_packed_weights(s, base->op, s->kernels->f32dwconv->pack, s->kernels->f32dwconv->packed_size,
                                &q8rt_f32_dwconv_plan_of(base)->packed_w);
}

static q8rt_status f32_dwconv_setup(struct q8rt_op_ctx* s, struct q8rt_op_plan* base) {
  struct q8rt_f32_dwconv_plan* plan = q8rt_f32_dwconv_plan_of(base);
  const struct q8rt_model_op* op = base->op;
  const struct q8rt_blob_op* r = op->rec;
  plan->minmax = q8rt_f32_clamp_for(op);
  q8rt_status status = Q8RT_OK;
  uint32_t xd[4], yd[4];
  q8rt_tensor_nhwc(op->x, xd);
  q8rt_tensor_nhwc(op->y, yd);
  const size_t c = xd[3], oh = yd[1], ow = yd[2];
  const size_t row = q8rt_dw_row_pointers(ow, r->stride_w);
  if (status == Q8RT_OK) status = q8rt_f32_zero_buffer(s, c, &plan->zero);
  if (status == Q8RT_OK) status = q8rt_f32_indirection_alloc(s, op, oh * row, &plan->indirection);
  if (status != Q8RT_OK) return status;
  struct q8rt_window w;
  q8rt_window_init(&w, op, base->x, sizeof(float), plan->zero);
  q8rt_indirection_dw(&w, plan->indirection, q8rt_store_f32_pointer);
  return Q8RT_OK;
}

struct dwconv_context {
  q8rt_f32dwconv_ukernel_fn ukernel;
  size_t channels, ow, row, step;
  const float* const* indirection;
  const float* w;
  float* y;
  const struct q8rt_f32_minmax_params* params;
};

static void dwconv_row(void* arg, size_t oy) {
  const struct dwconv_context* c = arg;
  c->ukernel(c->channels, c->ow, c->indirection + oy * c->row, c->step, c->w, c->y + oy * c->ow * c->channels, 0,
             c->params);
}

static void f32_dwconv_run(struct q8rt_op_ctx* s, const struct q8rt_op_plan* base) {
  const struct q8rt_f32_dwconv_plan* plan = q8rt_f32_dwconv_plan_of_const(base);
  const struct q8rt_model_op* op = base->op;
  uint32_t yd[4];
  q8rt_tensor_nhwc(op->y, yd);
  struct dwconv_context c = {
    .ukernel = s->kernels->f32dwconv->ukernel, .channels = yd[3], .ow = yd[2], .row = q8rt_dw_row_pointers(yd[2], op->rec->stride_w),
    .step = 3 * (size_t) op->rec->stride_w, .indirection = plan->indirection, .w = plan->packed_w, .y = base->y,
    .params = &plan->minmax,
  };
  pthreadpool_parallelize_1d(s->pool, dwconv_row, &c, yd[1], 0);
}

static void f32_dwconv_release(struct q8rt_op_plan* base) {
  struct q8rt_f32_dwconv_plan* plan = q8rt_f32_dwconv_plan_of(base);
  q8rt_free(plan->indirection); /* packed_w belongs to the model */
  q8rt_free(plan->zero);
}

const struct q8rt_op_impl q8rt_f32_dwconv_impl = {
  .plan_size = sizeof(struct q8rt_f32_dwconv_plan), .plan_align = _Alignof(struct q8rt_f32_dwconv_plan),
  .pack = f32_dwconv_pack, .setup = f32_dwconv_setup, .run = f32_dwconv_run, .release = f32_dwconv_release,
};
