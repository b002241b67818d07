/*
 * Shared code of the aarch64 i8mm kernels (q8gemm 4x16c8n / 2x16c8n, q8conv 4x16c8; ARMv8.6 `ummla`, files built
 * with -march=armv8.2-a+dotprod+i8mm) on Q8RT_LAYOUT_GEMM_I8MM panels (kernels/layout.h).
 *
 * Tile 4 x 16, KR = 8. One `ummla` multiplies a 2x8 block of uint8 activations (8 k of two rows: one 16-byte
 * vector, row 2p in the low half, row 2p + 1 in the high half) by an 8x2 block of uint8 weights (8 k of columns
 * 2j and 2j + 1: 16 consecutive bytes of the panel) and adds the 2x2 uint32 products into one accumulator
 * [r2p c2j, r2p c2j+1, r2p+1 c2j, r2p+1 c2j+1]: 32 MACs. Per 16 k: 4 row loads (`ldr q`), 4 `zip1` / `zip2` .2d
 * (rows paired per 8 k), 4 weight loads of 4 registers (`ld1 {v.16b-v.16b}`: two 128-byte groups of 8 column
 * pairs) and 32 `ummla` (1024 MACs), against 4 + 16 + 64 for `udot` by element (4x16c4-neondot.h).
 * Registers: 16 accumulators (2 row pairs x 8 column pairs), 4 paired row vectors, 4 weight vectors: 24 of 32.
 * 8 x 8 (also 16 accumulators) needs 8 row loads and 8 zips per 16 k for 2 weight loads: 53 instead of 47
 * instructions per 1024 MACs; 4 x 16 also keeps the indirection buffer and row sums of the dot-product kernels.
 *
 * Zero points as the dot-product kernels: raw uint8 products, input zero point folded into the packed bias,
 * kernel_zero_point * sum(a) per row subtracted from the accumulators. q8conv 4x16c8 computes the row sums once per
 * call by `udot` against the kernel zero point bytes (masked to k % 16 bytes in the last chunk) and zips them
 * ([s0 s1 s2 s3] to [s0 s0 s1 s1] and [s2 s2 s3 s3]) for the initialization; q8gemm 4x16c8n takes them in the k
 * loop of each 4-row block's first panel (struct q8rt_i8mm_sums: `ummla` against kernel zero point bytes gives the
 * zipped form directly) and subtracts them after that loop. The layout stores each column pair's bias as
 * [b2j b2j+1 b2j b2j+1], so the 8 bias vectors are two 4-register loads.
 * Requantization: the dot-product kernels' (q8rt_dot4x16_requantize_row_out: Q31 with the sign fix as one `ssra`,
 * shift 0 without it, TFLITE_SINGLE_ROUNDING as `sqdmulh` + rounding shift; the output stage without the zero
 * point add or the clamp where they change nothing) on the interleaved accumulators of a row pair, 8 column pairs
 * at a time, which gives 16 bytes [r c2j r c2j+1 r' c2j r' c2j+1 ...]; `uzp1` / `uzp2` on 16-bit lanes of the two
 * halves then give the 16 bytes of each row. As in the dot-product kernels, the mode and the output stage are
 * compile-time constants of kernel bodies instantiated per call's parameters, the constants set up once per call.
 * A last panel of at most 8 columns runs on half the tile (q8rt_i8mm4x8_*: 4 weight registers per group, 16
 * `ummla` per 16 k, 8 initial `sub`, one requantized vector per row pair).
 *
 * k is processed in chunks of 16 (2 groups of 8; q8gemm 4x16c8n: two chunks per loop iteration), then the remaining
 * 1..15 bytes as one 16-byte load per row of which 1 or 2 groups are used: rows are read up to k + 15 bytes (within
 * the Q8RT_EXTRA_BYTES slack). Bytes past k meet zero weights.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#include "../layout.h"
#include "../params.h"
#include "../requantize-neon.h"
#include "4x16c4-neondot.h"

struct q8rt_i8mm4x16_acc {
  uint32x4_t v[2][8]; /* [row pair][column pair] */
};

