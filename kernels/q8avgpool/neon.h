/*
 * Shared body of the NEON q8avgpool micro-kernels (aarch64 and armv7 NEON): QNNPACK's NEON average pooling.
 *   n   = bias + sum of the ks inputs          (int32 with wrap-around, 8 channels per vector)
 *   p   = n * multiplier - (n < 0)             (vmull_s32 to int64, vaddw_s32 of the sign mask)
 *   y   = vrshlq_s64(p, -shift)                (= (p + 2^(shift-1)) >> shift, computed without overflow)
 *   out = clamp(sat_u8(sat_s16((int32) y) + zp), min, max)
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#include "../params.h"
#include "../requantize-neon.h"

static inline int32x4_t q8rt_neon_avgpool_scale(int32x4_t vn, int32x2_t vmultiplier, int64x2_t vright_shift) {
  const int32x4_t vneg = vreinterpretq_s32_u32(vcltq_s32(vn, vdupq_n_s32(0)));
  const int64x2_t vp_lo = vaddw_s32(vmull_s32(vget_low_s32(vn), vmultiplier), vget_low_s32(vneg));
  const int64x2_t vp_hi = vaddw_s32(vmull_s32(vget_high_s32(vn), vmultiplier), vget_high_s32(vneg));
  return vcombine_s32(vmovn_s64(vrshlq_s64(vp_lo, vright_shift)), vmovn_s64(vrshlq_s64(vp_hi, vright_shift)));
}

static inline void q8rt_neon_avgpool(size_t ks, size_t channels, const uint8_t* const* input, uint8_t* output,
    const struct q8rt_avgpool_params* params) {
  const int32x4_t vbias = vdupq_n_s32(params->bias);
  const int32x2_t vmultiplier = vdup_n_s32(params->multiplier);
  const int64x2_t vright_shift = vdupq_n_s64(-(int64_t) params->shift);
  const int16x8_t vzero_point = vdupq_n_s16((int16_t) params->output_zero_point);
  const uint8x8_t vmin = vdup_n_u8(params->output_min);
  const uint8x8_t vmax = vdup_n_u8(params->output_max);
  for (size_t off = 0; off < channels; off += 8) {
    uint32x4_t vacc_lo = vreinterpretq_u32_s32(vbias);
    uint32x4_t vacc_hi = vacc_lo;
    size_t t = 0;
    /* pairs of taps summed in uint16 first (2 * 255 fits), then widened into the uint32 sums */
    for (; t + 2 <= ks; t += 2) {
      const uint16x8_t vsum = vaddl_u8(vld1_u8(input[t] + off), vld1_u8(input[t + 1] + off));
      vacc_lo = vaddw_u16(vacc_lo, vget_low_u16(vsum));
      vacc_hi = vaddw_u16(vacc_hi, vget_high_u16(vsum));
    }
    if (t < ks) {
      const uint16x8_t vx = vmovl_u8(vld1_u8(input[t] + off));
      vacc_lo = vaddw_u16(vacc_lo, vget_low_u16(vx));
      vacc_hi = vaddw_u16(vacc_hi, vget_high_u16(vx));
    }
    const int32x4_t vy_lo = q8rt_neon_avgpool_scale(vreinterpretq_s32_u32(vacc_lo), vmultiplier, vright_shift);
    const int32x4_t vy_hi = q8rt_neon_avgpool_scale(vreinterpretq_s32_u32(vacc_hi), vmultiplier, vright_shift);
    const int16x8_t vz = q8rt_neon_pack_zp(vy_lo, vy_hi, vzero_point);
    const uint8x8_t vout = vmin_u8(vmax_u8(vqmovun_s16(vz), vmin), vmax);
    const size_t cr = channels - off;
    if (cr >= 8) {
      vst1_u8(output + off, vout);
    } else {
      q8rt_neon_store_partial_u8(output + off, vcombine_u8(vout, vout), cr);
    }
  }
}
