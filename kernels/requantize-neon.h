/*
 * NEON requantization helpers shared by the ARM micro-kernels (aarch64 and armv7 NEON). Header only, so that
 * the intrinsics common to both ISAs are written once; each kernel file includes it (no libc).
 *
 * Q31 (convolution / GEMM / depthwise), exactly QNNPACK's NEON sequence:
 *   q31 = vqrdmulhq_s32(acc, multiplier)      = (2 * acc * multiplier + 2^31) >> 32 = (acc * multiplier + 2^30) >> 31
 *         (saturates only for acc = multiplier = INT32_MIN; multiplier < 2^31 here)
 *   q31 += (q31 & ~zero_shift_mask) >> 31     the sign fix: subtract 1 from negative values unless shift = 0
 *   y   = vrshlq_s32(q31, -shift)             rounding right shift (half up, computed without overflow)
 * (q31 - 1 + 2^(shift-1)) >> shift for negative q31 is round-half-away-from-zero of q31 / 2^shift, the same as
 * the scalar (q31 >> shift) + ((q31 & mask) - (q31 < 0) > mask >> 1); q31 is never INT32_MIN (|q31| < |acc|).
 * TFLITE_SINGLE_ROUNDING (params->single_rounding, shift >= 1): (acc * M + 2^(30 + shift)) >> (31 + shift) is
 *   q   = vqdmulhq_s32(acc, multiplier)       = (2 * acc * multiplier) >> 32 = floor(acc * multiplier / 2^31)
 *   y   = vrshlq_s32(q, -shift)               (q + 2^(shift-1)) >> shift, half up, no sign fix
 * (nested floors of integer quotients merge); for shift 0 it is floor((acc * M + 2^30) / 2^31), the first step of
 * the Q31 sequence, whose sign fix and shift then change nothing: q8rt_tflite_conv_params_init sets
 * single_rounding only for shift >= 1, q8rt_neon_q31_init copies it, and q8rt_neon_q31_scale takes one branch on
 * it per call (the kernels of this repository branch once per tile with the _single / _double functions).
 * The zero point is added in saturated int16 after a saturating narrow, then saturated to uint8 and clamped:
 * equal to clamp(y + zero_point, min, max) because min/max lie in [0, 255] and zero_point in [0, 255].
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#include "params.h"

struct q8rt_neon_q31 {
  int32x4_t multiplier;
  int32x4_t right_shift;     /* -shift */
  int32x4_t zero_shift_mask; /* all ones where shift == 0 */
  int16x8_t zero_point;
  uint8x16_t min, max;
  uint32_t single; /* TFLITE_SINGLE_ROUNDING with shift >= 1: vqdmulhq_s32 then vrshlq_s32 */
};

static inline struct q8rt_neon_q31 q8rt_neon_q31_init(const struct q8rt_conv_params* params) {
  struct q8rt_neon_q31 q;
  q.multiplier = vdupq_n_s32(params->multiplier);
  q.right_shift = vdupq_n_s32(-(int32_t) params->shift);
  q.zero_shift_mask = vreinterpretq_s32_u32(vceqq_s32(q.right_shift, vdupq_n_s32(0)));
  q.zero_point = vdupq_n_s16((int16_t) params->output_zero_point);
  q.min = vdupq_n_u8(params->output_min);
  q.max = vdupq_n_u8(params->output_max);
  q.single = params->single_rounding; /* set only with shift >= 1 (kernels/params.h) */
  return q;
}

/* acc -> y (before the zero point), the Q31 sequence (two roundings) alone. */
static inline int32x4_t q8rt_neon_q31_scale_double(int32x4_t vacc, const struct q8rt_neon_q31* q) {
  vacc = vqrdmulhq_s32(vacc, q->multiplier);
  vacc = vsraq_n_s32(vacc, vbicq_s32(vacc, q->zero_shift_mask), 31);
  return vrshlq_s32(vacc, q->right_shift);
}

/* acc -> y, the single-rounding sequence alone (valid where q->single is set: shift >= 1). */
static inline int32x4_t q8rt_neon_q31_scale_single(int32x4_t vacc, const struct q8rt_neon_q31* q) {
  return vrshlq_s32(vqdmulhq_s32(vacc, q->multiplier), q->right_shift);
}

/* acc -> y (before the zero point), in the sequence of q->single (one branch per call; a kernel may instead
 * branch once per tile on q->single and call the two functions above). */
