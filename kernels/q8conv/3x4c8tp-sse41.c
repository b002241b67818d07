/*
 * q8conv 3x4c8tp SSE4.1 micro-kernel: indirect convolution for small kc (<= 4, e.g. a first layer on 3
 * channels) on Q8RT_LAYOUT_GEMM_TAP_PAIRS weights (kernels/layout.h), an MR = 3 pixel tile against nc
 * columns (any number of consecutive panels) in one call.
 * Each 8-k block holds two taps: per row, 4 bytes from each of the two tap pointers are gathered and widened
 * to int16 once per call into a stack buffer ([pair][row][8 k]), so a 3x3 kernel on kc = 3 costs 5 blocks
 * per panel instead of 9 (kc padded to 8 per tap), and each panel's inner step only loads A
 * (12 pmaddwd + 12 paddd per block). Reduction, requantization (sign(q31) * ((|q31| + 2^(shift-1)) >> shift),
 * bit-identical to QNNPACK) and stores as in q8gemm 3x4c8n.
 */
#include <stddef.h>
#include <stdint.h>

#include <smmintrin.h>

#include "../layout.h"
#include "../params.h"
#include "../q8gemm/3x4c8-sse41-step16.h"
#include "../requantize.h"
#include "q8conv.h"

void q8rt_q8conv_ukernel_3x4c8tp__sse41(size_t mr, size_t nc, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  (void) kc;
  const size_t pairs = (ks + 1) / 2;
  const size_t panel_bytes = Q8RT_GEMM_NR * sizeof(int32_t) + pairs * Q8RT_GEMM_NR * Q8RT_GEMM_KR * sizeof(int16_t);

  uint8_t* c0 = c;
  uint8_t* c1 = mr < 2 ? c0 : c0 + c_stride;
  uint8_t* c2 = mr <= 2 ? c1 : c1 + c_stride;

  /* Gather: rows past mr point at valid pixels (their results are never stored); a missing second tap of
   * the last pair re-reads the first one (it meets zero weights). */
  _Alignas(16) int16_t awide[(Q8RT_Q8CONV_TP_MAX_KS + 1) / 2 * 24];
  for (size_t p = 0; p < pairs; p++) {
    const uint8_t* const* lo = a + 2 * p * 3;
    const uint8_t* const* hi = 2 * p + 1 < ks ? lo + 3 : lo;
    for (size_t m = 0; m < 3; m++) {
      uint32_t vlo, vhi;
      __builtin_memcpy(&vlo, lo[m], 4);
      __builtin_memcpy(&vhi, hi[m], 4);
      const __m128i v = _mm_insert_epi32(_mm_cvtsi32_si128((int) vlo), (int) vhi, 1);
      _mm_store_si128((__m128i*) (awide + p * 24 + m * 8), _mm_cvtepu8_epi16(v));
    }
  }

  const __m128i vmultiplier = _mm_set1_epi32(params->multiplier);
  const __m128i vq31_rounding = _mm_set1_epi64x(INT64_C(0x40000000));
  const __m128i vrounding = _mm_set1_epi32((int32_t) (((uint32_t) params->remainder_mask + 1) >> 1));
  const __m128i vshift = _mm_cvtsi32_si128((int) params->shift);
  const __m128i voutput_zero_point = _mm_set1_epi16((short) params->output_zero_point);
  const __m128i voutput_min = _mm_set1_epi8((char) params->output_min);
  const __m128i voutput_max = _mm_set1_epi8((char) params->output_max);
  const int single = params->single_rounding != 0;
  const struct q8rt_sse41_single vsingle = q8rt_sse41_single_init(params);

  const uint8_t* wp = (const uint8_t*) packed_w;
  for (;;) {
    __m128i vacc0, vacc1, vacc2;
    q8rt_3x4c8n_panel16(awide, (const int16_t*) (wp + Q8RT_GEMM_NR * sizeof(int32_t)), pairs,
                        _mm_load_si128((const __m128i*) wp), &vacc0, &vacc1, &vacc2);
    if (single) { /* TFLITE_SINGLE_ROUNDING: one branch per tile */
      vacc0 = q8rt_sse41_single_requantize(vacc0, &vsingle);
      vacc1 = q8rt_sse41_single_requantize(vacc1, &vsingle);
      vacc2 = q8rt_sse41_single_requantize(vacc2, &vsingle);
    } else {
      vacc0 = q8rt_3x4c8n_requantize(vacc0, vmultiplier, vq31_rounding, vrounding, vshift);
      vacc1 = q8rt_3x4c8n_requantize(vacc1, vmultiplier, vq31_rounding, vrounding, vshift);
      vacc2 = q8rt_3x4c8n_requantize(vacc2, vmultiplier, vq31_rounding, vrounding, vshift);
    }

    const __m128i vout01 = _mm_adds_epi16(_mm_packs_epi32(vacc0, vacc1), voutput_zero_point);
    const __m128i vout22 = _mm_adds_epi16(_mm_packs_epi32(vacc2, vacc2), voutput_zero_point);
    /* bytes 0-3: row 0, 4-7: row 1, 8-11: row 2 */
    __m128i vout = _mm_min_epu8(_mm_max_epu8(_mm_packus_epi16(vout01, vout22), voutput_min), voutput_max);

    /* Rows past mr alias the previous row (same values); store from row 2 down to row 0. */
    if (nc >= 4) {
      const uint32_t v2 = (uint32_t) _mm_extract_epi32(vout, 2);
      const uint32_t v1 = (uint32_t) _mm_extract_epi32(vout, 1);
      const uint32_t v0 = (uint32_t) _mm_cvtsi128_si32(vout);
      __builtin_memcpy(c2, &v2, 4);
      __builtin_memcpy(c1, &v1, 4);
      __builtin_memcpy(c0, &v0, 4);
      nc -= 4;
      if (nc == 0) return;
      c0 += 4;
      c1 += 4;
      c2 += 4;
      wp += panel_bytes;
    } else {
      if (nc & 2) {
        const uint16_t v2 = (uint16_t) _mm_extract_epi16(vout, 4);
        const uint16_t v1 = (uint16_t) _mm_extract_epi16(vout, 2);
        const uint16_t v0 = (uint16_t) _mm_extract_epi16(vout, 0);
        __builtin_memcpy(c2, &v2, 2);
        __builtin_memcpy(c1, &v1, 2);
        __builtin_memcpy(c0, &v0, 2);
        c0 += 2;
        c1 += 2;
        c2 += 2;
        vout = _mm_srli_epi32(vout, 16);
      }
      if (nc & 1) {
        *c2 = (uint8_t) _mm_extract_epi8(vout, 8);
        *c1 = (uint8_t) _mm_extract_epi8(vout, 4);
        *c0 = (uint8_t) _mm_extract_epi8(vout, 0);
      }
      return;
    }
  }
}
