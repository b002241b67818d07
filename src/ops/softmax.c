/* Softmax (Caffe2 Int8Softmax, QNNPACK softargmax): per row, a 256-entry exp lookup table shifted by the
 * row maximum, normalised in 32-bit fixed point (u8lut32norm). */
#include "../../kernels/u8lut32norm/u8lut32norm.h"
#include "ops.h"

static void softmax_run(struct q8rt_op_ctx* s, const struct q8rt_op_plan* plan) {
  (void) s;
  const struct q8rt_model_op* op = plan->op;
  const size_t rows = op->x->dims[0], n = op->x->dims[1];
  uint8_t* y = plan->y;
  for (size_t i = 0; i < rows; i++) {
    const uint8_t* x = plan->x + i * n;
    const uint8_t max = q8rt_u8rmax_ukernel__scalar(n, x);
    q8rt_u8lut32norm_ukernel__scalar(n, x, op->softmax_table + (max ^ 255), y + i * n);
  }
}

const struct q8rt_op_impl q8rt_softmax_impl = {
  .plan_size = sizeof(struct q8rt_op_plan), .plan_align = _Alignof(struct q8rt_op_plan), .run = softmax_run,
};
