/*
 * q8gemm 1x8n GEMV-style micro-kernel, armv7 NEON, on the Q8RT_LAYOUT_GEMM_8X8 panels (kernels/layout.h), for
 * products with fewer rows than 4 (a fully connected layer at batch 1): any mr >= 1 rows, one at a time, x any
 * nc >= 1 columns over consecutive panels. Per 2 k: one 16-byte weight load, per k a vsubl against the kernel
 * zero point and two vmlal.s16 by the row's k-th lane (the armv7 form of 1x8n-aarch64-neon.c); even and odd k go
 * to two accumulator pairs, added before the Q31 requantization (kernels/requantize-neon.h).
 * Twin: 1x8n-scalar.c. The GEMV of the uint8 panels of q8gemm 4x8n (not in the armv7 table, which runs 1x8w16n).
 */
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__ARM_NEON) || defined(__aarch64__)
#error "this file is for armv7 with -mfpu=neon"
#endif

#include "../layout.h"
#include "../params.h"
#include "../requantize-neon.h"
#include "q8gemm.h"

/* acc += vb (8 columns) * lane `lane` (0..3) of vx. The lane of vmlal by scalar must be a constant expression:
 * the switch on the constant lane folds once inlined. */
static inline __attribute__((always_inline)) void q8rt_neon_1x8_mla(int32x4_t* vacc_lo, int32x4_t* vacc_hi,
                                                                   int16x8_t vb, int16x4_t vx, const int lane) {
  switch (lane) {
    case 0:
      *vacc_lo = vmlal_lane_s16(*vacc_lo, vget_low_s16(vb), vx, 0);
      *vacc_hi = vmlal_lane_s16(*vacc_hi, vget_high_s16(vb), vx, 0);
      break;
    case 1:
      *vacc_lo = vmlal_lane_s16(*vacc_lo, vget_low_s16(vb), vx, 1);
      *vacc_hi = vmlal_lane_s16(*vacc_hi, vget_high_s16(vb), vx, 1);
      break;
    case 2:
      *vacc_lo = vmlal_lane_s16(*vacc_lo, vget_low_s16(vb), vx, 2);
      *vacc_hi = vmlal_lane_s16(*vacc_hi, vget_high_s16(vb), vx, 2);
      break;
    default:
      *vacc_lo = vmlal_lane_s16(*vacc_lo, vget_low_s16(vb), vx, 3);
      *vacc_hi = vmlal_lane_s16(*vacc_hi, vget_high_s16(vb), vx, 3);
      break;
  }
}

/* 2 k: the next 16 weight bytes at *pw (advanced by 16) minus the kernel zero point, times lanes lane, lane + 1
 * of vx, into the two accumulator pairs. */
static inline __attribute__((always_inline)) void q8rt_neon_1x8_k2(int32x4_t* vacc0, int32x4_t* vacc1,
                                                                  const uint8_t** pw, uint8x8_t vkzp, int16x4_t vx,
                                                                  const int lane) {
  const uint8x16_t vw = vld1q_u8(*pw);
  *pw += 16;
  q8rt_neon_1x8_mla(&vacc0[0], &vacc0[1], vreinterpretq_s16_u16(vsubl_u8(vget_low_u8(vw), vkzp)), vx, lane);
  q8rt_neon_1x8_mla(&vacc1[0], &vacc1[1], vreinterpretq_s16_u16(vsubl_u8(vget_high_u8(vw), vkzp)), vx, lane + 1);
}

void q8rt_q8gemm_ukernel_1x8n__aarch32_neon(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const size_t kc8 = (k + Q8RT_GEMM8_KR - 1) / Q8RT_GEMM8_KR * Q8RT_GEMM8_KR;
  const size_t panel_bytes = Q8RT_GEMM8_NR * sizeof(int32_t) + kc8 * Q8RT_GEMM8_NR;
  const uint8x8_t vkzp = vdup_n_u8(params->kernel_zero_point);
  const struct q8rt_neon_q31 vq = q8rt_neon_q31_init(params);
  for (size_t m = 0; m < mr; m++) {
    const uint8_t* panel = (const uint8_t*) packed_w;
    uint8_t* cm = c + m * c_stride;
    for (size_t n0 = 0; n0 < nc; n0 += Q8RT_GEMM8_NR) {
      int32x4_t vacc0[2] = {vld1q_s32((const int32_t*) panel), vld1q_s32((const int32_t*) panel + 4)};
      int32x4_t vacc1[2] = {vdupq_n_s32(0), vdupq_n_s32(0)};
      const uint8_t* w = panel + Q8RT_GEMM8_NR * sizeof(int32_t);
      const uint8_t* am = a + m * a_stride;
      for (size_t blocks = kc8 / Q8RT_GEMM8_KR; blocks != 0; blocks--) {
        const int16x8_t vx = vreinterpretq_s16_u16(vmovl_u8(vld1_u8(am)));
        am += 8;
        q8rt_neon_1x8_k2(vacc0, vacc1, &w, vkzp, vget_low_s16(vx), 0);
        q8rt_neon_1x8_k2(vacc0, vacc1, &w, vkzp, vget_low_s16(vx), 2);
        q8rt_neon_1x8_k2(vacc0, vacc1, &w, vkzp, vget_high_s16(vx), 0);
        q8rt_neon_1x8_k2(vacc0, vacc1, &w, vkzp, vget_high_s16(vx), 2);
      }
      const int32x4_t vy_lo = q8rt_neon_q31_scale(vaddq_s32(vacc0[0], vacc1[0]), &vq);
      const int32x4_t vy_hi = q8rt_neon_q31_scale(vaddq_s32(vacc0[1], vacc1[1]), &vq);
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
