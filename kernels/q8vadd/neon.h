/*
 * Shared body of the NEON q8vadd micro-kernels (aarch64 and armv7 NEON): QNNPACK's q8vadd arithmetic.
 *   acc = (a - a_zp) * a_multiplier + (b - b_zp) * b_multiplier   (int32; = zero_point_product + a*am + b*bm,
 *         |acc| < 2 * 255 * 2^22 < 2^31, no wrap)
 *   acc += acc >> 31 (as one `ssra`);  y = vrshlq_s32(acc, -shift)   (round half away from zero; shift >= 13, so
 *         QNNPACK's zero-shift mask is always 0 and drops out)
 *   out = clamp(sat_u8(sat_s16(y) + zp), min, max)
 * Per 16 elements: the zero points subtracted while widening (`usubl`, int16), 8 `sxtl`, 4 `mul` + 4 `mla`, 4 `ssra`,
 * 4 `srshl`, the narrows, and the output zero point and the clamp only where the call's parameters need them (the
 * output stage is a compile-time constant of one of three instantiations, chosen once per call).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#include "../params.h"
#include "../requantize-neon.h"

/* The output stage of a call: as enum q8rt_dot_output (kernels/requantize-neon.h), from the add parameters. */
static inline enum q8rt_dot_output q8rt_neon_vadd_output_of(const struct q8rt_add_params* params) {
  if (params->output_min != 0 || params->output_max != UINT8_MAX) return Q8RT_DOT_OUT_CLAMP;
  return params->output_zero_point == 0 ? Q8RT_DOT_OUT_PLAIN : Q8RT_DOT_OUT_ZP;
}

/* (x - x_zp) * multiplier + acc for the 8 int16 differences vd: the low and high 4 lanes. */
static inline __attribute__((always_inline)) int32x4_t q8rt_neon_vadd_mul_lo(int16x8_t vd, int32x4_t vmultiplier) {
  return vmulq_s32(vmovl_s16(vget_low_s16(vd)), vmultiplier);
}
static inline __attribute__((always_inline)) int32x4_t q8rt_neon_vadd_mul_hi(int16x8_t vd, int32x4_t vmultiplier) {
  return vmulq_s32(vmovl_s16(vget_high_s16(vd)), vmultiplier);
}
static inline __attribute__((always_inline)) int32x4_t q8rt_neon_vadd_mla_lo(int32x4_t vacc, int16x8_t vd,
                                                                            int32x4_t vmultiplier) {
  return vmlaq_s32(vacc, vmovl_s16(vget_low_s16(vd)), vmultiplier);
}
static inline __attribute__((always_inline)) int32x4_t q8rt_neon_vadd_mla_hi(int32x4_t vacc, int16x8_t vd,
                                                                            int32x4_t vmultiplier) {
  return vmlaq_s32(vacc, vmovl_s16(vget_high_s16(vd)), vmultiplier);
}

/* Round half away from zero, shift >= 1: the sign fix (-1 for negative values) then the rounding shift. */
static inline __attribute__((always_inline)) int32x4_t q8rt_neon_vadd_round(int32x4_t vacc, int32x4_t vright_shift) {
  return vrshlq_s32(vsraq_n_s32(vacc, vacc, 31), vright_shift);
}

/* Two int32x4 -> int16x8 with the output zero point added where the stage has one. */
static inline __attribute__((always_inline)) int16x8_t q8rt_neon_vadd_narrow(int32x4_t vlo, int32x4_t vhi,
                                                                            int16x8_t vzero_point,
                                                                            const enum q8rt_dot_output out) {
  const int16x8_t v = vcombine_s16(vqmovn_s32(vlo), vqmovn_s32(vhi));
  return out == Q8RT_DOT_OUT_PLAIN ? v : vqaddq_s16(v, vzero_point);
}

