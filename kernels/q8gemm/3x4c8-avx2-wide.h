/*
 * Panel loops of the AVX2 3x4c8 kernels whose 3 A rows are widened once per call (q8gemm 3x4c8n, q8conv 3x4c8tp):
 * the rows sit in a 32-byte aligned buffer as [block][row][16 int16], each block's 8 k duplicated into both lanes
 * (q8rt_3x4c8_avx2_widen), so per 8 k and row one aligned load meets both ymm of a rotated c8 block
 * (kernels/layout.h; see 3x4c8-avx2-common.h).
 *   - q8rt_3x4c8_avx2_wide_pair: two consecutive panels (8 columns): 12 ymm accumulators, each A row loaded once
 *     for both (3 loads + 12 vpmaddwd + 12 vpaddd per 192 MACs), one epilogue per 3 rows x 8 columns (each row's
 *     two panels in one ymm, requantized together; 8-byte stores).
 *   - q8rt_3x4c8_avx2_wide_panel: one panel, 6 accumulators (6 vpmaddwd + 6 vpaddd per 96 MACs).
 * On x86-64 the loops are in assembly: gcc otherwise adds register copies (6 per block) or spills accumulators.
 * Panels are q8rt_gemm_panel_bytes apart (16-byte aligned: weights use unaligned loads / memory operands).
 */
#pragma once

#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#include "../layout.h"
#include "../params.h"
#include "../requantize-avx2.h"
#include "3x4c8-avx2-common.h"

/* One row of a pair of panels A, B: s = [acc r0 + rot2(acc r2) | acc r1 + rot2(acc r3)] per panel, then
 * lo(s) + rot1(hi(s)) with panel A in lane 0 and panel B in lane 1 (8 consecutive columns), requantized. */
static inline __m256i q8rt_3x4c8_avx2_row8(__m256i va01, __m256i va23, __m256i vb01, __m256i vb23,
                                           const struct q8rt_3x4c8_avx2_consts* k) {
  const __m256i vsa = _mm256_add_epi32(va01, _mm256_shuffle_epi32(va23, _MM_SHUFFLE(1, 0, 3, 2)));
  const __m256i vsb = _mm256_add_epi32(vb01, _mm256_shuffle_epi32(vb23, _MM_SHUFFLE(1, 0, 3, 2)));
  const __m256i vlo = _mm256_permute2x128_si256(vsa, vsb, 0x20);
  const __m256i vhi = _mm256_permute2x128_si256(vsa, vsb, 0x31);
  return q8rt_3x4c8_avx2_requantize(_mm256_add_epi32(vlo, _mm256_shuffle_epi32(vhi, _MM_SHUFFLE(2, 1, 0, 3))), k);
}

/* Panels at wp and wp + panel_bytes against nblocks (>= 1) blocks of the widened rows at awide; stores 3 rows x
 * 8 columns at c0, c1, c2 (rows past mr alias the previous row; stored from row 2 down to row 0). */
