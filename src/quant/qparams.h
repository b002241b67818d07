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
