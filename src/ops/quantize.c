/* Quantization at the model boundary: Caffe2 Int8Quantize (float in) and Int8Dequantize (float out). */
#include <math.h>

#include "../common/common.h"
#include "ops.h"

/* q = clamp(zero_point + nearbyint(x / scale), 0, 255), x / scale in float32, rounding to nearest even.
 * NaN maps to 0. x is NCHW ([C][pixels]) or NHWC ([pixels][C]); y is NHWC. */
void q8rt_quantize_f32(const float* x, size_t count, size_t channels, size_t pixels, int nchw, float scale,
                       uint8_t zero_point, uint8_t* y) {
  (void) count;
  for (size_t p = 0; p < pixels; p++) {
    for (size_t c = 0; c < channels; c++) {
      const float v = x[nchw ? c * pixels + p : p * channels + c];
      float q = nearbyintf(v / scale) + (float) zero_point;
      if (!(q >= 0.0f)) q = 0.0f; /* also NaN */
      if (q > 255.0f) q = 255.0f;
      y[p * channels + c] = (uint8_t) q;
    }
  }
}

static void dequantize_run(struct q8rt_op_ctx* s, const struct q8rt_op_plan* plan) {
  (void) s;
  const struct q8rt_model_op* op = plan->op;
  const size_t n = (size_t) q8rt_tensor_elements(op->x);
  const float scale = op->x->scale;
  const int32_t zero_point = op->x->zero_point;
  float* y = plan->y;
  for (size_t i = 0; i < n; i++) y[i] = (float) ((int32_t) plan->x[i] - zero_point) * scale;
}

const struct q8rt_op_impl q8rt_dequantize_impl = {
  .plan_size = sizeof(struct q8rt_op_plan), .plan_align = _Alignof(struct q8rt_op_plan), .run = dequantize_run,
};
