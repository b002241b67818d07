/*
 * Shared by the 3x4c8 AVX2 q8gemm / q8conv micro-kernels (Q8RT_LAYOUT_GEMM panels, kernels/layout.h).
 *
 * A rotated c8 block is 4 vectors of 8 int16 (64 bytes): the AVX2 kernels read it as two ymm,
 * W01 = [vector 0 | vector 1] and W23 = [vector 2 | vector 3]. An A row of 8 k is widened to int16 and
 * duplicated into both 128-bit lanes ([a0..a7 | a0..a7]: vpbroadcastq + vpmovzxbw), so one vpmaddwd per
 * ymm covers two weight vectors: per row and 8 k, 2 vpmaddwd + 2 vpaddd into 2 ymm accumulators
 * acc01 = [acc r0 | acc r1], acc23 = [acc r2 | acc r3] (lane j of acc r: k-pair j of column (j + r) % 4).
 * 3 rows: 3 widen + 6 vpmaddwd + 6 vpaddd = 15 vector ALU uops per 96 MACs (SSE4.1: 27).
 *
 * Epilogue: out[n] = sum_r acc r[(n - r) % 4] (rotate accumulator r up by r lanes), then QNNPACK Q31
 * requantization in the form sign(q31) * ((|q31| + 2^(shift-1)) >> shift), bit-identical to QNNPACK's
 * remainder rule (see kernels/q8dwconv/up16x9-sse41.c), rows 0 and 1 in one ymm.
 */
#pragma once

#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#include "../params.h"
#include "../requantize-avx2.h"

/* 8 bytes of A at p, widened to int16 and duplicated into both lanes. */
static inline __m256i q8rt_3x4c8_avx2_widen(const uint8_t* p) {
  int64_t v;
  __builtin_memcpy(&v, p, 8);
  return _mm256_cvtepu8_epi16(_mm_set1_epi64x(v));
}

/* Requantization constants, set up once per call. */
struct q8rt_3x4c8_avx2_consts {
  __m256i multiplier, q31_rounding, rounding, output_zero_point, output_min, output_max;
  __m128i shift;
  struct q8rt_avx2_single single; /* TFLITE_SINGLE_ROUNDING, taken when is_single */
  int is_single;
};

static inline struct q8rt_3x4c8_avx2_consts q8rt_3x4c8_avx2_consts_init(const struct q8rt_conv_params* params) {
  struct q8rt_3x4c8_avx2_consts k;
  k.multiplier = _mm256_set1_epi32(params->multiplier);
  k.q31_rounding = _mm256_set1_epi64x(INT64_C(0x40000000));
  k.rounding = _mm256_set1_epi32((int32_t) (((uint32_t) params->remainder_mask + 1) >> 1));
  k.shift = _mm_cvtsi32_si128((int) params->shift);
  k.output_zero_point = _mm256_set1_epi16((short) params->output_zero_point);
  k.output_min = _mm256_set1_epi8((char) params->output_min);
  k.output_max = _mm256_set1_epi8((char) params->output_max);
  k.single = q8rt_avx2_single_init(params);
  k.is_single = params->single_rounding != 0;
  return k;
}

/* Requantization of 8 int32 up to the zero point: the Q31 scheme, or single rounding (one branch per call). */
static inline __m256i q8rt_3x4c8_avx2_requantize(__m256i vacc, const struct q8rt_3x4c8_avx2_consts* k) {
  if (k->is_single) return q8rt_avx2_single_requantize(vacc, &k->single);
  return q8rt_avx2_q31_requantize(vacc, k->multiplier, k->q31_rounding, k->rounding, k->shift);
}

/* Reduces, requantizes and clamps the 3 x 4 tile: on return, bytes 0-3 of *vout0 hold row 0, bytes 4-7 row 2,
 * bytes 0-3 of *vout1 row 1. */
