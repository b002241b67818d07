/*
 * Inner step shared by the multi-panel 3x4c8 SSE4.1 kernels (q8gemm 3x4c8n, q8conv 3x4c8tp) that widen
 * their 3 A rows to int16 once per call: 8 k of the 3 pre-widened rows at ap (48 bytes, 16-byte aligned:
 * row 0, row 1, row 2) against one rotated c8 weight block at wp (kernels/layout.h), 96 MACs in
 * 12 pmaddwd + 12 paddd vector ALU uops (the A loads and register copies use no ALU port).
 * q8rt_3x4c8n_panel16 runs a whole panel and returns the three rows' sums. On x86-64 the loop is one assembly
 * statement (the Q8RT_3X4C8N_ROW16* string macros only build its text from the operands named in it), so the 12
 * accumulators keep their registers across blocks.
 */
#pragma once

#include <smmintrin.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__)
#define Q8RT_3X4C8N_ROW16(off, acc0, acc1, acc2, acc3)                                              \
  "movdqa " off "(%[a]), %[va]\n\t"                                                                 \
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

/* The first block: accumulators 1..3 start as the products themselves; accumulator 0 (the bias) is added to. */
#define Q8RT_3X4C8N_ROW16_FIRST(off, acc0, acc1, acc2, acc3)                                        \
  "movdqa " off "(%[a]), %[va]\n\t"                                                                 \
  "movdqa %[va], %[" acc1 "]\n\t"                                                                   \
  "pmaddwd 16(%[w]), %[" acc1 "]\n\t"                                                               \
  "movdqa %[va], %[" acc2 "]\n\t"                                                                   \
  "pmaddwd 32(%[w]), %[" acc2 "]\n\t"                                                               \
  "movdqa %[va], %[" acc3 "]\n\t"                                                                   \
  "pmaddwd 48(%[w]), %[" acc3 "]\n\t"                                                               \
  "pmaddwd (%[w]), %[va]\n\t"                                                                       \
  "paddd %[va], %[" acc0 "]\n\t"

#endif

/* out[n] = sum_r acc[r][(n - r) % 4]: rotate accumulator r up by r lanes. */
static inline __m128i q8rt_3x4c8n_reduce(__m128i v0, __m128i v1, __m128i v2, __m128i v3) {
  return _mm_add_epi32(_mm_add_epi32(v0, _mm_shuffle_epi32(v2, _MM_SHUFFLE(1, 0, 3, 2))),
                       _mm_shuffle_epi32(_mm_add_epi32(v1, _mm_shuffle_epi32(v3, _MM_SHUFFLE(1, 0, 3, 2))),
                                         _MM_SHUFFLE(2, 1, 0, 3)));
}

/* A whole panel: nblocks (>= 1) blocks of 8 k of the 3 pre-widened rows at ap (48 bytes per block: row 0, row 1,
 * row 2; 16-byte aligned) against the rotated c8 blocks at wp (kernels/layout.h), accumulated onto vbias (the
 * panel's 4 int32 biases); *vsum<r> = the 4 column sums of row r (q8rt_3x4c8n_reduce). The first block starts
 * accumulators 1..3 as the products themselves (no zeroing): 96 MACs in 12 pmaddwd + 3 paddd, then 12 + 12 per
 * block. */
