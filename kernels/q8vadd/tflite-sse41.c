/*
 * TFLite uint8 ADD, SSE4.1 micro-kernel: 8 elements per step. Each of the three multiplications of
 * reference/add.h (input1, input2, output) is RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x, M), s),
 * which is the Q31 requantization q8rt_sse41_q31_requantize (kernels/requantize.h; docs/arithmetic.md, "TFLite
 * requantization"); with params->single_rounding, q8rt_sse41_single_requantize. Twin: tflite-scalar.c. y may alias a or b (each step loads before it stores).
 */
#include <stddef.h>
#include <stdint.h>

#include <smmintrin.h>

#include "../params.h"
#include "../requantize.h"
#include "../store-sse41.h"
#include "q8vadd.h"

struct q8rt_vadd_tflite_sse41_q31 {
  __m128i multiplier, mask, threshold, shift;
};

static inline struct q8rt_vadd_tflite_sse41_q31 q8rt_vadd_tflite_sse41_q31_init(int32_t multiplier, uint32_t shift) {
  struct q8rt_vadd_tflite_sse41_q31 q;
  const uint32_t mask = (UINT32_C(1) << shift) - 1;
  q.multiplier = _mm_set1_epi32(multiplier);
  q.mask = _mm_set1_epi32((int) mask);
  q.threshold = _mm_set1_epi32((int) (mask >> 1));
  q.shift = _mm_cvtsi32_si128((int) shift);
  return q;
}

static inline __m128i q8rt_vadd_tflite_sse41_mul(__m128i vx, const struct q8rt_vadd_tflite_sse41_q31* q,
                                                 __m128i vrounding) {
  return q8rt_sse41_q31_requantize(vx, q->multiplier, vrounding, q->mask, q->threshold, q->shift);
}

void q8rt_q8vadd_tflite_ukernel__sse41(size_t n, const uint8_t* a, const uint8_t* b, uint8_t* y,
    const struct q8rt_tflite_add_params* params) {
  const struct q8rt_vadd_tflite_sse41_q31 qa = q8rt_vadd_tflite_sse41_q31_init(params->a_multiplier, params->a_shift);
  const struct q8rt_vadd_tflite_sse41_q31 qb = q8rt_vadd_tflite_sse41_q31_init(params->b_multiplier, params->b_shift);
  const struct q8rt_vadd_tflite_sse41_q31 qo =
      q8rt_vadd_tflite_sse41_q31_init(params->output_multiplier, params->output_shift);
  const __m128i vrounding = _mm_set1_epi64x(INT64_C(0x40000000));
  /* TFLITE_SINGLE_ROUNDING (params->single_rounding): q8rt_sse41_single_requantize, one branch per 8 elements */
  const int single = params->single_rounding != 0;
  const struct q8rt_sse41_single sa = q8rt_sse41_single_make(params->a_multiplier, params->a_shift);
  const struct q8rt_sse41_single sb = q8rt_sse41_single_make(params->b_multiplier, params->b_shift);
  const struct q8rt_sse41_single so = q8rt_sse41_single_make(params->output_multiplier, params->output_shift);
  const __m128i va_offset = _mm_set1_epi32(params->a_offset);
  const __m128i vb_offset = _mm_set1_epi32(params->b_offset);
  const __m128i vleft_shift = _mm_cvtsi32_si128((int) params->left_shift);
  const __m128i voutput_zero_point = _mm_set1_epi16((short) params->output_zero_point);
  const __m128i voutput_min = _mm_set1_epi8((char) params->output_min);
  const __m128i voutput_max = _mm_set1_epi8((char) params->output_max);

  while (n != 0) {
    const __m128i va8 = _mm_loadl_epi64((const __m128i*) a);
    const __m128i vb8 = _mm_loadl_epi64((const __m128i*) b);
    /* (x - zp) << 20, |x - zp| <= 255 */
    const __m128i vxa_lo = _mm_sll_epi32(_mm_add_epi32(_mm_cvtepu8_epi32(va8), va_offset), vleft_shift);
    const __m128i vxa_hi = _mm_sll_epi32(_mm_add_epi32(_mm_cvtepu8_epi32(_mm_srli_epi64(va8, 32)), va_offset), vleft_shift);
    const __m128i vxb_lo = _mm_sll_epi32(_mm_add_epi32(_mm_cvtepu8_epi32(vb8), vb_offset), vleft_shift);
    const __m128i vxb_hi = _mm_sll_epi32(_mm_add_epi32(_mm_cvtepu8_epi32(_mm_srli_epi64(vb8, 32)), vb_offset), vleft_shift);
    __m128i vy_lo, vy_hi;
    if (single) {
      const __m128i vsum_lo =
          _mm_add_epi32(q8rt_sse41_single_requantize(vxa_lo, &sa), q8rt_sse41_single_requantize(vxb_lo, &sb));
      const __m128i vsum_hi =
          _mm_add_epi32(q8rt_sse41_single_requantize(vxa_hi, &sa), q8rt_sse41_single_requantize(vxb_hi, &sb));
      vy_lo = q8rt_sse41_single_requantize(vsum_lo, &so);
      vy_hi = q8rt_sse41_single_requantize(vsum_hi, &so);
    } else {
      const __m128i vsum_lo = _mm_add_epi32(q8rt_vadd_tflite_sse41_mul(vxa_lo, &qa, vrounding),
                                            q8rt_vadd_tflite_sse41_mul(vxb_lo, &qb, vrounding));
      const __m128i vsum_hi = _mm_add_epi32(q8rt_vadd_tflite_sse41_mul(vxa_hi, &qa, vrounding),
                                            q8rt_vadd_tflite_sse41_mul(vxb_hi, &qb, vrounding));
      vy_lo = q8rt_vadd_tflite_sse41_mul(vsum_lo, &qo, vrounding);
      vy_hi = q8rt_vadd_tflite_sse41_mul(vsum_hi, &qo, vrounding);
    }

    /* saturating packs then the zero point: equal to clamp(y + zp) as in the other q8 kernels */
    __m128i vy = _mm_adds_epi16(_mm_packs_epi32(vy_lo, vy_hi), voutput_zero_point);
    vy = _mm_packus_epi16(vy, vy);
    vy = _mm_min_epu8(_mm_max_epu8(vy, voutput_min), voutput_max);

    if (n >= 8) {
      _mm_storel_epi64((__m128i*) y, vy);
      a += 8;
      b += 8;
      y += 8;
      n -= 8;
    } else {
      q8rt_store_u8_lt16_sse41(y, vy, n);
      n = 0;
    }
  }
}
