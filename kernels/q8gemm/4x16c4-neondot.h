/*
 * Shared code of the aarch64 dot-product kernels (q8gemm 4x16c4n, q8conv 4x16c4; ARMv8.2 `udot`, files built with
 * -march=armv8.2-a+dotprod) on Q8RT_LAYOUT_GEMM_DOT panels (kernels/layout.h).
 *
 * Tile 4 x 16, KR = 4. One `udot` by element multiplies 4 k of one activation row (an int32 lane of the row
 * vector) by the same 4 k of 4 columns (one 16-byte weight vector) and adds into 4 int32 accumulators: 16 MACs.
 * A group of 4 k of a 16-column panel is 64 contiguous bytes, one `ld1 {v.16b-v.16b}` of 4 registers; 16 bytes of
 * each of the 4 rows (4 groups, one `ldr q` per row) then feed 64 `udot`s (1024 MACs) with 4 + 4 loads.
 * Registers: 16 accumulators (4 rows x 4 column quads), 4 rows, 4 weight vectors, 4 row-sum accumulators and the
 * kernel zero point vector: 29 of the 32 A64 vector registers. 8 x 8 (16 accumulators as well) needs 8 row vectors
 * and 8 row sums, which do not fit beside them; 8 x 16 needs 32 accumulators. 4 x 16 is also the shape whose
 * weights come in one 4-register load, and MobileNetV2's channel counts (16 .. 1280) are multiples of 16 but for
 * 24 (one padded half panel) and the classifier's 1000.
 *
 * Zero points: udot computes sum(a w) on the raw uint8 values. The input zero point terms are folded into the
 * packed bias; kernel_zero_point * sum(a) is accumulated per row by `udot` of the row against a vector of
 * kernel_zero_point bytes (4 row-sum accumulators), reduced once per tile (three `addp`) and subtracted from the
 * row's 16 accumulators before the Q31 requantization (kernels/requantize-neon.h, QNNPACK's sequence). In a
 * multi-panel call the row sums are computed with the first panel only and reused.
 *
 * k is processed in chunks of 16 (4 groups), then 8 (2 groups, `udot` by element of a 64-bit row vector), then the
 * remaining 1..7 bytes as one 8-byte load masked to them (so that bytes past k, which meet zero weights in the
 * products, stay out of the row sum): rows are read up to k + 7 bytes.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#include "../layout.h"
#include "../params.h"
#include "../requantize-neon.h"

struct q8rt_dot4x16_acc {
  uint32x4_t v[4][4]; /* [row][column quad] */
  uint32x4_t sum[4];  /* [row]: kernel_zero_point * sum(a), 4 partial lanes */
};

/* The panel's folded bias (its first 64 bytes) in every row's accumulators. */
static inline __attribute__((always_inline)) void q8rt_dot4x16_init(struct q8rt_dot4x16_acc* acc, const uint8_t* panel) {
  const uint32x4_t vb0 = vld1q_u32((const uint32_t*) panel);
  const uint32x4_t vb1 = vld1q_u32((const uint32_t*) panel + 4);
  const uint32x4_t vb2 = vld1q_u32((const uint32_t*) panel + 8);
  const uint32x4_t vb3 = vld1q_u32((const uint32_t*) panel + 12);
  acc->v[0][0] = vb0;
  acc->v[0][1] = vb1;
  acc->v[0][2] = vb2;
  acc->v[0][3] = vb3;
  acc->v[1][0] = vb0;
  acc->v[1][1] = vb1;
  acc->v[1][2] = vb2;
  acc->v[1][3] = vb3;
  acc->v[2][0] = vb0;
  acc->v[2][1] = vb1;
  acc->v[2][2] = vb2;
  acc->v[2][3] = vb3;
  acc->v[3][0] = vb0;
  acc->v[3][1] = vb1;
  acc->v[3][2] = vb2;
  acc->v[3][3] = vb3;
}

/* Row m of the tile: acc += w (16 columns of one group) x the group in 32-bit lane `lane` of the row vector va.
 * The lane must be a compile-time constant for the by-element form: the switch folds once inlined. */
