/*
 * Shared body of the NEON 3x4c8 q8gemm / q8conv micro-kernels (aarch64 and armv7 NEON), for the packed
 * Q8RT_LAYOUT_GEMM panel (kernels/layout.h): KR = 8 blocks of int16 (w - kernel_zero_point), rotated so that
 * vector r holds, in int16 lanes 2j and 2j+1, column (j + r) % 4 of k-pair j.
 *
 * NEON has no pmaddwd, so products stay lane-wise: for a row x (8 int16 of A, widened from uint8) and
 * weight vectors w0..w3 of one block,
 *   acc[r] += x[0..3] * w_r[0..3]  (smlal)      lanes l = 0..3: k-pair l/2, column (l/2 + r) % 4
 *   acc[r] += x[4..7] * w_(r+2)%4[4..7]  (smlal2)  k-pair 2 + l/2, column (2 + l/2 + r + 2) % 4 = (l/2 + r) % 4
 * so each int32 lane of acc[r] only ever sums one column: lanes (0,1) column r, lanes (2,3) column r + 1.
 * Per block of 8 k and 3 rows: 3 row loads, 3 uxtl, 1-2 weight loads (64 bytes), 24 smlal/smlal2
 * (96 MACs, 4 per instruction, the NEON maximum for 16-bit multiplies). At the end, pairwise adds give
 * [c0 c1 c2 c3] = padd(acc[0], acc[2]) + rotate(padd(acc[1], acc[3]), 1 lane) per row.
 * K is processed in whole blocks: rows are readable up to round_up(k, 8) + 16 bytes and the padded k
 * hold zero weights.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#include "../layout.h"
#include "../params.h"
#include "../requantize-neon.h"

/* acc + x[4..7] * w[4..7] (smlal2 on A64). */
static inline int32x4_t q8rt_neon_mlal_hi(int32x4_t acc, int16x8_t x, int16x8_t w) {
#if defined(__aarch64__)
  return vmlal_high_s16(acc, x, w);
#else
  return vmlal_s16(acc, vget_high_s16(x), vget_high_s16(w));
#endif
}

/* [a0 + a1, a2 + a3, b0 + b1, b2 + b3] */
static inline int32x4_t q8rt_neon_paddq_s32(int32x4_t a, int32x4_t b) {
#if defined(__aarch64__)
  return vpaddq_s32(a, b);
#else
  return vcombine_s32(vpadd_s32(vget_low_s32(a), vget_high_s32(a)), vpadd_s32(vget_low_s32(b), vget_high_s32(b)));
#endif
}

/* The 12 accumulators of a tile: row m, vector r. */
struct q8rt_neon_3x4c8_acc {
  int32x4_t v[3][4];
};

static inline __attribute__((always_inline)) struct q8rt_neon_3x4c8_acc q8rt_neon_3x4c8_zero(void) {
  struct q8rt_neon_3x4c8_acc acc;
  for (int m = 0; m < 3; m++) {
    for (int r = 0; r < 4; r++) acc.v[m][r] = vdupq_n_s32(0);
  }
  return acc;
}

#if defined(__aarch64__)
/* One row x (int16x8) against the 4 weight vectors of a block, into the row's accumulators vacc[0..3]. */
static inline __attribute__((always_inline)) void q8rt_neon_3x4c8_row(int32x4_t* vacc, int16x8_t vx, int16x8_t vw0,
                                                                       int16x8_t vw1, int16x8_t vw2, int16x8_t vw3) {
  vacc[0] = vmlal_s16(vacc[0], vget_low_s16(vx), vget_low_s16(vw0));
  vacc[1] = vmlal_s16(vacc[1], vget_low_s16(vx), vget_low_s16(vw1));
  vacc[2] = vmlal_s16(vacc[2], vget_low_s16(vx), vget_low_s16(vw2));
  vacc[3] = vmlal_s16(vacc[3], vget_low_s16(vx), vget_low_s16(vw3));
  vacc[0] = q8rt_neon_mlal_hi(vacc[0], vx, vw2);
  vacc[1] = q8rt_neon_mlal_hi(vacc[1], vx, vw3);
  vacc[2] = q8rt_neon_mlal_hi(vacc[2], vx, vw0);
  vacc[3] = q8rt_neon_mlal_hi(vacc[3], vx, vw1);
}

/* One block of 8 k: rows at *pa0..*pa2 (advanced by 8), weights at *pw (int16, advanced by 32).
 * A64 has 32 vector registers: 12 accumulators + 3 rows + 4 weight vectors stay in registers. */
static inline __attribute__((always_inline)) void q8rt_neon_3x4c8_block(struct q8rt_neon_3x4c8_acc* acc,
                                                                         const uint8_t** pa0, const uint8_t** pa1,
                                                                         const uint8_t** pa2, const int16_t** pw) {
  const int16x8_t vx0 = vreinterpretq_s16_u16(vmovl_u8(vld1_u8(*pa0)));
  *pa0 += 8;
  const int16x8_t vx1 = vreinterpretq_s16_u16(vmovl_u8(vld1_u8(*pa1)));
  *pa1 += 8;
  const int16x8_t vx2 = vreinterpretq_s16_u16(vmovl_u8(vld1_u8(*pa2)));
  *pa2 += 8;
  const int16_t* w = *pw;
  const int16x8_t vw0 = vld1q_s16(w);
  const int16x8_t vw1 = vld1q_s16(w + 8);
  const int16x8_t vw2 = vld1q_s16(w + 16);
  const int16x8_t vw3 = vld1q_s16(w + 24);
  *pw = w + 32;
  q8rt_neon_3x4c8_row(acc->v[0], vx0, vw0, vw1, vw2, vw3);
  q8rt_neon_3x4c8_row(acc->v[1], vx1, vw0, vw1, vw2, vw3);
  q8rt_neon_3x4c8_row(acc->v[2], vx2, vw0, vw1, vw2, vw3);
}
#else
/* armv7 has 16 q registers, 12 of them accumulators: rows one at a time, and the weight vectors in pairs
 * (w0, w2) and (w1, w3) reloaded from L1 for each row (the empty asm on the weight pointer keeps the compiler
 * from hoisting the reloads into registers it does not have, which would spill accumulators to the stack). */
