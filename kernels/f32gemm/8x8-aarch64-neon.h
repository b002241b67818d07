/*
 * Shared body of the aarch64 NEON fp32 8x8 GEMM and 8x8 indirect conv micro-kernels
 * (kernels/f32gemm/8x8-aarch64-neon.c, kernels/f32conv/8x8-aarch64-neon.c). Twins: 8x8-scalar.c,
 * ../f32conv/8x8-scalar.c. Layout: the 8-float f32 GEMM panels of kernels/f32gemm/f32params.h (bias[8], then
 * w[ks][kc][8]), the panels of the 4x8 / 1x8 kernels.
 *
 * 16 accumulators (8 rows x 2 q registers of 4 columns), initialised with the bias. Per 4 k: one 128-bit A load
 * per row (ldr q, 8 registers), the 4 panel rows of B in two 4-register loads (ld1 {4 x .4s}: 2 k each), and 64
 * fmla by element (256 MACs): 16 + 8 + 4 = 28 of the 32 vector registers. Per
 * MAC that is half the B loads and loop overhead of the 4x8 tile, whose 32 fmla per 4 k came with 4 A loads,
 * 4 ldp and 5 loop instructions.
 * The remaining k (k % 4 = 1..3) still load 4 floats of A per row (the lanes past k are never used; the bytes
 * exist: rows of A lie in one buffer whose end has Q8RT_F32_EXTRA_FLOATS readable floats, and every indirection
 * pointer points at kc floats of such a buffer or at the zero buffer, which has the same slack) and use lanes
 * 0..k%4-1, so a first convolution on 3 input channels costs 8 A loads per tap, not 24 broadcasts.
 * Rows mr..7 alias the last real row (GEMM) and are never stored; stores go row 7 first, so that for the conv
 * kernel, whose rows >= mr read real but unrelated pixels, the aliased row's correct values are stored last.
 * Per row the k are accumulated in order into one accumulator, as in the scalar twin (fmla: one rounding each).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#include "f32-neon.h"
#include "f32params.h"

#if !defined(__aarch64__)
#error "this header is for aarch64"
#endif

/* The accumulators of an 8x8 tile: row m, columns 0-3 (l) and 4-7 (h). */
struct q8rt_f32_neon_8x8_acc {
  float32x4_t l[8], h[8];
};

/* 4 consecutive k of each of the 8 rows (one float per lane). */
struct q8rt_f32_neon_8x8_a {
  float32x4_t v[8];
};

/* Accumulators at the panel's bias (8 floats at *pw, advanced by 8). */
static inline __attribute__((always_inline)) struct q8rt_f32_neon_8x8_acc q8rt_f32_neon_8x8_init(const float** pw) {
  struct q8rt_f32_neon_8x8_acc acc;
  const float32x4_t vl = vld1q_f32(*pw), vh = vld1q_f32(*pw + 4);
  acc.l[0] = vl, acc.h[0] = vh, acc.l[1] = vl, acc.h[1] = vh, acc.l[2] = vl, acc.h[2] = vh;
  acc.l[3] = vl, acc.h[3] = vh, acc.l[4] = vl, acc.h[4] = vh, acc.l[5] = vl, acc.h[5] = vh;
  acc.l[6] = vl, acc.h[6] = vh, acc.l[7] = vl, acc.h[7] = vh;
  *pw += 8;
  return acc;
}

/* 4 floats of each row p[0..7] (pointers not advanced). */
static inline __attribute__((always_inline)) struct q8rt_f32_neon_8x8_a q8rt_f32_neon_8x8_load_a(
    const float* const* p) {
  struct q8rt_f32_neon_8x8_a a;
  a.v[0] = vld1q_f32(p[0]), a.v[1] = vld1q_f32(p[1]), a.v[2] = vld1q_f32(p[2]), a.v[3] = vld1q_f32(p[3]);
  a.v[4] = vld1q_f32(p[4]), a.v[5] = vld1q_f32(p[5]), a.v[6] = vld1q_f32(p[6]), a.v[7] = vld1q_f32(p[7]);
  return a;
}

/* One k: the panel row vbl, vbh times lane LANE of every row's A vector. One function per lane, because the
 * multiply-add by element needs the lane as a constant. */