/* Rows m and m' of a pair, 8 k each: [a k0..7, a' k0..7] and [a k8..15, a' k8..15] of two 16-byte row loads. */
static inline __attribute__((always_inline)) uint8x16_t q8rt_i8mm_pair_lo(uint8x16_t va, uint8x16_t vb) {
  return vreinterpretq_u8_u64(vzip1q_u64(vreinterpretq_u64_u8(va), vreinterpretq_u64_u8(vb)));
}
static inline __attribute__((always_inline)) uint8x16_t q8rt_i8mm_pair_hi(uint8x16_t va, uint8x16_t vb) {
  return vreinterpretq_u8_u64(vzip2q_u64(vreinterpretq_u64_u8(va), vreinterpretq_u64_u8(vb)));
}

/* Kernel zero point row sums taken in a k loop (the q8gemm 4x16c8n kernel's first panel of each 4-row block): one
 * `ummla` of a row pair's 8 k against 8 k of kernel_zero_point bytes for both columns gives [kzp s, kzp s, kzp s',
 * kzp s'] for rows m, m' of the pair: the row sums already in the zipped form the accumulators take. v[0]: rows 0, 1,
 * v[1]: rows 2, 3. vkzp: 16 kernel zero point bytes; kzp_tail: the 16 bytes masked to the first k % 16 (the last
 * chunk's groups use its low 8 bytes, then its high 8 bytes, in both halves). */
struct q8rt_i8mm_sums {
  uint32x4_t v[2];
  uint8x16_t vkzp;
  const uint8_t* kzp_tail;
};

/* With sums (not NULL): adds one group's row-pair products against vkzp8 (8 k of kernel zero point bytes per half). */
static inline __attribute__((always_inline)) void q8rt_i8mm_sums_group(struct q8rt_i8mm_sums* sums, uint8x16_t vx0,
                                                                      uint8x16_t vx1, uint8x16_t vkzp8) {
  if (sums == NULL) return;
  sums->v[0] = vmmlaq_u32(sums->v[0], vx0, vkzp8);
  sums->v[1] = vmmlaq_u32(sums->v[1], vx1, vkzp8);
}

/* The panel's 8 column-pair biases [b2j, b2j+1, b2j, b2j+1] (its first 128 bytes: two 4-register loads). */
static inline __attribute__((always_inline)) void q8rt_i8mm_load_bias(uint32x4_t* vb, const uint8_t* panel) {
  const uint32x4x4_t v0 = vld1q_u32_x4((const uint32_t*) panel);
  const uint32x4x4_t v1 = vld1q_u32_x4((const uint32_t*) panel + 16);
  vb[0] = v0.val[0];
  vb[1] = v0.val[1];
  vb[2] = v0.val[2];
  vb[3] = v0.val[3];
  vb[4] = v1.val[0];
  vb[5] = v1.val[1];
  vb[6] = v1.val[2];
  vb[7] = v1.val[3];
}

/* One row pair's 8 accumulators: the column-pair biases minus the pair's row sums vsum = [s, s, s', s']. */
static inline __attribute__((always_inline)) void q8rt_i8mm_init_pair(uint32x4_t* vacc, const uint32x4_t* vb,
                                                                     uint32x4_t vsum) {
  vacc[0] = vsubq_u32(vb[0], vsum);
  vacc[1] = vsubq_u32(vb[1], vsum);
  vacc[2] = vsubq_u32(vb[2], vsum);
  vacc[3] = vsubq_u32(vb[3], vsum);
  vacc[4] = vsubq_u32(vb[4], vsum);
  vacc[5] = vsubq_u32(vb[5], vsum);
  vacc[6] = vsubq_u32(vb[6], vsum);
  vacc[7] = vsubq_u32(vb[7], vsum);
}

/* The tile's accumulators from the panel's folded bias and the row sums of the two row pairs, vsum01 = [s0 s0 s1 s1]
 * and vsum23 = [s2 s2 s3 s3] (zipped once per call). */
