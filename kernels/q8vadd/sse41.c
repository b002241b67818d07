/* q8vadd SSE4.1 micro-kernel: 8 elements per step, 22-bit multipliers applied as 16x16 products. */
#include <stddef.h>
#include <stdint.h>

#include <smmintrin.h>

#include "../params.h"
#include "../store-sse41.h"
#include "q8vadd.h"

void q8rt_q8vadd_ukernel__sse41(size_t n, const uint8_t* a, const uint8_t* b, uint8_t* y,
    const struct q8rt_add_params* params) {
  const __m128i vzero_point_product = _mm_set1_epi32(params->zero_point_product);
  const __m128i va_multiplier_lo = _mm_set1_epi16((short) (uint16_t) (params->a_multiplier & 0xFFFF));
  const __m128i va_multiplier_hi = _mm_set1_epi16((short) (uint16_t) (params->a_multiplier >> 16));
  const __m128i vb_multiplier_lo = _mm_set1_epi16((short) (uint16_t) (params->b_multiplier & 0xFFFF));
  const __m128i vb_multiplier_hi = _mm_set1_epi16((short) (uint16_t) (params->b_multiplier >> 16));
  const __m128i vremainder_mask = _mm_set1_epi32(params->remainder_mask);
  const __m128i vremainder_threshold = _mm_set1_epi32(params->remainder_threshold);
  const __m128i vshift = _mm_cvtsi32_si128((int) params->shift);
  const __m128i voutput_zero_point = _mm_set1_epi16((short) params->output_zero_point);
  const __m128i voutput_min = _mm_set1_epi8((char) params->output_min);
  const __m128i voutput_max = _mm_set1_epi8((char) params->output_max);

  while (n != 0) {
    const __m128i vxa = _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i*) a));
    const __m128i vxb = _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i*) b));
    /* x * m for x < 2^8, m < 2^22: low half = mullo(x, m_lo), high half = mulhi_u(x, m_lo) + x * m_hi. */
    const __m128i va_product_lo = _mm_mullo_epi16(vxa, va_multiplier_lo);
    const __m128i va_product_hi =
        _mm_add_epi16(_mm_mulhi_epu16(vxa, va_multiplier_lo), _mm_mullo_epi16(vxa, va_multiplier_hi));
    const __m128i vb_product_lo = _mm_mullo_epi16(vxb, vb_multiplier_lo);
    const __m128i vb_product_hi =
        _mm_add_epi16(_mm_mulhi_epu16(vxb, vb_multiplier_lo), _mm_mullo_epi16(vxb, vb_multiplier_hi));

    __m128i vacc_lo = _mm_add_epi32(vzero_point_product, _mm_unpacklo_epi16(va_product_lo, va_product_hi));
    __m128i vacc_hi = _mm_add_epi32(vzero_point_product, _mm_unpackhi_epi16(va_product_lo, va_product_hi));
    vacc_lo = _mm_add_epi32(vacc_lo, _mm_unpacklo_epi16(vb_product_lo, vb_product_hi));
    vacc_hi = _mm_add_epi32(vacc_hi, _mm_unpackhi_epi16(vb_product_lo, vb_product_hi));

    const __m128i vrem_lo = _mm_add_epi32(_mm_and_si128(vacc_lo, vremainder_mask), _mm_srai_epi32(vacc_lo, 31));
    const __m128i vrem_hi = _mm_add_epi32(_mm_and_si128(vacc_hi, vremainder_mask), _mm_srai_epi32(vacc_hi, 31));
    vacc_lo = _mm_sub_epi32(_mm_sra_epi32(vacc_lo, vshift), _mm_cmpgt_epi32(vrem_lo, vremainder_threshold));
    vacc_hi = _mm_sub_epi32(_mm_sra_epi32(vacc_hi, vshift), _mm_cmpgt_epi32(vrem_hi, vremainder_threshold));

    __m128i vy = _mm_adds_epi16(_mm_packs_epi32(vacc_lo, vacc_hi), voutput_zero_point);
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
