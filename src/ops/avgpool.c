/* Average pooling (Caffe2 Int8AveragePool, QNNPACK average pooling semantics: padding counts as the input
 * zero point and is included in the divisor). Global pooling is one window over all pixels. */
#include "../common/common.h"
#include "ops.h"
#include "window.h"

static q8rt_status avgpool_setup(struct q8rt_op_ctx* s, struct q8rt_op_plan* base) {
  struct q8rt_avgpool_plan* plan = q8rt_avgpool_plan_of(base);
  const struct q8rt_model_op* op = base->op;
  q8rt_status status = q8rt_zero_buffer(s, op, op->x->dims[op->x->rank - 1], &plan->zero);
  if (status != Q8RT_OK) return status;
  struct q8rt_window w;
  q8rt_window_init(&w, op, base->x, 1, plan->zero);
  status = q8rt_indirection_alloc(s, op, w.oh * w.ow * w.kh * w.kw, &plan->indirection);
  if (status != Q8RT_OK) return status;
  q8rt_indirection_pool(&w, plan->indirection, q8rt_store_u8_pointer);
  return Q8RT_OK;
}

struct avgpool_context {
  q8rt_q8avgpool_ukernel_fn ukernel;
  size_t ks, channels;
  const uint8_t* const* indirection;
  uint8_t* y;
  const struct q8rt_avgpool_params* params;
};

static void avgpool_pixel(void* arg, size_t i) {
  const struct avgpool_context* c = arg;
  c->ukernel(c->ks, c->channels, c->indirection + i * c->ks, c->y + i * c->channels, c->params);
}

static void avgpool_run(struct q8rt_op_ctx* s, const struct q8rt_op_plan* base) {
  const struct q8rt_avgpool_plan* plan = q8rt_avgpool_plan_of_const(base);
  const struct q8rt_model_op* op = base->op;
  uint32_t xd[4], yd[4];
  q8rt_tensor_nhwc(op->x, xd);
  q8rt_tensor_nhwc(op->y, yd);
  const bool global = (op->rec->flags & Q8RT_OP_FLAG_GLOBAL) != 0;
  struct avgpool_context c = {
    .ukernel = s->kernels->avgpool,
    .ks = global ? (size_t) xd[1] * xd[2] : (size_t) op->rec->kernel_h * op->rec->kernel_w,
    .channels = xd[3], .indirection = plan->indirection, .y = base->y, .params = &op->params.pool,
  };
  pthreadpool_parallelize_1d(s->pool, avgpool_pixel, &c, (size_t) yd[1] * yd[2], 0);
}

static void avgpool_release(struct q8rt_op_plan* base) {
  struct q8rt_avgpool_plan* plan = q8rt_avgpool_plan_of(base);
  q8rt_free(plan->indirection);
  q8rt_free(plan->zero);
}

const struct q8rt_op_impl q8rt_avgpool_impl = {
  .plan_size = sizeof(struct q8rt_avgpool_plan), .plan_align = _Alignof(struct q8rt_avgpool_plan),
  .setup = avgpool_setup, .run = avgpool_run, .release = avgpool_release,
};
