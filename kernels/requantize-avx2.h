/*
 * AVX2 Q31 requantization shared by the AVX2 int8 micro-kernels (q8gemm, q8conv, q8dwconv), bit-exact with
 * q8rt_requantize_q31 (kernels/requantize.h) before the zero point and clamp. Include only from files compiled
 * with -mavx2.
 */
#pragma once

#include <immintrin.h>
#include <stdint.h>

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
