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

/* The fields of struct q8rt_conv_params that every rule fills alike: multiplier in [2^30, 2^31), right shift in
 * [0, 31], its remainder mask and threshold, zero points and clamp; the rest zero. */
static void conv_params_fill(struct q8rt_conv_params* p, int32_t multiplier, uint32_t shift, uint8_t kernel_zero_point,
                             uint8_t output_zero_point, uint8_t output_min, uint8_t output_max) {
  const uint32_t mask = (UINT32_C(1) << shift) - 1;
  memset(p, 0, sizeof *p);
  p->multiplier = multiplier;
  p->shift = shift;
  p->remainder_mask = (int32_t) mask;
  p->remainder_threshold = (int32_t) (mask >> 1);
  p->kernel_zero_point = kernel_zero_point;
  p->output_zero_point = output_zero_point;
  p->output_min = output_min;
  p->output_max = output_max;
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
  conv_params_fill(p, multiplier, (uint32_t) shift, kernel_zero_point, output_zero_point, output_min, output_max);
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
  p->a_zero_point = a_zero_point;
  p->b_zero_point = b_zero_point;
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

/* ---- TensorFlow Lite (docs/arithmetic.md, "TFLite requantization") ---------------------------------------- */

/* quantization_util.cc QuantizeMultiplier (the non-TFLITE_EMULATE_FLOAT branch). */
bool q8rt_tflite_quantize_multiplier(double real, int32_t* multiplier, int* exponent) {
  if (!(real > 0.0) || isinf(real)) return false;
  int e = 0;
  const double q = frexp(real, &e);
  /* TfLiteRound is std::round: half away from zero; q * 2^31 is exact */
  int64_t q_fixed = (int64_t) round(q * 2147483648.0);
  if (q_fixed == INT64_C(1) << 31) {
    q_fixed /= 2;
    e += 1;
  }
  if (e < -31) {
    e = 0;
    q_fixed = 0;
  }
  *multiplier = (int32_t) q_fixed;
  *exponent = e;
  return true;
}

/* QuantizeMultiplier of a TFLite build with TFLITE_SINGLE_ROUNDING: as above, then an exponent above 30 clamps
 * to 30 with M = 2^31 - 1. */
static bool tflite_quantize_multiplier_rule(double real, int32_t* multiplier, int* exponent, bool single) {
  if (!q8rt_tflite_quantize_multiplier(real, multiplier, exponent)) return false;
  if (single && *exponent > 30) {
    *exponent = 30;
    *multiplier = INT32_MAX;
  }
  return true;
}

/* A right-shift multiplier of TFLite: M in [2^30, 2^31), exponent in [-31, 0]. */
static bool tflite_right_shift_multiplier(double real, int32_t* multiplier, uint32_t* shift, bool single) {
  int32_t m = 0;
  int e = 0;
  if (!tflite_quantize_multiplier_rule(real, &m, &e, single)) return false;
  if (m == 0 || e > 0) return false; /* flushed to zero, or a left shift */
  *multiplier = m;
  *shift = (uint32_t) -e;
  return true;
}

bool q8rt_tflite_conv_params_init(struct q8rt_conv_params* p, float input_scale, float kernel_scale,
                                  float output_scale, uint8_t kernel_zero_point, uint8_t output_zero_point,
                                  uint8_t output_min, uint8_t output_max, enum q8rt_requant_rule rule) {
  if (rule != Q8RT_RULE_TFLITE && rule != Q8RT_RULE_TFLITE_SINGLE) return false;
  const bool single = rule == Q8RT_RULE_TFLITE_SINGLE;
  /* kernel_util.cc GetQuantizedConvolutionMultipler (the overload without bias): the product in float */
  const float product = input_scale * kernel_scale;
  if (!(product >= 0.0f) || !(output_scale > 0.0f)) return false;
  const double real = (double) product / (double) output_scale;
  int32_t multiplier = 0;
  uint32_t shift = 0;
  if (!tflite_right_shift_multiplier(real, &multiplier, &shift, single)) return false;
  conv_params_fill(p, multiplier, shift, kernel_zero_point, output_zero_point, output_min, output_max);
  /* shift 0: the one rounding is the rounded Q31 product, which the Q31 sequence computes as it stands */
  p->single_rounding = single && shift != 0 ? 1 : 0;
  return true;
}

bool q8rt_tflite_add_params_init(struct q8rt_tflite_add_params* p, uint8_t a_zero_point, float a_scale,
                                 uint8_t b_zero_point, float b_scale, uint8_t y_zero_point, float y_scale,
                                 uint8_t output_min, uint8_t output_max, enum q8rt_requant_rule rule) {
  if (rule != Q8RT_RULE_TFLITE && rule != Q8RT_RULE_TFLITE_SINGLE) return false;
  const bool single = rule == Q8RT_RULE_TFLITE_SINGLE;
  if (!(a_scale > 0.0f) || !(b_scale > 0.0f) || !(y_scale > 0.0f)) return false;
  const uint32_t left_shift = 20;
  const double twice_max_input_scale = 2.0 * (double) (a_scale > b_scale ? a_scale : b_scale);
  const double real_a = (double) a_scale / twice_max_input_scale;
  const double real_b = (double) b_scale / twice_max_input_scale;
  const double real_output = twice_max_input_scale / ((double) (1 << left_shift) * (double) y_scale);
  struct q8rt_tflite_add_params q;
  memset(&q, 0, sizeof q);
  /* real_a, real_b in (0, 1/2]: exponent <= 0; one of them is 1/2 (M = 2^30, shift 0). A tiny ratio flushes
   * to 0 in TFLite (input ignored); q8rt refuses it rather than carry a zero multiplier. */
  if (!tflite_right_shift_multiplier(real_a, &q.a_multiplier, &q.a_shift, single)) return false;
  if (!tflite_right_shift_multiplier(real_b, &q.b_multiplier, &q.b_shift, single)) return false;
  if (!tflite_right_shift_multiplier(real_output, &q.output_multiplier, &q.output_shift, single)) return false;
  q.a_offset = -(int32_t) a_zero_point;
  q.b_offset = -(int32_t) b_zero_point;
  q.left_shift = left_shift;
  q.output_zero_point = y_zero_point;
  q.output_min = output_min;
  q.output_max = output_max;
  q.single_rounding = single ? 1 : 0;
  *p = q;
  return true;
}

bool q8rt_tflite_softmax_params_init(struct q8rt_tflite_softmax_params* p, float beta, float input_scale,
                                     enum q8rt_requant_rule rule) {
  if (rule != Q8RT_RULE_TFLITE && rule != Q8RT_RULE_TFLITE_SINGLE) return false;
  const bool single = rule == Q8RT_RULE_TFLITE_SINGLE;
  const int input_integer_bits = 5; /* kScaledDiffIntegerBits */
  /* PreprocessSoftmaxScaling: max_real_multiplier = 2^31 - 1, or 2^30 - 1 under TFLITE_SINGLE_ROUNDING */
  const double max_real_multiplier = single ? 1073741823.0 : 2147483647.0;
  double real = (double) beta * (double) input_scale * (double) (INT64_C(1) << (31 - input_integer_bits));
  if (!(real > 1.0)) return false; /* QuantizeMultiplierGreaterThanOne: TFLITE_CHECK_GT(., 1.) */
  if (real > max_real_multiplier) real = max_real_multiplier;
  int32_t multiplier = 0;
  int exponent = 0;
  if (!tflite_quantize_multiplier_rule(real, &multiplier, &exponent, single)) return false;
  if (exponent < 0 || exponent > 31) return false;
  /* CalculateInputRadius(5, left_shift, 31): floor((2^5 - 1) * 2^26 / 2^left_shift), exact in double */
  const double radius = floor(31.0 * 67108864.0 / (double) (INT64_C(1) << exponent));
  memset(p, 0, sizeof *p);
  p->input_multiplier = multiplier;
  p->input_left_shift = (uint32_t) exponent;
  p->diff_min = -(int32_t) radius;
  p->single_rounding = single ? 1 : 0;
  return true;
}

/* kernel_util.cc Quantize: zero_point + (int32) TfLiteRound(f / scale), refused outside int32. */
static bool tflite_quantize_value(float scale, uint8_t zero_point, float f, int64_t* q) {
  const float tmp = roundf(f / scale);
  if (!(tmp >= -2147483648.0f && tmp <= 2147483648.0f)) return false; /* also NaN */
  /* TFLite accepts tmp == 2^31 (its check compares with (float) INT32_MAX); int64 keeps the sum defined */
  *q = (int64_t) zero_point + (int64_t) tmp;
  return true;
}

bool q8rt_tflite_activation_range(enum q8rt_tflite_activation activation, float output_scale,
                                  uint8_t output_zero_point, uint8_t* output_min, uint8_t* output_max) {
  int64_t lo = 0, hi = 255, q = 0;
  switch (activation) {
    case Q8RT_TFLITE_ACT_NONE:
      break;
    case Q8RT_TFLITE_ACT_RELU:
      if (!tflite_quantize_value(output_scale, output_zero_point, 0.0f, &q)) return false;
      lo = q > lo ? q : lo;
      break;
    case Q8RT_TFLITE_ACT_RELU6:
      if (!tflite_quantize_value(output_scale, output_zero_point, 0.0f, &q)) return false;
      lo = q > lo ? q : lo;
      if (!tflite_quantize_value(output_scale, output_zero_point, 6.0f, &q)) return false;
      hi = q < hi ? q : hi;
      break;
    case Q8RT_TFLITE_ACT_RELU_N1_TO_1:
      if (!tflite_quantize_value(output_scale, output_zero_point, -1.0f, &q)) return false;
      lo = q > lo ? q : lo;
      if (!tflite_quantize_value(output_scale, output_zero_point, 1.0f, &q)) return false;
      hi = q < hi ? q : hi;
      break;
    default:
      return false;
  }
  if (lo > 255 || hi < 0 || lo > hi) return false; /* not reachable for a positive scale */
  *output_min = (uint8_t) lo;
  *output_max = (uint8_t) hi;
  return true;
}
