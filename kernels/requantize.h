/*
 * Scalar requantization helpers shared by the scalar micro-kernels (and usable by tests / ops).
 * Exactly the formulas of kernels/params.h (QNNPACK). No libc, no UB: intermediate sums that the
 * vector kernels compute with 32-bit wrap-around are computed here in uint32 and converted.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "params.h"

/* Arithmetic right shift of an int32 (gcc/clang: >> on negative values is arithmetic). */
static inline int32_t q8rt_asr_s32(int32_t x, uint32_t n) { return x >> n; }
static inline int64_t q8rt_asr_s64(int64_t x, uint32_t n) { return x >> n; }

/* Q31 fixed-point multiply: (acc * multiplier + 2^30) >> 31, exact. */
static inline int32_t q8rt_q31_mul(int32_t acc, int32_t multiplier) {
  const int64_t product = (int64_t) acc * (int64_t) multiplier;
  return (int32_t) q8rt_asr_s64(product + INT64_C(0x40000000), 31);
}

/* TFLITE_SINGLE_ROUNDING's MultiplyByQuantizedMultiplier for a right shift (multiplier in [0, 2^31), shift in
 * [0, 31]): (x * multiplier + 2^(30 + shift)) >> (31 + shift), computed as the kernels do: q = floor(x * multiplier /
 * 2^31) (the Q31 product without its rounding constant), then q / 2^shift rounded half up, (q >> shift) +
 * ((q & mask) > mask >> 1) (nested floors of integer quotients merge); shift 0 is the rounded Q31 product. */
static inline int32_t q8rt_single_mul_shift(int32_t x, int32_t multiplier, uint32_t shift) {
  const int64_t product = (int64_t) x * (int64_t) multiplier;
  if (shift == 0) return (int32_t) q8rt_asr_s64(product + INT64_C(0x40000000), 31);
  const int32_t q = (int32_t) q8rt_asr_s64(product, 31);
  const int32_t mask = (int32_t) ((UINT32_C(1) << shift) - 1);
  return q8rt_asr_s32(q, shift) + (int32_t) ((q & mask) > (mask >> 1));
}

/* Q31 requantization of an int32 accumulator (convolution / GEMM / depthwise): QNNPACK's two roundings (also
 * TFLite's default build), or TFLITE_SINGLE_ROUNDING's one when params->single_rounding is set. */
static inline uint8_t q8rt_requantize_q31(int32_t acc, const struct q8rt_conv_params* params) {
  int32_t y;
  if (params->single_rounding) {
    y = q8rt_single_mul_shift(acc, params->multiplier, params->shift);
  } else {
    const int32_t q31 = q8rt_q31_mul(acc, params->multiplier);
    const int32_t rem = (q31 & params->remainder_mask) - (int32_t) (q31 < 0);
    y = q8rt_asr_s32(q31, params->shift) + (int32_t) (rem > params->remainder_threshold);
  }
  int64_t out = (int64_t) y + (int64_t) params->output_zero_point;
  if (out < (int64_t) params->output_min) out = params->output_min;
  if (out > (int64_t) params->output_max) out = params->output_max;
  return (uint8_t) out;
}

/* QNNPACK q8vadd quantization of one pair of inputs. */
static inline uint8_t q8rt_add_quantize(uint8_t a, uint8_t b, const struct q8rt_add_params* params) {
  const uint32_t uacc = (uint32_t) params->zero_point_product + (uint32_t) a * params->a_multiplier +
                        (uint32_t) b * params->b_multiplier;
  const int32_t acc = (int32_t) uacc;
  const int32_t rem = (acc & params->remainder_mask) - (int32_t) (acc < 0);
  const int32_t y = q8rt_asr_s32(acc, params->shift) + (int32_t) (rem > params->remainder_threshold);
  int64_t out = (int64_t) y + (int64_t) params->output_zero_point;
  if (out < (int64_t) params->output_min) out = params->output_min;
  if (out > (int64_t) params->output_max) out = params->output_max;
  return (uint8_t) out;
}

/* QNNPACK average-pooling quantization of n = bias + sum. */
static inline uint8_t q8rt_avgpool_quantize(int32_t n, const struct q8rt_avgpool_params* params) {
  const int64_t product = (int64_t) n * (int64_t) params->multiplier - (int64_t) (n < 0);
  const int32_t y = (int32_t) q8rt_asr_s64(product + params->rounding, params->shift);
  const int32_t lo = (int32_t) params->output_min - (int32_t) params->output_zero_point;
  const int32_t hi = (int32_t) params->output_max - (int32_t) params->output_zero_point;
  int32_t v = y;
  if (v < lo) v = lo;
  if (v > hi) v = hi;
  return (uint8_t) (v + (int32_t) params->output_zero_point);
}

/* Q31 multiply then divide by 2^shift rounding half away from zero (shift in [0, 31]): TFLite's
 * RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x, multiplier), shift) for multiplier in [0, 2^31)
 * (docs/arithmetic.md, "TFLite requantization"). */
static inline int32_t q8rt_q31_mul_shift(int32_t x, int32_t multiplier, uint32_t shift) {
  const int32_t q31 = q8rt_q31_mul(x, multiplier);
  const int32_t mask = (int32_t) ((UINT32_C(1) << shift) - 1);
  const int32_t rem = (q31 & mask) - (int32_t) (q31 < 0);
  return q8rt_asr_s32(q31, shift) + (int32_t) (rem > (mask >> 1));
}