static inline __attribute__((always_inline)) void q8rt_neon_3x4c8_row_a32(int32x4_t* vacc, const uint8_t* pa,
                                                                           const int16_t** ppw) {
  const int16x8_t vx = vreinterpretq_s16_u16(vmovl_u8(vld1_u8(pa)));
  __asm__("" : "+r"(*ppw));
  const int16_t* pw = *ppw;
  const int16x8_t vw0 = vld1q_s16(pw);
  const int16x8_t vw2 = vld1q_s16(pw + 16);
  vacc[0] = vmlal_s16(vacc[0], vget_low_s16(vx), vget_low_s16(vw0));
  vacc[2] = vmlal_s16(vacc[2], vget_low_s16(vx), vget_low_s16(vw2));
  vacc[0] = vmlal_s16(vacc[0], vget_high_s16(vx), vget_high_s16(vw2));
  vacc[2] = vmlal_s16(vacc[2], vget_high_s16(vx), vget_high_s16(vw0));
  const int16x8_t vw1 = vld1q_s16(pw + 8);
  const int16x8_t vw3 = vld1q_s16(pw + 24);
  vacc[1] = vmlal_s16(vacc[1], vget_low_s16(vx), vget_low_s16(vw1));
  vacc[3] = vmlal_s16(vacc[3], vget_low_s16(vx), vget_low_s16(vw3));
  vacc[1] = vmlal_s16(vacc[1], vget_high_s16(vx), vget_high_s16(vw3));
  vacc[3] = vmlal_s16(vacc[3], vget_high_s16(vx), vget_high_s16(vw1));
}

static inline __attribute__((always_inline)) void q8rt_neon_3x4c8_block(struct q8rt_neon_3x4c8_acc* acc,
                                                                         const uint8_t** pa0, const uint8_t** pa1,
                                                                         const uint8_t** pa2, const int16_t** pw) {
  q8rt_neon_3x4c8_row_a32(acc->v[0], *pa0, pw);
  *pa0 += 8;
  q8rt_neon_3x4c8_row_a32(acc->v[1], *pa1, pw);
  *pa1 += 8;
  q8rt_neon_3x4c8_row_a32(acc->v[2], *pa2, pw);
  *pa2 += 8;
  *pw += 32;
}
#endif

/* Column sums of row m plus the bias: int32x4 [c0 c1 c2 c3]. */
static inline __attribute__((always_inline)) int32x4_t q8rt_neon_3x4c8_reduce(const int32x4_t* vacc,
                                                                               int32x4_t vbias) {
  const int32x4_t v13 = q8rt_neon_paddq_s32(vacc[1], vacc[3]);
  return vaddq_s32(vaddq_s32(q8rt_neon_paddq_s32(vacc[0], vacc[2]), vbias), vextq_s32(v13, v13, 3));
}

/* Requantizes and stores the mr x nr tile (rows c0, c0 + c_stride, .., only the first mr written). */
static inline __attribute__((always_inline)) void q8rt_neon_3x4c8_store(const struct q8rt_neon_3x4c8_acc* acc,
                                                                         int32x4_t vbias,
                                                                         const struct q8rt_conv_params* params,
                                                                         size_t mr, size_t nr, uint8_t* c0,
                                                                         size_t c_stride) {
  const struct q8rt_neon_q31 vq = q8rt_neon_q31_init(params);
  int32x4_t vy0 = q8rt_neon_3x4c8_reduce(acc->v[0], vbias);
  int32x4_t vy1 = q8rt_neon_3x4c8_reduce(acc->v[1], vbias);
  int32x4_t vy2 = q8rt_neon_3x4c8_reduce(acc->v[2], vbias);
  if (vq.single) { /* TFLITE_SINGLE_ROUNDING: one branch per tile */
    vy0 = q8rt_neon_q31_scale_single(vy0, &vq);
    vy1 = q8rt_neon_q31_scale_single(vy1, &vq);
    vy2 = q8rt_neon_q31_scale_single(vy2, &vq);
  } else {
    vy0 = q8rt_neon_q31_scale_double(vy0, &vq);
    vy1 = q8rt_neon_q31_scale_double(vy1, &vq);
    vy2 = q8rt_neon_q31_scale_double(vy2, &vq);
  }
  const int16x8_t vz01 = q8rt_neon_pack_zp(vy0, vy1, vq.zero_point);
  const int16x8_t vz2 = q8rt_neon_pack_zp(vy2, vy2, vq.zero_point);
  uint8x16_t vout = q8rt_neon_pack_u8(vz01, vz2, vq.min, vq.max);
  uint8_t* cm = c0;
  for (size_t m = 0; m < mr; m++) {
    if (nr == 4) {
      vst1q_lane_u32((void*) cm, vreinterpretq_u32_u8(vout), 0);
    } else {
      q8rt_neon_store_partial_u8(cm, vout, nr);
    }
    vout = vextq_u8(vout, vout, 4);
    cm += c_stride;
  }
}
