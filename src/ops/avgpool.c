/* Average pooling. Caffe2 Int8AveragePool (QNNPACK average pooling semantics: padding counts as the input zero
 * point and is included in the divisor), or TFLite AVERAGE_POOL_2D (reference pooling.h: the valid pixels only,
 * (sum + n / 2) / n): the TFLite setup drops the padding pointers from each window of the indirection buffer and
 * keeps the count of the others. Global pooling is one window over all pixels. */
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
  if (op->rec->rule != Q8RT_BLOB_RULE_CAFFE2) {
    const size_t pixels = (size_t) w.oh * w.ow, ks = (size_t) w.kh * w.kw;
    plan->valid = q8rt_alloc(pixels * sizeof *plan->valid);
    if (plan->valid == NULL) return q8rt_error(Q8RT_ERROR_OUT_OF_MEMORY, "avgpool: out of memory");
    for (size_t i = 0; i < pixels; i++) {
      const uint8_t** taps = plan->indirection + i * ks;
      uint32_t n = 0;
      for (size_t k = 0; k < ks; k++) {
        if (taps[k] != plan->zero) taps[n++] = taps[k];
      }
      plan->valid[i] = n; /* >= 1: the converter keeps padding below the window size */
    }
  }
  return Q8RT_OK;
}

struct avgpool_context {
  q8rt_q8avgpool_ukernel_fn ukernel;
  q8rt_q8avgpool_tflite_ukernel_fn tflite_ukernel;
  size_t ks, channels;
  const uint8_t* const* indirection;
  const uint32_t* valid; /* TFLite rule: valid taps per output pixel */
  uint8_t* y;
  const struct q8rt_model_op* op;
};

static void avgpool_pixel(void* arg, size_t i) {
  const struct avgpool_context* c = arg;
  if (c->valid != NULL) {
    c->tflite_ukernel(c->valid[i], c->channels, c->indirection + i * c->ks, c->y + i * c->channels,
                      c->op->rec->output_min, c->op->rec->output_max);
  } else {
    c->ukernel(c->ks, c->channels, c->indirection + i * c->ks, c->y + i * c->channels, &c->op->params.pool);
  }
}

static void avgpool_run(struct q8rt_op_ctx* s, const struct q8rt_op_plan* base) {
  const struct q8rt_avgpool_plan* plan = q8rt_avgpool_plan_of_const(base);
  const struct q8rt_model_op* op = base->op;
  uint32_t xd[4], yd[4];
  q8rt_tensor_nhwc(op->x, xd);
  q8rt_tensor_nhwc(op->y, yd);
  const bool global = (op->rec->flags & Q8RT_OP_FLAG_GLOBAL) != 0;
  struct avgpool_context c = {
    .ukernel = s->kernels->avgpool, .tflite_ukernel = s->kernels->avgpool_tflite,
    .ks = global ? (size_t) xd[1] * xd[2] : (size_t) op->rec->kernel_h * op->rec->kernel_w,
    .channels = xd[3], .indirection = plan->indirection, .valid = plan->valid, .y = base->y, .op = op,
  };
  pthreadpool_parallelize_1d(s->pool, avgpool_pixel, &c, (size_t) yd[1] * yd[2], 0);
}

static void avgpool_release(struct q8rt_op_plan* base) {
  struct q8rt_avgpool_plan* plan = q8rt_avgpool_plan_of(base);
  q8rt_free(plan->indirection);
  q8rt_free(plan->zero);
  q8rt_free(plan->valid);
}

const struct q8rt_op_impl q8rt_avgpool_impl = {
  .plan_size = sizeof(struct q8rt_avgpool_plan), .plan_align = _Alignof(struct q8rt_avgpool_plan),
  .setup = avgpool_setup, .run = avgpool_run, .release = avgpool_release,
};