static inline int32x4_t q8rt_neon_q31_scale(int32x4_t vacc, const struct q8rt_neon_q31* q) {
  if (q->single) return q8rt_neon_q31_scale_single(vacc, q);
  return q8rt_neon_q31_scale_double(vacc, q);
}

/* q8rt_neon_q31_scale_double for params with shift >= 1 and the two-rounding rules (single_rounding 0):
 * zero_shift_mask is all zeros, so the bic is the identity; one instruction fewer per vector, the same result. */
static inline int32x4_t q8rt_neon_q31_scale_shifted(int32x4_t vacc, const struct q8rt_neon_q31* q) {
  vacc = vqrdmulhq_s32(vacc, q->multiplier);
  vacc = vsraq_n_s32(vacc, vacc, 31);
  return vrshlq_s32(vacc, q->right_shift);
}

/* Two int32x4 of y values -> int16x8 with the zero point added (saturating). */
static inline int16x8_t q8rt_neon_pack_zp(int32x4_t vlo, int32x4_t vhi, int16x8_t vzero_point) {
  return vqaddq_s16(vcombine_s16(vqmovn_s32(vlo), vqmovn_s32(vhi)), vzero_point);
}

/* Two int16x8 (zero point added) -> 16 clamped uint8. */
static inline uint8x16_t q8rt_neon_pack_u8(int16x8_t vlo, int16x8_t vhi, uint8x16_t vmin, uint8x16_t vmax) {
  const uint8x16_t vout = vcombine_u8(vqmovun_s16(vlo), vqmovun_s16(vhi));
  return vminq_u8(vmaxq_u8(vout, vmin), vmax);
}

/* The output stage after the scaling, for a call's parameters: the zero point addition and the clamp are skipped
 * where they change nothing (the saturating narrows to int16 and uint8 give [0, 255] already). MobileNetV2's
 * expansion convolutions (ReLU outputs with zero point 0) are PLAIN, its projections (no activation) ZP, its depthwise
 * convolutions (ReLU6 on [0, 255] with zero point 0) PLAIN. Used by the aarch64 dot-product, i8mm and q8gemm 8x8n
 * kernels. */
enum q8rt_dot_output {
  Q8RT_DOT_OUT_PLAIN = 0, /* zero point 0, range [0, 255]: the narrows alone (3 instructions fewer per 16 outputs) */
  Q8RT_DOT_OUT_ZP,        /* range [0, 255]: the narrows and the zero point (2 fewer, no clamp) */
  Q8RT_DOT_OUT_CLAMP,     /* the zero point and the clamp (kernels/requantize-neon.h) */
};

static inline enum q8rt_dot_output q8rt_dot_output_of(const struct q8rt_conv_params* params) {
  if (params->output_min != 0 || params->output_max != UINT8_MAX) return Q8RT_DOT_OUT_CLAMP;
  return params->output_zero_point == 0 ? Q8RT_DOT_OUT_PLAIN : Q8RT_DOT_OUT_ZP;
}

/* The Q31 sequence of two roundings (either shift) for the output stage `out` (a constant): in the PLAIN stage
 * without the sign fix. The fix changes only negative q31, and a negative q31 rounds to y <= 0 with or without it
 * ((q31 + 2^(shift-1)) >> shift <= 0 for q31 <= -1, and the fix only lowers it): in the PLAIN stage (zero point 0,
 * minimum 0) every y <= 0 is output 0 either way, so the outputs are the same, one instruction fewer per 4 outputs
 * (two for q8rt_neon_q31_scale_double). Shift 0: vrshl by 0 is the identity. */
static inline __attribute__((always_inline)) int32x4_t q8rt_neon_q31_scale_out(int32x4_t vacc,
                                                                              const struct q8rt_neon_q31* q,
                                                                              const enum q8rt_dot_output out) {
  if (out == Q8RT_DOT_OUT_PLAIN) return vrshlq_s32(vqrdmulhq_s32(vacc, q->multiplier), q->right_shift);
  return q8rt_neon_q31_scale_double(vacc, q);
}

/* q8rt_neon_q31_scale_shifted (shift >= 1) for the output stage `out`: without the sign fix in the PLAIN stage (as
 * q8rt_neon_q31_scale_out). */