static inline __attribute__((always_inline)) void q8rt_i8mm4x16_init(struct q8rt_i8mm4x16_acc* acc,
                                                                    const uint8_t* panel, uint32x4_t vsum01,
                                                                    uint32x4_t vsum23) {
  uint32x4_t vb[8];
  q8rt_i8mm_load_bias(vb, panel);
  q8rt_i8mm_init_pair(acc->v[0], vb, vsum01);
  q8rt_i8mm_init_pair(acc->v[1], vb, vsum23);
}

/* The accumulators from the panel's folded bias alone (the row sums are taken in the k loop and subtracted after it:
 * the same uint32 sum). */
static inline __attribute__((always_inline)) void q8rt_i8mm4x16_init_bias(struct q8rt_i8mm4x16_acc* acc,
                                                                         const uint8_t* panel) {
  /* the biases loaded twice (4 loads), not copied (2 loads and 8 `mov`) */
  q8rt_i8mm_load_bias(acc->v[0], panel);
  __asm__("" : "+r"(panel));
  q8rt_i8mm_load_bias(acc->v[1], panel);
}

/* Subtracts the row sums vsum01 = [s0 s0 s1 s1], vsum23 = [s2 s2 s3 s3] from the accumulators of the first 8 columns
 * (q8rt_i8mm4x8_sub_sums) or of all 16 (q8rt_i8mm4x16_sub_sums). */
static inline __attribute__((always_inline)) void q8rt_i8mm4x8_sub_sums(struct q8rt_i8mm4x16_acc* acc,
                                                                       uint32x4_t vsum01, uint32x4_t vsum23) {
  acc->v[0][0] = vsubq_u32(acc->v[0][0], vsum01);
  acc->v[0][1] = vsubq_u32(acc->v[0][1], vsum01);
  acc->v[0][2] = vsubq_u32(acc->v[0][2], vsum01);
  acc->v[0][3] = vsubq_u32(acc->v[0][3], vsum01);
  acc->v[1][0] = vsubq_u32(acc->v[1][0], vsum23);
  acc->v[1][1] = vsubq_u32(acc->v[1][1], vsum23);
  acc->v[1][2] = vsubq_u32(acc->v[1][2], vsum23);
  acc->v[1][3] = vsubq_u32(acc->v[1][3], vsum23);
}
static inline __attribute__((always_inline)) void q8rt_i8mm4x16_sub_sums(struct q8rt_i8mm4x16_acc* acc,
                                                                        uint32x4_t vsum01, uint32x4_t vsum23) {
  q8rt_i8mm4x8_sub_sums(acc, vsum01, vsum23);
  acc->v[0][4] = vsubq_u32(acc->v[0][4], vsum01);
  acc->v[0][5] = vsubq_u32(acc->v[0][5], vsum01);
  acc->v[0][6] = vsubq_u32(acc->v[0][6], vsum01);
  acc->v[0][7] = vsubq_u32(acc->v[0][7], vsum01);
  acc->v[1][4] = vsubq_u32(acc->v[1][4], vsum23);
  acc->v[1][5] = vsubq_u32(acc->v[1][5], vsum23);
  acc->v[1][6] = vsubq_u32(acc->v[1][6], vsum23);
  acc->v[1][7] = vsubq_u32(acc->v[1][7], vsum23);
}

/* The first 8 columns' accumulators from the panel's folded bias alone (the 4x8 form of q8rt_i8mm4x16_init_bias). */
static inline __attribute__((always_inline)) void q8rt_i8mm4x8_init_bias(struct q8rt_i8mm4x16_acc* acc,
                                                                        const uint8_t* panel) {
  const uint32x4x4_t vb = vld1q_u32_x4((const uint32_t*) panel);
  acc->v[0][0] = acc->v[1][0] = vb.val[0];
  acc->v[0][1] = acc->v[1][1] = vb.val[1];
  acc->v[0][2] = acc->v[1][2] = vb.val[2];
  acc->v[0][3] = acc->v[1][3] = vb.val[3];
}

