/*
 * q8gemm 3x4c8n SSE4.1 micro-kernel: an MR = 3 row tile against nc columns (any number of consecutive
 * Q8RT_LAYOUT_GEMM panels), in one call. Same arithmetic as 3x4c8 (rotated c8 blocks, 12 accumulators,
 * kernels/layout.h), but:
 *   - the requantization constants are set up once per call, not once per 4 columns;
 *   - with more than one panel and k <= Q8RT_3X4C8N_MAX_K, the 3 A rows are widened to int16 once into a
 *     stack buffer ([block][row][8 k]), so the inner step loads A instead of widening it per panel
 *     (24 instead of 27 vector ALU uops per 96 MACs);
 *   - the first 8-k block of a panel starts accumulators 1..3 from its products (no paddd), and each
 *     panel's k loop is one asm statement, so the accumulators stay in registers;
 *   - requantization uses sign(q31) * ((|q31| + 2^(shift-1)) >> shift), which is bit-identical to
 *     QNNPACK's remainder rule (see kernels/q8dwconv/up16x9-sse41.c) and 2 uops cheaper per 4 outputs;
 *   - panels are processed in pairs whose 3 x 8 outputs are packed and stored together (8-byte stores).
 */
#include <stddef.h>
#include <stdint.h>

#include <smmintrin.h>

#include "../layout.h"
#include "../params.h"
#include "3x4c8-sse41-step.h"
#include "3x4c8-sse41-step16.h"
#include "q8gemm.h"

/* The pre-widened A buffer holds 3 rows of this many k (stack: 3 * 2 * MAX_K bytes). */
#define Q8RT_3X4C8N_MAX_K 1536

/* One panel: 3 rows x 4 columns, requantized up to (excluding) the output zero point, in vout0..2. */
static inline __attribute__((always_inline)) void q8rt_3x4c8n_panel(
    int widened, const int16_t* awide, const uint8_t* ar0, const uint8_t* ar1, const uint8_t* ar2,
    const uint8_t* wp, size_t kp, __m128i vmultiplier, __m128i vq31_rounding, __m128i vrounding, __m128i vshift,
    const struct q8rt_sse41_single* vsingle, int single, __m128i* vout0, __m128i* vout1, __m128i* vout2) {
  const int16_t* w = (const int16_t*) (wp + Q8RT_GEMM_NR * sizeof(int32_t));
  __m128i vsum0, vsum1, vsum2;
  if (widened) {
    q8rt_3x4c8n_panel16(awide, w, kp / 8, _mm_load_si128((const __m128i*) wp), &vsum0, &vsum1, &vsum2);
  } else {
    __m128i vacc0x0 = _mm_load_si128((const __m128i*) wp);
    __m128i vacc0x1 = _mm_setzero_si128();
    __m128i vacc0x2 = _mm_setzero_si128();
    __m128i vacc0x3 = _mm_setzero_si128();
    __m128i vacc1x0 = vacc0x0;
    __m128i vacc1x1 = _mm_setzero_si128();
    __m128i vacc1x2 = _mm_setzero_si128();
    __m128i vacc1x3 = _mm_setzero_si128();
    __m128i vacc2x0 = vacc0x0;
    __m128i vacc2x1 = _mm_setzero_si128();
    __m128i vacc2x2 = _mm_setzero_si128();
    __m128i vacc2x3 = _mm_setzero_si128();
    const uint8_t* a0 = ar0;
    const uint8_t* a1 = ar1;
    const uint8_t* a2 = ar2;
    for (size_t kk = 0; kk < kp; kk += 8) {
      q8rt_3x4c8_sse41_step(a0, a1, a2, w, &vacc0x0, &vacc0x1, &vacc0x2, &vacc0x3, &vacc1x0, &vacc1x1, &vacc1x2,
                          &vacc1x3, &vacc2x0, &vacc2x1, &vacc2x2, &vacc2x3);
      a0 += 8;
      a1 += 8;
      a2 += 8;
      w += 32;
    }
    vsum0 = q8rt_3x4c8n_reduce(vacc0x0, vacc0x1, vacc0x2, vacc0x3);
    vsum1 = q8rt_3x4c8n_reduce(vacc1x0, vacc1x1, vacc1x2, vacc1x3);
    vsum2 = q8rt_3x4c8n_reduce(vacc2x0, vacc2x1, vacc2x2, vacc2x3);
  }

  if (single) { /* TFLITE_SINGLE_ROUNDING: one branch per panel */
    *vout0 = q8rt_sse41_single_requantize(vsum0, vsingle);
    *vout1 = q8rt_sse41_single_requantize(vsum1, vsingle);
    *vout2 = q8rt_sse41_single_requantize(vsum2, vsingle);
  } else {
    *vout0 = q8rt_3x4c8n_requantize(vsum0, vmultiplier, vq31_rounding, vrounding, vshift);
    *vout1 = q8rt_3x4c8n_requantize(vsum1, vmultiplier, vq31_rounding, vrounding, vshift);
    *vout2 = q8rt_3x4c8n_requantize(vsum2, vmultiplier, vq31_rounding, vrounding, vshift);
  }
}

