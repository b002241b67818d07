/*
 * q8gemm 1x8n GEMV-style micro-kernel, aarch64 NEON, on the Q8RT_LAYOUT_GEMM_8X8 panels of the 8x8 kernel
 * (kernels/layout.h), for products with fewer rows than 8 (a fully connected layer at batch 1): any mr >= 1 rows,
 * one at a time, x any nc >= 1 columns over consecutive panels. Per k: one 8-byte weight load, usubl against the
 * kernel zero point, smlal + smlal2 by the row's k-th lane (8 MACs in 4 instructions); even and odd k go to two
 * accumulator pairs (shorter dependency chains), added before the Q31 requantization (kernels/requantize-neon.h).
 * Twin: 1x8n-scalar.c.
 */
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__aarch64__)
#error "this file is for aarch64"
#endif

#include "../layout.h"
#include "../params.h"
#include "../requantize-neon.h"
#include "q8gemm.h"

/* acc += (weights of the next k at *pw, minus the kernel zero point) * vx[lane]; *pw advanced by 8. The lane of
 * smlal by element must be a constant expression: the switch on the constant lane folds once inlined. */
static inline __attribute__((always_inline)) void q8rt_neon_1x8_k(int32x4_t* vacc_lo, int32x4_t* vacc_hi,
                                                                 const uint8_t** pw, uint8x8_t vkzp, int16x8_t vx,
                                                                 const int lane) {
  const int16x8_t vb = vreinterpretq_s16_u16(vsubl_u8(vld1_u8(*pw), vkzp));
  *pw += 8;
  switch (lane) {
    case 0: *vacc_lo = vmlal_laneq_s16(*vacc_lo, vget_low_s16(vb), vx, 0); *vacc_hi = vmlal_high_laneq_s16(*vacc_hi, vb, vx, 0); break;
    case 1: *vacc_lo = vmlal_laneq_s16(*vacc_lo, vget_low_s16(vb), vx, 1); *vacc_hi = vmlal_high_laneq_s16(*vacc_hi, vb, vx, 1); break;
    case 2: *vacc_lo = vmlal_laneq_s16(*vacc_lo, vget_low_s16(vb), vx, 2); *vacc_hi = vmlal_high_laneq_s16(*vacc_hi, vb, vx, 2); break;
    case 3: *vacc_lo = vmlal_laneq_s16(*vacc_lo, vget_low_s16(vb), vx, 3); *vacc_hi = vmlal_high_laneq_s16(*vacc_hi, vb, vx, 3); break;
    case 4: *vacc_lo = vmlal_laneq_s16(*vacc_lo, vget_low_s16(vb), vx, 4); *vacc_hi = vmlal_high_laneq_s16(*vacc_hi, vb, vx, 4); break;
    case 5: *vacc_lo = vmlal_laneq_s16(*vacc_lo, vget_low_s16(vb), vx, 5); *vacc_hi = vmlal_high_laneq_s16(*vacc_hi, vb, vx, 5); break;
    case 6: *vacc_lo = vmlal_laneq_s16(*vacc_lo, vget_low_s16(vb), vx, 6); *vacc_hi = vmlal_high_laneq_s16(*vacc_hi, vb, vx, 6); break;
    default: *vacc_lo = vmlal_laneq_s16(*vacc_lo, vget_low_s16(vb), vx, 7); *vacc_hi = vmlal_high_laneq_s16(*vacc_hi, vb, vx, 7); break;
  }
}

void q8rt_q8gemm_ukernel_1x8n__aarch64_neon(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const size_t kc8 = (k + Q8RT_GEMM8_KR - 1) / Q8RT_GEMM8_KR * Q8RT_GEMM8_KR;
  const size_t panel_bytes = Q8RT_GEMM8_NR * sizeof(int32_t) + kc8 * Q8RT_GEMM8_NR;
  const uint8x8_t vkzp = vdup_n_u8(params->kernel_zero_point);
  const struct q8rt_neon_q31 vq = q8rt_neon_q31_init(params);
  for (size_t m = 0; m < mr; m++) {
    const uint8_t* panel = (const uint8_t*) packed_w;
    uint8_t* cm = c + m * c_stride;
    for (size_t n0 = 0; n0 < nc; n0 += Q8RT_GEMM8_NR) {
      int32x4_t vacc0_lo = vld1q_s32((const int32_t*) panel);
      int32x4_t vacc0_hi = vld1q_s32((const int32_t*) panel + 4);
      int32x4_t vacc1_lo = vdupq_n_s32(0);
      int32x4_t vacc1_hi = vdupq_n_s32(0);
      const uint8_t* w = panel + Q8RT_GEMM8_NR * sizeof(int32_t);
      const uint8_t* am = a + m * a_stride;
      for (size_t blocks = kc8 / Q8RT_GEMM8_KR; blocks != 0; blocks--) {
        const int16x8_t vx = vreinterpretq_s16_u16(vmovl_u8(vld1_u8(am)));
        am += 8;
        q8rt_neon_1x8_k(&vacc0_lo, &vacc0_hi, &w, vkzp, vx, 0);
        q8rt_neon_1x8_k(&vacc1_lo, &vacc1_hi, &w, vkzp, vx, 1);
        q8rt_neon_1x8_k(&vacc0_lo, &vacc0_hi, &w, vkzp, vx, 2);
        q8rt_neon_1x8_k(&vacc1_lo, &vacc1_hi, &w, vkzp, vx, 3);
        q8rt_neon_1x8_k(&vacc0_lo, &vacc0_hi, &w, vkzp, vx, 4);
        q8rt_neon_1x8_k(&vacc1_lo, &vacc1_hi, &w, vkzp, vx, 5);
        q8rt_neon_1x8_k(&vacc0_lo, &vacc0_hi, &w, vkzp, vx, 6);
        q8rt_neon_1x8_k(&vacc1_lo, &vacc1_hi, &w, vkzp, vx, 7);
      }
      const int32x4_t vy_lo = q8rt_neon_q31_scale(vaddq_s32(vacc0_lo, vacc1_lo), &vq);
      const int32x4_t vy_hi = q8rt_neon_q31_scale(vaddq_s32(vacc0_hi, vacc1_hi), &vq);
      const int16x8_t vz = q8rt_neon_pack_zp(vy_lo, vy_hi, vq.zero_point);
      const uint8x16_t vout = q8rt_neon_pack_u8(vz, vz, vq.min, vq.max);
      const size_t nr = nc - n0 < Q8RT_GEMM8_NR ? nc - n0 : Q8RT_GEMM8_NR;
      if (nr == Q8RT_GEMM8_NR) {
        vst1_u8(cm + n0, vget_low_u8(vout));
      } else {
        q8rt_neon_store_partial_u8(cm + n0, vout, nr);
      }
      panel += panel_bytes;
    }
  }
}