#define Q8RT_F32_NEON_8X8_LANE_FN(LANE)                                                                          \
  static inline __attribute__((always_inline)) void q8rt_f32_neon_8x8_lane##LANE(                              \
      struct q8rt_f32_neon_8x8_acc* acc, const struct q8rt_f32_neon_8x8_a* a, float32x4_t vbl,                 \
      float32x4_t vbh) {                                                                                       \
    acc->l[0] = vfmaq_laneq_f32(acc->l[0], vbl, a->v[0], LANE);                                                \
    acc->h[0] = vfmaq_laneq_f32(acc->h[0], vbh, a->v[0], LANE);                                                \
    acc->l[1] = vfmaq_laneq_f32(acc->l[1], vbl, a->v[1], LANE);                                                \
    acc->h[1] = vfmaq_laneq_f32(acc->h[1], vbh, a->v[1], LANE);                                                \
    acc->l[2] = vfmaq_laneq_f32(acc->l[2], vbl, a->v[2], LANE);                                                \
    acc->h[2] = vfmaq_laneq_f32(acc->h[2], vbh, a->v[2], LANE);                                                \
    acc->l[3] = vfmaq_laneq_f32(acc->l[3], vbl, a->v[3], LANE);                                                \
    acc->h[3] = vfmaq_laneq_f32(acc->h[3], vbh, a->v[3], LANE);                                                \
    acc->l[4] = vfmaq_laneq_f32(acc->l[4], vbl, a->v[4], LANE);                                                \
    acc->h[4] = vfmaq_laneq_f32(acc->h[4], vbh, a->v[4], LANE);                                                \
    acc->l[5] = vfmaq_laneq_f32(acc->l[5], vbl, a->v[5], LANE);                                                \
    acc->h[5] = vfmaq_laneq_f32(acc->h[5], vbh, a->v[5], LANE);                                                \
    acc->l[6] = vfmaq_laneq_f32(acc->l[6], vbl, a->v[6], LANE);                                                \
    acc->h[6] = vfmaq_laneq_f32(acc->h[6], vbh, a->v[6], LANE);                                                \
    acc->l[7] = vfmaq_laneq_f32(acc->l[7], vbl, a->v[7], LANE);                                                \
    acc->h[7] = vfmaq_laneq_f32(acc->h[7], vbh, a->v[7], LANE);                                                \
  }
Q8RT_F32_NEON_8X8_LANE_FN(0)
Q8RT_F32_NEON_8X8_LANE_FN(1)
Q8RT_F32_NEON_8X8_LANE_FN(2)
Q8RT_F32_NEON_8X8_LANE_FN(3)
#undef Q8RT_F32_NEON_8X8_LANE_FN

/* 4 floats of each row p[0..7] at offset off (floats). */
static inline __attribute__((always_inline)) struct q8rt_f32_neon_8x8_a q8rt_f32_neon_8x8_load_a_at(
    const float* const* p, size_t off) {
  const float* const q[8] = {p[0] + off, p[1] + off, p[2] + off, p[3] + off,
                             p[4] + off, p[5] + off, p[6] + off, p[7] + off};
  return q8rt_f32_neon_8x8_load_a(q);
}

/* k floats of each of the rows p[0..7] (not advanced) against k panel rows at *pw (advanced by 8 k). */
static inline __attribute__((always_inline)) void q8rt_f32_neon_8x8_rows(struct q8rt_f32_neon_8x8_acc* acc,
                                                                          const float* const* p, const float** pw,
                                                                          size_t k) {
  const float* w = *pw;
  size_t off = 0;
  for (; k >= 4; k -= 4) {
    const struct q8rt_f32_neon_8x8_a a = q8rt_f32_neon_8x8_load_a_at(p, off);
    off += 4;
    const float32x4x4_t vb01 = vld1q_f32_x4(w);
    q8rt_f32_neon_8x8_lane0(acc, &a, vb01.val[0], vb01.val[1]);
    q8rt_f32_neon_8x8_lane1(acc, &a, vb01.val[2], vb01.val[3]);
    const float32x4x4_t vb23 = vld1q_f32_x4(w + 16);
    w += 32;
    q8rt_f32_neon_8x8_lane2(acc, &a, vb23.val[0], vb23.val[1]);
    q8rt_f32_neon_8x8_lane3(acc, &a, vb23.val[2], vb23.val[3]);
  }
  if (k != 0) {
    const struct q8rt_f32_neon_8x8_a a = q8rt_f32_neon_8x8_load_a_at(p, off);
    q8rt_f32_neon_8x8_lane0(acc, &a, vld1q_f32(w), vld1q_f32(w + 4));
    if (k >= 2) q8rt_f32_neon_8x8_lane1(acc, &a, vld1q_f32(w + 8), vld1q_f32(w + 12));
    if (k == 3) q8rt_f32_neon_8x8_lane2(acc, &a, vld1q_f32(w + 16), vld1q_f32(w + 20));
    w += 8 * k;
  }
  *pw = w;
}

