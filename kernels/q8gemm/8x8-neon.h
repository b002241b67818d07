/*
 * Building blocks of the aarch64 NEON 8x8 micro-kernels on Q8RT_LAYOUT_GEMM_8X8 panels (kernels/layout.h):
 * q8gemm 8x8 (8x8-aarch64-neon.c) and q8conv 8x8 (kernels/q8conv/8x8-aarch64-neon.c). 16 int32x4 accumulators
 * (8 rows x 2 column halves), rows widened to int16 8 k at a time, per k one 8-byte weight load minus the kernel
 * zero point and 16 smlal / smlal2 by lane; one Q31 requantization per 64 outputs.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__aarch64__)
#error "this header is for aarch64"
#endif

#include "../layout.h"
#include "../params.h"
#include "../requantize-neon.h"

struct q8rt_neon_8x8_acc {
  int32x4_t lo[8]; /* row m, columns 0..3 */
  int32x4_t hi[8]; /* row m, columns 4..7 */
};

/* Row m: acc += vb (8 columns) * vx[lane]. The lane of smlal by element must be a constant expression (clang
 * checks it before inlining): the switch on the constant lane folds to one case once inlined. */
static inline __attribute__((always_inline)) void q8rt_neon_8x8_row(int32x4_t* vacc_lo, int32x4_t* vacc_hi,
                                                                   int16x8_t vb, int16x8_t vx, const int lane) {
  switch (lane) {
    case 0:
      *vacc_lo = vmlal_laneq_s16(*vacc_lo, vget_low_s16(vb), vx, 0);
      *vacc_hi = vmlal_high_laneq_s16(*vacc_hi, vb, vx, 0);
      break;
    case 1:
      *vacc_lo = vmlal_laneq_s16(*vacc_lo, vget_low_s16(vb), vx, 1);
      *vacc_hi = vmlal_high_laneq_s16(*vacc_hi, vb, vx, 1);
      break;
    case 2:
      *vacc_lo = vmlal_laneq_s16(*vacc_lo, vget_low_s16(vb), vx, 2);
      *vacc_hi = vmlal_high_laneq_s16(*vacc_hi, vb, vx, 2);
      break;
    case 3:
      *vacc_lo = vmlal_laneq_s16(*vacc_lo, vget_low_s16(vb), vx, 3);
      *vacc_hi = vmlal_high_laneq_s16(*vacc_hi, vb, vx, 3);
      break;
    case 4:
      *vacc_lo = vmlal_laneq_s16(*vacc_lo, vget_low_s16(vb), vx, 4);
      *vacc_hi = vmlal_high_laneq_s16(*vacc_hi, vb, vx, 4);
      break;
    case 5:
      *vacc_lo = vmlal_laneq_s16(*vacc_lo, vget_low_s16(vb), vx, 5);
      *vacc_hi = vmlal_high_laneq_s16(*vacc_hi, vb, vx, 5);
      break;
    case 6:
      *vacc_lo = vmlal_laneq_s16(*vacc_lo, vget_low_s16(vb), vx, 6);
      *vacc_hi = vmlal_high_laneq_s16(*vacc_hi, vb, vx, 6);
      break;
    default:
      *vacc_lo = vmlal_laneq_s16(*vacc_lo, vget_low_s16(vb), vx, 7);
      *vacc_hi = vmlal_high_laneq_s16(*vacc_hi, vb, vx, 7);
      break;
  }
}

/* acc[m] += vb (8 columns) * vx[m][lane] (lane: k within the block), for the 8 rows.
 * Written out row by row (constant indices keep every accumulator in a register). */
static inline __attribute__((always_inline)) void q8rt_neon_8x8_k(struct q8rt_neon_8x8_acc* acc, int16x8_t vb,
                                                                 const int16x8_t* vx, const int lane) {
  q8rt_neon_8x8_row(&acc->lo[0], &acc->hi[0], vb, vx[0], lane);
  q8rt_neon_8x8_row(&acc->lo[1], &acc->hi[1], vb, vx[1], lane);
  q8rt_neon_8x8_row(&acc->lo[2], &acc->hi[2], vb, vx[2], lane);
  q8rt_neon_8x8_row(&acc->lo[3], &acc->hi[3], vb, vx[3], lane);
  q8rt_neon_8x8_row(&acc->lo[4], &acc->hi[4], vb, vx[4], lane);
  q8rt_neon_8x8_row(&acc->lo[5], &acc->hi[5], vb, vx[5], lane);
  q8rt_neon_8x8_row(&acc->lo[6], &acc->hi[6], vb, vx[6], lane);
  q8rt_neon_8x8_row(&acc->lo[7], &acc->hi[7], vb, vx[7], lane);
}

/* Row *pa (advanced by 8): 8 k widened to int16. */
static inline __attribute__((always_inline)) int16x8_t q8rt_neon_8x8_load_row(const uint8_t** pa) {
  const int16x8_t vx = vreinterpretq_s16_u16(vmovl_u8(vld1_u8(*pa)));
  *pa += 8;
  return vx;
}

/* The next k's weights at *pw (advanced by 8), minus the kernel zero point, as int16. The empty asm on the
 * pointer keeps the compiler from hoisting all 8 loads of a block to its top, which spills them to the stack
 * (the 16 accumulators, 8 rows and the zero point leave no room for 8 more vectors). */
static inline __attribute__((always_inline)) int16x8_t q8rt_neon_8x8_weights(const uint8_t** pw, uint8x8_t vkzp) {
  __asm__("" : "+r"(*pw));
  const int16x8_t vb = vreinterpretq_s16_u16(vsubl_u8(vld1_u8(*pw), vkzp));
  *pw += 8;
  return vb;
}

/* Requantizes the 64 accumulators and stores rows 0..mr-1, columns 0..nr-1 at c (rows c_stride apart); rows 2i
 * and 2i + 1 share one uint8x16 (low half: row 2i). */
static inline __attribute__((always_inline)) void q8rt_neon_8x8_store(const struct q8rt_neon_8x8_acc* acc, size_t mr,
                                                                     size_t nr, uint8_t* c, size_t c_stride,
                                                                     const struct q8rt_conv_params* params) {
  const struct q8rt_neon_q31 vq = q8rt_neon_q31_init(params);
  const uint8x16_t vout01 = q8rt_neon_requantize_2x8(acc->lo[0], acc->hi[0], acc->lo[1], acc->hi[1], &vq);
  const uint8x16_t vout23 = q8rt_neon_requantize_2x8(acc->lo[2], acc->hi[2], acc->lo[3], acc->hi[3], &vq);
  const uint8x16_t vout45 = q8rt_neon_requantize_2x8(acc->lo[4], acc->hi[4], acc->lo[5], acc->hi[5], &vq);
  const uint8x16_t vout67 = q8rt_neon_requantize_2x8(acc->lo[6], acc->hi[6], acc->lo[7], acc->hi[7], &vq);
  q8rt_neon_store_2x8(c, c_stride, vout01, mr, nr);
  if (mr > 2) q8rt_neon_store_2x8(c + 2 * c_stride, c_stride, vout23, mr - 2, nr);
  if (mr > 4) q8rt_neon_store_2x8(c + 4 * c_stride, c_stride, vout45, mr - 4, nr);
  if (mr > 6) q8rt_neon_store_2x8(c + 6 * c_stride, c_stride, vout67, mr - 6, nr);
}
