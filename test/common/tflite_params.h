/* Conv / GEMM / depthwise parameters for the kernel tests: QNNPACK's (q8rt_conv_params_init) for half of the
 * calls, TFLite's (q8rt_tflite_conv_params_init) for the other half, for nearly the same scale: rule
 * Q8RT_RULE_TFLITE (two roundings) or Q8RT_RULE_TFLITE_SINGLE (TFLITE_SINGLE_ROUNDING), one quarter each. The
 * TFLite multiplier comes from a double (31 significant bits): the scale is split into input, kernel and output
 * scales with kernel_scale in [1, 2) and output_scale = kernel_scale * (1 + u), u in [2^-20, 2^-8], so the
 * multiplier's low bits are nonzero, as no float32 scale gives (docs/arithmetic.md, "TFLite requantization"). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "test.h"
#include "../../kernels/params.h"
#include "../../src/quant/qparams.h"

static inline bool test_conv_params(struct q8rt_conv_params* p, float scale, uint8_t kernel_zero_point,
                                    uint8_t output_zero_point, uint8_t output_min, uint8_t output_max) {
  if (test_rand_range(0, 1)) {
    const float kernel_scale = test_rand_uniform(1.0f, 2.0f);
    const float output_scale = kernel_scale * (1.0f + test_rand_uniform(0x1.0p-20f, 0x1.0p-8f));
    if (q8rt_tflite_conv_params_init(p, scale, kernel_scale, output_scale, kernel_zero_point, output_zero_point,
                                     output_min, output_max,
                                     test_rand_range(0, 1) ? Q8RT_RULE_TFLITE_SINGLE : Q8RT_RULE_TFLITE)) {
      return true;
    }
  }
  return q8rt_conv_params_init(p, scale, 1.0f, 1.0f, kernel_zero_point, output_zero_point, output_min, output_max);
}