void q8rt_q8gemm_ukernel_3x4c8n__sse41(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const size_t kp = (k + (Q8RT_GEMM_KR - 1)) & ~(size_t) (Q8RT_GEMM_KR - 1);
  const size_t panel_bytes = Q8RT_GEMM_NR * sizeof(int32_t) + kp * Q8RT_GEMM_NR * sizeof(int16_t);

  const uint8_t* ar0 = a;
  const uint8_t* ar1 = mr < 2 ? ar0 : ar0 + a_stride;
  const uint8_t* ar2 = mr <= 2 ? ar1 : ar1 + a_stride;
  uint8_t* c0 = c;
  uint8_t* c1 = mr < 2 ? c0 : c0 + c_stride;
  uint8_t* c2 = mr <= 2 ? c1 : c1 + c_stride;

  _Alignas(16) int16_t awide[Q8RT_3X4C8N_MAX_K * 3];
  const int widened = nc > Q8RT_GEMM_NR && kp <= Q8RT_3X4C8N_MAX_K;
  if (widened) {
    /* Rows are readable up to round_up(k, 8): the padded weights are 0. */
    for (size_t kk = 0; kk < kp; kk += 8) {
      _mm_store_si128((__m128i*) (awide + kk * 3), _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i*) (ar0 + kk))));
      _mm_store_si128((__m128i*) (awide + kk * 3 + 8),
                      _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i*) (ar1 + kk))));
      _mm_store_si128((__m128i*) (awide + kk * 3 + 16),
                      _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i*) (ar2 + kk))));
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
  /* Pairs of panels: 3 rows x 8 columns packed and stored together. */
  for (; nc >= 2 * Q8RT_GEMM_NR; nc -= 2 * Q8RT_GEMM_NR) {
    __m128i va0, va1, va2, vb0, vb1, vb2;
    q8rt_3x4c8n_panel(widened, awide, ar0, ar1, ar2, wp, kp, vmultiplier, vq31_rounding, vrounding, vshift,
                      &vsingle, single, &va0, &va1, &va2);
    q8rt_3x4c8n_panel(widened, awide, ar0, ar1, ar2, wp + panel_bytes, kp, vmultiplier, vq31_rounding, vrounding,
                      vshift, &vsingle, single, &vb0, &vb1, &vb2);
    wp += 2 * panel_bytes;
    const __m128i vrow0 = _mm_adds_epi16(_mm_packs_epi32(va0, vb0), voutput_zero_point);
    const __m128i vrow1 = _mm_adds_epi16(_mm_packs_epi32(va1, vb1), voutput_zero_point);
    const __m128i vrow2 = _mm_adds_epi16(_mm_packs_epi32(va2, vb2), voutput_zero_point);
    /* bytes 0-7: row 0, 8-15: row 1 */
    const __m128i vout01 = _mm_min_epu8(_mm_max_epu8(_mm_packus_epi16(vrow0, vrow1), voutput_min), voutput_max);
    const __m128i vout22 = _mm_min_epu8(_mm_max_epu8(_mm_packus_epi16(vrow2, vrow2), voutput_min), voutput_max);
    /* Rows past mr alias the previous row (same values); store from row 2 down to row 0. */
    _mm_storel_epi64((__m128i*) c2, vout22);
    _mm_storeh_pi((__m64*) c1, _mm_castsi128_ps(vout01));
    _mm_storel_epi64((__m128i*) c0, vout01);
    c0 += 2 * Q8RT_GEMM_NR;
    c1 += 2 * Q8RT_GEMM_NR;
    c2 += 2 * Q8RT_GEMM_NR;
  }
  /* The remaining 1..7 columns, panel by panel. */
  while (nc != 0) {
    __m128i vacc0, vacc1, vacc2;
    q8rt_3x4c8n_panel(widened, awide, ar0, ar1, ar2, wp, kp, vmultiplier, vq31_rounding, vrounding, vshift,
                      &vsingle, single, &vacc0, &vacc1, &vacc2);

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
