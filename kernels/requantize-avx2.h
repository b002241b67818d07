/*
 * AVX2 Q31 requantization shared by the AVX2 int8 micro-kernels (q8gemm, q8conv, q8dwconv), bit-exact with
 * q8rt_requantize_q31 (kernels/requantize.h) before the zero point and clamp. Include only from files compiled
 * with -mavx2.
 */
#pragma once

#include <immintrin.h>
#include <stdint.h>

#include "params.h"

/* Q31 requantization of 8 int32 up to (excluding) the output zero point:
 * q31 = (acc * multiplier + 2^30) >> 31 (exact, vpmuldq on even / odd lanes), y = sign(q31) * ((|q31| + rounding) >>> shift)
 * with rounding = (remainder_mask + 1) >> 1; |q31| + rounding <= 2^31 + 2^30 fits uint32 (logical shift). */
static inline __m256i q8rt_avx2_q31_requantize(__m256i vacc, __m256i vmultiplier, __m256i vq31_rounding,
                                               __m256i vrounding, __m128i vshift) {
  const __m256i vacc_odd = _mm256_shuffle_epi32(vacc, _MM_SHUFFLE(3, 3, 1, 1));
  const __m256i vprod_even = _mm256_add_epi64(_mm256_mul_epi32(vacc, vmultiplier), vq31_rounding);
  const __m256i vprod_odd = _mm256_add_epi64(_mm256_mul_epi32(vacc_odd, vmultiplier), vq31_rounding);
  const __m256i vq31_even = _mm256_srli_epi64(vprod_even, 31);
  const __m256i vq31_odd = _mm256_add_epi64(vprod_odd, vprod_odd);
  const __m256i vq31 = _mm256_blend_epi32(vq31_even, vq31_odd, 0xAA);
  const __m256i vabs = _mm256_srl_epi32(_mm256_add_epi32(_mm256_abs_epi32(vq31), vrounding), vshift);
  return _mm256_sign_epi32(vabs, vq31);
}

/* TFLITE_SINGLE_ROUNDING constants (params->single_rounding), built where a kernel takes that path. */
struct q8rt_avx2_single {
  __m256i multiplier, rounding, mask, threshold;
  __m128i shift;
};

static inline struct q8rt_avx2_single q8rt_avx2_single_make(int32_t multiplier, uint32_t shift) {
  struct q8rt_avx2_single q;
  const uint32_t mask = (UINT32_C(1) << shift) - 1;
  q.multiplier = _mm256_set1_epi32(multiplier);
  q.rounding = _mm256_set1_epi64x(shift == 0 ? INT64_C(0x40000000) : 0);
  q.mask = _mm256_set1_epi32((int32_t) mask);
  q.threshold = _mm256_set1_epi32((int32_t) (mask >> 1));
  q.shift = _mm_cvtsi32_si128((int) shift);
  return q;
}

static inline struct q8rt_avx2_single q8rt_avx2_single_init(const struct q8rt_conv_params* params) {
  return q8rt_avx2_single_make(params->multiplier, params->shift);
}

/* Single-rounding requantization of 8 int32 up to (excluding) the zero point, bit-exact with q8rt_single_mul_shift
 * (kernels/requantize.h): q = (acc * multiplier + rounding) >> 31 with rounding 0 (2^30 for shift 0), then
 * y = (q >> shift) + ((q & mask) > threshold), half up. */
static inline __m256i q8rt_avx2_single_requantize(__m256i vacc, const struct q8rt_avx2_single* q) {
  const __m256i vacc_odd = _mm256_shuffle_epi32(vacc, _MM_SHUFFLE(3, 3, 1, 1));
  const __m256i vprod_even = _mm256_add_epi64(_mm256_mul_epi32(vacc, q->multiplier), q->rounding);
  const __m256i vprod_odd = _mm256_add_epi64(_mm256_mul_epi32(vacc_odd, q->multiplier), q->rounding);
  const __m256i vq_even = _mm256_srli_epi64(vprod_even, 31);
  const __m256i vq_odd = _mm256_add_epi64(vprod_odd, vprod_odd);
  const __m256i vq = _mm256_blend_epi32(vq_even, vq_odd, 0xAA);
  return _mm256_sub_epi32(_mm256_sra_epi32(vq, q->shift),
                          _mm256_cmpgt_epi32(_mm256_and_si256(vq, q->mask), q->threshold));
}
