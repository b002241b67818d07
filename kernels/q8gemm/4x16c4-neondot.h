/*
 * Shared code of the aarch64 dot-product kernels (q8gemm 4x16c4n, q8conv 4x16c4; ARMv8.2 `udot`, files built with
 * -march=armv8.2-a+dotprod) on Q8RT_LAYOUT_GEMM_DOT panels (kernels/layout.h).
 *
 * Tile 4 x 16, KR = 4. One `udot` by element multiplies 4 k of one activation row (an int32 lane of the row
 * vector) by the same 4 k of 4 columns (one 16-byte weight vector) and adds into 4 int32 accumulators: 16 MACs.
 * A group of 4 k of a 16-column panel is 64 contiguous bytes, one `ld1 {v.16b-v.16b}` of 4 registers; 16 bytes of
 * each of the 4 rows (4 groups, one `ldr q` per row) then feed 64 `udot`s (1024 MACs) with 4 + 4 loads.
 * Registers: 16 accumulators (4 rows x 4 column quads), 4 rows and 4 weight vectors: 24 of the 32 A64 vector
 * registers, leaving room to load the next group early. 8 x 8 (16 accumulators as well) needs 8 row vectors and
 * the row sums of 8 rows; 8 x 16 needs 32 accumulators. 4 x 16 is also the shape whose weights come in one
 * 4-register load, and MobileNetV2's channel counts (16 .. 1280) are multiples of 16 but for 24 (one padded half
 * panel) and the classifier's 1000.
 *
 * Zero points: udot computes sum(a w) on the raw uint8 values. The input zero point terms are folded into the
 * packed bias; kernel_zero_point * sum(a) of each row is computed once per call, before the panels, by `udot` of
 * the rows against a vector of kernel_zero_point bytes (one `ldr q` and one `udot` per row and 16 k), reduced with
 * three `addp` and subtracted from the bias when the accumulators are initialized (per panel: 4 `dup` + 16 `sub`
 * instead of 16 `mov`). Then the requantization of kernels/requantize-neon.h, its mode and output stage (enum
 * q8rt_dot_requant, enum q8rt_dot_output) chosen once per call by the kernels, whose bodies are instantiated per
 * mode and stage (kernels/requantize-neon.h) with the constants set up once per call: the Q31 scheme
 * (QNNPACK's sequence) with the sign fix (`bic` + `ssra`) reduced to one `ssra` when shift > 0 and skipped, with the
 * rounding shift, when shift = 0 (the same values: the fix subtracts 1 from negative values only when shift > 0);
 * TFLITE_SINGLE_ROUNDING (params->single_rounding, shift > 0) as `sqdmulh` then the rounding shift.
 *
 * k is processed in chunks of 16 (4 groups), then the remaining 1..15 bytes as one 16-byte load of which 1 to 4
 * groups are used: rows are read up to k + 15 bytes (within the Q8RT_EXTRA_BYTES slack). Bytes past k meet zero
 * weights in the products; the row sums use the kernel zero point vector masked to the first k % 16 bytes for the
 * last chunk, so that those bytes stay out of them.
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
};

/* The kernel zero point bytes masked to the first r (0..15) lanes (r = 0: all 16), for the last chunk of a row. */
static inline __attribute__((always_inline)) uint8x16_t q8rt_dot_kzp_tail(uint8x16_t vkzp, size_t r) {
  static const uint8_t index[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
  const uint8x16_t vr = vdupq_n_u8((uint8_t) (r == 0 ? 16 : r));
  return vandq_u8(vkzp, vcltq_u8(vld1q_u8(index), vr));
}

/* vs[m] += kernel_zero_point * (the first k bytes of row m), in 4 partial lanes; vkzp_tail: q8rt_dot_kzp_tail(vkzp,
 * k % 16). Rows are read in 16-byte chunks (up to k + 15 bytes). */
static inline __attribute__((always_inline)) void q8rt_dot4x16_sum_k(uint32x4_t* vs, const uint8_t* a0,
                                                                    const uint8_t* a1, const uint8_t* a2,
                                                                    const uint8_t* a3, size_t k, uint8x16_t vkzp,
                                                                    uint8x16_t vkzp_tail) {
  for (; k > 16; k -= 16) {
    vs[0] = vdotq_u32(vs[0], vld1q_u8(a0), vkzp);
    vs[1] = vdotq_u32(vs[1], vld1q_u8(a1), vkzp);
    vs[2] = vdotq_u32(vs[2], vld1q_u8(a2), vkzp);
    vs[3] = vdotq_u32(vs[3], vld1q_u8(a3), vkzp);
    a0 += 16;
    a1 += 16;
    a2 += 16;
    a3 += 16;
  }
  vs[0] = vdotq_u32(vs[0], vld1q_u8(a0), vkzp_tail);
  vs[1] = vdotq_u32(vs[1], vld1q_u8(a1), vkzp_tail);
  vs[2] = vdotq_u32(vs[2], vld1q_u8(a2), vkzp_tail);
  vs[3] = vdotq_u32(vs[3], vld1q_u8(a3), vkzp_tail);
}

/* Row sums [s0, s1, s2, s3] from the 4 partial-sum accumulators. */
static inline __attribute__((always_inline)) uint32x4_t q8rt_dot4x16_reduce(const uint32x4_t* vs) {
  return vpaddq_u32(vpaddq_u32(vs[0], vs[1]), vpaddq_u32(vs[2], vs[3]));
}

/* Row m's accumulators: the panel's folded bias (vb[0..3]) minus the row's sum. */
static inline __attribute__((always_inline)) void q8rt_dot4x16_init_row(uint32x4_t* vacc, const uint32x4_t* vb,
                                                                       uint32x4_t vsum) {
  vacc[0] = vsubq_u32(vb[0], vsum);
  vacc[1] = vsubq_u32(vb[1], vsum);
  vacc[2] = vsubq_u32(vb[2], vsum);
  vacc[3] = vsubq_u32(vb[3], vsum);
}

/* The panel's folded bias (its first 64 bytes) minus each row's sum (vsums lane m) in every row's accumulators. */
static inline __attribute__((always_inline)) void q8rt_dot4x16_init(struct q8rt_dot4x16_acc* acc, const uint8_t* panel,
                                                                   uint32x4_t vsums) {
  const uint32x4_t vb[4] = {
    vld1q_u32((const uint32_t*) panel), vld1q_u32((const uint32_t*) panel + 4),
    vld1q_u32((const uint32_t*) panel + 8), vld1q_u32((const uint32_t*) panel + 12),
  };
  q8rt_dot4x16_init_row(acc->v[0], vb, vdupq_laneq_u32(vsums, 0));
  q8rt_dot4x16_init_row(acc->v[1], vb, vdupq_laneq_u32(vsums, 1));
  q8rt_dot4x16_init_row(acc->v[2], vb, vdupq_laneq_u32(vsums, 2));
  q8rt_dot4x16_init_row(acc->v[3], vb, vdupq_laneq_u32(vsums, 3));
}

/* q8rt_dot4x16_init for the first 8 columns only (accumulators v[.][0..1], a last panel with nr <= 8). */
static inline __attribute__((always_inline)) void q8rt_dot4x8_init(struct q8rt_dot4x16_acc* acc, const uint8_t* panel,
                                                                  uint32x4_t vsums) {
  const uint32x4_t vb0 = vld1q_u32((const uint32_t*) panel);
  const uint32x4_t vb1 = vld1q_u32((const uint32_t*) panel + 4);
  const uint32x4_t vsum0 = vdupq_laneq_u32(vsums, 0);
  const uint32x4_t vsum1 = vdupq_laneq_u32(vsums, 1);
  const uint32x4_t vsum2 = vdupq_laneq_u32(vsums, 2);
  const uint32x4_t vsum3 = vdupq_laneq_u32(vsums, 3);
  acc->v[0][0] = vsubq_u32(vb0, vsum0);
  acc->v[0][1] = vsubq_u32(vb1, vsum0);
  acc->v[1][0] = vsubq_u32(vb0, vsum1);
  acc->v[1][1] = vsubq_u32(vb1, vsum1);
  acc->v[2][0] = vsubq_u32(vb0, vsum2);
  acc->v[2][1] = vsubq_u32(vb1, vsum2);
  acc->v[3][0] = vsubq_u32(vb0, vsum3);
  acc->v[3][1] = vsubq_u32(vb1, vsum3);
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

/* Row m of the tile, first 8 columns: acc[0..1] += w[0..1] x the group in lane `lane` of va (as
 * q8rt_dot4x16_row_q). */
static inline __attribute__((always_inline)) void q8rt_dot4x8_row_q(uint32x4_t* vacc, uint8x16x2_t vw, uint8x16_t va,
                                                                   const int lane) {
  switch (lane) {
    case 0:
      vacc[0] = vdotq_laneq_u32(vacc[0], vw.val[0], va, 0);
      vacc[1] = vdotq_laneq_u32(vacc[1], vw.val[1], va, 0);
      break;
    case 1:
      vacc[0] = vdotq_laneq_u32(vacc[0], vw.val[0], va, 1);
      vacc[1] = vdotq_laneq_u32(vacc[1], vw.val[1], va, 1);
      break;
    case 2:
      vacc[0] = vdotq_laneq_u32(vacc[0], vw.val[0], va, 2);
      vacc[1] = vdotq_laneq_u32(vacc[1], vw.val[1], va, 2);
      break;
    default:
      vacc[0] = vdotq_laneq_u32(vacc[0], vw.val[0], va, 3);
      vacc[1] = vdotq_laneq_u32(vacc[1], vw.val[1], va, 3);
      break;
  }
}

/* The first 8 columns only (a last panel with nr <= 8, e.g. the second panel of 24 channels): one group of 4 k
 * against column quads 0 and 1 (the first 32 of the group's 64 bytes; the other 32, zero padding in such a panel,
 * are skipped; *w still advances by 64): half the `udot`s and weight loads. Accumulators v[.][2..3] are unused. */
static inline __attribute__((always_inline)) void q8rt_dot4x8_group(struct q8rt_dot4x16_acc* acc, const uint8_t** w,
                                                                   uint8x16_t va0, uint8x16_t va1, uint8x16_t va2,
                                                                   uint8x16_t va3, const int lane) {
  __asm__("" : "+r"(*w));
  const uint8x16x2_t vw = vld1q_u8_x2(*w);
  *w += 64;
  q8rt_dot4x8_row_q(acc->v[0], vw, va0, lane);
  q8rt_dot4x8_row_q(acc->v[1], vw, va1, lane);
  q8rt_dot4x8_row_q(acc->v[2], vw, va2, lane);
  q8rt_dot4x8_row_q(acc->v[3], vw, va3, lane);
}

/* One group of 4 k for the 4 rows: all 16 columns, or (half, a compile-time constant) the first 8. */
static inline __attribute__((always_inline)) void q8rt_dot4x16_group_of(struct q8rt_dot4x16_acc* acc,
                                                                       const uint8_t** w, uint8x16_t va0,
                                                                       uint8x16_t va1, uint8x16_t va2,
                                                                       uint8x16_t va3, const int lane, bool half) {
  if (half) {
    q8rt_dot4x8_group(acc, w, va0, va1, va2, va3, lane);
  } else {
    q8rt_dot4x16_group(acc, w, va0, va1, va2, va3, lane);
  }
}

/* 16 k (at byte i of each row) against 4 weight groups at *w: all 16 columns or (half) the first 8. */
static inline __attribute__((always_inline)) void q8rt_dot4x16_chunk(struct q8rt_dot4x16_acc* acc, const uint8_t* a0,
                                                                    const uint8_t* a1, const uint8_t* a2,
                                                                    const uint8_t* a3, size_t i, const uint8_t** w,
                                                                    bool half) {
  const uint8x16_t va0 = vld1q_u8(a0 + i);
  const uint8x16_t va1 = vld1q_u8(a1 + i);
  const uint8x16_t va2 = vld1q_u8(a2 + i);
  const uint8x16_t va3 = vld1q_u8(a3 + i);
  q8rt_dot4x16_group_of(acc, w, va0, va1, va2, va3, 0, half);
  q8rt_dot4x16_group_of(acc, w, va0, va1, va2, va3, 1, half);
  q8rt_dot4x16_group_of(acc, w, va0, va1, va2, va3, 2, half);
  q8rt_dot4x16_group_of(acc, w, va0, va1, va2, va3, 3, half);
}

/* k bytes of the 4 rows a0..a3 against the weight groups at *w (advanced by round_up(k, 4) * 16 bytes either way),
 * into all 16 columns or (half, a compile-time constant: q8rt_dot4x8_group) the first 8. With ah (not NULL: the
 * rows 16 bytes on, ah[m] = a_m + 16, made opaque by the caller so that the compiler addresses both chunks from one
 * index) the loop takes 32 k per iteration (then one 16-k chunk when k % 32 >= 16): one index update and branch per
 * 32 k instead of per 16. */
static inline __attribute__((always_inline)) void q8rt_dot4x16_k(struct q8rt_dot4x16_acc* acc, const uint8_t* a0,
                                                                const uint8_t* a1, const uint8_t* a2,
                                                                const uint8_t* a3, size_t k, const uint8_t** w,
                                                                bool half, const uint8_t* const* ah) {
  /* the remainder's rows at a + k16, not the loop's pointers: a per-call value, no copies per tile */
  const size_t k16 = k & ~(size_t) 15;
  if (ah != NULL) {
    const size_t kk = k & ~(size_t) 31;
    for (size_t i = 0; i < kk; i += 32) {
      q8rt_dot4x16_chunk(acc, a0, a1, a2, a3, i, w, half);
      q8rt_dot4x16_chunk(acc, ah[0], ah[1], ah[2], ah[3], i, w, half);
    }
    if (k & 16) q8rt_dot4x16_chunk(acc, a0, a1, a2, a3, kk, w, half);
  } else {
    for (size_t i = 0; i < k16; i += 16) q8rt_dot4x16_chunk(acc, a0, a1, a2, a3, i, w, half);
  }
  a0 += k16;
  a1 += k16;
  a2 += k16;
  a3 += k16;
  k -= k16;
  if (k != 0) {
    /* 1..15 bytes left: one 16-byte load per row, ceil(k / 4) groups (bytes past k meet zero weights) */
    const uint8x16_t va0 = vld1q_u8(a0);
    const uint8x16_t va1 = vld1q_u8(a1);
    const uint8x16_t va2 = vld1q_u8(a2);
    const uint8x16_t va3 = vld1q_u8(a3);
    q8rt_dot4x16_group_of(acc, w, va0, va1, va2, va3, 0, half);
    if (k > 4) {
      q8rt_dot4x16_group_of(acc, w, va0, va1, va2, va3, 1, half);
      if (k > 8) {
        q8rt_dot4x16_group_of(acc, w, va0, va1, va2, va3, 2, half);
        if (k > 12) q8rt_dot4x16_group_of(acc, w, va0, va1, va2, va3, 3, half);
      }
    }
  }
}

/* How a tile is requantized (kernels/requantize-neon.h; a per-call constant). */
enum q8rt_dot_requant {
  Q8RT_DOT_Q31_SHIFT = 0, /* the Q31 scheme with shift >= 1: vqrdmulh, the sign fix as one ssra, vrshl */
  Q8RT_DOT_Q31_NOSHIFT,   /* shift = 0, either rule: vqrdmulh only (the sign fix and the shift change nothing) */
  Q8RT_DOT_SINGLE,        /* TFLITE_SINGLE_ROUNDING with shift >= 1: vqdmulh, then vrshl (no sign fix) */
};

static inline enum q8rt_dot_requant q8rt_dot_requant_of(const struct q8rt_conv_params* params) {
  if (params->shift == 0) return Q8RT_DOT_Q31_NOSHIFT;
  return params->single_rounding ? Q8RT_DOT_SINGLE : Q8RT_DOT_Q31_SHIFT;
}

/* 4 accumulators up to the zero point, for one (constant) requantization mode. */
static inline __attribute__((always_inline)) int32x4_t q8rt_dot_scale(uint32x4_t vacc, const struct q8rt_neon_q31* vq,
                                                                     const enum q8rt_dot_requant mode) {
  const int32x4_t v = vreinterpretq_s32_u32(vacc);
  switch (mode) {
    case Q8RT_DOT_Q31_NOSHIFT: return vqrdmulhq_s32(v, vq->multiplier);
    case Q8RT_DOT_SINGLE: return vrshlq_s32(vqdmulhq_s32(v, vq->multiplier), vq->right_shift);
    default: return q8rt_neon_q31_scale_shifted(v, vq);
  }
}

/* q8rt_dot_scale for the output stage `out` (a constant): the Q31 scheme with shift >= 1 without its sign fix in the
 * PLAIN stage (q8rt_neon_q31_scale_shifted_out, kernels/requantize-neon.h). */
static inline __attribute__((always_inline)) int32x4_t q8rt_dot_scale_out(uint32x4_t vacc,
                                                                         const struct q8rt_neon_q31* vq,
                                                                         const enum q8rt_dot_requant mode,
                                                                         const enum q8rt_dot_output out) {
  if (mode == Q8RT_DOT_Q31_SHIFT) return q8rt_neon_q31_scale_shifted_out(vreinterpretq_s32_u32(vacc), vq, out);
  return q8rt_dot_scale(vacc, vq, mode);
}

/* Row's 16 outputs (vacc[0..3]) requantized to 16 bytes. */
static inline __attribute__((always_inline)) uint8x16_t q8rt_dot4x16_requantize_row(const uint32x4_t* vacc,
                                                                                    const struct q8rt_neon_q31* vq,
                                                                                    const enum q8rt_dot_requant mode) {
  const int32x4_t v0 = q8rt_dot_scale(vacc[0], vq, mode);
  const int32x4_t v1 = q8rt_dot_scale(vacc[1], vq, mode);
  const int32x4_t v2 = q8rt_dot_scale(vacc[2], vq, mode);
  const int32x4_t v3 = q8rt_dot_scale(vacc[3], vq, mode);
  return q8rt_neon_pack_u8(q8rt_neon_pack_zp(v0, v1, vq->zero_point), q8rt_neon_pack_zp(v2, v3, vq->zero_point),
                           vq->min, vq->max);
}

/* q8rt_dot4x16_requantize_row with the output stage `out` (a constant; kernels/requantize-neon.h). */
static inline __attribute__((always_inline)) uint8x16_t q8rt_dot4x16_requantize_row_out(
    const uint32x4_t* vacc, const struct q8rt_neon_q31* vq, const enum q8rt_dot_requant mode,
    const enum q8rt_dot_output out) {
  if (out == Q8RT_DOT_OUT_CLAMP) return q8rt_dot4x16_requantize_row(vacc, vq, mode);
  return q8rt_neon_pack16_out(q8rt_dot_scale_out(vacc[0], vq, mode, out), q8rt_dot_scale_out(vacc[1], vq, mode, out),
                              q8rt_dot_scale_out(vacc[2], vq, mode, out), q8rt_dot_scale_out(vacc[3], vq, mode, out),
                              vq, out);
}

/* Stores the first nr (1..16) bytes of vout at c. */
static inline __attribute__((always_inline)) void q8rt_dot4x16_store(uint8_t* c, uint8x16_t vout, size_t nr) {
  if (nr == 16) {
    vst1q_u8(c, vout);
  } else {
    q8rt_neon_store_partial_u8(c, vout, nr);
  }
}

/* Requantizes the tile and stores mr rows x nr columns at c, for one requantization mode. */
static inline __attribute__((always_inline)) void q8rt_dot4x16_store_tile(const struct q8rt_dot4x16_acc* acc,
                                                                         size_t mr, size_t nr, uint8_t* c,
                                                                         size_t c_stride,
                                                                         const struct q8rt_neon_q31* vq,
                                                                         const enum q8rt_dot_requant mode,
                                                                         const enum q8rt_dot_output out) {
  const uint8x16_t vout0 = q8rt_dot4x16_requantize_row_out(acc->v[0], vq, mode, out);
  const uint8x16_t vout1 = q8rt_dot4x16_requantize_row_out(acc->v[1], vq, mode, out);
  const uint8x16_t vout2 = q8rt_dot4x16_requantize_row_out(acc->v[2], vq, mode, out);
  const uint8x16_t vout3 = q8rt_dot4x16_requantize_row_out(acc->v[3], vq, mode, out);
  q8rt_dot4x16_store(c, vout0, nr);
  if (mr > 1) q8rt_dot4x16_store(c + c_stride, vout1, nr);
  if (mr > 2) q8rt_dot4x16_store(c + 2 * c_stride, vout2, nr);
  if (mr > 3) q8rt_dot4x16_store(c + 3 * c_stride, vout3, nr);
}

/* Requantizes the first 8 columns of the tile (accumulators v[.][0..1]) and stores mr rows x nr (<= 8) columns:
 * two rows per 16-byte vector. */
static inline __attribute__((always_inline)) void q8rt_dot4x8_store_tile(const struct q8rt_dot4x16_acc* acc,
                                                                        size_t mr, size_t nr, uint8_t* c,
                                                                        size_t c_stride,
                                                                        const struct q8rt_neon_q31* vq,
                                                                        const enum q8rt_dot_requant mode,
                                                                        const enum q8rt_dot_output out) {
  const uint32x4_t v01[4] = {acc->v[0][0], acc->v[0][1], acc->v[1][0], acc->v[1][1]};
  const uint32x4_t v23[4] = {acc->v[2][0], acc->v[2][1], acc->v[3][0], acc->v[3][1]};
  const uint8x16_t vout01 = q8rt_dot4x16_requantize_row_out(v01, vq, mode, out);
  const uint8x16_t vout23 = q8rt_dot4x16_requantize_row_out(v23, vq, mode, out);
  q8rt_neon_store_2x8(c, c_stride, vout01, mr, nr);
  if (mr > 2) q8rt_neon_store_2x8(c + 2 * c_stride, c_stride, vout23, mr - 2, nr);
}