static inline __attribute__((always_inline)) int32x4_t q8rt_neon_q31_scale_shifted_out(int32x4_t vacc,
                                                                                      const struct q8rt_neon_q31* q,
                                                                                      const enum q8rt_dot_output out) {
  if (out == Q8RT_DOT_OUT_PLAIN) return vrshlq_s32(vqrdmulhq_s32(vacc, q->multiplier), q->right_shift);
  return q8rt_neon_q31_scale_shifted(vacc, q);
}

/* Four int32x4 of y values -> 16 uint8 in the output stage `out` (a constant): the narrows, then the zero point and
 * the clamp only where the stage needs them (CLAMP: q8rt_neon_pack_zp and q8rt_neon_pack_u8). */
static inline __attribute__((always_inline)) uint8x16_t q8rt_neon_pack16_out(int32x4_t v0, int32x4_t v1, int32x4_t v2,
                                                                            int32x4_t v3,
                                                                            const struct q8rt_neon_q31* q,
                                                                            const enum q8rt_dot_output out) {
  if (out == Q8RT_DOT_OUT_CLAMP) {
    return q8rt_neon_pack_u8(q8rt_neon_pack_zp(v0, v1, q->zero_point), q8rt_neon_pack_zp(v2, v3, q->zero_point),
                             q->min, q->max);
  }
  int16x8_t v01 = vcombine_s16(vqmovn_s32(v0), vqmovn_s32(v1));
  int16x8_t v23 = vcombine_s16(vqmovn_s32(v2), vqmovn_s32(v3));
  if (out == Q8RT_DOT_OUT_ZP) {
    v01 = vqaddq_s16(v01, q->zero_point);
    v23 = vqaddq_s16(v23, q->zero_point);
  }
  return vcombine_u8(vqmovun_s16(v01), vqmovun_s16(v23));
}

/* Stores the first n (0..16) bytes of v at p, with lane stores only (no libc, no over-write). */
static inline void q8rt_neon_store_partial_u8(uint8_t* p, uint8x16_t v, size_t n) {
  uint8x8_t vh = vget_low_u8(v);
  if (n & 8) {
    vst1_u8(p, vh);
    p += 8;
    vh = vget_high_u8(v);
  }
  if (n & 4) {
    vst1_lane_u32((void*) p, vreinterpret_u32_u8(vh), 0);
    p += 4;
    vh = vext_u8(vh, vh, 4);
  }
  if (n & 2) {
    vst1_lane_u16((void*) p, vreinterpret_u16_u8(vh), 0);
    p += 2;
    vh = vext_u8(vh, vh, 2);
  }
  if (n & 1) vst1_lane_u8(p, vh, 0);
}

/* Two rows of 8 accumulators each (lo0 / hi0: row 0 columns 0-3 / 4-7; lo1 / hi1: row 1) requantized to one
 * uint8x16, row 0 in the low half: the output stage of the 8-column GEMM tiles (4x8 aarch32, 8x8 aarch64). */
static inline __attribute__((always_inline)) uint8x16_t q8rt_neon_requantize_2x8(int32x4_t vlo0, int32x4_t vhi0,
                                                                                int32x4_t vlo1, int32x4_t vhi1,
                                                                                const struct q8rt_neon_q31* q) {
  const int16x8_t vz0 = q8rt_neon_pack_zp(q8rt_neon_q31_scale(vlo0, q), q8rt_neon_q31_scale(vhi0, q), q->zero_point);
  const int16x8_t vz1 = q8rt_neon_pack_zp(q8rt_neon_q31_scale(vlo1, q), q8rt_neon_q31_scale(vhi1, q), q->zero_point);
  return q8rt_neon_pack_u8(vz0, vz1, q->min, q->max);
}

/* Stores the first nr (1..8) bytes of row 0 (the low half of vout) at c and, if rows >= 2, of row 1 (the high
 * half) at c + c_stride. */
static inline __attribute__((always_inline)) void q8rt_neon_store_2x8(uint8_t* c, size_t c_stride, uint8x16_t vout,
                                                                     size_t rows, size_t nr) {
  if (nr == 8) {
    vst1_u8(c, vget_low_u8(vout));
    if (rows >= 2) vst1_u8(c + c_stride, vget_high_u8(vout));
  } else {
    q8rt_neon_store_partial_u8(c, vout, nr);
    if (rows >= 2) q8rt_neon_store_partial_u8(c + c_stride, vextq_u8(vout, vout, 8), nr);
  }
}
