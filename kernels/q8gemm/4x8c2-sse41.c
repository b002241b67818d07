/*
 * q8gemm 4x8c2 SSE4.1 micro-kernel.
 * Per 8 k: 4 A loads + 4 pmovzxbw, 4 B loads (16 B = 8 columns x 2 k) widened to 2 x 8 int16 minus the
 * kernel zero point, then for each of the 4 k-pairs and 4 rows: pshufd broadcast of the A pair and
 * 2 pmaddwd + 2 paddd into 8 int32 accumulators (4 rows x 2 x 4 columns).
 */
#include <stddef.h>
#include <stdint.h>

#include <smmintrin.h>

#include "../layout.h"
#include "../params.h"
#include "../requantize.h"
#include "q8gemm.h"

#define Q8RT_MADD_PAIR(imm, vxb_lo, vxb_hi)                                                          \
  do {                                                                                                \
    const __m128i vxa0p = _mm_shuffle_epi32(vxa0, (imm));                                             \
    vacc0x0123 = _mm_add_epi32(vacc0x0123, _mm_madd_epi16(vxa0p, vxb_lo));                           \
    vacc0x4567 = _mm_add_epi32(vacc0x4567, _mm_madd_epi16(vxa0p, vxb_hi));                           \
    const __m128i vxa1p = _mm_shuffle_epi32(vxa1, (imm));                                             \
    vacc1x0123 = _mm_add_epi32(vacc1x0123, _mm_madd_epi16(vxa1p, vxb_lo));                           \
    vacc1x4567 = _mm_add_epi32(vacc1x4567, _mm_madd_epi16(vxa1p, vxb_hi));                           \
    const __m128i vxa2p = _mm_shuffle_epi32(vxa2, (imm));                                             \
    vacc2x0123 = _mm_add_epi32(vacc2x0123, _mm_madd_epi16(vxa2p, vxb_lo));                           \
    vacc2x4567 = _mm_add_epi32(vacc2x4567, _mm_madd_epi16(vxa2p, vxb_hi));                           \
    const __m128i vxa3p = _mm_shuffle_epi32(vxa3, (imm));                                             \
    vacc3x0123 = _mm_add_epi32(vacc3x0123, _mm_madd_epi16(vxa3p, vxb_lo));                           \
    vacc3x4567 = _mm_add_epi32(vacc3x4567, _mm_madd_epi16(vxa3p, vxb_hi));                           \
  } while (0)

#define Q8RT_LOAD_B(off, vxb_lo, vxb_hi)                                                              \
  const __m128i vxb_lo = _mm_sub_epi16(_mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i*) (w + (off)))), \
                                       vkernel_zero_point);                                           \
  const __m128i vxb_hi = _mm_sub_epi16(_mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i*) (w + (off) + 8))), \
                                       vkernel_zero_point)