/* q8rt_i8mm4x16_init for the first 8 columns only (accumulators v[.][0..3], a last panel with nr <= 8): the first
 * 4-register bias load and 8 `sub`. */
static inline __attribute__((always_inline)) void q8rt_i8mm4x8_init(struct q8rt_i8mm4x16_acc* acc,
                                                                   const uint8_t* panel, uint32x4_t vsum01,
                                                                   uint32x4_t vsum23) {
  /* written out: a loop here makes gcc keep the accumulators in memory */
  const uint32x4x4_t vb = vld1q_u32_x4((const uint32_t*) panel);
  acc->v[0][0] = vsubq_u32(vb.val[0], vsum01);
  acc->v[0][1] = vsubq_u32(vb.val[1], vsum01);
  acc->v[0][2] = vsubq_u32(vb.val[2], vsum01);
  acc->v[0][3] = vsubq_u32(vb.val[3], vsum01);
  acc->v[1][0] = vsubq_u32(vb.val[0], vsum23);
  acc->v[1][1] = vsubq_u32(vb.val[1], vsum23);
  acc->v[1][2] = vsubq_u32(vb.val[2], vsum23);
  acc->v[1][3] = vsubq_u32(vb.val[3], vsum23);
}

/* Half a group (4 column pairs, 64 bytes at *w, advanced by 64) for both row pairs: 8 `ummla`. */
static inline __attribute__((always_inline)) void q8rt_i8mm4x16_half(uint32x4_t* vacc0, uint32x4_t* vacc1,
                                                                    const uint8_t** w, uint8x16_t vx0,
                                                                    uint8x16_t vx1) {
  /* The empty asm on the pointer keeps the compiler from hoisting later loads above these `ummla`s (as in
   * 4x16c4-neondot.h: more weight registers no longer fit beside the 16 accumulators). */
  __asm__("" : "+r"(*w));
  const uint8x16x4_t vw = vld1q_u8_x4(*w);
  *w += 64;
  vacc0[0] = vmmlaq_u32(vacc0[0], vx0, vw.val[0]);
  vacc0[1] = vmmlaq_u32(vacc0[1], vx0, vw.val[1]);
  vacc0[2] = vmmlaq_u32(vacc0[2], vx0, vw.val[2]);
  vacc0[3] = vmmlaq_u32(vacc0[3], vx0, vw.val[3]);
  vacc1[0] = vmmlaq_u32(vacc1[0], vx1, vw.val[0]);
  vacc1[1] = vmmlaq_u32(vacc1[1], vx1, vw.val[1]);
  vacc1[2] = vmmlaq_u32(vacc1[2], vx1, vw.val[2]);
  vacc1[3] = vmmlaq_u32(vacc1[3], vx1, vw.val[3]);
}

/* One group of 8 k (128 bytes at *w) for both row pairs: vx0 = rows 0, 1 and vx1 = rows 2, 3 of these 8 k. */
static inline __attribute__((always_inline)) void q8rt_i8mm4x16_group(struct q8rt_i8mm4x16_acc* acc,
                                                                     const uint8_t** w, uint8x16_t vx0,
                                                                     uint8x16_t vx1) {
  q8rt_i8mm4x16_half(&acc->v[0][0], &acc->v[1][0], w, vx0, vx1);
  q8rt_i8mm4x16_half(&acc->v[0][4], &acc->v[1][4], w, vx0, vx1);
}