/* Row m clamped and stored (nr columns at c). */
static inline __attribute__((always_inline)) void q8rt_f32_neon_8x8_store_row(float* c, float32x4_t vl,
                                                                               float32x4_t vh, float32x4_t vmin,
                                                                               float32x4_t vmax, size_t nr) {
  vl = q8rt_f32_neon_clamp(vl, vmin, vmax);
  vh = q8rt_f32_neon_clamp(vh, vmin, vmax);
  if (nr == 8) {
    vst1q_f32(c, vl), vst1q_f32(c + 4, vh);
    return;
  }
  q8rt_f32_neon_store_lt8(c, vl, vh, nr);
}

/* clamp, then store the mr x nr tile (rows c[0..7], aliased for mr < 8), row 7 first */
static inline __attribute__((always_inline)) void q8rt_f32_neon_8x8_store(const struct q8rt_f32_neon_8x8_acc* acc,
                                                                           const struct q8rt_f32_minmax_params* params,
                                                                           size_t nr, float* const* c) {
  const float32x4_t vmin = vld1q_dup_f32(&params->min), vmax = vld1q_dup_f32(&params->max);
  q8rt_f32_neon_8x8_store_row(c[7], acc->l[7], acc->h[7], vmin, vmax, nr);
  q8rt_f32_neon_8x8_store_row(c[6], acc->l[6], acc->h[6], vmin, vmax, nr);
  q8rt_f32_neon_8x8_store_row(c[5], acc->l[5], acc->h[5], vmin, vmax, nr);
  q8rt_f32_neon_8x8_store_row(c[4], acc->l[4], acc->h[4], vmin, vmax, nr);
  q8rt_f32_neon_8x8_store_row(c[3], acc->l[3], acc->h[3], vmin, vmax, nr);
  q8rt_f32_neon_8x8_store_row(c[2], acc->l[2], acc->h[2], vmin, vmax, nr);
  q8rt_f32_neon_8x8_store_row(c[1], acc->l[1], acc->h[1], vmin, vmax, nr);
  q8rt_f32_neon_8x8_store_row(c[0], acc->l[0], acc->h[0], vmin, vmax, nr);
}

/* Pointers rows[0..7], stride apart from base: rows >= mr alias row mr - 1 (mr >= 1). */
static inline __attribute__((always_inline)) void q8rt_f32_neon_8x8_row_ptrs(size_t mr, const float* base,
                                                                              size_t stride, const float** rows) {
  rows[0] = base;
  rows[1] = mr > 1 ? rows[0] + stride : rows[0];
  rows[2] = mr > 2 ? rows[1] + stride : rows[1];
  rows[3] = mr > 3 ? rows[2] + stride : rows[2];
  rows[4] = mr > 4 ? rows[3] + stride : rows[3];
  rows[5] = mr > 5 ? rows[4] + stride : rows[4];
  rows[6] = mr > 6 ? rows[5] + stride : rows[5];
  rows[7] = mr > 7 ? rows[6] + stride : rows[6];
}

/* The same for the output rows. */
static inline __attribute__((always_inline)) void q8rt_f32_neon_8x8_out_ptrs(size_t mr, float* base, size_t stride,
                                                                              float** rows) {
  rows[0] = base;
  rows[1] = mr > 1 ? rows[0] + stride : rows[0];
  rows[2] = mr > 2 ? rows[1] + stride : rows[1];
  rows[3] = mr > 3 ? rows[2] + stride : rows[2];
  rows[4] = mr > 4 ? rows[3] + stride : rows[3];
  rows[5] = mr > 5 ? rows[4] + stride : rows[4];
  rows[6] = mr > 6 ? rows[5] + stride : rows[5];
  rows[7] = mr > 7 ? rows[6] + stride : rows[6];
}
