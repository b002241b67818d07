/* FP32 softmax (per row: exp(x - max) / sum, in float with a double sum) and the final dequantize, which in
 * the float network is a copy. */
#include <math.h>
#include <string.h>

#include "ops.h"

static void f32_softmax_run(struct q8rt_op_ctx* s, const struct q8rt_op_plan* plan) {
  (void) s;
  const struct q8rt_model_op* op = plan->op;
  uint32_t xd[4];
  q8rt_tensor_nhwc(op->x, xd); /* [N, 1, 1, C] */
  const size_t rows = xd[0], n = xd[3];
  for (size_t i = 0; i < rows; i++) {
    const float* x = (const float*) (const void*) plan->x + i * n;
    float* y = (float*) plan->y + i * n;
    float mx = x[0];
    for (size_t j = 1; j < n; j++) mx = x[j] > mx ? x[j] : mx;
    double sum = 0.0;
    for (size_t j = 0; j < n; j++) {
      y[j] = expf(x[j] - mx);
      sum += y[j];
    }
    const float inv = (float) (1.0 / sum);
    for (size_t j = 0; j < n; j++) y[j] *= inv;
  }
}

const struct q8rt_op_impl q8rt_f32_softmax_impl = {
  .plan_size = sizeof(struct q8rt_op_plan), .plan_align = _Alignof(struct q8rt_op_plan), .run = f32_softmax_run,
};

static void f32_dequantize_run(struct q8rt_op_ctx* s, const struct q8rt_op_plan* plan) {
  (void) s;
  memcpy(plan->y, plan->x, (size_t) q8rt_tensor_elements(plan->op->x) * sizeof(float));
}

const struct q8rt_op_impl q8rt_f32_dequantize_impl = {
  .plan_size = sizeof(struct q8rt_op_plan), .plan_align = _Alignof(struct q8rt_op_plan), .run = f32_dequantize_run,
};
