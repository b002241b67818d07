/* Helpers shared by the AVX-512 VNNI int8 kernels (Q8RT_LAYOUT_GEMM_VNNI, kernels/layout.h). Included only by
 * files compiled with -mavx512f -mavx512bw -mavx512vl -mavx512vnni. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <immintrin.h>

#include "../params.h"

#define Q8RT_VNNI_INLINE static inline __attribute__((always_inline))

/* Sum of the k bytes at p (masked loads: exactly k bytes are read). */
Q8RT_VNNI_INLINE uint32_t q8rt_vnni_row_sum(const uint8_t* p, size_t k) {
  __m512i vsum = _mm512_setzero_si512();
  for (; k >= 64; k -= 64) {
    vsum = _mm512_add_epi64(vsum, _mm512_sad_epu8(_mm512_loadu_si512((const void*) p), _mm512_setzero_si512()));
    p += 64;
  }
  if (k != 0) {
    const __mmask64 vmask = _cvtu64_mask64((UINT64_C(1) << k) - 1);
    vsum = _mm512_add_epi64(vsum, _mm512_sad_epu8(_mm512_maskz_loadu_epi8(vmask, p), _mm512_setzero_si512()));
  }
  return (uint32_t) _mm512_reduce_add_epi64(vsum);
}

/* The requantization sequence a kernel call takes (q8rt_vnni_rq_init chooses it from the parameters). */
enum q8rt_vnni_form {
  Q8RT_VNNI_Q31,       /* q8rt_vnni_q31: integer, QNNPACK's two roundings, any parameters (13 operations) */
  Q8RT_VNNI_SINGLE,    /* q8rt_vnni_single: integer, TFLITE_SINGLE_ROUNDING, any parameters (8) */
  Q8RT_VNNI_FP32,      /* q8rt_vnni_fp32: 24-bit multipliers, shift 1..13, two roundings; proven exact (5) */
  Q8RT_VNNI_FP32_SPLIT, /* q8rt_vnni_fp32_split: 31-bit multipliers, checked per parameter set (6; 4 for single) */
};

/* Requantization constants (kernels/params.h). */
struct q8rt_vnni_rq {
  __m512i multiplier, rounding, half; /* half: 2^(shift - 1), 0 when shift == 0 */
  __m128i shift;
  __m128i total_shift;                /* 31 + shift: the single-rounding form (q8rt_vnni_single) */
  __m512 scale, round_pos, round_neg; /* the fp32 forms (scale: the multiplier's top 24 bits / 2^(31 + shift)) */
  __m512 scale_lo;                    /* the two-FMA form: its low 7 bits / 2^(31 + shift) */
  enum q8rt_vnni_form form;
  __m512i zero_point, min, max; /* int16 lanes */
  __m512i min8, max8, unlane2x32; /* uint8 lanes; q8rt_vnni_out2x32's dword order */
};

Q8RT_VNNI_INLINE float q8rt_vnni_f32_from_bits(uint32_t bits) {
  float f;
  __builtin_memcpy(&f, &bits, sizeof f);
  return f;
}

/* Lanes of v that are negative (vpmovd2m needs AVX512DQ; a compare with zero does not). */
Q8RT_VNNI_INLINE __mmask16 q8rt_vnni_negative_mask(__m512i v) {
  return _mm512_cmplt_epi32_mask(v, _mm512_setzero_si512());
}