static inline void q8rt_3x4c8_avx2_finish(__m256i vacc0x01, __m256i vacc0x23, __m256i vacc1x01, __m256i vacc1x23,
                                          __m256i vacc2x01, __m256i vacc2x23, const struct q8rt_3x4c8_avx2_consts* k,
                                          __m128i* vout0, __m128i* vout1) {
  /* s = [acc r0 + rot2(acc r2) | acc r1 + rot2(acc r3)]; out = lo(s) + rot1(hi(s)) */
  const __m256i vs0 = _mm256_add_epi32(vacc0x01, _mm256_shuffle_epi32(vacc0x23, _MM_SHUFFLE(1, 0, 3, 2)));
  const __m256i vs1 = _mm256_add_epi32(vacc1x01, _mm256_shuffle_epi32(vacc1x23, _MM_SHUFFLE(1, 0, 3, 2)));
  const __m256i vs2 = _mm256_add_epi32(vacc2x01, _mm256_shuffle_epi32(vacc2x23, _MM_SHUFFLE(1, 0, 3, 2)));
  const __m256i vlo01 = _mm256_permute2x128_si256(vs0, vs1, 0x20);
  const __m256i vhi01 = _mm256_permute2x128_si256(vs0, vs1, 0x31);
  __m256i vacc01 = _mm256_add_epi32(vlo01, _mm256_shuffle_epi32(vhi01, _MM_SHUFFLE(2, 1, 0, 3)));
  /* row 2 in the low lane (the high lane is unused) */
  __m256i vacc2 = _mm256_add_epi32(vs2, _mm256_shuffle_epi32(_mm256_permute4x64_epi64(vs2, _MM_SHUFFLE(1, 0, 3, 2)),
                                                              _MM_SHUFFLE(2, 1, 0, 3)));
  if (k->is_single) {
    vacc01 = q8rt_avx2_single_requantize(vacc01, &k->single);
    vacc2 = q8rt_avx2_single_requantize(vacc2, &k->single);
  } else {
    vacc01 = q8rt_avx2_q31_requantize(vacc01, k->multiplier, k->q31_rounding, k->rounding, k->shift);
    vacc2 = q8rt_avx2_q31_requantize(vacc2, k->multiplier, k->q31_rounding, k->rounding, k->shift);
  }
  /* lane 0: row 0, row 2; lane 1: row 1, unused */
  const __m256i vpacked = _mm256_adds_epi16(_mm256_packs_epi32(vacc01, vacc2), k->output_zero_point);
  const __m256i vout =
      _mm256_min_epu8(_mm256_max_epu8(_mm256_packus_epi16(vpacked, vpacked), k->output_min), k->output_max);
  *vout0 = _mm256_castsi256_si128(vout);
  *vout1 = _mm256_extracti128_si256(vout, 1);
}

/* Stores the mr x nr tile from q8rt_3x4c8_avx2_finish (rows past mr alias the previous row; stored from row 2
 * down to row 0). */
static inline void q8rt_3x4c8_avx2_store(__m128i vout0, __m128i vout1, size_t nr, uint8_t* c0, uint8_t* c1,
                                         uint8_t* c2) {
  if (nr >= 4) {
    const uint32_t v2 = (uint32_t) _mm_extract_epi32(vout0, 1);
    const uint32_t v1 = (uint32_t) _mm_cvtsi128_si32(vout1);
    const uint32_t v0 = (uint32_t) _mm_cvtsi128_si32(vout0);
    __builtin_memcpy(c2, &v2, 4);
    __builtin_memcpy(c1, &v1, 4);
    __builtin_memcpy(c0, &v0, 4);
  } else {
    if (nr & 2) {
      const uint16_t v2 = (uint16_t) _mm_extract_epi16(vout0, 2);
      const uint16_t v1 = (uint16_t) _mm_extract_epi16(vout1, 0);
      const uint16_t v0 = (uint16_t) _mm_extract_epi16(vout0, 0);
      __builtin_memcpy(c2, &v2, 2);
      __builtin_memcpy(c1, &v1, 2);
      __builtin_memcpy(c0, &v0, 2);
      c0 += 2;
      c1 += 2;
      c2 += 2;
      vout0 = _mm_srli_epi32(vout0, 16);
      vout1 = _mm_srli_epi32(vout1, 16);
    }
    if (nr & 1) {
      *c2 = (uint8_t) _mm_extract_epi8(vout0, 4);
      *c1 = (uint8_t) _mm_extract_epi8(vout1, 0);
      *c0 = (uint8_t) _mm_extract_epi8(vout0, 0);
    }
  }
}

