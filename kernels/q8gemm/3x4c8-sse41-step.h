/*
 * Inner step shared by the 3x4c8 SSE4.1 q8gemm and q8conv micro-kernels: 8 k of 3 A rows against one
 * rotated c8 weight block (4 vectors of 8 int16, kernels/layout.h), 96 MACs:
 *   per row: pmovzxbw (A row), then 4 x (pmaddwd with a weight vector as memory operand + paddd)
 *   = 3 pmovzxbw + 12 pmaddwd + 12 paddd vector ALU uops (+ 9 register copies, eliminated at rename).
 * q8rt_3x4c8_sse41_step (the Q8RT_3X4C8_ROW string macro only builds its assembly text). On x86-64 it is
 * written in assembly: 12 accumulators + A + 1 temporary fit the 16 xmm registers,
 * but gcc and clang keep the 4 weight vectors in registers and spill accumulators instead.
 * w must be 16-byte aligned (legacy-SSE memory operands).
 */
#pragma once

#include <smmintrin.h>
#include <stddef.h>
#include <stdint.h>

#include "../params.h"
#include "../requantize.h"

#if defined(__x86_64__)
#define Q8RT_3X4C8_ROW(a, acc0, acc1, acc2, acc3)                                                   \
  "pmovzxbw (%[" a "]), %[va]\n\t"                                                                  \
  "movdqa %[va], %[vt]\n\t"                                                                         \
  "pmaddwd (%[w]), %[vt]\n\t"                                                                       \
  "paddd %[vt], %[" acc0 "]\n\t"                                                                    \
  "movdqa %[va], %[vt]\n\t"                                                                         \
  "pmaddwd 16(%[w]), %[vt]\n\t"                                                                     \
  "paddd %[vt], %[" acc1 "]\n\t"                                                                    \
  "movdqa %[va], %[vt]\n\t"                                                                         \
  "pmaddwd 32(%[w]), %[vt]\n\t"                                                                     \
  "paddd %[vt], %[" acc2 "]\n\t"                                                                    \
  "pmaddwd 48(%[w]), %[va]\n\t"                                                                     \
  "paddd %[va], %[" acc3 "]\n\t"

#endif

/* One block: 8 k of rows a0, a1, a2 (uint8) against the c8 block at w (16-byte aligned), added to the 12
 * accumulators (row r, vector j: *vacc[r * 4 + j]). */
static inline __attribute__((always_inline)) void q8rt_3x4c8_sse41_step(
    const uint8_t* a0, const uint8_t* a1, const uint8_t* a2, const int16_t* w, __m128i* vacc0x0, __m128i* vacc0x1,
    __m128i* vacc0x2, __m128i* vacc0x3, __m128i* vacc1x0, __m128i* vacc1x1, __m128i* vacc1x2, __m128i* vacc1x3,
    __m128i* vacc2x0, __m128i* vacc2x1, __m128i* vacc2x2, __m128i* vacc2x3) {
#if defined(__x86_64__)
  __m128i va, vt;
  __asm__(Q8RT_3X4C8_ROW("a0", "c00", "c01", "c02", "c03")
          Q8RT_3X4C8_ROW("a1", "c10", "c11", "c12", "c13")
          Q8RT_3X4C8_ROW("a2", "c20", "c21", "c22", "c23")
          : [c00] "+x"(*vacc0x0), [c01] "+x"(*vacc0x1), [c02] "+x"(*vacc0x2), [c03] "+x"(*vacc0x3),
            [c10] "+x"(*vacc1x0), [c11] "+x"(*vacc1x1), [c12] "+x"(*vacc1x2), [c13] "+x"(*vacc1x3),
            [c20] "+x"(*vacc2x0), [c21] "+x"(*vacc2x1), [c22] "+x"(*vacc2x2), [c23] "+x"(*vacc2x3),
            [va] "=&x"(va), [vt] "=&x"(vt)
          : [a0] "r"(a0), [a1] "r"(a1), [a2] "r"(a2), [w] "r"(w)
          : "memory");
#else
  const __m128i* vw = (const __m128i*) w;
  const __m128i vw0 = _mm_load_si128(vw), vw1 = _mm_load_si128(vw + 1);
  const __m128i vw2 = _mm_load_si128(vw + 2), vw3 = _mm_load_si128(vw + 3);
  const __m128i va0 = _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i*) a0));
  const __m128i va1 = _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i*) a1));
  const __m128i va2 = _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i*) a2));
  *vacc0x0 = _mm_add_epi32(*vacc0x0, _mm_madd_epi16(va0, vw0));
  *vacc0x1 = _mm_add_epi32(*vacc0x1, _mm_madd_epi16(va0, vw1));
  *vacc0x2 = _mm_add_epi32(*vacc0x2, _mm_madd_epi16(va0, vw2));
  *vacc0x3 = _mm_add_epi32(*vacc0x3, _mm_madd_epi16(va0, vw3));
  *vacc1x0 = _mm_add_epi32(*vacc1x0, _mm_madd_epi16(va1, vw0));
  *vacc1x1 = _mm_add_epi32(*vacc1x1, _mm_madd_epi16(va1, vw1));
  *vacc1x2 = _mm_add_epi32(*vacc1x2, _mm_madd_epi16(va1, vw2));
  *vacc1x3 = _mm_add_epi32(*vacc1x3, _mm_madd_epi16(va1, vw3));
  *vacc2x0 = _mm_add_epi32(*vacc2x0, _mm_madd_epi16(va2, vw0));
  *vacc2x1 = _mm_add_epi32(*vacc2x1, _mm_madd_epi16(va2, vw1));
  *vacc2x2 = _mm_add_epi32(*vacc2x2, _mm_madd_epi16(va2, vw2));
  *vacc2x3 = _mm_add_epi32(*vacc2x3, _mm_madd_epi16(va2, vw3));