/* 16 k (at byte i of each row) against two weight groups at *w, with the row sums when sums is not NULL. */
static inline __attribute__((always_inline)) void q8rt_i8mm4x16_chunk(struct q8rt_i8mm4x16_acc* acc,
                                                                     const uint8_t* a0, const uint8_t* a1,
                                                                     const uint8_t* a2, const uint8_t* a3, size_t i,
                                                                     const uint8_t** w, struct q8rt_i8mm_sums* sums) {
  const uint8x16_t va0 = vld1q_u8(a0 + i);
  const uint8x16_t va1 = vld1q_u8(a1 + i);
  const uint8x16_t va2 = vld1q_u8(a2 + i);
  const uint8x16_t va3 = vld1q_u8(a3 + i);
  /* the high halves' zips after the first group (as late as possible: register pressure) */
  const uint8x16_t vx0 = q8rt_i8mm_pair_lo(va0, va1), vx1 = q8rt_i8mm_pair_lo(va2, va3);
  q8rt_i8mm4x16_group(acc, w, vx0, vx1);
  if (sums != NULL) q8rt_i8mm_sums_group(sums, vx0, vx1, sums->vkzp);
  const uint8x16_t vx2 = q8rt_i8mm_pair_hi(va0, va1), vx3 = q8rt_i8mm_pair_hi(va2, va3);
  q8rt_i8mm4x16_group(acc, w, vx2, vx3);
  if (sums != NULL) q8rt_i8mm_sums_group(sums, vx2, vx3, sums->vkzp);
}

/* k bytes of the 4 rows a0..a3 against the weight groups at *w (advanced by round_up(k, 8) * 16 bytes). With ah (not
 * NULL: the rows 16 bytes on, ah[m] = a_m + 16, made opaque by the caller so that the compiler addresses both chunks
 * from one index) the loop takes 32 k per iteration (then one 16-k chunk when k % 32 >= 16): one index update and
 * branch per 32 k instead of per 16. */
static inline __attribute__((always_inline)) void q8rt_i8mm4x16_k(struct q8rt_i8mm4x16_acc* acc, const uint8_t* a0,
                                                                 const uint8_t* a1, const uint8_t* a2,
                                                                 const uint8_t* a3, size_t k, const uint8_t** w,
                                                                 struct q8rt_i8mm_sums* sums,
                                                                 const uint8_t* const* ah) {
  /* the remainder's rows at a + k16, not the loop's pointers: a per-call value, no copies per tile */
  const size_t k16 = k & ~(size_t) 15;
  if (ah != NULL) {
    const size_t kk = k & ~(size_t) 31;
    for (size_t i = 0; i < kk; i += 32) {
      q8rt_i8mm4x16_chunk(acc, a0, a1, a2, a3, i, w, sums);
      q8rt_i8mm4x16_chunk(acc, ah[0], ah[1], ah[2], ah[3], i, w, sums);
    }
    if (k & 16) q8rt_i8mm4x16_chunk(acc, a0, a1, a2, a3, kk, w, sums);
  } else {
    for (size_t i = 0; i < k16; i += 16) q8rt_i8mm4x16_chunk(acc, a0, a1, a2, a3, i, w, sums);
  }
  k -= k16;
  if (k != 0) {
    /* 1..15 bytes left: one 16-byte load per row, 1 or 2 groups (bytes past k meet zero weights, and the masked
     * kernel zero point bytes in the sums) */
    const uint8x16_t va0 = vld1q_u8(a0 + k16);
    const uint8x16_t va1 = vld1q_u8(a1 + k16);
    const uint8x16_t va2 = vld1q_u8(a2 + k16);
    const uint8x16_t va3 = vld1q_u8(a3 + k16);
    const uint8x16_t vx0 = q8rt_i8mm_pair_lo(va0, va1), vx1 = q8rt_i8mm_pair_lo(va2, va3);
    uint64x2_t vtail = vdupq_n_u64(0);
    if (sums != NULL) vtail = vreinterpretq_u64_u8(vld1q_u8(sums->kzp_tail));
    q8rt_i8mm4x16_group(acc, w, vx0, vx1);
    if (sums != NULL) q8rt_i8mm_sums_group(sums, vx0, vx1, vreinterpretq_u8_u64(vdupq_laneq_u64(vtail, 0)));
    if (k > 8) {
      const uint8x16_t vx2 = q8rt_i8mm_pair_hi(va0, va1), vx3 = q8rt_i8mm_pair_hi(va2, va3);
      q8rt_i8mm4x16_group(acc, w, vx2, vx3);
      if (sums != NULL) q8rt_i8mm_sums_group(sums, vx2, vx3, vreinterpretq_u8_u64(vdupq_laneq_u64(vtail, 1)));
    }
  }
}