static inline __attribute__((always_inline)) void q8rt_3x4c8n_panel16(const int16_t* ap, const int16_t* wp,
                                                                       size_t nblocks, __m128i vbias, __m128i* vsum0,
                                                                       __m128i* vsum1, __m128i* vsum2) {
  __m128i vacc0x0 = vbias, vacc0x1, vacc0x2, vacc0x3;
  __m128i vacc1x0 = vbias, vacc1x1, vacc1x2, vacc1x3;
  __m128i vacc2x0 = vbias, vacc2x1, vacc2x2, vacc2x3;
#if defined(__x86_64__)
  __m128i va, vt;
  size_t n = nblocks - 1;
  __asm__(Q8RT_3X4C8N_ROW16_FIRST("0", "c00", "c01", "c02", "c03")
          Q8RT_3X4C8N_ROW16_FIRST("16", "c10", "c11", "c12", "c13")
          Q8RT_3X4C8N_ROW16_FIRST("32", "c20", "c21", "c22", "c23")
          "add $48, %[a]\n\t"
          "add $64, %[w]\n\t"
          "test %[n], %[n]\n\t"
          "jz 2f\n\t"
          "1:\n\t"
          Q8RT_3X4C8N_ROW16("0", "c00", "c01", "c02", "c03")
          Q8RT_3X4C8N_ROW16("16", "c10", "c11", "c12", "c13")
          Q8RT_3X4C8N_ROW16("32", "c20", "c21", "c22", "c23")
          "add $48, %[a]\n\t"
          "add $64, %[w]\n\t"
          "dec %[n]\n\t"
          "jnz 1b\n\t"
          "2:\n\t"
          : [c00] "+x"(vacc0x0), [c01] "=&x"(vacc0x1), [c02] "=&x"(vacc0x2), [c03] "=&x"(vacc0x3),
            [c10] "+x"(vacc1x0), [c11] "=&x"(vacc1x1), [c12] "=&x"(vacc1x2), [c13] "=&x"(vacc1x3),
            [c20] "+x"(vacc2x0), [c21] "=&x"(vacc2x1), [c22] "=&x"(vacc2x2), [c23] "=&x"(vacc2x3),
            [va] "=&x"(va), [vt] "=&x"(vt), [a] "+r"(ap), [w] "+r"(wp), [n] "+r"(n)
          :
          : "memory", "cc");
#else
  const __m128i* a = (const __m128i*) ap;
  const __m128i* w = (const __m128i*) wp;
  __m128i va0 = _mm_load_si128(a), va1 = _mm_load_si128(a + 1), va2 = _mm_load_si128(a + 2);
  vacc0x0 = _mm_add_epi32(vacc0x0, _mm_madd_epi16(va0, _mm_load_si128(w)));
  vacc0x1 = _mm_madd_epi16(va0, _mm_load_si128(w + 1));
  vacc0x2 = _mm_madd_epi16(va0, _mm_load_si128(w + 2));
  vacc0x3 = _mm_madd_epi16(va0, _mm_load_si128(w + 3));
  vacc1x0 = _mm_add_epi32(vacc1x0, _mm_madd_epi16(va1, _mm_load_si128(w)));
  vacc1x1 = _mm_madd_epi16(va1, _mm_load_si128(w + 1));
  vacc1x2 = _mm_madd_epi16(va1, _mm_load_si128(w + 2));
  vacc1x3 = _mm_madd_epi16(va1, _mm_load_si128(w + 3));
  vacc2x0 = _mm_add_epi32(vacc2x0, _mm_madd_epi16(va2, _mm_load_si128(w)));
  vacc2x1 = _mm_madd_epi16(va2, _mm_load_si128(w + 1));
  vacc2x2 = _mm_madd_epi16(va2, _mm_load_si128(w + 2));
  vacc2x3 = _mm_madd_epi16(va2, _mm_load_si128(w + 3));
  for (size_t b = 1; b < nblocks; b++) {
    a += 3;
    w += 4;
    va0 = _mm_load_si128(a), va1 = _mm_load_si128(a + 1), va2 = _mm_load_si128(a + 2);
    vacc0x0 = _mm_add_epi32(vacc0x0, _mm_madd_epi16(va0, _mm_load_si128(w)));
    vacc0x1 = _mm_add_epi32(vacc0x1, _mm_madd_epi16(va0, _mm_load_si128(w + 1)));
    vacc0x2 = _mm_add_epi32(vacc0x2, _mm_madd_epi16(va0, _mm_load_si128(w + 2)));
    vacc0x3 = _mm_add_epi32(vacc0x3, _mm_madd_epi16(va0, _mm_load_si128(w + 3)));
    vacc1x0 = _mm_add_epi32(vacc1x0, _mm_madd_epi16(va1, _mm_load_si128(w)));
    vacc1x1 = _mm_add_epi32(vacc1x1, _mm_madd_epi16(va1, _mm_load_si128(w + 1)));
    vacc1x2 = _mm_add_epi32(vacc1x2, _mm_madd_epi16(va1, _mm_load_si128(w + 2)));
    vacc1x3 = _mm_add_epi32(vacc1x3, _mm_madd_epi16(va1, _mm_load_si128(w + 3)));
    vacc2x0 = _mm_add_epi32(vacc2x0, _mm_madd_epi16(va2, _mm_load_si128(w)));
    vacc2x1 = _mm_add_epi32(vacc2x1, _mm_madd_epi16(va2, _mm_load_si128(w + 1)));
    vacc2x2 = _mm_add_epi32(vacc2x2, _mm_madd_epi16(va2, _mm_load_si128(w + 2)));
    vacc2x3 = _mm_add_epi32(vacc2x3, _mm_madd_epi16(va2, _mm_load_si128(w + 3)));
  }
#endif
  *vsum0 = q8rt_3x4c8n_reduce(vacc0x0, vacc0x1, vacc0x2, vacc0x3);
  *vsum1 = q8rt_3x4c8n_reduce(vacc1x0, vacc1x1, vacc1x2, vacc1x3);
  *vsum2 = q8rt_3x4c8n_reduce(vacc2x0, vacc2x1, vacc2x2, vacc2x3);
}

/* sign(q31) * ((|q31| + rounding) >> shift) of q31 = (acc * multiplier + 2^30) >> 31. */
static inline __m128i q8rt_3x4c8n_requantize(__m128i vacc, __m128i vmultiplier, __m128i vq31_rounding,
                                             __m128i vrounding, __m128i vshift) {
  const __m128i vacc_odd = _mm_shuffle_epi32(vacc, _MM_SHUFFLE(3, 3, 1, 1));
  const __m128i vprod_even = _mm_add_epi64(_mm_mul_epi32(vacc, vmultiplier), vq31_rounding);
  const __m128i vprod_odd = _mm_add_epi64(_mm_mul_epi32(vacc_odd, vmultiplier), vq31_rounding);
  const __m128i vq31_even = _mm_srli_epi64(vprod_even, 31);
  const __m128i vq31_odd = _mm_add_epi64(vprod_odd, vprod_odd);
  const __m128i vq31 = _mm_blend_epi16(vq31_even, vq31_odd, 0xCC);
  const __m128i vabs = _mm_srl_epi32(_mm_add_epi32(_mm_abs_epi32(vq31), vrounding), vshift);
  return _mm_sign_epi32(vabs, vq31);
}
