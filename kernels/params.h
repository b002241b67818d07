/*
 * q8rt micro-kernel parameters.
 *
 * Requantization follows QNNPACK (the int8 backend of Caffe2's Int8* operators), bit for bit:
 *
 *  - Convolution / fully connected / depthwise (QNNPACK "Q31" requantization):
 *      scale      = (input_scale * kernel_scale) / output_scale     (float32, in that order), 2^-32 <= scale < 1
 *      multiplier = ((bits(scale) & 0x007FFFFF) | 0x00800000) << 7  (in [2^30, 2^31))
 *      shift      = 127 + 31 - 32 - (bits(scale) >> 23)             (in [0, 31])
 *      q31        = (int32_t) ((acc * (int64_t) multiplier + 2^30) >> 31)      (round half up)
 *      rem        = (q31 & remainder_mask) - (q31 < 0),   remainder_mask = 2^shift - 1
 *      y          = (q31 >> shift) + (rem > (remainder_mask >> 1))              (round half away from 0)
 *      out        = clamp(y + output_zero_point, output_min, output_max)
 *  - Add (QNNPACK q8vadd), average pooling (QNNPACK q8avgpool / q8gavgpool): see the structs below.
 *
 * Kernel files include only <stddef.h>, <stdint.h> and intrinsics headers.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Every activation buffer handed to a kernel has this many readable bytes after its end, so
 * kernels may load whole vectors past the last channel (the extra values meet zero weights or
 * are discarded). The zero buffer used for padding has the same slack. */
#define Q8RT_EXTRA_BYTES 16

struct q8rt_conv_params {
  int32_t multiplier;        /* Q31 requantization multiplier, in [2^30, 2^31) */
  uint32_t shift;            /* right shift, in [0, 31] */
  int32_t remainder_mask;    /* (1 << shift) - 1 */
  int32_t remainder_threshold; /* remainder_mask >> 1 */
  uint8_t kernel_zero_point; /* subtracted from every packed weight byte */
  uint8_t output_zero_point;
  uint8_t output_min;
  uint8_t output_max;
};

/*
 * QNNPACK q8vadd: a and b scaled to the output with 22-bit multipliers.
 *   acc = zero_point_product + a * a_multiplier + b * b_multiplier       (uint32 products, as int32)
 *   rem = (acc & remainder_mask) - (acc < 0)
 *   y   = (acc >> shift) + (rem > remainder_threshold)
 *   out = clamp(y + output_zero_point, output_min, output_max)
 */
struct q8rt_add_params {
  int32_t zero_point_product; /* -(a_multiplier * a_zero_point + b_multiplier * b_zero_point) */
  uint32_t a_multiplier;      /* in [0, 2^22) */
  uint32_t b_multiplier;      /* in [0, 2^22) */
  uint32_t shift;             /* in [13, 31] */
  int32_t remainder_mask;
  int32_t remainder_threshold;
  uint8_t output_zero_point;
  uint8_t output_min;
  uint8_t output_max;
};

/*
 * QNNPACK average pooling (q8avgpool, q8gavgpool):
 *   n   = bias + sum of the pooled inputs,  bias = -pooling_size * input_zero_point
 *   p   = (int64_t) n * multiplier - (n < 0)
 *   y   = (int32_t) ((p + rounding) >> shift)               (arithmetic shift, rounding = 2^(shift-1))
 *   out = clamp(y, output_min - output_zero_point, output_max - output_zero_point) + output_zero_point
 */
struct q8rt_avgpool_params {
  int32_t bias;
  int32_t multiplier;        /* in [2^23, 2^24) */
  int64_t rounding;
  uint32_t shift;            /* in [16, 63] */
  uint8_t output_zero_point;
  uint8_t output_min;
  uint8_t output_max;
};
