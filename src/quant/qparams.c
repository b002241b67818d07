/* Micro-kernel parameters from float scales, exactly as QNNPACK computes them (kernels/params.h). */
#include "quant/qparams.h"

#include <math.h>
#include <string.h>

static uint32_t fp32_to_bits(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u;
}

static float fp32_from_bits(uint32_t u) {
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

float q8rt_conv_scale(float input_scale, float kernel_scale, float output_scale) {
  const float product = input_scale * kernel_scale;
  const float scale = product / output_scale;
  return scale;
}

bool q8rt_conv_params_init(struct q8rt_conv_params* p, float input_scale, float kernel_scale,
                           float output_scale, uint8_t kernel_zero_point, uint8_t output_zero_point,
                           uint8_t output_min, uint8_t output_max) {
  const float scale = q8rt_conv_scale(input_scale, kernel_scale, output_scale);
  if (!(scale >= 0x1.0p-32f && scale < 1.0f)) return false; /* also rejects NaN and negatives */
  const uint32_t bits = fp32_to_bits(scale);
  const int32_t multiplier = (int32_t) (((bits & UINT32_C(0x007FFFFF)) | UINT32_C(0x00800000)) << 7);
  const int32_t shift = 127 + 31 - 32 - (int32_t) (bits >> 23);
  if (shift < 0 || shift >= 32) return false;
  const uint32_t mask = (UINT32_C(1) << (uint32_t) shift) - 1;
  memset(p, 0, sizeof *p);
  p->multiplier = multiplier;
  p->shift = (uint32_t) shift;
  p->remainder_mask = (int32_t) mask;
  p->remainder_threshold = (int32_t) (mask >> 1);
  p->kernel_zero_point = kernel_zero_point;
  p->output_zero_point = output_zero_point;
  p->output_min = output_min;
  p->output_max = output_max;
  return true;
}

bool q8rt_add_params_init(struct q8rt_add_params* p, uint8_t a_zero_point, float a_scale,
                          uint8_t b_zero_point, float b_scale, uint8_t y_zero_point, float y_scale,
                          uint8_t output_min, uint8_t output_max) {
  const float a_output_scale = a_scale / y_scale;
  const float b_output_scale = b_scale / y_scale;
  if (!(a_output_scale >= 0x1.0p-14f && a_output_scale < 0x1.0p+8f)) return false;
  if (!(b_output_scale >= 0x1.0p-14f && b_output_scale < 0x1.0p+8f)) return false;

  const float max_output_scale = a_output_scale > b_output_scale ? a_output_scale : b_output_scale;
  const int32_t max_scale_exponent = (int32_t) (fp32_to_bits(max_output_scale) >> 23) - 127;
  const int32_t shift = 21 - max_scale_exponent;
  if (shift < 13 || shift > 31) return false;
  const float scale_multiplier = fp32_from_bits((uint32_t) (21 - max_scale_exponent + 127) << 23);

  const uint32_t a_multiplier = (uint32_t) (int32_t) lrintf(a_output_scale * scale_multiplier);
  const uint32_t b_multiplier = (uint32_t) (int32_t) lrintf(b_output_scale * scale_multiplier);
  if (a_multiplier >= UINT32_C(0x00400000) || b_multiplier >= UINT32_C(0x00400000)) return false;

  const uint32_t mask = (UINT32_C(1) << (uint32_t) shift) - 1;
  memset(p, 0, sizeof *p);
  p->zero_point_product =
      (int32_t) (0u - (a_multiplier * (uint32_t) a_zero_point + b_multiplier * (uint32_t) b_zero_point));
  p->a_multiplier = a_multiplier;
  p->b_multiplier = b_multiplier;
  p->shift = (uint32_t) shift;
  p->remainder_mask = (int32_t) mask;
  p->remainder_threshold = (int32_t) (mask >> 1);
  p->output_zero_point = y_zero_point;
  p->output_min = output_min;
  p->output_max = output_max;
  return true;
}

bool q8rt_avgpool_params_init(struct q8rt_avgpool_params* p, uint32_t pooling_size,
                              uint8_t input_zero_point, float input_scale, uint8_t output_zero_point,
                              float output_scale, uint8_t output_min, uint8_t output_max) {
  if (pooling_size == 0) return false;
  const float input_output_scale = input_scale / output_scale;
  if (!(input_output_scale >= 0x1.0p-8f && input_output_scale < 0x1.0p+8f)) return false;
  const int64_t bias = -(int64_t) pooling_size * (int64_t) input_zero_point;
  if (bias < INT32_MIN) return false;

  const float scale = input_scale / (output_scale * (float) pooling_size);
  if (!(scale >= 0x1.0p-32f && scale < 256.0f)) return false;
  const uint32_t bits = fp32_to_bits(scale);
  const int32_t multiplier = (int32_t) ((bits & UINT32_C(0x007FFFFF)) | UINT32_C(0x00800000));
  const int32_t shift = 127 + 23 - (int32_t) (bits >> 23);
  if (shift < 16 || shift >= 64) return false;

  memset(p, 0, sizeof *p);
  p->bias = (int32_t) bias;
  p->multiplier = multiplier;
  p->rounding = (int64_t) (UINT64_C(1) << (uint32_t) (shift - 1));
  p->shift = (uint32_t) shift;
  p->output_zero_point = output_zero_point;
  p->output_min = output_min;
  p->output_max = output_max;
  return true;
}

void q8rt_softmax_table_init(uint32_t table[256], size_t channels, float input_scale) {
  if (channels == 0) channels = 1;
  const double qscale = fmin((double) UINT32_MAX / (double) channels, 8388607.0);
  for (int32_t i = 0; i < 256; i++) {
    const double scaled_exp_xi = qscale * exp((double) (i - 255) * (double) input_scale);
    table[i] = (uint32_t) lrint(scaled_exp_xi);
  }
}
