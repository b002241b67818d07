/*
 * Shared body of the NEON TFLite uint8 ADD micro-kernels (aarch64 and armv7 NEON), reference/add.h
 * AddElementwise. Each multiplication RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x, M), s) is
 *   vqrdmulhq_s32(x, M)                 = SaturatingRoundingDoublingHighMul (x, M never both INT32_MIN)
 *   x += (x & ~zero_shift_mask) >> 31   sign fix: -1 for negative values unless s = 0
 *   vrshlq_s32(x, -s)                   rounding right shift (half up)
 * which is round half away from zero of x / 2^s, RoundingDivideByPOT (the sequence of q8rt_neon_q31_scale,
 * kernels/requantize-neon.h; docs/arithmetic.md, "TFLite requantization"). With params->single_rounding
 * (TFLITE_SINGLE_ROUNDING) a multiplication with s >= 1 is vrshlq_s32(vqdmulhq_s32(x, M), -s) (s = 0: the
 * sequence above); one branch per 16 elements. Twin: tflite-scalar.c.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#include "../params.h"
#include "../requantize-neon.h"

struct q8rt_neon_tflite_q31 {
  int32x4_t multiplier;
  int32x4_t right_shift;     /* -s */
  int32x4_t zero_shift_mask; /* all ones where s == 0 */
};

static inline struct q8rt_neon_tflite_q31 q8rt_neon_tflite_q31_init(int32_t multiplier, uint32_t shift) {
  struct q8rt_neon_tflite_q31 q;
  q.multiplier = vdupq_n_s32(multiplier);
  q.right_shift = vdupq_n_s32(-(int32_t) shift);
  q.zero_shift_mask = vreinterpretq_s32_u32(vceqq_s32(q.right_shift, vdupq_n_s32(0)));
  return q;
}

static inline int32x4_t q8rt_neon_tflite_mul(int32x4_t vx, const struct q8rt_neon_tflite_q31* q) {
  vx = vqrdmulhq_s32(vx, q->multiplier);
  vx = vsraq_n_s32(vx, vbicq_s32(vx, q->zero_shift_mask), 31);
  return vrshlq_s32(vx, q->right_shift);
}

/* TFLITE_SINGLE_ROUNDING: (x * M + 2^(30 + s)) >> (31 + s). For s >= 1, vqdmulhq_s32 (floor(x * M / 2^31)) then
 * the rounding shift; for s = 0, vqrdmulhq_s32 alone. zero_shift_mask selects between them. */
static inline int32x4_t q8rt_neon_tflite_mul_single(int32x4_t vx, const struct q8rt_neon_tflite_q31* q) {
  const int32x4_t vq = vbslq_s32(vreinterpretq_u32_s32(q->zero_shift_mask), vqrdmulhq_s32(vx, q->multiplier),
                                 vqdmulhq_s32(vx, q->multiplier));
  return vrshlq_s32(vq, q->right_shift);
}

/* 4 uint16 (widened inputs) -> 4 outputs of the sum before the output zero point */
static inline int32x4_t q8rt_neon_tflite_add4(uint16x4_t va, uint16x4_t vb, int32x4_t va_offset, int32x4_t vb_offset,
                                              int32x4_t vleft_shift, const struct q8rt_neon_tflite_q31* qa,
                                              const struct q8rt_neon_tflite_q31* qb,
                                              const struct q8rt_neon_tflite_q31* qo) {
  const int32x4_t vxa = vshlq_s32(vaddq_s32(vreinterpretq_s32_u32(vmovl_u16(va)), va_offset), vleft_shift);
  const int32x4_t vxb = vshlq_s32(vaddq_s32(vreinterpretq_s32_u32(vmovl_u16(vb)), vb_offset), vleft_shift);
  const int32x4_t vsum = vaddq_s32(q8rt_neon_tflite_mul(vxa, qa), q8rt_neon_tflite_mul(vxb, qb));
  return q8rt_neon_tflite_mul(vsum, qo);
}

