/*
 * q8vadd AVX2 micro-kernel: 32 elements per step (two groups of 16, each widened to 16 int16 in one ymm),
 * 22-bit multipliers applied as 16x16 products (vpmullw / vpmulhuw, as the SSE4.1 kernel), QNNPACK remainder
 * rounding, then in-lane packs and one vpermq to restore the element order before a 32-byte store.
 * Tail (n % 32): groups of 16 with 16-byte loads (never past n + 15, inside the Q8RT_EXTRA_BYTES contract of
 * q8vadd.h), stored in 16/8/4/2/1-byte pieces. Each group is loaded before it is stored (y may alias a or b).
 */
#include <stddef.h>
#include <stdint.h>

#include <immintrin.h>

#include "../params.h"
#include "../store-sse41.h"
#include "q8vadd.h"

struct q8rt_vadd_avx2_consts {
  __m256i zero_point_product, a_multiplier_lo, a_multiplier_hi, b_multiplier_lo, b_multiplier_hi;
  __m256i remainder_mask, remainder_threshold, output_zero_point;
  __m128i shift;
};

/* 16 elements (16 bytes at a and b) to 16 int16 y + output_zero_point (saturated), in order [0..7 | 8..15]. */
static inline __m256i q8rt_vadd_avx2_group(const uint8_t* a, const uint8_t* b, const struct q8rt_vadd_avx2_consts* k) {
  const __m256i vxa = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i*) a));
  const __m256i vxb = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i*) b));
  /* x * m for x < 2^8, m < 2^22: low half = mullo(x, m_lo), high half = mulhi_u(x, m_lo) + x * m_hi. */
  const __m256i va_product_lo = _mm256_mullo_epi16(vxa, k->a_multiplier_lo);
  const __m256i va_product_hi =
      _mm256_add_epi16(_mm256_mulhi_epu16(vxa, k->a_multiplier_lo), _mm256_mullo_epi16(vxa, k->a_multiplier_hi));
  const __m256i vb_product_lo = _mm256_mullo_epi16(vxb, k->b_multiplier_lo);
  const __m256i vb_product_hi =
      _mm256_add_epi16(_mm256_mulhi_epu16(vxb, k->b_multiplier_lo), _mm256_mullo_epi16(vxb, k->b_multiplier_hi));

  /* in-lane: lo = elements [0..3 | 8..11], hi = [4..7 | 12..15] */
  __m256i vacc_lo = _mm256_add_epi32(k->zero_point_product, _mm256_unpacklo_epi16(va_product_lo, va_product_hi));
  __m256i vacc_hi = _mm256_add_epi32(k->zero_point_product, _mm256_unpackhi_epi16(va_product_lo, va_product_hi));
  vacc_lo = _mm256_add_epi32(vacc_lo, _mm256_unpacklo_epi16(vb_product_lo, vb_product_hi));
  vacc_hi = _mm256_add_epi32(vacc_hi, _mm256_unpackhi_epi16(vb_product_lo, vb_product_hi));

  const __m256i vrem_lo =
      _mm256_add_epi32(_mm256_and_si256(vacc_lo, k->remainder_mask), _mm256_srai_epi32(vacc_lo, 31));
  const __m256i vrem_hi =
      _mm256_add_epi32(_mm256_and_si256(vacc_hi, k->remainder_mask), _mm256_srai_epi32(vacc_hi, 31));
  vacc_lo = _mm256_sub_epi32(_mm256_sra_epi32(vacc_lo, k->shift), _mm256_cmpgt_epi32(vrem_lo, k->remainder_threshold));
  vacc_hi = _mm256_sub_epi32(_mm256_sra_epi32(vacc_hi, k->shift), _mm256_cmpgt_epi32(vrem_hi, k->remainder_threshold));

  /* in-lane packs restore the order: [0..7 | 8..15] */
  return _mm256_adds_epi16(_mm256_packs_epi32(vacc_lo, vacc_hi), k->output_zero_point);
}

void q8rt_q8vadd_ukernel__avx2(size_t n, const uint8_t* a, const uint8_t* b, uint8_t* y,
    const struct q8rt_add_params* params) {
  struct q8rt_vadd_avx2_consts k;
  k.zero_point_product = _mm256_set1_epi32(params->zero_point_product);
  k.a_multiplier_lo = _mm256_set1_epi16((short) (uint16_t) (params->a_multiplier & 0xFFFF));
  k.a_multiplier_hi = _mm256_set1_epi16((short) (uint16_t) (params->a_multiplier >> 16));
  k.b_multiplier_lo = _mm256_set1_epi16((short) (uint16_t) (params->b_multiplier & 0xFFFF));
  k.b_multiplier_hi = _mm256_set1_epi16((short) (uint16_t) (params->b_multiplier >> 16));
  k.remainder_mask = _mm256_set1_epi32(params->remainder_mask);
  k.remainder_threshold = _mm256_set1_epi32(params->remainder_threshold);
  k.shift = _mm_cvtsi32_si128((int) params->shift);
  k.output_zero_point = _mm256_set1_epi16((short) params->output_zero_point);
  const __m256i voutput_min = _mm256_set1_epi8((char) params->output_min);
  const __m256i voutput_max = _mm256_set1_epi8((char) params->output_max);

  for (; n >= 32; n -= 32) {
    const __m256i vy0 = q8rt_vadd_avx2_group(a, b, &k);
    const __m256i vy1 = q8rt_vadd_avx2_group(a + 16, b + 16, &k);
    /* packus: [0..7, 16..23 | 8..15, 24..31] -> vpermq -> [0..15 | 16..31] */
    __m256i vy = _mm256_permute4x64_epi64(_mm256_packus_epi16(vy0, vy1), _MM_SHUFFLE(3, 1, 2, 0));
    vy = _mm256_min_epu8(_mm256_max_epu8(vy, voutput_min), voutput_max);
    _mm256_storeu_si256((__m256i*) y, vy);
    a += 32;
    b += 32;
    y += 32;
  }
  while (n != 0) {
    const __m256i vy16 = q8rt_vadd_avx2_group(a, b, &k);
    __m128i vy = _mm_packus_epi16(_mm256_castsi256_si128(vy16), _mm256_extracti128_si256(vy16, 1));
    vy = _mm_min_epu8(_mm_max_epu8(vy, _mm256_castsi256_si128(voutput_min)), _mm256_castsi256_si128(voutput_max));
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