Q8RT_VNNI_INLINE void q8rt_vnni_rq_init(struct q8rt_vnni_rq* rq, const struct q8rt_conv_params* params) {
  rq->multiplier = _mm512_set1_epi32(params->multiplier);
  rq->rounding = _mm512_set1_epi64(INT64_C(0x40000000));
  rq->half = _mm512_set1_epi32((int32_t) ((uint32_t) params->remainder_mask - (uint32_t) params->remainder_threshold));
  rq->shift = _mm_cvtsi32_si128((int) params->shift);
  rq->zero_point = _mm512_set1_epi16((short) params->output_zero_point);
  rq->min = _mm512_set1_epi16((short) params->output_min);
  rq->max = _mm512_set1_epi16((short) params->output_max);
  rq->min8 = _mm512_set1_epi8((char) params->output_min);
  rq->max8 = _mm512_set1_epi8((char) params->output_max);
  rq->unlane2x32 = _mm512_set_epi32(15, 11, 7, 3, 14, 10, 6, 2, 13, 9, 5, 1, 12, 8, 4, 0);
  /* The fp32 form is exact for multipliers with 24 significant bits (those of q8rt_conv_params_init) and shifts
   * 1..13 (q8rt_vnni_fp32). The two-FMA form serves 31-bit multipliers (TFLite's) once
   * q8rt_q8requant_prepare__avx512vnni has checked it for these parameters (params->checked_fp32, shifts 1..23).
   * Other parameters take the integer forms. */
  const uint32_t m = (uint32_t) params->multiplier, s = params->shift;
  const int single = params->single_rounding != 0;
  rq->total_shift = _mm_cvtsi32_si128((int) (31 + s));
  if (single) rq->rounding = _mm512_set1_epi64((int64_t) (UINT64_C(1) << (30 + s)));
  if (!single && (m & 0x7F) == 0 && s >= 1 && s <= 13) {
    rq->form = Q8RT_VNNI_FP32;
  } else if (params->checked_fp32 && s >= 1 && s <= 23) {
    rq->form = Q8RT_VNNI_FP32_SPLIT;
  } else {
    rq->form = single ? Q8RT_VNNI_SINGLE : Q8RT_VNNI_Q31;
  }
  { /* the fp32 constants (used by the fp32 forms only; defined for any shift in [0, 31]) */
    const float scale = q8rt_vnni_f32_from_bits((126 - s) << 23 | ((m >> 7) & UINT32_C(0x007FFFFF)));
    const float half_ulp = q8rt_vnni_f32_from_bits((126 - s) << 23); /* 2^-(shift + 1) */
    rq->scale = _mm512_set1_ps(scale);
    /* 2^-(31 + shift) * (m & 0x7F): at most 7 bits, exact; the exponent stays above -127 - 23 */
    rq->scale_lo = _mm512_set1_ps((float) (m & 0x7F) * q8rt_vnni_f32_from_bits((96 - s) << 23));
    /* single rounding: y = floor(acc * M / 2^(31 + shift) + 1/2) for either sign */
    rq->round_pos = _mm512_set1_ps(single ? 0.5f : 0.5f + half_ulp);
    rq->round_neg = _mm512_set1_ps(single ? 0.5f : 0.5f - half_ulp);
  }
}

/* QNNPACK Q31 requantization of 16 int32 accumulators, up to (excluding) the zero point; bit-exact with
 * q8rt_requantize_q31: q31 = (acc * multiplier + 2^30) >> 31 via vpmuldq on even / odd lanes, then the rounding
 * shift y = (q31 >> shift) + ((q31 & mask) - (q31 < 0) > threshold), which rounds half away from zero, in the
 * QNNPACK SSE4.1 form y = sign(q31) * ((|q31| + 2^(shift-1)) >> shift): |q31| <= 2^31 and 2^(shift-1) <= 2^30,
 * so the sum fits 32 unsigned bits and the logical shift is exact (shift 0: half = 0, y = q31). q31 < 0 exactly
 * when acc < 0 and q31 != 0 (multiplier > 0), and negating 0 changes nothing, so the sign is taken from acc. */
Q8RT_VNNI_INLINE __m512i q8rt_vnni_q31(__m512i vacc, const struct q8rt_vnni_rq* rq) {
  const __m512i vprod_even = _mm512_add_epi64(_mm512_mul_epi32(vacc, rq->multiplier), rq->rounding);
  const __m512i vprod_odd =
      _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(vacc, 32), rq->multiplier), rq->rounding);
  const __m512i vq31_even = _mm512_srli_epi64(vprod_even, 31);
  const __m512i vq31_odd = _mm512_add_epi64(vprod_odd, vprod_odd);
  const __m512i vq31 = _mm512_mask_blend_epi32(0xAAAA, vq31_even, vq31_odd);
  const __mmask16 vneg = q8rt_vnni_negative_mask(vacc);
  const __m512i vy = _mm512_srl_epi32(_mm512_add_epi32(_mm512_abs_epi32(vq31), rq->half), rq->shift);
  return _mm512_mask_sub_epi32(vy, vneg, _mm512_setzero_si512(), vy);
}