static inline int32x4_t q8rt_neon_tflite_add4_single(uint16x4_t va, uint16x4_t vb, int32x4_t va_offset,
                                                     int32x4_t vb_offset, int32x4_t vleft_shift,
                                                     const struct q8rt_neon_tflite_q31* qa,
                                                     const struct q8rt_neon_tflite_q31* qb,
                                                     const struct q8rt_neon_tflite_q31* qo) {
  const int32x4_t vxa = vshlq_s32(vaddq_s32(vreinterpretq_s32_u32(vmovl_u16(va)), va_offset), vleft_shift);
  const int32x4_t vxb = vshlq_s32(vaddq_s32(vreinterpretq_s32_u32(vmovl_u16(vb)), vb_offset), vleft_shift);
  const int32x4_t vsum = vaddq_s32(q8rt_neon_tflite_mul_single(vxa, qa), q8rt_neon_tflite_mul_single(vxb, qb));
  return q8rt_neon_tflite_mul_single(vsum, qo);
}

static inline void q8rt_neon_vadd_tflite(size_t n, const uint8_t* a, const uint8_t* b, uint8_t* y,
    const struct q8rt_tflite_add_params* params) {
  const struct q8rt_neon_tflite_q31 qa = q8rt_neon_tflite_q31_init(params->a_multiplier, params->a_shift);
  const struct q8rt_neon_tflite_q31 qb = q8rt_neon_tflite_q31_init(params->b_multiplier, params->b_shift);
  const struct q8rt_neon_tflite_q31 qo = q8rt_neon_tflite_q31_init(params->output_multiplier, params->output_shift);
  const int32x4_t va_offset = vdupq_n_s32(params->a_offset);
  const int32x4_t vb_offset = vdupq_n_s32(params->b_offset);
  const int32x4_t vleft_shift = vdupq_n_s32((int32_t) params->left_shift);
  const int16x8_t vzero_point = vdupq_n_s16((int16_t) params->output_zero_point);
  const uint8x16_t vmin = vdupq_n_u8(params->output_min);
  const uint8x16_t vmax = vdupq_n_u8(params->output_max);
  const int single = params->single_rounding != 0;
  for (;;) {
    /* inputs are readable up to n + 16: a full vector is always loaded, only n bytes stored */
    const uint8x16_t va = vld1q_u8(a);
    const uint8x16_t vb = vld1q_u8(b);
    a += 16;
    b += 16;
    const uint16x8_t va_lo = vmovl_u8(vget_low_u8(va));
    const uint16x8_t va_hi = vmovl_u8(vget_high_u8(va));
    const uint16x8_t vb_lo = vmovl_u8(vget_low_u8(vb));
    const uint16x8_t vb_hi = vmovl_u8(vget_high_u8(vb));
    int32x4_t vy0, vy1, vy2, vy3;
    if (single) {
      vy0 = q8rt_neon_tflite_add4_single(vget_low_u16(va_lo), vget_low_u16(vb_lo), va_offset, vb_offset, vleft_shift,
                                         &qa, &qb, &qo);
      vy1 = q8rt_neon_tflite_add4_single(vget_high_u16(va_lo), vget_high_u16(vb_lo), va_offset, vb_offset,
                                         vleft_shift, &qa, &qb, &qo);
      vy2 = q8rt_neon_tflite_add4_single(vget_low_u16(va_hi), vget_low_u16(vb_hi), va_offset, vb_offset, vleft_shift,
                                         &qa, &qb, &qo);
      vy3 = q8rt_neon_tflite_add4_single(vget_high_u16(va_hi), vget_high_u16(vb_hi), va_offset, vb_offset,
                                         vleft_shift, &qa, &qb, &qo);
    } else {
      vy0 = q8rt_neon_tflite_add4(vget_low_u16(va_lo), vget_low_u16(vb_lo), va_offset, vb_offset, vleft_shift, &qa,
                                  &qb, &qo);
      vy1 = q8rt_neon_tflite_add4(vget_high_u16(va_lo), vget_high_u16(vb_lo), va_offset, vb_offset, vleft_shift, &qa,
                                  &qb, &qo);
      vy2 = q8rt_neon_tflite_add4(vget_low_u16(va_hi), vget_low_u16(vb_hi), va_offset, vb_offset, vleft_shift, &qa,
                                  &qb, &qo);
      vy3 = q8rt_neon_tflite_add4(vget_high_u16(va_hi), vget_high_u16(vb_hi), va_offset, vb_offset, vleft_shift, &qa,
                                  &qb, &qo);
    }
    const uint8x16_t vy = q8rt_neon_pack_u8(q8rt_neon_pack_zp(vy0, vy1, vzero_point),
                                            q8rt_neon_pack_zp(vy2, vy3, vzero_point), vmin, vmax);
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