#endif
}

/* Shared epilogue of the 3x4c8 GEMM and conv kernels: out[n] = sum_r acc[r][(n - r) % 4] (rotate accumulator r
 * up by r lanes), QNNPACK Q31 requantization, clamp, and store the mr x nr tile (rows past mr alias the previous
 * row; stored from row 2 down to row 0). */
static inline void q8rt_3x4c8_sse41_store(__m128i vacc0x0, __m128i vacc0x1, __m128i vacc0x2, __m128i vacc0x3,
                                          __m128i vacc1x0, __m128i vacc1x1, __m128i vacc1x2, __m128i vacc1x3,
                                          __m128i vacc2x0, __m128i vacc2x1, __m128i vacc2x2, __m128i vacc2x3,
                                          size_t mr, size_t nr, uint8_t* c, size_t c_stride,
                                          const struct q8rt_conv_params* params) {
  __m128i vacc0 = _mm_add_epi32(
      _mm_add_epi32(vacc0x0, _mm_shuffle_epi32(vacc0x2, _MM_SHUFFLE(1, 0, 3, 2))),
      _mm_shuffle_epi32(_mm_add_epi32(vacc0x1, _mm_shuffle_epi32(vacc0x3, _MM_SHUFFLE(1, 0, 3, 2))),
                        _MM_SHUFFLE(2, 1, 0, 3)));
  __m128i vacc1 = _mm_add_epi32(
      _mm_add_epi32(vacc1x0, _mm_shuffle_epi32(vacc1x2, _MM_SHUFFLE(1, 0, 3, 2))),
      _mm_shuffle_epi32(_mm_add_epi32(vacc1x1, _mm_shuffle_epi32(vacc1x3, _MM_SHUFFLE(1, 0, 3, 2))),
                        _MM_SHUFFLE(2, 1, 0, 3)));
  __m128i vacc2 = _mm_add_epi32(
      _mm_add_epi32(vacc2x0, _mm_shuffle_epi32(vacc2x2, _MM_SHUFFLE(1, 0, 3, 2))),
      _mm_shuffle_epi32(_mm_add_epi32(vacc2x1, _mm_shuffle_epi32(vacc2x3, _MM_SHUFFLE(1, 0, 3, 2))),
                        _MM_SHUFFLE(2, 1, 0, 3)));

  if (params->single_rounding) { /* TFLITE_SINGLE_ROUNDING: one branch per tile */
    const struct q8rt_sse41_single vsingle = q8rt_sse41_single_init(params);
    vacc0 = q8rt_sse41_single_requantize(vacc0, &vsingle);
    vacc1 = q8rt_sse41_single_requantize(vacc1, &vsingle);
    vacc2 = q8rt_sse41_single_requantize(vacc2, &vsingle);
  } else {
    const __m128i vmultiplier = _mm_set1_epi32(params->multiplier);
    const __m128i vrounding = _mm_set1_epi64x(INT64_C(0x40000000));
    const __m128i vremainder_mask = _mm_set1_epi32(params->remainder_mask);
    const __m128i vremainder_threshold = _mm_set1_epi32(params->remainder_threshold);
    const __m128i vshift = _mm_cvtsi32_si128((int) params->shift);
    vacc0 = q8rt_sse41_q31_requantize(vacc0, vmultiplier, vrounding, vremainder_mask, vremainder_threshold, vshift);
    vacc1 = q8rt_sse41_q31_requantize(vacc1, vmultiplier, vrounding, vremainder_mask, vremainder_threshold, vshift);
    vacc2 = q8rt_sse41_q31_requantize(vacc2, vmultiplier, vrounding, vremainder_mask, vremainder_threshold, vshift);
  }

  const __m128i voutput_zero_point = _mm_set1_epi16((short) params->output_zero_point);
  const __m128i vout01 = _mm_adds_epi16(_mm_packs_epi32(vacc0, vacc1), voutput_zero_point);
  const __m128i vout22 = _mm_adds_epi16(_mm_packs_epi32(vacc2, vacc2), voutput_zero_point);
  const __m128i voutput_min = _mm_set1_epi8((char) params->output_min);
  const __m128i voutput_max = _mm_set1_epi8((char) params->output_max);
  /* bytes 0-3: row 0, 4-7: row 1, 8-11: row 2 */
  __m128i vout = _mm_min_epu8(_mm_max_epu8(_mm_packus_epi16(vout01, vout22), voutput_min), voutput_max);

  /* Rows past mr alias the previous row (same values); store from row 2 down to row 0. */
  uint8_t* c0 = c;
  uint8_t* c1 = mr < 2 ? c0 : c0 + c_stride;
  uint8_t* c2 = mr <= 2 ? c1 : c1 + c_stride;
  if (nr == 4) {
    const uint32_t v2 = (uint32_t) _mm_extract_epi32(vout, 2);
    const uint32_t v1 = (uint32_t) _mm_extract_epi32(vout, 1);
    const uint32_t v0 = (uint32_t) _mm_cvtsi128_si32(vout);
    __builtin_memcpy(c2, &v2, 4);
    __builtin_memcpy(c1, &v1, 4);
    __builtin_memcpy(c0, &v0, 4);
  } else {
    if (nr & 2) {
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
    if (nr & 1) {
      *c2 = (uint8_t) _mm_extract_epi8(vout, 8);
      *c1 = (uint8_t) _mm_extract_epi8(vout, 4);
      *c0 = (uint8_t) _mm_extract_epi8(vout, 0);
    }
  }
}