/* The same requantization in fp32, 5 operations instead of 13; exact (bit for bit equal to q8rt_vnni_q31 after
 * the int16 saturation of the output stages) when multiplier = m24 * 2^7 with m24 < 2^24 and 1 <= shift <= 13,
 * which q8rt_vnni_rq_init checks. Why: with D = 2^(24 + shift) the Q31 form folds into one rounding,
 *     y = floor((acc * m24 + 2^23 + 2^(23 + shift)) / D)       for acc >= 0,
 *     y = floor((acc * m24 - 2^23 + 2^(23 + shift)) / D)       for acc < 0
 * (q31 = floor((acc * m24 + 2^23) / 2^24); then the half-away-from-zero shift, and nested floors of integer
 * quotients merge). scale = m24 / D is an fp32 number (24 significant bits), and so are the rounding terms
 * 1/2 +- 2^-(shift + 1). One vfmadd rounded toward -inf then gives v' <= v = acc * scale + term, and since the
 * integer n = floor(v) (|n| < 2^24) is an fp32 number <= v, also v' >= n: floor(v') = floor(v), taken by
 * vcvtps2dq rounding toward -inf. acc converts exactly while |acc| < 2^24; beyond, |y| >= 2^(23 - shift) - 1 >=
 * 1023 in both forms (the conversion is monotone), so the output stages saturate both to the same byte, and
 * |v| < 2^(31 - shift) keeps vcvtps2dq in range. test_q8requant checks it against q8rt_requantize_q31. */
Q8RT_VNNI_INLINE __m512i q8rt_vnni_fp32(__m512i vacc, const struct q8rt_vnni_rq* rq) {
  const __m512 vround = _mm512_mask_mov_ps(rq->round_pos, q8rt_vnni_negative_mask(vacc), rq->round_neg);
  const __m512 v = _mm512_fmadd_round_ps(_mm512_cvtepi32_ps(vacc), rq->scale, vround,
                                         _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
  return _mm512_cvt_roundps_epi32(v, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
}

/* TFLITE_SINGLE_ROUNDING of 16 accumulators up to the zero point, bit-exact with q8rt_single_mul_shift
 * (kernels/requantize.h): y = (acc * multiplier + 2^(30 + shift)) >> (31 + shift) in 64-bit lanes (vpmuldq, then
 * the arithmetic vpsraq: |acc * multiplier| < 2^62, so the sum stays below 2^63 and |y| < 2^31); the odd lanes'
 * results move to the high dwords with one masked vpshufd. */
Q8RT_VNNI_INLINE __m512i q8rt_vnni_single(__m512i vacc, const struct q8rt_vnni_rq* rq) {
  const __m512i vprod_even = _mm512_add_epi64(_mm512_mul_epi32(vacc, rq->multiplier), rq->rounding);
  const __m512i vprod_odd =
      _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(vacc, 32), rq->multiplier), rq->rounding);
  const __m512i vy_even = _mm512_sra_epi64(vprod_even, rq->total_shift);
  const __m512i vy_odd = _mm512_sra_epi64(vprod_odd, rq->total_shift);
  return _mm512_mask_shuffle_epi32(vy_even, 0xAAAA, vy_odd, _MM_PERM_CCAA);
}