/* The accumulators of a 3x4c8 tile: row m, c8-block vectors 0-1 (x01) and 2-3 (x23). */
struct q8rt_3x4c8_avx2_acc {
  __m256i v0x01, v0x23, v1x01, v1x23, v2x01, v2x23;
};

/* Accumulator set-up: row accumulators x01 start at the panel's bias (lanes 0-3), the rest at 0. */
static inline __attribute__((always_inline)) struct q8rt_3x4c8_avx2_acc q8rt_3x4c8_avx2_init(const void* packed_w) {
  struct q8rt_3x4c8_avx2_acc acc;
  acc.v0x01 = _mm256_zextsi128_si256(_mm_loadu_si128((const __m128i*) packed_w));
  acc.v0x23 = _mm256_setzero_si256();
  acc.v1x01 = acc.v0x01;
  acc.v1x23 = _mm256_setzero_si256();
  acc.v2x01 = acc.v0x01;
  acc.v2x23 = _mm256_setzero_si256();
  return acc;
}

/* 8 k of 3 A rows against one c8 block at w (4 vectors of 8 int16), added to acc. */
static inline __attribute__((always_inline)) void q8rt_3x4c8_avx2_step(struct q8rt_3x4c8_avx2_acc* acc,
                                                                        const uint8_t* a0, const uint8_t* a1,
                                                                        const uint8_t* a2, const int16_t* w) {
  const __m256i vw01 = _mm256_loadu_si256((const __m256i*) w);
  const __m256i vw23 = _mm256_loadu_si256((const __m256i*) w + 1);
  const __m256i va0 = q8rt_3x4c8_avx2_widen(a0);
  acc->v0x01 = _mm256_add_epi32(acc->v0x01, _mm256_madd_epi16(va0, vw01));
  acc->v0x23 = _mm256_add_epi32(acc->v0x23, _mm256_madd_epi16(va0, vw23));
  const __m256i va1 = q8rt_3x4c8_avx2_widen(a1);
  acc->v1x01 = _mm256_add_epi32(acc->v1x01, _mm256_madd_epi16(va1, vw01));
  acc->v1x23 = _mm256_add_epi32(acc->v1x23, _mm256_madd_epi16(va1, vw23));
  const __m256i va2 = q8rt_3x4c8_avx2_widen(a2);
  acc->v2x01 = _mm256_add_epi32(acc->v2x01, _mm256_madd_epi16(va2, vw01));
  acc->v2x23 = _mm256_add_epi32(acc->v2x23, _mm256_madd_epi16(va2, vw23));
}

/* Requantizes acc and stores the mr x nr tile at c (rows c_stride apart). */
static inline __attribute__((always_inline)) void q8rt_3x4c8_avx2_output(const struct q8rt_3x4c8_avx2_acc* acc,
                                                                          const struct q8rt_conv_params* params,
                                                                          size_t mr, size_t nr, uint8_t* c,
                                                                          size_t c_stride) {
  const struct q8rt_3x4c8_avx2_consts consts = q8rt_3x4c8_avx2_consts_init(params);
  __m128i vout0, vout1;
  q8rt_3x4c8_avx2_finish(acc->v0x01, acc->v0x23, acc->v1x01, acc->v1x23, acc->v2x01, acc->v2x23, &consts, &vout0,
                         &vout1);
  uint8_t* c0 = c;
  uint8_t* c1 = mr < 2 ? c0 : c0 + c_stride;
  uint8_t* c2 = mr <= 2 ? c1 : c1 + c_stride;
  q8rt_3x4c8_avx2_store(vout0, vout1, nr, c0, c1, c2);
}
