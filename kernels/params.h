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
 * TensorFlow Lite's uint8 reference kernels (docs/arithmetic.md, "TFLite requantization") are served by the
 * same struct q8rt_conv_params (q8rt_tflite_conv_params_init, src/quant/qparams.c) and by the TFLite structs at
 * the end of this file.
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

/*
 * Which rounding a requantization follows.
 *  - Q8RT_RULE_QNNPACK: the Q31 scheme above, multiplier from the float32 scale (q8rt_conv_params_init).
 *  - Q8RT_RULE_TFLITE: TensorFlow Lite's reference kernels (tensorflow/lite/kernels/internal/common.h,
 *    MultiplyByQuantizedMultiplier without TFLITE_SINGLE_ROUNDING): gemmlowp's
 *    SaturatingRoundingDoublingHighMul(acc, M) followed by RoundingDivideByPOT(., shift). For M in
 *    [2^30, 2^31) and shift in [0, 31] these are the two roundings of the Q31 scheme, bit for bit
 *    (docs/arithmetic.md), so every conv / GEMM / depthwise kernel computes it unchanged; only the multiplier
 *    differs (QuantizeMultiplier of a double, 31 significant bits; q8rt_tflite_conv_params_init).
 *  - Q8RT_RULE_TFLITE_SINGLE: TFLite built with TFLITE_SINGLE_ROUNDING:
 *    (acc * M + 2^(30 + shift)) >> (31 + shift), one rounding (half up). q8rt_tflite_conv_params_init sets
 *    struct q8rt_conv_params.single_rounding (for shift >= 1); every conv / GEMM / depthwise kernel then computes, with
 *    q = floor(acc * M / 2^31) (the Q31 product without its rounding constant), y = (q >> shift) +
 *    ((q & remainder_mask) > remainder_threshold) (half up, no negative-value adjustment) for shift >= 1, and
 *    the Q31 product with its rounding, unchanged, for shift = 0 (docs/arithmetic.md).
 */
enum q8rt_requant_rule {
  Q8RT_RULE_QNNPACK = 0,
  Q8RT_RULE_TFLITE = 1,        /* reference kernels: SaturatingRoundingDoublingHighMul then RoundingDivideByPOT */
  Q8RT_RULE_TFLITE_SINGLE = 2, /* TFLITE_SINGLE_ROUNDING */
};

struct q8rt_conv_params {
  int32_t multiplier;        /* Q31 requantization multiplier, in [2^30, 2^31) */
  uint32_t shift;            /* right shift, in [0, 31] */
  int32_t remainder_mask;    /* (1 << shift) - 1 */
  int32_t remainder_threshold; /* remainder_mask >> 1 */
  uint8_t kernel_zero_point; /* subtracted from every packed weight byte */
  uint8_t output_zero_point;
  uint8_t output_min;
  uint8_t output_max;
  uint8_t single_rounding;   /* 1: Q8RT_RULE_TFLITE_SINGLE with shift >= 1 (one rounding); 0: the Q31 scheme above
                              * (also TFLITE_SINGLE_ROUNDING's result for shift 0). The NEON kernels rely on
                              * shift >= 1 when it is set; the others accept shift 0 as well */
  uint8_t checked_fp32;      /* 0 from the init functions. Set only by a configuration's prepare_params (per session
                              * plan, src/ops/config.h): 1 = q8rt_q8requant_prepare__avx512vnni found that the AVX-512
                              * VNNI kernels' two-FMA fp32 form gives these parameters' output at every accumulator */
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
  uint8_t a_zero_point; /* the input zero points of zero_point_product, for kernels that subtract them first */
  uint8_t b_zero_point;
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

/*
 * TensorFlow Lite uint8 ADD (kernels/add.cc Prepare, reference/add.h AddElementwise), per element:
 *   a' = (a + a_offset) << left_shift                           (a_offset = -a_zero_point, left_shift = 20)
 *   sa = RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(a', a_multiplier), a_shift)   (same for b)
 *   y  = RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(sa + sb, output_multiplier), output_shift)
 *   out = clamp(y + output_zero_point, output_min, output_max)
 * Every multiplier is in [2^30, 2^31) and every shift (a right shift, -shift of TFLite) in [0, 31]: each step is
 * the Q31 requantization of struct q8rt_conv_params (q8rt_q31_mul then the remainder rule).
 * |a'| <= 255 * 2^20, |sa|, |sb| <= 255 * 2^19, |sa + sb| < 2^28: no int32 overflow anywhere.
 */
struct q8rt_tflite_add_params {
  int32_t a_offset;          /* -a_zero_point */
  int32_t b_offset;          /* -b_zero_point */
  int32_t a_multiplier;      /* input1_multiplier, in [2^30, 2^31) */
  int32_t b_multiplier;      /* input2_multiplier */
  int32_t output_multiplier; /* in [2^30, 2^31) */
  uint32_t a_shift;          /* right shift, -input1_shift, in [0, 31] */
  uint32_t b_shift;          /* -input2_shift */
  uint32_t output_shift;     /* -output_shift */
  uint32_t left_shift;       /* 20 */
  uint8_t output_zero_point;
  uint8_t output_min;        /* quantized_activation_min */
  uint8_t output_max;        /* quantized_activation_max */
  uint8_t single_rounding;   /* 1: TFLITE_SINGLE_ROUNDING: each step is (x * M + 2^(30 + shift)) >> (31 + shift) */
  const void* prepared;      /* NULL from the init function. A kernel table's vadd_tflite_prepare (src/ops/config.h)
                              * may point it at per-plan state of its own layout, made from the fields above */
};

/*
 * TensorFlow Lite uint8 SOFTMAX, reference kernel (reference/softmax.h Softmax, gemmlowp fixed point), with
 * kernels/softmax.cc Prepare: PreprocessSoftmaxScaling(beta, input_scale, kScaledDiffIntegerBits = 5) and
 * diff_min = -CalculateInputRadius(5, input_left_shift). Output scale 1/256, zero point 0.
 */
struct q8rt_tflite_softmax_params {
  int32_t input_multiplier;  /* input_beta_multiplier, in [2^30, 2^31) */
  uint32_t input_left_shift; /* input_beta_left_shift, in [0, 31] (the real multiplier is > 1) */
  int32_t diff_min;          /* inputs with x - max(x) < diff_min give 0 */
  uint32_t single_rounding;  /* 1: TFLITE_SINGLE_ROUNDING (input_multiplier <= 2^30 - 1 real, one rounding) */
};
