/* Softmax over the last dimension. Caffe2 Int8Softmax (QNNPACK softargmax): per row, a 256-entry exp lookup
 * table shifted by the row maximum, normalised in 32-bit fixed point (u8lut32norm). TFLite SOFTMAX: the
 * reference kernel's fixed-point exp (q8softmax tflite). */
#include "../../kernels/q8softmax/q8softmax.h"
#include "../../kernels/u8lut32norm/u8lut32norm.h"
#include "ops.h"

static void softmax_run(struct q8rt_op_ctx* s, const struct q8rt_op_plan* plan) {
  (void) s;
  const struct q8rt_model_op* op = plan->op;
  uint32_t xd[4];
  q8rt_tensor_nhwc(op->x, xd); /* [N, 1, 1, C] */
  const size_t rows = xd[0], n = xd[3];
  uint8_t* y = plan->y;
  for (size_t i = 0; i < rows; i++) {
    const uint8_t* x = plan->x + i * n;
    if (op->rec->rule != Q8RT_BLOB_RULE_CAFFE2) {
      q8rt_tflite_softmax_u8(n, x, y + i * n, &op->params.tflite_softmax);
      continue;
    }
    const uint8_t max = q8rt_u8rmax_ukernel__scalar(n, x);
    q8rt_u8lut32norm_ukernel__scalar(n, x, op->softmax_table + (max ^ 255), y + i * n);
  }
}

const struct q8rt_op_impl q8rt_softmax_impl = {
  .plan_size = sizeof(struct q8rt_op_plan), .plan_align = _Alignof(struct q8rt_op_plan), .run = softmax_run,
};
