/*
 * Inner step shared by the 3x4c8 SSE4.1 q8gemm and q8conv micro-kernels: 8 k of 3 A rows against one
 * rotated c8 weight block (4 vectors of 8 int16, kernels/layout.h), 96 MACs:
 *   per row: pmovzxbw (A row), then 4 x (pmaddwd with a weight vector as memory operand + paddd)
 *   = 3 pmovzxbw + 12 pmaddwd + 12 paddd vector ALU uops (+ 9 register copies, eliminated at rename).
 * On x86-64 this is written in assembly: 12 accumulators + A + 1 temporary fit the 16 xmm registers,
 * but gcc and clang keep the 4 weight vectors in registers and spill accumulators instead.
 * w must be 16-byte aligned (legacy-SSE memory operands).
 */
#pragma once

#include <smmintrin.h>

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

#define Q8RT_3X4C8_STEP(a0, a1, a2, w)                                                               \
  do {                                                                                              \
    __m128i vq8rt_a, vq8rt_t;                                                                       \
    __asm__(Q8RT_3X4C8_ROW("a0", "c00", "c01", "c02", "c03")                                        \
            Q8RT_3X4C8_ROW("a1", "c10", "c11", "c12", "c13")                                        \
            Q8RT_3X4C8_ROW("a2", "c20", "c21", "c22", "c23")                                        \
            : [c00] "+x"(vacc0x0), [c01] "+x"(vacc0x1), [c02] "+x"(vacc0x2), [c03] "+x"(vacc0x3),   \
              [c10] "+x"(vacc1x0), [c11] "+x"(vacc1x1), [c12] "+x"(vacc1x2), [c13] "+x"(vacc1x3),   \
              [c20] "+x"(vacc2x0), [c21] "+x"(vacc2x1), [c22] "+x"(vacc2x2), [c23] "+x"(vacc2x3),   \
              [va] "=&x"(vq8rt_a), [vt] "=&x"(vq8rt_t)                                              \
            : [a0] "r"(a0), [a1] "r"(a1), [a2] "r"(a2), [w] "r"(w)                                  \
            : "memory");                                                                            \
  } while (0)
#else
#define Q8RT_3X4C8_ROW_C(a, acc0, acc1, acc2, acc3, w)                                              \
  do {                                                                                              \
    const __m128i vq8rt_a = _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i*) (a)));              \
    acc0 = _mm_add_epi32(acc0, _mm_madd_epi16(vq8rt_a, _mm_load_si128((const __m128i*) (w))));     \
    acc1 = _mm_add_epi32(acc1, _mm_madd_epi16(vq8rt_a, _mm_load_si128((const __m128i*) (w) + 1))); \
    acc2 = _mm_add_epi32(acc2, _mm_madd_epi16(vq8rt_a, _mm_load_si128((const __m128i*) (w) + 2))); \
    acc3 = _mm_add_epi32(acc3, _mm_madd_epi16(vq8rt_a, _mm_load_si128((const __m128i*) (w) + 3))); \
  } while (0)
#define Q8RT_3X4C8_STEP(a0, a1, a2, w)                                                               \
  do {                                                                                              \
    Q8RT_3X4C8_ROW_C(a0, vacc0x0, vacc0x1, vacc0x2, vacc0x3, w);                                    \
    Q8RT_3X4C8_ROW_C(a1, vacc1x0, vacc1x1, vacc1x2, vacc1x3, w);                                    \
    Q8RT_3X4C8_ROW_C(a2, vacc2x0, vacc2x1, vacc2x2, vacc2x3, w);                                    \
  } while (0)
#endif
