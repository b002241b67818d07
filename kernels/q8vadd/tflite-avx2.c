/*
 * TFLite uint8 ADD, AVX2 micro-kernel: 16 elements per step, as two groups of 8 int32 lanes. The three
 * multiplications of reference/add.h are the Q31 requantization q8rt_avx2_q31_requantize
 * (kernels/requantize-avx2.h; docs/arithmetic.md, "TFLite requantization"), or with params->single_rounding
 * q8rt_avx2_single_requantize. Tail: the same step with a partial
 * store (16-byte loads never pass n + 15, inside the Q8RT_EXTRA_BYTES contract). Twin: tflite-scalar.c.
 * y may alias a or b (each step loads before it stores).
 */
#include <stddef.h>
#include <stdint.h>

#include <immintrin.h>

#include "../params.h"
#include "../requantize-avx2.h"
#include "../store-sse41.h"
#include "q8vadd.h"

struct q8rt_vadd_tflite_avx2_q31 {
  __m256i multiplier, rounding;
  __m128i shift;
};

static inline struct q8rt_vadd_tflite_avx2_q31 q8rt_vadd_tflite_avx2_q31_init(int32_t multiplier, uint32_t shift) {
  struct q8rt_vadd_tflite_avx2_q31 q;
  q.multiplier = _mm256_set1_epi32(multiplier);
  q.rounding = _mm256_set1_epi32(shift == 0 ? 0 : (int) (UINT32_C(1) << (shift - 1)));
  q.shift = _mm_cvtsi32_si128((int) shift);
  return q;
}

static inline __m256i q8rt_vadd_tflite_avx2_mul(__m256i vx, const struct q8rt_vadd_tflite_avx2_q31* q,
                                                __m256i vq31_rounding) {
  return q8rt_avx2_q31_requantize(vx, q->multiplier, vq31_rounding, q->rounding, q->shift);
}

void q8rt_q8vadd_tflite_ukernel__avx2(size_t n, const uint8_t* a, const uint8_t* b, uint8_t* y,
    const struct q8rt_tflite_add_params* params) {
  const struct q8rt_vadd_tflite_avx2_q31 qa = q8rt_vadd_tflite_avx2_q31_init(params->a_multiplier, params->a_shift);
  const struct q8rt_vadd_tflite_avx2_q31 qb = q8rt_vadd_tflite_avx2_q31_init(params->b_multiplier, params->b_shift);
  const struct q8rt_vadd_tflite_avx2_q31 qo =
      q8rt_vadd_tflite_avx2_q31_init(params->output_multiplier, params->output_shift);
  const __m256i vq31_rounding = _mm256_set1_epi64x(INT64_C(0x40000000));
  /* TFLITE_SINGLE_ROUNDING (params->single_rounding): q8rt_avx2_single_requantize, one branch per 16 elements */
  const int single = params->single_rounding != 0;
  const struct q8rt_avx2_single sa = q8rt_avx2_single_make(params->a_multiplier, params->a_shift);
  const struct q8rt_avx2_single sb = q8rt_avx2_single_make(params->b_multiplier, params->b_shift);
  const struct q8rt_avx2_single so = q8rt_avx2_single_make(params->output_multiplier, params->output_shift);
  const __m256i va_offset = _mm256_set1_epi32(params->a_offset);
  const __m256i vb_offset = _mm256_set1_epi32(params->b_offset);
  const __m128i vleft_shift = _mm_cvtsi32_si128((int) params->left_shift);
  const __m256i voutput_zero_point = _mm256_set1_epi16((short) params->output_zero_point);
  const __m128i voutput_min = _mm_set1_epi8((char) params->output_min);
  const __m128i voutput_max = _mm_set1_epi8((char) params->output_max);

  while (n != 0) {
    const __m128i va16 = _mm_loadu_si128((const __m128i*) a);
    const __m128i vb16 = _mm_loadu_si128((const __m128i*) b);
    /* (x - zp) << 20 for elements 0..7 (lo) and 8..15 (hi) */
    const __m256i vxa_lo = _mm256_sll_epi32(_mm256_add_epi32(_mm256_cvtepu8_epi32(va16), va_offset), vleft_shift);
    const __m256i vxa_hi = _mm256_sll_epi32(
        _mm256_add_epi32(_mm256_cvtepu8_epi32(_mm_unpackhi_epi64(va16, va16)), va_offset), vleft_shift);
    const __m256i vxb_lo = _mm256_sll_epi32(_mm256_add_epi32(_mm256_cvtepu8_epi32(vb16), vb_offset), vleft_shift);
    const __m256i vxb_hi = _mm256_sll_epi32(
        _mm256_add_epi32(_mm256_cvtepu8_epi32(_mm_unpackhi_epi64(vb16, vb16)), vb_offset), vleft_shift);
    __m256i vy_lo, vy_hi;
    if (single) {
      const __m256i vsum_lo =
          _mm256_add_epi32(q8rt_avx2_single_requantize(vxa_lo, &sa), q8rt_avx2_single_requantize(vxb_lo, &sb));
      const __m256i vsum_hi =
          _mm256_add_epi32(q8rt_avx2_single_requantize(vxa_hi, &sa), q8rt_avx2_single_requantize(vxb_hi, &sb));
      vy_lo = q8rt_avx2_single_requantize(vsum_lo, &so);
      vy_hi = q8rt_avx2_single_requantize(vsum_hi, &so);
    } else {
      const __m256i vsum_lo = _mm256_add_epi32(q8rt_vadd_tflite_avx2_mul(vxa_lo, &qa, vq31_rounding),
                                               q8rt_vadd_tflite_avx2_mul(vxb_lo, &qb, vq31_rounding));
      const __m256i vsum_hi = _mm256_add_epi32(q8rt_vadd_tflite_avx2_mul(vxa_hi, &qa, vq31_rounding),
                                               q8rt_vadd_tflite_avx2_mul(vxb_hi, &qb, vq31_rounding));
      vy_lo = q8rt_vadd_tflite_avx2_mul(vsum_lo, &qo, vq31_rounding);
      vy_hi = q8rt_vadd_tflite_avx2_mul(vsum_hi, &qo, vq31_rounding);
    }

    /* packs (in-lane): qwords [0..3, 8..11 | 4..7, 12..15] -> vpermq -> [0..7 | 8..15] */
    const __m256i vy16 = _mm256_adds_epi16(
        _mm256_permute4x64_epi64(_mm256_packs_epi32(vy_lo, vy_hi), _MM_SHUFFLE(3, 1, 2, 0)), voutput_zero_point);
    __m128i vy = _mm_packus_epi16(_mm256_castsi256_si128(vy16), _mm256_extracti128_si256(vy16, 1));
    vy = _mm_min_epu8(_mm_max_epu8(vy, voutput_min), voutput_max);

    if (n >= 16) {
      _mm_storeu_si128((__m128i*) y, vy);
      a += 16;
      b += 16;
      y += 16;
      n -= 16;
    } else {
      q8rt_store_u8_lt16_sse41(y, vy, n);
      n = 0;
    }
  }
}
