/*
 * TFLite uint8 ADD, AVX-512 micro-kernel of the VNNI tier (AVX-512 BW + VBMI), 64 elements per step.
 *
 * The first two stages of reference/add.h depend on one input byte each: sa(v) = RoundingDivideByPOT(
 * SaturatingRoundingDoublingHighMul((v + a_offset) << 20, a_multiplier), a_shift) takes 256 values. Both 256-entry
 * int32 tables are computed with the exact integer requantization (q8rt_vnni_q31, or q8rt_vnni_single with
 * params->single_rounding) and kept as 4 byte planes of 256 bytes; 64 inputs are looked up per plane with two
 * vpermi2b (entries 0-127 and 128-255) and a blend on the index's top bit, and two rounds of unpacks rebuild the
 * int32 values. Only the output stage, y = RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(sa + sb,
 * output_multiplier), output_shift), is computed per element, by the kernels' requantization (q8rt_vnni_requant),
 * then clamp(y + zero point).
 *
 * The tables and the output stage's parameters are the kernel's state: q8rt_q8vadd_tflite_prepare__avx512vnni
 * makes it once per session plan (and checks the output stage for the two-FMA fp32 form), params->prepared
 * points at it; without it each call computes the tables (about 180 ns) and keeps the integer form.
 *
 * Element order: the unpacks put elements 4i .. 4i + 3 of each 128-bit lane in vector i, and q8rt_vnni_narrow4
 * packs them back in that order. Tail: masked loads and stores (nothing is read or written past n). y may alias a
 * or b (each step loads before it stores). Twin: tflite-scalar.c.
 */
#include <stddef.h>
#include <stdint.h>

#include <immintrin.h>

#include "../params.h"
#include "../q8gemm/avx512vnni-common.h"
#include "../q8requant/q8requant.h"
#include "q8vadd.h"

/* One input's table: plane[p][q] holds byte p (little-endian) of entries 64q .. 64q + 63. */
struct q8rt_vadd_vnni_table {
  __m512i plane[4][4];
};

/* One of the three steps of reference/add.h as the Q31 requantization of struct q8rt_conv_params (output zero
 * point 0, no clamp until the caller sets them). */
static struct q8rt_conv_params q8rt_vadd_vnni_step_params(int32_t multiplier, uint32_t shift, int single) {
  struct q8rt_conv_params p = {0};
  p.multiplier = multiplier;
  p.shift = shift;
  p.remainder_mask = (int32_t) ((UINT32_C(1) << shift) - 1);
  p.remainder_threshold = (int32_t) ((uint32_t) p.remainder_mask >> 1);
  p.single_rounding = (uint8_t) (single && shift != 0); /* shift 0: one rounding either way */
  return p;
}

/* t[v] = the exact requantized (v + offset) << left_shift for v = 0 .. 255 (integer forms only: the fp32 form
 * is exact only up to the output saturation, and these are intermediate values). */
static void q8rt_vadd_vnni_table_init(struct q8rt_vadd_vnni_table* t, int32_t offset, uint32_t left_shift,
                                      int32_t multiplier, uint32_t shift, int single) {
  const struct q8rt_conv_params p = q8rt_vadd_vnni_step_params(multiplier, shift, single);
  struct q8rt_vnni_rq rq;
  q8rt_vnni_rq_init(&rq, &p);
  const __m128i vleft_shift = _mm_cvtsi32_si128((int) left_shift);
  const __m512i vbase = _mm512_add_epi32(_mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
                                         _mm512_set1_epi32(offset));
  __m128i bytes[4][16];
  for (int j = 0; j < 16; j++) {
    const __m512i vx = _mm512_sll_epi32(_mm512_add_epi32(vbase, _mm512_set1_epi32(16 * j)), vleft_shift);
    const __m512i vy = p.single_rounding ? q8rt_vnni_single(vx, &rq) : q8rt_vnni_q31(vx, &rq);
    for (int b = 0; b < 4; b++) {
      bytes[b][j] = _mm512_cvtepi32_epi8(_mm512_srl_epi32(vy, _mm_cvtsi32_si128(8 * b)));
    }
  }
  for (int b = 0; b < 4; b++) {
    for (int q = 0; q < 4; q++) {
      __m512i v = _mm512_castsi128_si512(bytes[b][4 * q]);
      v = _mm512_inserti32x4(v, bytes[b][4 * q + 1], 1);
      v = _mm512_inserti32x4(v, bytes[b][4 * q + 2], 2);
      t->plane[b][q] = _mm512_inserti32x4(v, bytes[b][4 * q + 3], 3);
    }
  }
}

/* Byte b of t[idx] for 64 indices. */
Q8RT_VNNI_INLINE __m512i q8rt_vadd_vnni_plane(const struct q8rt_vadd_vnni_table* t, int b, __m512i vidx,
                                           __mmask64 vhigh) {
  const __m512i vlo = _mm512_permutex2var_epi8(t->plane[b][0], vidx, t->plane[b][1]);
  const __m512i vhi = _mm512_permutex2var_epi8(t->plane[b][2], vidx, t->plane[b][3]);
  return _mm512_mask_blend_epi8(vhigh, vlo, vhi);
}