/* The fp32 form for a 31-bit multiplier M = Mh + Ml (Mh: its top 24 bits, Ml = M & 0x7F), 6 operations (the rounding
 * term does not depend on the sign with single rounding: 4 of them matter, the blend selects equal values):
 *     inner = RN(acc * Ml / D + t),   v = RD(acc * Mh / D + inner),   y = floor(v),   D = 2^(31 + shift),
 * t = 1/2 +- 2^-(shift + 1) by the sign of acc (two roundings, as q8rt_vnni_fp32) or 1/2 (single rounding). The
 * exact result is floor(acc * M / D + t); inner carries an error of at most 2^-25, so y can differ from it only
 * for accumulators within about 2^(shift - 24) of an output step. Whether any such accumulator exists is decided
 * per parameter set, once per session plan, by q8rt_q8requant_prepare__avx512vnni: y is monotone in acc (every
 * step is, and y(-1) <= 0 = y(0)), so equal outputs on both sides of every step of the clamped output mean equal
 * outputs everywhere (docs/arithmetic.md). With shift in 1..23, t is an fp32 number and |v| < 2^30 + 1. */
Q8RT_VNNI_INLINE __m512i q8rt_vnni_fp32_split(__m512i vacc, const struct q8rt_vnni_rq* rq) {
  const __m512 vround = _mm512_mask_mov_ps(rq->round_pos, q8rt_vnni_negative_mask(vacc), rq->round_neg);
  const __m512 vaccf = _mm512_cvt_roundepi32_ps(vacc, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __m512 vinner =
      _mm512_fmadd_round_ps(vaccf, rq->scale_lo, vround, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __m512 v = _mm512_fmadd_round_ps(vaccf, rq->scale, vinner, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
  return _mm512_cvt_roundps_epi32(v, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
}

/* Requantization of 16 accumulators up to the zero point, in the form q8rt_vnni_rq_init chose. */
Q8RT_VNNI_INLINE __m512i q8rt_vnni_requant(__m512i vacc, const struct q8rt_vnni_rq* rq) {
  switch (rq->form) {
    case Q8RT_VNNI_FP32: return q8rt_vnni_fp32(vacc, rq);
    case Q8RT_VNNI_FP32_SPLIT: return q8rt_vnni_fp32_split(vacc, rq);
    case Q8RT_VNNI_SINGLE: return q8rt_vnni_single(vacc, rq);
    default: return q8rt_vnni_q31(vacc, rq);
  }
}

/* 32 requantized values (two vectors of y) to 32 output bytes: saturate to int16, add the zero point
 * (saturating), clamp, narrow. Equal to clamp(y + zero_point, min, max). */
Q8RT_VNNI_INLINE __m256i q8rt_vnni_out32(__m512i vy0, __m512i vy1, const struct q8rt_vnni_rq* rq) {
  __m512i v = _mm512_inserti64x4(_mm512_castsi256_si512(_mm512_cvtsepi32_epi16(vy0)), _mm512_cvtsepi32_epi16(vy1), 1);
  v = _mm512_adds_epi16(v, rq->zero_point);
  v = _mm512_min_epi16(_mm512_max_epi16(v, rq->min), rq->max);
  return _mm512_cvtepi16_epi8(v);
}

/* Four vectors of requantized values to 64 output bytes, clamp(y + zero_point, min, max): packssdw, add the zero
 * point (saturating), packuswb, clamp. In 128-bit lane j, bytes 4i .. 4i + 3 come from lanes 4j .. 4j + 3 of vy<i>. */
Q8RT_VNNI_INLINE __m512i q8rt_vnni_narrow4(__m512i vy0, __m512i vy1, __m512i vy2, __m512i vy3,
                                           const struct q8rt_vnni_rq* rq) {
  const __m512i v01 = _mm512_adds_epi16(_mm512_packs_epi32(vy0, vy1), rq->zero_point);
  const __m512i v23 = _mm512_adds_epi16(_mm512_packs_epi32(vy2, vy3), rq->zero_point);
  return _mm512_min_epu8(_mm512_max_epu8(_mm512_packus_epi16(v01, v23), rq->min8), rq->max8);
}

/* Two rows of 32 requantized values (y00, y01: row 0 columns 0-15, 16-31; y10, y11: row 1) to 64 output bytes,
 * row 0 in bytes 0-31 and row 1 in bytes 32-63: q8rt_vnni_narrow4, then one vpermd undoes the 128-bit lane
 * interleave of the packs. */
Q8RT_VNNI_INLINE __m512i q8rt_vnni_out2x32(__m512i vy00, __m512i vy01, __m512i vy10, __m512i vy11,
                                           const struct q8rt_vnni_rq* rq) {
  return _mm512_permutexvar_epi32(rq->unlane2x32, q8rt_vnni_narrow4(vy00, vy01, vy10, vy11, rq));
}

Q8RT_VNNI_INLINE __m128i q8rt_vnni_out16(__m512i vy0, const struct q8rt_vnni_rq* rq) {
  __m256i v = _mm512_cvtsepi32_epi16(vy0);
  v = _mm256_adds_epi16(v, _mm512_castsi512_si256(rq->zero_point));
  v = _mm256_min_epi16(_mm256_max_epi16(v, _mm512_castsi512_si256(rq->min)), _mm512_castsi512_si256(rq->max));
  return _mm256_cvtepi16_epi8(v);
}

/* Stores of an 8-row tile, shared by the 8x32 GEMM and convolution kernels. Rows past mr alias the previous row
 * (same values), so callers store from row 7 down to row 0.
 * Rows r0 (accumulators vacc0x0: columns 0-15, vacc0x1: 16-31) and r1 (vacc1x0, vacc1x1), 32 columns under vmask,
 * to c0 and c1 (c1 first). */
Q8RT_VNNI_INLINE void q8rt_vnni_store_2x32(uint8_t* c0, uint8_t* c1, __mmask32 vmask, __m512i vacc0x0, __m512i vacc0x1,
                                          __m512i vacc1x0, __m512i vacc1x1, const struct q8rt_vnni_rq* rq) {
  const __m512i vout = q8rt_vnni_out2x32(q8rt_vnni_requant(vacc0x0, rq), q8rt_vnni_requant(vacc0x1, rq),
                                         q8rt_vnni_requant(vacc1x0, rq), q8rt_vnni_requant(vacc1x1, rq), rq);
  _mm256_mask_storeu_epi8(c1, vmask, _mm512_extracti64x4_epi64(vout, 1));
  _mm256_mask_storeu_epi8(c0, vmask, _mm512_castsi512_si256(vout));
}

/* One row (accumulators of columns 0-15), 16 columns under vmask, to c. */
Q8RT_VNNI_INLINE void q8rt_vnni_store_1x16(uint8_t* c, __mmask16 vmask, __m512i vacc, const struct q8rt_vnni_rq* rq) {
  _mm_mask_storeu_epi8(c, vmask, q8rt_vnni_out16(q8rt_vnni_requant(vacc, rq), rq));
}

Q8RT_VNNI_INLINE __m512i q8rt_vnni_bcast4(const uint8_t* p) {
  int32_t v;
  __builtin_memcpy(&v, p, sizeof v);
  return _mm512_set1_epi32(v);
}

/* acc + vpdpbusd(a: uint8, b: int8), exact (not the saturating vpdpbusds). Inline assembly rather than
 * _mm512_dpbusd_epi32: GCC 12 copies every accumulator around each intrinsic (and spills), halving speed. */
Q8RT_VNNI_INLINE __m512i q8rt_vnni_dpbusd(__m512i vacc, __m512i va, __m512i vb) {
  __asm__("vpdpbusd %2, %1, %0" : "+v"(vacc) : "v"(va), "v"(vb));
  return vacc;
}

/* acc + vpdpwssd(a: int16 pairs, b: int16 pairs), exact (not the saturating vpdpwssds); inline assembly for the
 * same reason as q8rt_vnni_dpbusd. */
Q8RT_VNNI_INLINE __m512i q8rt_vnni_dpwssd(__m512i vacc, __m512i va, __m512i vb) {
  __asm__("vpdpwssd %2, %1, %0" : "+v"(vacc) : "v"(va), "v"(vb));
  return vacc;
}
