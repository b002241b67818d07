/* FP32 average pooling: the mean over the window, padding counted in the divisor with value 0 (QNNPACK's
 * count-include-pad: the int8 path pads with the input zero point, i.e. 0 in float). */
#include "../common/common.h"
#include "ops.h"
#include "window.h"

static q8rt_status f32_avgpool_setup(struct q8rt_op_ctx* s, struct q8rt_op_plan* base) {
  struct q8rt_f32_avgpool_plan* plan = q8rt_f32_avgpool_plan_of(base);
  const struct q8rt_model_op* op = base->op;
  plan->minmax = q8rt_f32_clamp_for(op);
  q8rt_status status = q8rt_f32_zero_buffer(s, op->x->dims[op->x->rank - 1], &plan->zero);
  if (status != Q8RT_OK) return status;
  struct q8rt_window w;
  q8rt_window_init(&w, op, base->x, sizeof(float), plan->zero);
  status = q8rt_f32_indirection_alloc(s, op, w.oh * w.ow * w.kh * w.kw, &plan->indirection);
  if (status != Q8RT_OK) return status;
  q8rt_indirection_pool(&w, plan->indirection, q8rt_store_f32_pointer);
  return Q8RT_OK;
}

struct avgpool_context {
  q8rt_f32avgpool_ukernel_fn ukernel;
  size_t ks, channels;
  const float* const* indirection;
  float* y;
  struct q8rt_f32_avgpool_params params;
};

static void avgpool_pixel(void* arg, size_t i) {
  const struct avgpool_context* c = arg;
  c->ukernel(c->ks, c->channels, c->indirection + i * c->ks, c->y + i * c->channels, &c->params);
}

static void f32_avgpool_run(struct q8rt_op_ctx* s, const struct q8rt_op_plan* base) {
  const struct q8rt_f32_avgpool_plan* plan = q8rt_f32_avgpool_plan_of_const(base);
  const struct q8rt_model_op* op = base->op;
  uint32_t xd[4], yd[4];
  q8rt_tensor_nhwc(op->x, xd);
  q8rt_tensor_nhwc(op->y, yd);
  const bool global = (op->rec->flags & Q8RT_OP_FLAG_GLOBAL) != 0;
  const size_t ks = global ? (size_t) xd[1] * xd[2] : (size_t) op->rec->kernel_h * op->rec->kernel_w;
  struct avgpool_context c = {
    .ukernel = s->kernels->f32avgpool, .ks = ks, .channels = xd[3], .indirection = plan->indirection,
    .y = base->y,
    .params = {.multiplier = 1.0f / (float) ks, .min = plan->minmax.min, .max = plan->minmax.max},
  };
  pthreadpool_parallelize_1d(s->pool, avgpool_pixel, &c, (size_t) yd[1] * yd[2], 0);
}

static void f32_avgpool_release(struct q8rt_op_plan* base) {
  struct q8rt_f32_avgpool_plan* plan = q8rt_f32_avgpool_plan_of(base);
  q8rt_free(plan->indirection);
  q8rt_free(plan->zero);
}

const struct q8rt_op_impl q8rt_f32_avgpool_impl = {
  .plan_size = sizeof(struct q8rt_f32_avgpool_plan), .plan_align = _Alignof(struct q8rt_f32_avgpool_plan),
  .setup = f32_avgpool_setup, .run = f32_avgpool_run, .release = f32_avgpool_release,
};