static inline __attribute__((always_inline)) void q8rt_3x4c8_avx2_wide_pair(
    const int16_t* awide, size_t nblocks, const uint8_t* wp, size_t panel_bytes,
    const struct q8rt_3x4c8_avx2_consts* k, uint8_t* c0, uint8_t* c1, uint8_t* c2) {
  const int16_t* wa = (const int16_t*) (wp + Q8RT_GEMM_NR * sizeof(int32_t));
  __m256i vaccA0x01 = _mm256_zextsi128_si256(_mm_loadu_si128((const __m128i*) wp));
  __m256i vaccB0x01 = _mm256_zextsi128_si256(_mm_loadu_si128((const __m128i*) (wp + panel_bytes)));
  __m256i vaccA0x23 = _mm256_setzero_si256(), vaccB0x23 = _mm256_setzero_si256();
  __m256i vaccA1x01 = vaccA0x01, vaccB1x01 = vaccB0x01;
  __m256i vaccA1x23 = _mm256_setzero_si256(), vaccB1x23 = _mm256_setzero_si256();
  __m256i vaccA2x01 = vaccA0x01, vaccB2x01 = vaccB0x01;
  __m256i vaccA2x23 = _mm256_setzero_si256(), vaccB2x23 = _mm256_setzero_si256();
#if defined(__x86_64__)
  /* ymm14 / ymm15 hold the A row and the product (clobbers: the 12 "+x" accumulators already use 24 of the 30
   * asm operands); panel B's block is at the same offset panel_bytes after panel A's. */
  const int16_t* aw = awide;
  const int16_t* aw_end = awide + nblocks * 48;
#define Q8RT_3X4C8_AVX2_ROW2(off, ca01, ca23, cb01, cb23)                                               \
  "vmovdqa " off "(%[a]), %%ymm15\n\t"                                                              \
  "vpmaddwd (%[wa]), %%ymm15, %%ymm14\n\t"                                                          \
  "vpaddd %%ymm14, %[" ca01 "], %[" ca01 "]\n\t"                                                    \
  "vpmaddwd 32(%[wa]), %%ymm15, %%ymm14\n\t"                                                        \
  "vpaddd %%ymm14, %[" ca23 "], %[" ca23 "]\n\t"                                                    \
  "vpmaddwd (%[wa],%[pb]), %%ymm15, %%ymm14\n\t"                                                    \
  "vpaddd %%ymm14, %[" cb01 "], %[" cb01 "]\n\t"                                                    \
  "vpmaddwd 32(%[wa],%[pb]), %%ymm15, %%ymm14\n\t"                                                  \
  "vpaddd %%ymm14, %[" cb23 "], %[" cb23 "]\n\t"
  __asm__(
      "1:\n\t"
      Q8RT_3X4C8_AVX2_ROW2("0", "a001", "a023", "b001", "b023")
      Q8RT_3X4C8_AVX2_ROW2("32", "a101", "a123", "b101", "b123")
      Q8RT_3X4C8_AVX2_ROW2("64", "a201", "a223", "b201", "b223")
      "add $96, %[a]\n\t"
      "add $64, %[wa]\n\t"
      "cmp %[a_end], %[a]\n\t"
      "jne 1b\n\t"
      : [a001] "+x"(vaccA0x01), [a023] "+x"(vaccA0x23), [b001] "+x"(vaccB0x01), [b023] "+x"(vaccB0x23),
        [a101] "+x"(vaccA1x01), [a123] "+x"(vaccA1x23), [b101] "+x"(vaccB1x01), [b123] "+x"(vaccB1x23),
        [a201] "+x"(vaccA2x01), [a223] "+x"(vaccA2x23), [b201] "+x"(vaccB2x01), [b223] "+x"(vaccB2x23),
        [a] "+r"(aw), [wa] "+r"(wa)
      : [a_end] "r"(aw_end), [pb] "r"(panel_bytes)
      : "memory", "cc", "xmm14", "xmm15");
#undef Q8RT_3X4C8_AVX2_ROW2
#else
  const int16_t* wb = (const int16_t*) ((const uint8_t*) wa + panel_bytes);
  const __m256i* aw = (const __m256i*) awide;
  for (size_t b = 0; b < nblocks; b++) {
    const __m256i vwa01 = _mm256_loadu_si256((const __m256i*) wa);
    const __m256i vwa23 = _mm256_loadu_si256((const __m256i*) wa + 1);
    const __m256i vwb01 = _mm256_loadu_si256((const __m256i*) wb);
    const __m256i vwb23 = _mm256_loadu_si256((const __m256i*) wb + 1);
    const __m256i va0 = _mm256_load_si256(aw);
    vaccA0x01 = _mm256_add_epi32(vaccA0x01, _mm256_madd_epi16(va0, vwa01));
    vaccA0x23 = _mm256_add_epi32(vaccA0x23, _mm256_madd_epi16(va0, vwa23));
    vaccB0x01 = _mm256_add_epi32(vaccB0x01, _mm256_madd_epi16(va0, vwb01));
    vaccB0x23 = _mm256_add_epi32(vaccB0x23, _mm256_madd_epi16(va0, vwb23));
    const __m256i va1 = _mm256_load_si256(aw + 1);
    vaccA1x01 = _mm256_add_epi32(vaccA1x01, _mm256_madd_epi16(va1, vwa01));
    vaccA1x23 = _mm256_add_epi32(vaccA1x23, _mm256_madd_epi16(va1, vwa23));
    vaccB1x01 = _mm256_add_epi32(vaccB1x01, _mm256_madd_epi16(va1, vwb01));
    vaccB1x23 = _mm256_add_epi32(vaccB1x23, _mm256_madd_epi16(va1, vwb23));
    const __m256i va2 = _mm256_load_si256(aw + 2);
    vaccA2x01 = _mm256_add_epi32(vaccA2x01, _mm256_madd_epi16(va2, vwa01));
    vaccA2x23 = _mm256_add_epi32(vaccA2x23, _mm256_madd_epi16(va2, vwa23));
    vaccB2x01 = _mm256_add_epi32(vaccB2x01, _mm256_madd_epi16(va2, vwb01));
    vaccB2x23 = _mm256_add_epi32(vaccB2x23, _mm256_madd_epi16(va2, vwb23));
    aw += 3;
    wa += 32;
    wb += 32;
  }
#endif
  const __m256i vrow0 = q8rt_3x4c8_avx2_row8(vaccA0x01, vaccA0x23, vaccB0x01, vaccB0x23, k);
  const __m256i vrow1 = q8rt_3x4c8_avx2_row8(vaccA1x01, vaccA1x23, vaccB1x01, vaccB1x23, k);
  const __m256i vrow2 = q8rt_3x4c8_avx2_row8(vaccA2x01, vaccA2x23, vaccB2x01, vaccB2x23, k);
  /* lane 0: rows 0, 1, 2, 2 of columns 0-3; lane 1: of columns 4-7; vpermd: row 0, row 1, row 2 as qwords */
  const __m256i vp01 = _mm256_adds_epi16(_mm256_packs_epi32(vrow0, vrow1), k->output_zero_point);
  const __m256i vp22 = _mm256_adds_epi16(_mm256_packs_epi32(vrow2, vrow2), k->output_zero_point);
  __m256i vout = _mm256_min_epu8(_mm256_max_epu8(_mm256_packus_epi16(vp01, vp22), k->output_min), k->output_max);
  vout = _mm256_permutevar8x32_epi32(vout, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
  const __m128i vout01 = _mm256_castsi256_si128(vout);
  _mm_storel_epi64((__m128i*) c2, _mm256_extracti128_si256(vout, 1));
  _mm_storeh_pi((__m64*) c1, _mm_castsi128_ps(vout01));
  _mm_storel_epi64((__m128i*) c0, vout01);
}

/* The panel at wp against nblocks (>= 1) blocks of the widened rows at awide: the q8rt_3x4c8_avx2_finish outputs. */
static inline __attribute__((always_inline)) void q8rt_3x4c8_avx2_wide_panel(
    const int16_t* awide, size_t nblocks, const uint8_t* wp, const struct q8rt_3x4c8_avx2_consts* k,
    __m128i* vout0, __m128i* vout1) {
  const int16_t* w = (const int16_t*) (wp + Q8RT_GEMM_NR * sizeof(int32_t));
  const struct q8rt_3x4c8_avx2_acc init = q8rt_3x4c8_avx2_init(wp);
  __m256i vacc0x01 = init.v0x01, vacc0x23 = init.v0x23;
  __m256i vacc1x01 = init.v1x01, vacc1x23 = init.v1x23;
  __m256i vacc2x01 = init.v2x01, vacc2x23 = init.v2x23;
#if defined(__x86_64__)
  const int16_t* aw = awide;
  __m256i vw01, vw23, vt;
  __asm__(
      "1:\n\t"
      "vmovdqu (%[w]), %[w01]\n\t"
      "vmovdqu 32(%[w]), %[w23]\n\t"
      "vpmaddwd (%[a]), %[w01], %[t]\n\t"
      "vpaddd %[t], %[c001], %[c001]\n\t"
      "vpmaddwd (%[a]), %[w23], %[t]\n\t"
      "vpaddd %[t], %[c023], %[c023]\n\t"
      "vpmaddwd 32(%[a]), %[w01], %[t]\n\t"
      "vpaddd %[t], %[c101], %[c101]\n\t"
      "vpmaddwd 32(%[a]), %[w23], %[t]\n\t"
      "vpaddd %[t], %[c123], %[c123]\n\t"
      "vpmaddwd 64(%[a]), %[w01], %[t]\n\t"
      "vpaddd %[t], %[c201], %[c201]\n\t"
      "vpmaddwd 64(%[a]), %[w23], %[t]\n\t"
      "vpaddd %[t], %[c223], %[c223]\n\t"
      "add $96, %[a]\n\t"
      "add $64, %[w]\n\t"
      "dec %[n]\n\t"
      "jnz 1b\n\t"
      : [c001] "+x"(vacc0x01), [c023] "+x"(vacc0x23), [c101] "+x"(vacc1x01), [c123] "+x"(vacc1x23),
        [c201] "+x"(vacc2x01), [c223] "+x"(vacc2x23), [w01] "=&x"(vw01), [w23] "=&x"(vw23), [t] "=&x"(vt),
        [a] "+r"(aw), [w] "+r"(w), [n] "+r"(nblocks)
      :
      : "memory", "cc");
#else
  const __m256i* aw = (const __m256i*) awide;
  for (size_t b = 0; b < nblocks; b++) {
    const __m256i vw01 = _mm256_loadu_si256((const __m256i*) w);
    const __m256i vw23 = _mm256_loadu_si256((const __m256i*) w + 1);
    const __m256i va0 = _mm256_load_si256(aw);
    vacc0x01 = _mm256_add_epi32(vacc0x01, _mm256_madd_epi16(va0, vw01));
    vacc0x23 = _mm256_add_epi32(vacc0x23, _mm256_madd_epi16(va0, vw23));
    const __m256i va1 = _mm256_load_si256(aw + 1);
    vacc1x01 = _mm256_add_epi32(vacc1x01, _mm256_madd_epi16(va1, vw01));
    vacc1x23 = _mm256_add_epi32(vacc1x23, _mm256_madd_epi16(va1, vw23));
    const __m256i va2 = _mm256_load_si256(aw + 2);
    vacc2x01 = _mm256_add_epi32(vacc2x01, _mm256_madd_epi16(va2, vw01));
    vacc2x23 = _mm256_add_epi32(vacc2x23, _mm256_madd_epi16(va2, vw23));
    aw += 3;
    w += 32;
  }
#endif
  q8rt_3x4c8_avx2_finish(vacc0x01, vacc0x23, vacc1x01, vacc1x23, vacc2x01, vacc2x23, k, vout0, vout1);
}

/* All nc columns (consecutive panels from wp, panel_bytes apart) against nblocks blocks of the widened rows:
 * pairs of panels, then a last single panel (or two, for 5-7 remaining columns); stores at c0, c1, c2. */
static inline void q8rt_3x4c8_avx2_wide_run(const int16_t* awide, size_t nblocks, const uint8_t* wp,
                                            size_t panel_bytes, size_t nc, const struct q8rt_3x4c8_avx2_consts* k,
                                            uint8_t* c0, uint8_t* c1, uint8_t* c2) {
  for (; nc >= 2 * Q8RT_GEMM_NR; nc -= 2 * Q8RT_GEMM_NR) {
    q8rt_3x4c8_avx2_wide_pair(awide, nblocks, wp, panel_bytes, k, c0, c1, c2);
    c0 += 2 * Q8RT_GEMM_NR;
    c1 += 2 * Q8RT_GEMM_NR;
    c2 += 2 * Q8RT_GEMM_NR;
    wp += 2 * panel_bytes;
  }
  if (nc != 0) {
    __m128i vout0, vout1;
    q8rt_3x4c8_avx2_wide_panel(awide, nblocks, wp, k, &vout0, &vout1);
    if (nc > Q8RT_GEMM_NR) {
      q8rt_3x4c8_avx2_store(vout0, vout1, Q8RT_GEMM_NR, c0, c1, c2);
      nc -= Q8RT_GEMM_NR;
      c0 += Q8RT_GEMM_NR;
      c1 += Q8RT_GEMM_NR;
      c2 += Q8RT_GEMM_NR;
      wp += panel_bytes;
      q8rt_3x4c8_avx2_wide_panel(awide, nblocks, wp, k, &vout0, &vout1);
    }
    q8rt_3x4c8_avx2_store(vout0, vout1, nc, c0, c1, c2);
  }
}