/* The first 8 columns only (a last panel with nr <= 8, e.g. the second panel of 24 channels): k bytes of the 4 rows
 * against column pairs 0..3 of each weight group (the first 64 of its 128 bytes; the other 64, zero padding in such
 * a panel, are skipped): half the `ummla`s and weight loads. Accumulators v[.][4..7] are unused. */
static inline __attribute__((always_inline)) void q8rt_i8mm4x8_k(struct q8rt_i8mm4x16_acc* acc, const uint8_t* a0,
                                                                const uint8_t* a1, const uint8_t* a2,
                                                                const uint8_t* a3, size_t k, const uint8_t** w,
                                                                struct q8rt_i8mm_sums* sums) {
  const size_t k16 = k & ~(size_t) 15; /* as q8rt_i8mm4x16_k */
  for (size_t i = 0; i < k16; i += 16) {
    const uint8x16_t va0 = vld1q_u8(a0 + i);
    const uint8x16_t va1 = vld1q_u8(a1 + i);
    const uint8x16_t va2 = vld1q_u8(a2 + i);
    const uint8x16_t va3 = vld1q_u8(a3 + i);
    const uint8x16_t vx0 = q8rt_i8mm_pair_lo(va0, va1), vx1 = q8rt_i8mm_pair_lo(va2, va3);
    q8rt_i8mm4x16_half(&acc->v[0][0], &acc->v[1][0], w, vx0, vx1);
    *w += 64;
    if (sums != NULL) q8rt_i8mm_sums_group(sums, vx0, vx1, sums->vkzp);
    const uint8x16_t vx2 = q8rt_i8mm_pair_hi(va0, va1), vx3 = q8rt_i8mm_pair_hi(va2, va3);
    q8rt_i8mm4x16_half(&acc->v[0][0], &acc->v[1][0], w, vx2, vx3);
    *w += 64;
    if (sums != NULL) q8rt_i8mm_sums_group(sums, vx2, vx3, sums->vkzp);
  }
  k -= k16;
  if (k != 0) {
    const uint8x16_t va0 = vld1q_u8(a0 + k16);
    const uint8x16_t va1 = vld1q_u8(a1 + k16);
    const uint8x16_t va2 = vld1q_u8(a2 + k16);
    const uint8x16_t va3 = vld1q_u8(a3 + k16);
    const uint8x16_t vx0 = q8rt_i8mm_pair_lo(va0, va1), vx1 = q8rt_i8mm_pair_lo(va2, va3);
    uint64x2_t vtail = vdupq_n_u64(0);
    if (sums != NULL) vtail = vreinterpretq_u64_u8(vld1q_u8(sums->kzp_tail));
    q8rt_i8mm4x16_half(&acc->v[0][0], &acc->v[1][0], w, vx0, vx1);
    *w += 64;
    if (sums != NULL) q8rt_i8mm_sums_group(sums, vx0, vx1, vreinterpretq_u8_u64(vdupq_laneq_u64(vtail, 0)));
    if (k > 8) {
      const uint8x16_t vx2 = q8rt_i8mm_pair_hi(va0, va1), vx3 = q8rt_i8mm_pair_hi(va2, va3);
      q8rt_i8mm4x16_half(&acc->v[0][0], &acc->v[1][0], w, vx2, vx3);
      *w += 64;
      if (sums != NULL) q8rt_i8mm_sums_group(sums, vx2, vx3, vreinterpretq_u8_u64(vdupq_laneq_u64(vtail, 1)));
    }
  }
}

/* A row pair's 8 interleaved accumulators requantized to its two rows of 16 bytes (*vout0: the first row), for one
 * requantization mode and output stage (constants). */
