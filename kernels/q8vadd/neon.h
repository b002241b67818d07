/*
 * Shared body of the NEON q8vadd micro-kernels (aarch64 and armv7 NEON): QNNPACK's NEON q8vadd.
 *   acc = (a - a_zp) * a_multiplier + (b - b_zp) * b_multiplier   (int32, = zero_point_product + a*am + b*bm;
 *         |acc| < 2 * 255 * 2^22 < 2^31, no wrap), a_zp * am + b_zp * bm taken from zero_point_product
 *   acc += (acc & ~zero_shift_mask) >> 31;  y = vrshlq_s32(acc, -shift)     (round half away from zero)
 *   out = clamp(sat_u8(sat_s16(y) + zp), min, max)
 * The multiplications are done as int32 (vmulq_s32 / vmlaq_s32 on widened inputs) on a and b directly, the
 * zero-point term added once: acc = zero_point_product + a * am + b * bm, exactly the scalar formula.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#include "../params.h"
#include "../requantize-neon.h"

static inline int32x4_t q8rt_neon_vadd_round(int32x4_t vacc, int32x4_t vzero_shift_mask, int32x4_t vright_shift) {
  vacc = vsraq_n_s32(vacc, vbicq_s32(vacc, vzero_shift_mask), 31);
  return vrshlq_s32(vacc, vright_shift);
}

static inline void q8rt_neon_vadd(size_t n, const uint8_t* a, const uint8_t* b, uint8_t* y,
    const struct q8rt_add_params* params) {
  const int32x4_t vzpp = vdupq_n_s32(params->zero_point_product);
  const int32x4_t va_multiplier = vdupq_n_s32((int32_t) params->a_multiplier);
  const int32x4_t vb_multiplier = vdupq_n_s32((int32_t) params->b_multiplier);
  const int32x4_t vright_shift = vdupq_n_s32(-(int32_t) params->shift);
  const int32x4_t vzero_shift_mask = vreinterpretq_s32_u32(vceqq_s32(vright_shift, vdupq_n_s32(0)));
  const int16x8_t vzero_point = vdupq_n_s16((int16_t) params->output_zero_point);
  const uint8x16_t vmin = vdupq_n_u8(params->output_min);
  const uint8x16_t vmax = vdupq_n_u8(params->output_max);
  for (;;) {
    /* inputs are readable up to n + 16: a full vector is always loaded, only n bytes stored */
    const uint8x16_t va = vld1q_u8(a);
    const uint8x16_t vb = vld1q_u8(b);
    a += 16;
    b += 16;
    const int16x8_t va_lo = vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(va)));
    const int16x8_t va_hi = vreinterpretq_s16_u16(vmovl_u8(vget_high_u8(va)));
    const int16x8_t vb_lo = vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(vb)));
    const int16x8_t vb_hi = vreinterpretq_s16_u16(vmovl_u8(vget_high_u8(vb)));
    int32x4_t vacc0 = vmlaq_s32(vzpp, vmovl_s16(vget_low_s16(va_lo)), va_multiplier);
    int32x4_t vacc1 = vmlaq_s32(vzpp, vmovl_s16(vget_high_s16(va_lo)), va_multiplier);
    int32x4_t vacc2 = vmlaq_s32(vzpp, vmovl_s16(vget_low_s16(va_hi)), va_multiplier);
    int32x4_t vacc3 = vmlaq_s32(vzpp, vmovl_s16(vget_high_s16(va_hi)), va_multiplier);
    vacc0 = vmlaq_s32(vacc0, vmovl_s16(vget_low_s16(vb_lo)), vb_multiplier);
    vacc1 = vmlaq_s32(vacc1, vmovl_s16(vget_high_s16(vb_lo)), vb_multiplier);
    vacc2 = vmlaq_s32(vacc2, vmovl_s16(vget_low_s16(vb_hi)), vb_multiplier);
    vacc3 = vmlaq_s32(vacc3, vmovl_s16(vget_high_s16(vb_hi)), vb_multiplier);
    vacc0 = q8rt_neon_vadd_round(vacc0, vzero_shift_mask, vright_shift);
    vacc1 = q8rt_neon_vadd_round(vacc1, vzero_shift_mask, vright_shift);
    vacc2 = q8rt_neon_vadd_round(vacc2, vzero_shift_mask, vright_shift);
    vacc3 = q8rt_neon_vadd_round(vacc3, vzero_shift_mask, vright_shift);
    const uint8x16_t vy = q8rt_neon_pack_u8(q8rt_neon_pack_zp(vacc0, vacc1, vzero_point),
                                            q8rt_neon_pack_zp(vacc2, vacc3, vzero_point), vmin, vmax);
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