/* n elements in one output stage `out` (a constant once inlined). */
static inline __attribute__((always_inline)) void q8rt_neon_vadd_stage(size_t n, const uint8_t* a, const uint8_t* b,
                                                                      uint8_t* y,
                                                                      const struct q8rt_add_params* params,
                                                                      const enum q8rt_dot_output out) {
  const uint8x8_t va_zero_point = vdup_n_u8(params->a_zero_point);
  const uint8x8_t vb_zero_point = vdup_n_u8(params->b_zero_point);
  const int32x4_t va_multiplier = vdupq_n_s32((int32_t) params->a_multiplier);
  const int32x4_t vb_multiplier = vdupq_n_s32((int32_t) params->b_multiplier);
  const int32x4_t vright_shift = vdupq_n_s32(-(int32_t) params->shift);
  const int16x8_t vzero_point = vdupq_n_s16((int16_t) params->output_zero_point);
  const uint8x16_t vmin = vdupq_n_u8(params->output_min);
  const uint8x16_t vmax = vdupq_n_u8(params->output_max);
  for (;;) {
    /* inputs are readable up to n + 16: a full vector is always loaded, only n bytes stored */
    const uint8x16_t va = vld1q_u8(a);
    const uint8x16_t vb = vld1q_u8(b);
    a += 16;
    b += 16;
    /* x - x_zp in [-255, 255]: the wrapped uint16 difference read as int16 */
    const int16x8_t va_lo = vreinterpretq_s16_u16(vsubl_u8(vget_low_u8(va), va_zero_point));
    const int16x8_t va_hi = vreinterpretq_s16_u16(vsubl_u8(vget_high_u8(va), va_zero_point));
    const int16x8_t vb_lo = vreinterpretq_s16_u16(vsubl_u8(vget_low_u8(vb), vb_zero_point));
    const int16x8_t vb_hi = vreinterpretq_s16_u16(vsubl_u8(vget_high_u8(vb), vb_zero_point));
    int32x4_t vacc0 = q8rt_neon_vadd_mla_lo(q8rt_neon_vadd_mul_lo(va_lo, va_multiplier), vb_lo, vb_multiplier);
    int32x4_t vacc1 = q8rt_neon_vadd_mla_hi(q8rt_neon_vadd_mul_hi(va_lo, va_multiplier), vb_lo, vb_multiplier);
    int32x4_t vacc2 = q8rt_neon_vadd_mla_lo(q8rt_neon_vadd_mul_lo(va_hi, va_multiplier), vb_hi, vb_multiplier);
    int32x4_t vacc3 = q8rt_neon_vadd_mla_hi(q8rt_neon_vadd_mul_hi(va_hi, va_multiplier), vb_hi, vb_multiplier);
    vacc0 = q8rt_neon_vadd_round(vacc0, vright_shift);
    vacc1 = q8rt_neon_vadd_round(vacc1, vright_shift);
    vacc2 = q8rt_neon_vadd_round(vacc2, vright_shift);
    vacc3 = q8rt_neon_vadd_round(vacc3, vright_shift);
    uint8x16_t vy = vcombine_u8(vqmovun_s16(q8rt_neon_vadd_narrow(vacc0, vacc1, vzero_point, out)),
                                vqmovun_s16(q8rt_neon_vadd_narrow(vacc2, vacc3, vzero_point, out)));
    if (out == Q8RT_DOT_OUT_CLAMP) vy = vminq_u8(vmaxq_u8(vy, vmin), vmax);
    if (n >= 16) {
      vst1q_u8(y, vy);
      y += 16;
      n -= 16;
      if (n == 0) break;
    } else {
      q8rt_neon_store_partial_u8(y, vy, n);
      break;
    }
  }
}

static inline void q8rt_neon_vadd(size_t n, const uint8_t* a, const uint8_t* b, uint8_t* y,
    const struct q8rt_add_params* params) {
  switch (q8rt_neon_vadd_output_of(params)) {
    case Q8RT_DOT_OUT_PLAIN: q8rt_neon_vadd_stage(n, a, b, y, params, Q8RT_DOT_OUT_PLAIN); break;
    case Q8RT_DOT_OUT_ZP: q8rt_neon_vadd_stage(n, a, b, y, params, Q8RT_DOT_OUT_ZP); break;
    default: q8rt_neon_vadd_stage(n, a, b, y, params, Q8RT_DOT_OUT_CLAMP); break;
  }
}