static inline __attribute__((always_inline)) void q8rt_i8mm_requantize_pair(const uint32x4_t* vacc,
                                                                           const struct q8rt_neon_q31* vq,
                                                                           const enum q8rt_dot_requant mode,
                                                                           const enum q8rt_dot_output out,
                                                                           uint8x16_t* vout0, uint8x16_t* vout1) {
  const uint16x8_t vlo = vreinterpretq_u16_u8(q8rt_dot4x16_requantize_row_out(vacc, vq, mode, out)); /* c 0..7 */
  const uint16x8_t vhi = vreinterpretq_u16_u8(q8rt_dot4x16_requantize_row_out(vacc + 4, vq, mode, out)); /* 8..15 */
  *vout0 = vreinterpretq_u8_u16(vuzp1q_u16(vlo, vhi));
  *vout1 = vreinterpretq_u8_u16(vuzp2q_u16(vlo, vhi));
}

/* Requantizes the tile and stores mr rows x nr columns at c, for one requantization mode and output stage. */
static inline __attribute__((always_inline)) void q8rt_i8mm4x16_store_tile(const struct q8rt_i8mm4x16_acc* acc,
                                                                          size_t mr, size_t nr, uint8_t* c,
                                                                          size_t c_stride,
                                                                          const struct q8rt_neon_q31* vq,
                                                                          const enum q8rt_dot_requant mode,
                                                                          const enum q8rt_dot_output out) {
  uint8x16_t vout0, vout1, vout2, vout3;
  q8rt_i8mm_requantize_pair(acc->v[0], vq, mode, out, &vout0, &vout1);
  q8rt_i8mm_requantize_pair(acc->v[1], vq, mode, out, &vout2, &vout3);
  q8rt_dot4x16_store(c, vout0, nr);
  if (mr > 1) q8rt_dot4x16_store(c + c_stride, vout1, nr);
  if (mr > 2) q8rt_dot4x16_store(c + 2 * c_stride, vout2, nr);
  if (mr > 3) q8rt_dot4x16_store(c + 3 * c_stride, vout3, nr);
}

/* Requantizes the first 8 columns of the tile (accumulators v[.][0..3]) and stores mr rows x nr (<= 8) columns.
 * The requantized pairs are [r0 c0 c1 r1 c0 c1 ... r0 c6 c7 r1 c6 c7] and the same for rows 2, 3: `uzp1` / `uzp2`
 * of the two give [row 0 | row 2] and [row 1 | row 3], 8 bytes each. */
static inline __attribute__((always_inline)) void q8rt_i8mm4x8_store_tile(const struct q8rt_i8mm4x16_acc* acc,
                                                                         size_t mr, size_t nr, uint8_t* c,
                                                                         size_t c_stride,
                                                                         const struct q8rt_neon_q31* vq,
                                                                         const enum q8rt_dot_requant mode,
                                                                         const enum q8rt_dot_output out) {
  const uint16x8_t v01 = vreinterpretq_u16_u8(q8rt_dot4x16_requantize_row_out(acc->v[0], vq, mode, out));
  const uint16x8_t v23 = vreinterpretq_u16_u8(q8rt_dot4x16_requantize_row_out(acc->v[1], vq, mode, out));
  const uint8x16_t v02 = vreinterpretq_u8_u16(vuzp1q_u16(v01, v23));
  const uint8x16_t v13 = vreinterpretq_u8_u16(vuzp2q_u16(v01, v23));
  if (nr == 8) {
    vst1_u8(c, vget_low_u8(v02));
    if (mr > 1) vst1_u8(c + c_stride, vget_low_u8(v13));
    if (mr > 2) vst1_u8(c + 2 * c_stride, vget_high_u8(v02));
    if (mr > 3) vst1_u8(c + 3 * c_stride, vget_high_u8(v13));
  } else {
    q8rt_neon_store_partial_u8(c, v02, nr);
    if (mr > 1) q8rt_neon_store_partial_u8(c + c_stride, v13, nr);
    if (mr > 2) q8rt_neon_store_partial_u8(c + 2 * c_stride, vextq_u8(v02, v02, 8), nr);
    if (mr > 3) q8rt_neon_store_partial_u8(c + 3 * c_stride, vextq_u8(v13, v13, 8), nr);
  }
}
