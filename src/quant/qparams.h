/* Computes micro-kernel parameters from float scales, exactly as QNNPACK does (kernels/params.h). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../kernels/params.h"

/* scale = (input_scale * kernel_scale) / output_scale in float32. Returns false unless
 * 2^-32 <= scale < 1 (QNNPACK's limits). */
bool q8rt_conv_params_init(struct q8rt_conv_params* p, float input_scale, float kernel_scale,
                           float output_scale, uint8_t kernel_zero_point, uint8_t output_zero_point,
                           uint8_t output_min, uint8_t output_max);
float q8rt_conv_scale(float input_scale, float kernel_scale, float output_scale);

/* a_scale / y_scale and b_scale / y_scale (float32) must be in [2^-14, 2^8); returns false otherwise. */
bool q8rt_add_params_init(struct q8rt_add_params* p, uint8_t a_zero_point, float a_scale,
                          uint8_t b_zero_point, float b_scale, uint8_t y_zero_point, float y_scale,
                          uint8_t output_min, uint8_t output_max);

/* QNNPACK average pooling: input_scale / output_scale must be in [2^-8, 2^8) and
 * input_scale / (output_scale * pooling_size) >= 2^-32; returns false otherwise. */
bool q8rt_avgpool_params_init(struct q8rt_avgpool_params* p, uint32_t pooling_size,
                              uint8_t input_zero_point, float input_scale, uint8_t output_zero_point,
                              float output_scale, uint8_t output_min, uint8_t output_max);

/* QNNPACK softargmax lookup table: qscale = min(UINT32_MAX / channels, 8388607.0) (double);
 * table[i] = lrint(qscale * exp((i - 255) * input_scale)) for i in 0..255. */
void q8rt_softmax_table_init(uint32_t table[256], size_t channels, float input_scale);

/*
 * TensorFlow Lite parameters (docs/arithmetic.md, "TFLite requantization").
 *
 * TFLite's QuantizeMultiplier (tensorflow/lite/kernels/internal/quantization_util.cc): real = q * 2^exponent
 * with q = frexp(real) in [0.5, 1); multiplier = round(q * 2^31) (std::round, half away from zero); a result of
 * 2^31 becomes 2^30 with exponent + 1; an exponent below -31 flushes to multiplier 0, exponent 0. Returns
 * false for real <= 0 (or NaN / infinity), where TFLite gives multiplier 0 or stops.
 */
bool q8rt_tflite_quantize_multiplier(double real, int32_t* multiplier, int* exponent);

/*
 * Convolution / depthwise / fully connected of a uint8 TFLite model (one scale per tensor):
 *   real = (double) (input_scale * kernel_scale) / (double) output_scale
 * (kernel_util.cc GetQuantizedConvolutionMultipler: the product in float, then double), then
 * QuantizeMultiplier: p->multiplier = M in [2^30, 2^31), p->shift = -exponent in [0, 31]; remainder mask and
 * threshold as for QNNPACK. rule Q8RT_RULE_TFLITE: the kernels then compute TFLite's MultiplyByQuantizedMultiplier
 * (reference/conv.h, depthwiseconv_uint8.h, fully_connected.h) bit for bit; Q8RT_RULE_TFLITE_SINGLE: the same M
 * and shift (QuantizeMultiplier of that build) with p->single_rounding = 1 for shift >= 1, TFLITE_SINGLE_ROUNDING's
 * form (for shift 0 the one rounding is the rounded Q31 product: single_rounding stays 0).
 * Returns false (p untouched) for another rule, for real multipliers that TFLite applies with a left shift
 * (exponent >= 1, i.e. real rounding to >= 1), for those it flushes to 0 (about real < 2^-32), and for
 * non-positive / NaN scales.
 */
bool q8rt_tflite_conv_params_init(struct q8rt_conv_params* p, float input_scale, float kernel_scale,
                                  float output_scale, uint8_t kernel_zero_point, uint8_t output_zero_point,
                                  uint8_t output_min, uint8_t output_max, enum q8rt_requant_rule rule);

/*
 * uint8 ADD (kernels/add.cc Prepare, the 8-bit branch): left_shift = 20,
 *   twice_max_input_scale = 2 * (double) max(a_scale, b_scale),
 *   a: (double) a_scale / twice_max_input_scale, b likewise,
 *   output: twice_max_input_scale / (2^20 * (double) y_scale),
 * each through QuantizeMultiplierSmallerThanOneExp (QuantizeMultiplier, exponent <= 0). Offsets -a_zp, -b_zp;
 * output_min / output_max: the fused activation's range (CalculateActivationRangeQuantized, by the caller).
 * Q8RT_RULE_TFLITE_SINGLE sets p->single_rounding (MultiplyByQuantizedMultiplierSmallerThanOneExp is then
 * MultiplyByQuantizedMultiplier, one rounding).
 * Returns false for a rule other than Q8RT_RULE_TFLITE / _SINGLE, non-positive scales, or an output multiplier that
 * TFLite refuses (real >= 1) or flushes to 0.
 */
bool q8rt_tflite_add_params_init(struct q8rt_tflite_add_params* p, uint8_t a_zero_point, float a_scale,
                                 uint8_t b_zero_point, float b_scale, uint8_t y_zero_point, float y_scale,
                                 uint8_t output_min, uint8_t output_max, enum q8rt_requant_rule rule);

/*
 * uint8 SOFTMAX (kernels/softmax.cc Prepare, reference kernel; quantization_util.cc):
 *   PreprocessSoftmaxScaling: real = min((double) beta * (double) input_scale * 2^26, 2^31 - 1) (2^30 - 1 for
 *     Q8RT_RULE_TFLITE_SINGLE, which also sets p->single_rounding),
 *     QuantizeMultiplierGreaterThanOne(real) -> input_multiplier, input_left_shift (real must be > 1);
 *   diff_min = -CalculateInputRadius(5, input_left_shift) = -floor(31 * 2^26 / 2^input_left_shift).
 * Returns false where TFLite stops (real <= 1, NaN), and for a rule other than Q8RT_RULE_TFLITE / _SINGLE.
 */
bool q8rt_tflite_softmax_params_init(struct q8rt_tflite_softmax_params* p, float beta, float input_scale,
                                     enum q8rt_requant_rule rule);

/* Fused activations of TFLite's quantized kernels (TfLiteFusedActivation). */
enum q8rt_tflite_activation {
  Q8RT_TFLITE_ACT_NONE = 0,
  Q8RT_TFLITE_ACT_RELU = 1,
  Q8RT_TFLITE_ACT_RELU_N1_TO_1 = 2,
  Q8RT_TFLITE_ACT_RELU6 = 3,
};

/*
 * The uint8 clamp of a fused activation (kernel_util.cc CalculateActivationRangeQuantized and its Quantize):
 * q(f) = zero_point + (int) roundf(f / scale) (float division, std::round), then
 *   NONE: [0, 255]; RELU: [max(0, q(0)), 255]; RELU6: [max(0, q(0)), min(255, q(6))];
 *   RELU_N1_TO_1: [max(0, q(-1)), min(255, q(1))].
 * Returns false where TFLite fails (roundf(f / scale) outside the int32 range, e.g. a zero or NaN scale) or for
 * an unknown activation.
 */
bool q8rt_tflite_activation_range(enum q8rt_tflite_activation activation, float output_scale,
                                  uint8_t output_zero_point, uint8_t* output_min, uint8_t* output_max);