static inline __attribute__((always_inline)) void q8rt_dot4x16_row_q(uint32x4_t* vacc, uint8x16x4_t vw, uint8x16_t va,
                                                                    const int lane) {
  switch (lane) {
    case 0:
      vacc[0] = vdotq_laneq_u32(vacc[0], vw.val[0], va, 0);
      vacc[1] = vdotq_laneq_u32(vacc[1], vw.val[1], va, 0);
      vacc[2] = vdotq_laneq_u32(vacc[2], vw.val[2], va, 0);
      vacc[3] = vdotq_laneq_u32(vacc[3], vw.val[3], va, 0);
      break;
    case 1:
      vacc[0] = vdotq_laneq_u32(vacc[0], vw.val[0], va, 1);
      vacc[1] = vdotq_laneq_u32(vacc[1], vw.val[1], va, 1);
      vacc[2] = vdotq_laneq_u32(vacc[2], vw.val[2], va, 1);
      vacc[3] = vdotq_laneq_u32(vacc[3], vw.val[3], va, 1);
      break;
    case 2:
      vacc[0] = vdotq_laneq_u32(vacc[0], vw.val[0], va, 2);
      vacc[1] = vdotq_laneq_u32(vacc[1], vw.val[1], va, 2);
      vacc[2] = vdotq_laneq_u32(vacc[2], vw.val[2], va, 2);
      vacc[3] = vdotq_laneq_u32(vacc[3], vw.val[3], va, 2);
      break;
    default:
      vacc[0] = vdotq_laneq_u32(vacc[0], vw.val[0], va, 3);
      vacc[1] = vdotq_laneq_u32(vacc[1], vw.val[1], va, 3);
      vacc[2] = vdotq_laneq_u32(vacc[2], vw.val[2], va, 3);
      vacc[3] = vdotq_laneq_u32(vacc[3], vw.val[3], va, 3);
      break;
  }
}

/* One group of 4 k (weights at *w, advanced by 64) for the 4 rows, from lane `lane` of each row vector. */
static inline __attribute__((always_inline)) void q8rt_dot4x16_group(struct q8rt_dot4x16_acc* acc, const uint8_t** w,
                                                                    uint8x16_t va0, uint8x16_t va1, uint8x16_t va2,
                                                                    uint8x16_t va3, const int lane) {
  /* The empty asm on the pointer keeps the compiler from hoisting the 4 groups' loads (16 registers) to the top of
   * the 16-k chunk, where they no longer fit beside the 16 accumulators and spill them. */
  __asm__("" : "+r"(*w));
  const uint8x16x4_t vw = vld1q_u8_x4(*w);
  *w += 64;
  q8rt_dot4x16_row_q(acc->v[0], vw, va0, lane);
  q8rt_dot4x16_row_q(acc->v[1], vw, va1, lane);
  q8rt_dot4x16_row_q(acc->v[2], vw, va2, lane);
  q8rt_dot4x16_row_q(acc->v[3], vw, va3, lane);
}

/* k bytes of the 4 rows a0..a3 against the weight groups at *w (advanced by round_up(k, 4) * 16 bytes); with
 * with_sums, also the row sums (times the kernel zero point, vkzp: its bytes). */
static inline __attribute__((always_inline)) void q8rt_dot4x16_k(struct q8rt_dot4x16_acc* acc, const uint8_t* a0,
                                                                const uint8_t* a1, const uint8_t* a2,
                                                                const uint8_t* a3, size_t k, const uint8_t** w,
                                                                uint8x16_t vkzp, const bool with_sums) {
  for (; k >= 16; k -= 16) {
    const uint8x16_t va0 = vld1q_u8(a0);
    a0 += 16;
    const uint8x16_t va1 = vld1q_u8(a1);
    a1 += 16;
    const uint8x16_t va2 = vld1q_u8(a2);
    a2 += 16;
    const uint8x16_t va3 = vld1q_u8(a3);
    a3 += 16;
    if (with_sums) {
      acc->sum[0] = vdotq_u32(acc->sum[0], va0, vkzp);
      acc->sum[1] = vdotq_u32(acc->sum[1], va1, vkzp);
      acc->sum[2] = vdotq_u32(acc->sum[2], va2, vkzp);
      acc->sum[3] = vdotq_u32(acc->sum[3], va3, vkzp);
    }
    q8rt_dot4x16_group(acc, w, va0, va1, va2, va3, 0);
    q8rt_dot4x16_group(acc, w, va0, va1, va2, va3, 1);
    q8rt_dot4x16_group(acc, w, va0, va1, va2, va3, 2);
    q8rt_dot4x16_group(acc, w, va0, va1, va2, va3, 3);
  }
  if (k != 0) {
    /* 1..15 bytes left: an 8-byte chunk (2 groups) if k >= 8, then 1..7 bytes masked (1 or 2 groups) */
    const uint8x8_t vzero = vdup_n_u8(0);
    while (k != 0) {
      const size_t kb = k < 8 ? k : 8;
      const uint8x8_t vmask = vcreate_u8(UINT64_MAX >> (64 - 8 * kb));
      const uint8x16_t va0 = vcombine_u8(vand_u8(vld1_u8(a0), vmask), vzero);
      const uint8x16_t va1 = vcombine_u8(vand_u8(vld1_u8(a1), vmask), vzero);
      const uint8x16_t va2 = vcombine_u8(vand_u8(vld1_u8(a2), vmask), vzero);
      const uint8x16_t va3 = vcombine_u8(vand_u8(vld1_u8(a3), vmask), vzero);
      a0 += 8;
      a1 += 8;
      a2 += 8;
      a3 += 8;
      if (with_sums) {
        acc->sum[0] = vdotq_u32(acc->sum[0], va0, vkzp);
        acc->sum[1] = vdotq_u32(acc->sum[1], va1, vkzp);
        acc->sum[2] = vdotq_u32(acc->sum[2], va2, vkzp);
        acc->sum[3] = vdotq_u32(acc->sum[3], va3, vkzp);
      }
      q8rt_dot4x16_group(acc, w, va0, va1, va2, va3, 0);
      if (kb > 4) q8rt_dot4x16_group(acc, w, va0, va1, va2, va3, 1);
      k -= kb;
    }
  }
}

