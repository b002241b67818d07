/*
 * Building blocks of the armv7 NEON 4x8 micro-kernels (QNNPACK's q8gemm 4x8 aarch32 scheme) on
 * Q8RT_LAYOUT_GEMM_8X8 panels (kernels/layout.h: folded int32 bias[8], then per k the 8 uint8 weights of the
 * panel's columns): q8conv 4x8 (kernels/q8conv/4x8-aarch32-neon.c; the armv7 GEMMs run q8gemm 4x8w16n).
 *
 * 8 int32x4 accumulators (4 rows x 2 column halves), the 4 rows widened to int16 8 k at a time, per k one
 * 8-byte weight load, vsubl against the kernel zero point and 8 vmlal.s16 by scalar (the row's k-th int16
 * lane): 32 MACs in 10 instructions, in 13 of the 16 q registers. One Q31 requantization per 32 outputs.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#include "../layout.h"
#include "../params.h"
#include "../requantize-neon.h"

struct q8rt_neon_4x8_acc {
  int32x4_t lo[4]; /* row m, columns 0..3 */
  int32x4_t hi[4]; /* row m, columns 4..7 */
};

/* acc += vb (8 columns) * vx[lane] for one row; lane (0..7) a constant once inlined (the by-scalar forms take
 * a d register and a lane 0..3). */
static inline __attribute__((always_inline)) void q8rt_neon_4x8_row(int32x4_t* vacc_lo, int32x4_t* vacc_hi,
                                                                   int16x8_t vb, int16x8_t vx, const int lane) {
  const int16x4_t vb_lo = vget_low_s16(vb), vb_hi = vget_high_s16(vb);
  switch (lane) {
    case 0:
      *vacc_lo = vmlal_lane_s16(*vacc_lo, vb_lo, vget_low_s16(vx), 0);
      *vacc_hi = vmlal_lane_s16(*vacc_hi, vb_hi, vget_low_s16(vx), 0);
      break;
    case 1:
      *vacc_lo = vmlal_lane_s16(*vacc_lo, vb_lo, vget_low_s16(vx), 1);
      *vacc_hi = vmlal_lane_s16(*vacc_hi, vb_hi, vget_low_s16(vx), 1);
      break;
    case 2:
      *vacc_lo = vmlal_lane_s16(*vacc_lo, vb_lo, vget_low_s16(vx), 2);
      *vacc_hi = vmlal_lane_s16(*vacc_hi, vb_hi, vget_low_s16(vx), 2);
      break;
    case 3:
      *vacc_lo = vmlal_lane_s16(*vacc_lo, vb_lo, vget_low_s16(vx), 3);
      *vacc_hi = vmlal_lane_s16(*vacc_hi, vb_hi, vget_low_s16(vx), 3);
      break;
    case 4:
      *vacc_lo = vmlal_lane_s16(*vacc_lo, vb_lo, vget_high_s16(vx), 0);
      *vacc_hi = vmlal_lane_s16(*vacc_hi, vb_hi, vget_high_s16(vx), 0);
      break;
    case 5:
      *vacc_lo = vmlal_lane_s16(*vacc_lo, vb_lo, vget_high_s16(vx), 1);
      *vacc_hi = vmlal_lane_s16(*vacc_hi, vb_hi, vget_high_s16(vx), 1);
      break;
    case 6:
      *vacc_lo = vmlal_lane_s16(*vacc_lo, vb_lo, vget_high_s16(vx), 2);
      *vacc_hi = vmlal_lane_s16(*vacc_hi, vb_hi, vget_high_s16(vx), 2);
      break;
    default:
      *vacc_lo = vmlal_lane_s16(*vacc_lo, vb_lo, vget_high_s16(vx), 3);
      *vacc_hi = vmlal_lane_s16(*vacc_hi, vb_hi, vget_high_s16(vx), 3);
      break;
  }
}

/* The next k's weights at *pw (advanced by 8) minus the kernel zero point, times lane `lane` of the 4 rows. */
static inline __attribute__((always_inline)) void q8rt_neon_4x8_k(struct q8rt_neon_4x8_acc* acc, const uint8_t** pw,
                                                                 uint8x8_t vkzp, const int16x8_t* vx,
                                                                 const int lane) {
  const int16x8_t vb = vreinterpretq_s16_u16(vsubl_u8(vld1_u8(*pw), vkzp));
  *pw += 8;
  q8rt_neon_4x8_row(&acc->lo[0], &acc->hi[0], vb, vx[0], lane);
  q8rt_neon_4x8_row(&acc->lo[1], &acc->hi[1], vb, vx[1], lane);
  q8rt_neon_4x8_row(&acc->lo[2], &acc->hi[2], vb, vx[2], lane);
  q8rt_neon_4x8_row(&acc->lo[3], &acc->hi[3], vb, vx[3], lane);
}

/* Row *pa (advanced by 8): 8 k widened to int16. */
static inline __attribute__((always_inline)) int16x8_t q8rt_neon_4x8_load_row(const uint8_t** pa) {
  const int16x8_t vx = vreinterpretq_s16_u16(vmovl_u8(vld1_u8(*pa)));
  *pa += 8;
  return vx;
}

/* The first n (1..8) k of the 4 rows vx times the next n weight vectors at *pw (advanced by 8 per k). */
static inline __attribute__((always_inline)) void q8rt_neon_4x8_block(struct q8rt_neon_4x8_acc* acc,
                                                                     const uint8_t** pw, uint8x8_t vkzp,
                                                                     const int16x8_t* vx, size_t n) {
  q8rt_neon_4x8_k(acc, pw, vkzp, vx, 0);
  if (n > 1) q8rt_neon_4x8_k(acc, pw, vkzp, vx, 1);
  if (n > 2) q8rt_neon_4x8_k(acc, pw, vkzp, vx, 2);
  if (n > 3) q8rt_neon_4x8_k(acc, pw, vkzp, vx, 3);
  if (n > 4) q8rt_neon_4x8_k(acc, pw, vkzp, vx, 4);
  if (n > 5) q8rt_neon_4x8_k(acc, pw, vkzp, vx, 5);
  if (n > 6) q8rt_neon_4x8_k(acc, pw, vkzp, vx, 6);
  if (n > 7) q8rt_neon_4x8_k(acc, pw, vkzp, vx, 7);
}

/* Requantizes the 32 accumulators and stores rows 0..mr-1, columns 0..nr-1 at c (rows c_stride apart). */
static inline __attribute__((always_inline)) void q8rt_neon_4x8_store(const struct q8rt_neon_4x8_acc* acc, size_t mr,
                                                                     size_t nr, uint8_t* c, size_t c_stride,
                                                                     const struct q8rt_conv_params* params) {
  const struct q8rt_neon_q31 vq = q8rt_neon_q31_init(params);
  const uint8x16_t vout01 = q8rt_neon_requantize_2x8(acc->lo[0], acc->hi[0], acc->lo[1], acc->hi[1], &vq);
  const uint8x16_t vout23 = q8rt_neon_requantize_2x8(acc->lo[2], acc->hi[2], acc->lo[3], acc->hi[3], &vq);
  q8rt_neon_store_2x8(c, c_stride, vout01, mr, nr);
  if (mr > 2) q8rt_neon_store_2x8(c + 2 * c_stride, c_stride, vout23, mr - 2, nr);
}
