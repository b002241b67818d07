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

#if defined(__aarch64__)
#define Q8RT_NEON_MLAL_HI(acc, x, w) vmlal_high_s16(acc, x, w)
#define Q8RT_NEON_PADDQ_S32(a, b) vpaddq_s32(a, b)
#else
#define Q8RT_NEON_MLAL_HI(acc, x, w) vmlal_s16(acc, vget_high_s16(x), vget_high_s16(w))
#define Q8RT_NEON_PADDQ_S32(a, b) \
  vcombine_s32(vpadd_s32(vget_low_s32(a), vget_high_s32(a)), vpadd_s32(vget_low_s32(b), vget_high_s32(b)))
#endif

#define Q8RT_NEON_3X4C8_DECLARE_ACC()                                                 \
  int32x4_t vacc0x0 = vdupq_n_s32(0), vacc0x1 = vdupq_n_s32(0), vacc0x2 = vdupq_n_s32(0), \
            vacc0x3 = vdupq_n_s32(0);                                                 \
  int32x4_t vacc1x0 = vacc0x0, vacc1x1 = vacc0x0, vacc1x2 = vacc0x0, vacc1x3 = vacc0x0; \
  int32x4_t vacc2x0 = vacc0x0, vacc2x1 = vacc0x0, vacc2x2 = vacc0x0, vacc2x3 = vacc0x0

/* One row x (int16x8) against the 4 weight vectors of a block. */
#define Q8RT_NEON_3X4C8_ROW(m, vx)                                                      \
  do {                                                                                  \
    vacc##m##x0 = vmlal_s16(vacc##m##x0, vget_low_s16(vx), vget_low_s16(vw0));           \
    vacc##m##x1 = vmlal_s16(vacc##m##x1, vget_low_s16(vx), vget_low_s16(vw1));           \
    vacc##m##x2 = vmlal_s16(vacc##m##x2, vget_low_s16(vx), vget_low_s16(vw2));           \
    vacc##m##x3 = vmlal_s16(vacc##m##x3, vget_low_s16(vx), vget_low_s16(vw3));           \
    vacc##m##x0 = Q8RT_NEON_MLAL_HI(vacc##m##x0, vx, vw2);                               \
    vacc##m##x1 = Q8RT_NEON_MLAL_HI(vacc##m##x1, vx, vw3);                               \
    vacc##m##x2 = Q8RT_NEON_MLAL_HI(vacc##m##x2, vx, vw0);                               \
    vacc##m##x3 = Q8RT_NEON_MLAL_HI(vacc##m##x3, vx, vw1);                               \
  } while (0)

#if defined(__aarch64__)
/* One block of 8 k: rows at pa0..pa2 (advanced by 8), weights at pw (int16, advanced by 32).
 * A64 has 32 vector registers: 12 accumulators + 3 rows + 4 weight vectors stay in registers. */
#define Q8RT_NEON_3X4C8_BLOCK(pa0, pa1, pa2, pw)                                        \
  do {                                                                                  \
    const int16x8_t vx0 = vreinterpretq_s16_u16(vmovl_u8(vld1_u8(pa0)));                 \
    pa0 += 8;                                                                           \
    const int16x8_t vx1 = vreinterpretq_s16_u16(vmovl_u8(vld1_u8(pa1)));                 \
    pa1 += 8;                                                                           \
    const int16x8_t vx2 = vreinterpretq_s16_u16(vmovl_u8(vld1_u8(pa2)));                 \
    pa2 += 8;                                                                           \
    const int16x8_t vw0 = vld1q_s16(pw);                                                \
    const int16x8_t vw1 = vld1q_s16(pw + 8);                                            \
    const int16x8_t vw2 = vld1q_s16(pw + 16);                                           \
    const int16x8_t vw3 = vld1q_s16(pw + 24);                                           \
    pw += 32;                                                                           \
    Q8RT_NEON_3X4C8_ROW(0, vx0);                                                        \
    Q8RT_NEON_3X4C8_ROW(1, vx1);                                                        \
    Q8RT_NEON_3X4C8_ROW(2, vx2);                                                        \
  } while (0)
#else
/* armv7 has 16 q registers, 12 of them accumulators: rows one at a time, and the weight vectors in pairs
 * (w0, w2) and (w1, w3) reloaded from L1 for each row (the empty asm keeps the compiler from hoisting the
 * reloads into registers it does not have, which would spill accumulators to the stack). */