/* t[idx] for 64 indices, as 4 int32 vectors: vector i holds elements 4i .. 4i + 3 of each 128-bit lane. */
Q8RT_VNNI_INLINE void q8rt_vadd_vnni_lookup(const struct q8rt_vadd_vnni_table* t, __m512i vidx, __m512i out[4]) {
  const __mmask64 vhigh = _mm512_movepi8_mask(vidx);
  const __m512i v0 = q8rt_vadd_vnni_plane(t, 0, vidx, vhigh);
  const __m512i v1 = q8rt_vadd_vnni_plane(t, 1, vidx, vhigh);
  const __m512i v2 = q8rt_vadd_vnni_plane(t, 2, vidx, vhigh);
  const __m512i v3 = q8rt_vadd_vnni_plane(t, 3, vidx, vhigh);
  const __m512i v01_lo = _mm512_unpacklo_epi8(v0, v1), v01_hi = _mm512_unpackhi_epi8(v0, v1);
  const __m512i v23_lo = _mm512_unpacklo_epi8(v2, v3), v23_hi = _mm512_unpackhi_epi8(v2, v3);
  out[0] = _mm512_unpacklo_epi16(v01_lo, v23_lo);
  out[1] = _mm512_unpackhi_epi16(v01_lo, v23_lo);
  out[2] = _mm512_unpacklo_epi16(v01_hi, v23_hi);
  out[3] = _mm512_unpackhi_epi16(v01_hi, v23_hi);
}

/* 64 outputs from 64 bytes of a and of b. */
Q8RT_VNNI_INLINE __m512i q8rt_vadd_vnni_step(const struct q8rt_vadd_vnni_table* ta, const struct q8rt_vadd_vnni_table* tb,
                                          __m512i va, __m512i vb, const struct q8rt_vnni_rq* rq) {
  __m512i sa[4], sb[4];
  q8rt_vadd_vnni_lookup(ta, va, sa);
  q8rt_vadd_vnni_lookup(tb, vb, sb);
  return q8rt_vnni_narrow4(q8rt_vnni_requant(_mm512_add_epi32(sa[0], sb[0]), rq),
                           q8rt_vnni_requant(_mm512_add_epi32(sa[1], sb[1]), rq),
                           q8rt_vnni_requant(_mm512_add_epi32(sa[2], sb[2]), rq),
                           q8rt_vnni_requant(_mm512_add_epi32(sa[3], sb[3]), rq), rq);
}

struct q8rt_vadd_vnni_state {
  struct q8rt_vadd_vnni_table a, b;
  struct q8rt_conv_params out; /* the output stage: the conv requantization of sa + sb, with the op's clamp */
};
_Static_assert(sizeof(struct q8rt_vadd_vnni_state) <= Q8RT_Q8VADD_TFLITE_AVX512VNNI_STATE_BYTES,
               "Q8RT_Q8VADD_TFLITE_AVX512VNNI_STATE_BYTES");

static void q8rt_vadd_vnni_state_init(struct q8rt_vadd_vnni_state* st, const struct q8rt_tflite_add_params* params) {
  const int single = params->single_rounding != 0;
  q8rt_vadd_vnni_table_init(&st->a, params->a_offset, params->left_shift, params->a_multiplier, params->a_shift, single);
  q8rt_vadd_vnni_table_init(&st->b, params->b_offset, params->left_shift, params->b_multiplier, params->b_shift, single);
  /* |sa + sb| < 2^28 (kernels/params.h) */
  st->out = q8rt_vadd_vnni_step_params(params->output_multiplier, params->output_shift, single);
  st->out.output_zero_point = params->output_zero_point;
  st->out.output_min = params->output_min;
  st->out.output_max = params->output_max;
}

void q8rt_q8vadd_tflite_prepare__avx512vnni(const struct q8rt_tflite_add_params* params, void* state) {
  struct q8rt_vadd_vnni_state* st = state;
  q8rt_vadd_vnni_state_init(st, params);
  q8rt_q8requant_prepare__avx512vnni(&st->out);
}

void q8rt_q8vadd_tflite_ukernel__avx512vnni(size_t n, const uint8_t* a, const uint8_t* b, uint8_t* y,
    const struct q8rt_tflite_add_params* params) {
  struct q8rt_vadd_vnni_state local;
  const struct q8rt_vadd_vnni_state* st = params->prepared;
  if (st == NULL) {
    q8rt_vadd_vnni_state_init(&local, params);
    st = &local;
  }
  struct q8rt_vnni_rq rq;
  q8rt_vnni_rq_init(&rq, &st->out);

  for (; n >= 64; n -= 64) {
    const __m512i va = _mm512_loadu_si512((const void*) a);
    const __m512i vb = _mm512_loadu_si512((const void*) b);
    _mm512_storeu_si512((void*) y, q8rt_vadd_vnni_step(&st->a, &st->b, va, vb, &rq));
    a += 64;
    b += 64;
    y += 64;
  }
  if (n != 0) {
    const __mmask64 vmask = _cvtu64_mask64((UINT64_C(1) << n) - 1);
    const __m512i va = _mm512_maskz_loadu_epi8(vmask, (const void*) a);
    const __m512i vb = _mm512_maskz_loadu_epi8(vmask, (const void*) b);
    _mm512_mask_storeu_epi8((void*) y, vmask, q8rt_vadd_vnni_step(&st->a, &st->b, va, vb, &rq));
  }
}