/* TFLite uint8 ADD of one pair of inputs (reference/add.h AddElementwise; struct q8rt_tflite_add_params). */
static inline uint8_t q8rt_tflite_add_quantize(uint8_t a, uint8_t b, const struct q8rt_tflite_add_params* params) {
  /* |a + offset| <= 255: the left shift by 20 stays below 2^28 (as uint32 then int32, no signed overflow) */
  const int32_t xa = (int32_t) ((uint32_t) ((int32_t) a + params->a_offset) << params->left_shift);
  const int32_t xb = (int32_t) ((uint32_t) ((int32_t) b + params->b_offset) << params->left_shift);
  int32_t y;
  if (params->single_rounding) {
    const int32_t sa = q8rt_single_mul_shift(xa, params->a_multiplier, params->a_shift);
    const int32_t sb = q8rt_single_mul_shift(xb, params->b_multiplier, params->b_shift);
    y = q8rt_single_mul_shift(sa + sb, params->output_multiplier, params->output_shift);
  } else {
    const int32_t sa = q8rt_q31_mul_shift(xa, params->a_multiplier, params->a_shift);
    const int32_t sb = q8rt_q31_mul_shift(xb, params->b_multiplier, params->b_shift);
    y = q8rt_q31_mul_shift(sa + sb, params->output_multiplier, params->output_shift);
  }
  int64_t out = (int64_t) y + (int64_t) params->output_zero_point;
  if (out < (int64_t) params->output_min) out = params->output_min;
  if (out > (int64_t) params->output_max) out = params->output_max;
  return (uint8_t) out;
}

#if defined(__SSE4_1__)
#include <smmintrin.h>

/* Vector Q31 requantization of 4 int32 accumulators up to (but excluding) the zero point:
 *   q31 = (acc * multiplier + 2^30) >> 31 (exact, via pmuldq on even/odd lanes),
 *   y   = (q31 >> shift) + ((q31 & mask) - (q31 < 0) > threshold).
 * vmultiplier: multiplier in every 32-bit lane; vrounding: 2^30 in both 64-bit lanes;
 * vshift: shift in the low 64 bits. Bit-exact with q8rt_requantize_q31 before the clamp. */
static inline __m128i q8rt_sse41_q31_requantize(__m128i vacc, __m128i vmultiplier, __m128i vrounding,
                                                __m128i vremainder_mask, __m128i vremainder_threshold,
                                                __m128i vshift) {
  const __m128i vacc_odd = _mm_shuffle_epi32(vacc, _MM_SHUFFLE(3, 3, 1, 1));
  const __m128i vprod_even = _mm_add_epi64(_mm_mul_epi32(vacc, vmultiplier), vrounding);
  const __m128i vprod_odd = _mm_add_epi64(_mm_mul_epi32(vacc_odd, vmultiplier), vrounding);
  const __m128i vq31_even = _mm_srli_epi64(vprod_even, 31);
  const __m128i vq31_odd = _mm_add_epi64(vprod_odd, vprod_odd);
  const __m128i vq31 = _mm_blend_epi16(vq31_even, vq31_odd, 0xCC);
  const __m128i vrem = _mm_add_epi32(_mm_and_si128(vq31, vremainder_mask), _mm_srai_epi32(vq31, 31));
  return _mm_sub_epi32(_mm_sra_epi32(vq31, vshift), _mm_cmpgt_epi32(vrem, vremainder_threshold));
}

/* TFLITE_SINGLE_ROUNDING constants (params->single_rounding), built where a kernel takes that path. */
struct q8rt_sse41_single {
  __m128i multiplier, rounding, mask, threshold, shift;
};

static inline struct q8rt_sse41_single q8rt_sse41_single_make(int32_t multiplier, uint32_t shift) {
  struct q8rt_sse41_single q;
  const uint32_t mask = (UINT32_C(1) << shift) - 1;
  q.multiplier = _mm_set1_epi32(multiplier);
  q.rounding = _mm_set1_epi64x(shift == 0 ? INT64_C(0x40000000) : 0);
  q.mask = _mm_set1_epi32((int32_t) mask);
  q.threshold = _mm_set1_epi32((int32_t) (mask >> 1));
  q.shift = _mm_cvtsi32_si128((int) shift);
  return q;
}

static inline struct q8rt_sse41_single q8rt_sse41_single_init(const struct q8rt_conv_params* params) {
  return q8rt_sse41_single_make(params->multiplier, params->shift);
}

/* Single-rounding requantization of 4 int32 accumulators up to (excluding) the zero point, bit-exact with
 * q8rt_single_mul_shift: q = (acc * multiplier + rounding) >> 31 with rounding 0 (2^30 for shift 0), then
 * y = (q >> shift) + ((q & mask) > threshold), half up (shift 0: mask = threshold = 0, y = q). */
static inline __m128i q8rt_sse41_single_requantize(__m128i vacc, const struct q8rt_sse41_single* q) {
  const __m128i vacc_odd = _mm_shuffle_epi32(vacc, _MM_SHUFFLE(3, 3, 1, 1));
  const __m128i vprod_even = _mm_add_epi64(_mm_mul_epi32(vacc, q->multiplier), q->rounding);
  const __m128i vprod_odd = _mm_add_epi64(_mm_mul_epi32(vacc_odd, q->multiplier), q->rounding);
  const __m128i vq_even = _mm_srli_epi64(vprod_even, 31);
  const __m128i vq_odd = _mm_add_epi64(vprod_odd, vprod_odd);
  const __m128i vq = _mm_blend_epi16(vq_even, vq_odd, 0xCC);
  return _mm_sub_epi32(_mm_sra_epi32(vq, q->shift), _mm_cmpgt_epi32(_mm_and_si128(vq, q->mask), q->threshold));
}
#endif