#define Q8RT_NEON_3X4C8_ROW_A32(m, pa, pw)                                              \
  do {                                                                                  \
    const int16x8_t vx_ = vreinterpretq_s16_u16(vmovl_u8(vld1_u8(pa)));                 \
    pa += 8;                                                                            \
    __asm__("" : "+r"(pw));                                                             \
    const int16x8_t vw0_ = vld1q_s16(pw);                                               \
    const int16x8_t vw2_ = vld1q_s16(pw + 16);                                          \
    vacc##m##x0 = vmlal_s16(vacc##m##x0, vget_low_s16(vx_), vget_low_s16(vw0_));         \
    vacc##m##x2 = vmlal_s16(vacc##m##x2, vget_low_s16(vx_), vget_low_s16(vw2_));         \
    vacc##m##x0 = vmlal_s16(vacc##m##x0, vget_high_s16(vx_), vget_high_s16(vw2_));       \
    vacc##m##x2 = vmlal_s16(vacc##m##x2, vget_high_s16(vx_), vget_high_s16(vw0_));       \
    const int16x8_t vw1_ = vld1q_s16(pw + 8);                                           \
    const int16x8_t vw3_ = vld1q_s16(pw + 24);                                          \
    vacc##m##x1 = vmlal_s16(vacc##m##x1, vget_low_s16(vx_), vget_low_s16(vw1_));         \
    vacc##m##x3 = vmlal_s16(vacc##m##x3, vget_low_s16(vx_), vget_low_s16(vw3_));         \
    vacc##m##x1 = vmlal_s16(vacc##m##x1, vget_high_s16(vx_), vget_high_s16(vw3_));       \
    vacc##m##x3 = vmlal_s16(vacc##m##x3, vget_high_s16(vx_), vget_high_s16(vw1_));       \
  } while (0)
#define Q8RT_NEON_3X4C8_BLOCK(pa0, pa1, pa2, pw)                                        \
  do {                                                                                  \
    Q8RT_NEON_3X4C8_ROW_A32(0, pa0, pw);                                                \
    Q8RT_NEON_3X4C8_ROW_A32(1, pa1, pw);                                                \
    Q8RT_NEON_3X4C8_ROW_A32(2, pa2, pw);                                                \
    pw += 32;                                                                           \
  } while (0)
#endif

/* Column sums of row m plus the bias: int32x4 [c0 c1 c2 c3]. */
#define Q8RT_NEON_3X4C8_REDUCE(m, vbias)                                                 \
  vaddq_s32(vaddq_s32(Q8RT_NEON_PADDQ_S32(vacc##m##x0, vacc##m##x2), (vbias)),            \
            vextq_s32(Q8RT_NEON_PADDQ_S32(vacc##m##x1, vacc##m##x3),                    \
                      Q8RT_NEON_PADDQ_S32(vacc##m##x1, vacc##m##x3), 3))

/* Requantizes and stores the mr x nr tile (rows c0..c2, only the first mr written). */
#define Q8RT_NEON_3X4C8_STORE(vbias, params, mr, nr, c0, c_stride)                      \
  do {                                                                                  \
    const struct q8rt_neon_q31 vq_ = q8rt_neon_q31_init(params);                        \
    const int32x4_t vy0_ = q8rt_neon_q31_scale(Q8RT_NEON_3X4C8_REDUCE(0, vbias), &vq_);  \
    const int32x4_t vy1_ = q8rt_neon_q31_scale(Q8RT_NEON_3X4C8_REDUCE(1, vbias), &vq_);  \
    const int32x4_t vy2_ = q8rt_neon_q31_scale(Q8RT_NEON_3X4C8_REDUCE(2, vbias), &vq_);  \
    const int16x8_t vz01_ = q8rt_neon_pack_zp(vy0_, vy1_, vq_.zero_point);              \
    const int16x8_t vz2_ = q8rt_neon_pack_zp(vy2_, vy2_, vq_.zero_point);               \
    uint8x16_t vout_ = q8rt_neon_pack_u8(vz01_, vz2_, vq_.min, vq_.max);               \
    uint8_t* cm_ = (c0);                                                                \
    for (size_t m_ = 0; m_ < (mr); m_++) {                                              \
      if ((nr) == 4) {                                                                  \
        vst1q_lane_u32((void*) cm_, vreinterpretq_u32_u8(vout_), 0);                   \
      } else {                                                                          \
        q8rt_neon_store_partial_u8(cm_, vout_, (nr));                                   \
      }                                                                                 \
      vout_ = vextq_u8(vout_, vout_, 4);                                                \
      cm_ += (c_stride);                                                                \
    }                                                                                   \
  } while (0)