void q8rt_q8gemm_ukernel_4x8c2__sse41(size_t mr, size_t nr, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const uint8_t* w = (const uint8_t*) packed_w;
  __m128i vacc0x0123 = _mm_loadu_si128((const __m128i*) w);
  __m128i vacc0x4567 = _mm_loadu_si128((const __m128i*) (w + 16));
  __m128i vacc1x0123 = vacc0x0123;
  __m128i vacc1x4567 = vacc0x4567;
  __m128i vacc2x0123 = vacc0x0123;
  __m128i vacc2x4567 = vacc0x4567;
  __m128i vacc3x0123 = vacc0x0123;
  __m128i vacc3x4567 = vacc0x4567;
  w += 32;

  const uint8_t* a0 = a;
  const uint8_t* a1 = mr < 2 ? a0 : a0 + a_stride;
  const uint8_t* a2 = mr <= 2 ? a1 : a1 + a_stride;
  const uint8_t* a3 = mr != 4 ? a2 : a2 + a_stride;

  const __m128i vkernel_zero_point = _mm_set1_epi16((short) params->kernel_zero_point);

  size_t kk = k;
  for (; kk >= 8; kk -= 8) {
    const __m128i vxa0 = _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i*) a0));
    const __m128i vxa1 = _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i*) a1));
    const __m128i vxa2 = _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i*) a2));
    const __m128i vxa3 = _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i*) a3));
    a0 += 8;
    a1 += 8;
    a2 += 8;
    a3 += 8;

    Q8RT_LOAD_B(0, vxb0_lo, vxb0_hi);
    Q8RT_MADD_PAIR(_MM_SHUFFLE(0, 0, 0, 0), vxb0_lo, vxb0_hi);
    Q8RT_LOAD_B(16, vxb1_lo, vxb1_hi);
    Q8RT_MADD_PAIR(_MM_SHUFFLE(1, 1, 1, 1), vxb1_lo, vxb1_hi);
    Q8RT_LOAD_B(32, vxb2_lo, vxb2_hi);
    Q8RT_MADD_PAIR(_MM_SHUFFLE(2, 2, 2, 2), vxb2_lo, vxb2_hi);
    Q8RT_LOAD_B(48, vxb3_lo, vxb3_hi);
    Q8RT_MADD_PAIR(_MM_SHUFFLE(3, 3, 3, 3), vxb3_lo, vxb3_hi);
    w += 64;
  }
  if (kk != 0) {
    /* 1..7 remaining k: A rows are readable past k (the padded weights equal the zero point). */
    const __m128i vxa0 = _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i*) a0));
    const __m128i vxa1 = _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i*) a1));
    const __m128i vxa2 = _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i*) a2));
    const __m128i vxa3 = _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i*) a3));

    Q8RT_LOAD_B(0, vxb0_lo, vxb0_hi);
    Q8RT_MADD_PAIR(_MM_SHUFFLE(0, 0, 0, 0), vxb0_lo, vxb0_hi);
    w += 16;
    if (kk > 2) {
      Q8RT_LOAD_B(0, vxb1_lo, vxb1_hi);
      Q8RT_MADD_PAIR(_MM_SHUFFLE(1, 1, 1, 1), vxb1_lo, vxb1_hi);
      w += 16;
      if (kk > 4) {
        Q8RT_LOAD_B(0, vxb2_lo, vxb2_hi);
        Q8RT_MADD_PAIR(_MM_SHUFFLE(2, 2, 2, 2), vxb2_lo, vxb2_hi);
        w += 16;
        if (kk > 6) {
          Q8RT_LOAD_B(0, vxb3_lo, vxb3_hi);
          Q8RT_MADD_PAIR(_MM_SHUFFLE(3, 3, 3, 3), vxb3_lo, vxb3_hi);
        }
      }
    }
  }

  const __m128i vmultiplier = _mm_set1_epi32(params->multiplier);
  const __m128i vrounding = _mm_set1_epi64x(INT64_C(0x40000000));
  const __m128i vremainder_mask = _mm_set1_epi32(params->remainder_mask);
  const __m128i vremainder_threshold = _mm_set1_epi32(params->remainder_threshold);
  const __m128i vshift = _mm_cvtsi32_si128((int) params->shift);
  vacc0x0123 = q8rt_sse41_q31_requantize(vacc0x0123, vmultiplier, vrounding, vremainder_mask, vremainder_threshold, vshift);
  vacc0x4567 = q8rt_sse41_q31_requantize(vacc0x4567, vmultiplier, vrounding, vremainder_mask, vremainder_threshold, vshift);
  vacc1x0123 = q8rt_sse41_q31_requantize(vacc1x0123, vmultiplier, vrounding, vremainder_mask, vremainder_threshold, vshift);
  vacc1x4567 = q8rt_sse41_q31_requantize(vacc1x4567, vmultiplier, vrounding, vremainder_mask, vremainder_threshold, vshift);
  vacc2x0123 = q8rt_sse41_q31_requantize(vacc2x0123, vmultiplier, vrounding, vremainder_mask, vremainder_threshold, vshift);
  vacc2x4567 = q8rt_sse41_q31_requantize(vacc2x4567, vmultiplier, vrounding, vremainder_mask, vremainder_threshold, vshift);
  vacc3x0123 = q8rt_sse41_q31_requantize(vacc3x0123, vmultiplier, vrounding, vremainder_mask, vremainder_threshold, vshift);
  vacc3x4567 = q8rt_sse41_q31_requantize(vacc3x4567, vmultiplier, vrounding, vremainder_mask, vremainder_threshold, vshift);

  const __m128i voutput_zero_point = _mm_set1_epi16((short) params->output_zero_point);
  const __m128i vout0 = _mm_adds_epi16(_mm_packs_epi32(vacc0x0123, vacc0x4567), voutput_zero_point);
  const __m128i vout1 = _mm_adds_epi16(_mm_packs_epi32(vacc1x0123, vacc1x4567), voutput_zero_point);
  const __m128i vout2 = _mm_adds_epi16(_mm_packs_epi32(vacc2x0123, vacc2x4567), voutput_zero_point);
  const __m128i vout3 = _mm_adds_epi16(_mm_packs_epi32(vacc3x0123, vacc3x4567), voutput_zero_point);
  const __m128i voutput_min = _mm_set1_epi8((char) params->output_min);
  const __m128i voutput_max = _mm_set1_epi8((char) params->output_max);
  __m128i vout01 = _mm_min_epu8(_mm_max_epu8(_mm_packus_epi16(vout0, vout1), voutput_min), voutput_max);
  __m128i vout23 = _mm_min_epu8(_mm_max_epu8(_mm_packus_epi16(vout2, vout3), voutput_min), voutput_max);

  /* Rows past mr alias the previous row (same values); store from row 3 down to row 0. */
  uint8_t* c0 = c;
  uint8_t* c1 = mr < 2 ? c0 : c0 + c_stride;
  uint8_t* c2 = mr <= 2 ? c1 : c1 + c_stride;
  uint8_t* c3 = mr != 4 ? c2 : c2 + c_stride;
  if (nr == 8) {
    _mm_storel_epi64((__m128i*) c3, _mm_unpackhi_epi64(vout23, vout23));
    _mm_storel_epi64((__m128i*) c2, vout23);
    _mm_storel_epi64((__m128i*) c1, _mm_unpackhi_epi64(vout01, vout01));
    _mm_storel_epi64((__m128i*) c0, vout01);
  } else {
    if (nr & 4) {
      uint32_t v3 = (uint32_t) _mm_extract_epi32(vout23, 2);
      uint32_t v2 = (uint32_t) _mm_cvtsi128_si32(vout23);
      uint32_t v1 = (uint32_t) _mm_extract_epi32(vout01, 2);
      uint32_t v0 = (uint32_t) _mm_cvtsi128_si32(vout01);
      __builtin_memcpy(c3, &v3, 4);
      __builtin_memcpy(c2, &v2, 4);
      __builtin_memcpy(c1, &v1, 4);
      __builtin_memcpy(c0, &v0, 4);
      c0 += 4;
      c1 += 4;
      c2 += 4;
      c3 += 4;
      vout01 = _mm_srli_epi64(vout01, 32);
      vout23 = _mm_srli_epi64(vout23, 32);
    }
    if (nr & 2) {
      uint16_t v3 = (uint16_t) _mm_extract_epi16(vout23, 4);
      uint16_t v2 = (uint16_t) _mm_extract_epi16(vout23, 0);
      uint16_t v1 = (uint16_t) _mm_extract_epi16(vout01, 4);
      uint16_t v0 = (uint16_t) _mm_extract_epi16(vout01, 0);
      __builtin_memcpy(c3, &v3, 2);
      __builtin_memcpy(c2, &v2, 2);
      __builtin_memcpy(c1, &v1, 2);
      __builtin_memcpy(c0, &v0, 2);
      c0 += 2;
      c1 += 2;
      c2 += 2;
      c3 += 2;
      vout01 = _mm_srli_epi64(vout01, 16);
      vout23 = _mm_srli_epi64(vout23, 16);
    }
    if (nr & 1) {
      *c3 = (uint8_t) _mm_extract_epi8(vout23, 8);
      *c2 = (uint8_t) _mm_extract_epi8(vout23, 0);
      *c1 = (uint8_t) _mm_extract_epi8(vout01, 8);
      *c0 = (uint8_t) _mm_extract_epi8(vout01, 0);
    }
  }
}