/* Row sums [s0, s1, s2, s3] (kernel_zero_point * sum(a) of rows 0..3) from the 4 partial-sum accumulators. */
static inline __attribute__((always_inline)) uint32x4_t q8rt_dot4x16_row_sums(const struct q8rt_dot4x16_acc* acc) {
  return vpaddq_u32(vpaddq_u32(acc->sum[0], acc->sum[1]), vpaddq_u32(acc->sum[2], acc->sum[3]));
}

/* Row m's 16 outputs: acc - row sum, requantized, as 16 bytes. */
static inline __attribute__((always_inline)) uint8x16_t q8rt_dot4x16_requantize_row(const uint32x4_t* vacc,
                                                                                    uint32x4_t vsum,
                                                                                    const struct q8rt_neon_q31* vq) {
  const int32x4_t v0 = q8rt_neon_q31_scale(vreinterpretq_s32_u32(vsubq_u32(vacc[0], vsum)), vq);
  const int32x4_t v1 = q8rt_neon_q31_scale(vreinterpretq_s32_u32(vsubq_u32(vacc[1], vsum)), vq);
  const int32x4_t v2 = q8rt_neon_q31_scale(vreinterpretq_s32_u32(vsubq_u32(vacc[2], vsum)), vq);
  const int32x4_t v3 = q8rt_neon_q31_scale(vreinterpretq_s32_u32(vsubq_u32(vacc[3], vsum)), vq);
  return q8rt_neon_pack_u8(q8rt_neon_pack_zp(v0, v1, vq->zero_point), q8rt_neon_pack_zp(v2, v3, vq->zero_point),
                           vq->min, vq->max);
}

/* Stores the first nr (1..16) bytes of vout at c. */
static inline __attribute__((always_inline)) void q8rt_dot4x16_store(uint8_t* c, uint8x16_t vout, size_t nr) {
  if (nr == 16) {
    vst1q_u8(c, vout);
  } else {
    q8rt_neon_store_partial_u8(c, vout, nr);
  }
}

/* Requantizes the tile (row sums vsums) and stores mr rows x nr columns at c. The requantization constants are
 * set up here, per tile, so that they take no registers during the k loop. */
static inline __attribute__((always_inline)) void q8rt_dot4x16_finish(const struct q8rt_dot4x16_acc* acc,
                                                                     uint32x4_t vsums, size_t mr, size_t nr,
                                                                     uint8_t* c, size_t c_stride,
                                                                     const struct q8rt_conv_params* params) {
  const struct q8rt_neon_q31 q = q8rt_neon_q31_init(params);
  const struct q8rt_neon_q31* vq = &q;
  const uint8x16_t vout0 = q8rt_dot4x16_requantize_row(acc->v[0], vdupq_laneq_u32(vsums, 0), vq);
  const uint8x16_t vout1 = q8rt_dot4x16_requantize_row(acc->v[1], vdupq_laneq_u32(vsums, 1), vq);
  const uint8x16_t vout2 = q8rt_dot4x16_requantize_row(acc->v[2], vdupq_laneq_u32(vsums, 2), vq);
  const uint8x16_t vout3 = q8rt_dot4x16_requantize_row(acc->v[3], vdupq_laneq_u32(vsums, 3), vq);
  q8rt_dot4x16_store(c, vout0, nr);
  if (mr > 1) q8rt_dot4x16_store(c + c_stride, vout1, nr);
  if (mr > 2) q8rt_dot4x16_store(c + 2 * c_stride, vout2, nr);
  if (mr > 3) q8rt_dot4x16_store(c + 3 * c_stride, vout3, nr);
}
