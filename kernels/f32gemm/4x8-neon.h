/*
 * Shared bodies of the NEON fp32 4x8 GEMM, 4x8 indirect conv and 1x8 GEMV micro-kernels (aarch64 and armv7
 * NEON: kernels/f32gemm/{4x8,1x8}-aarch{64,32}-neon.c, kernels/f32conv/4x8-aarch{64,32}-neon.c). Twins:
 * 4x8-scalar.c, 1x8-scalar.c, ../f32conv/4x8-scalar.c. Layout: the 8-float f32 GEMM panels of
 * kernels/f32gemm/f32params.h (bias[8], then w[ks][kc][8]), the same panels as the SSE kernels.
 *
 * 8 accumulators (4 rows x 2 q registers of 4 columns), initialised with the bias. A is read 4 floats per row
 * at a time (one q register) and used by lane: per k, one panel row of 8 floats and 8 multiply-adds by element, so
 *   aarch64, per 4 k: 4 A loads + 8 B loads (or 4 ldp q) for 32 fmla (128 MACs), intrinsics;
 *   armv7,   per 4 k: 4 A loads + 4 B loads (vld1.32 {4 d}) for 32 vmla.f32 (128 MACs) + 2 loop instructions,
 *            as an asm loop (q8rt_f32_neon_4x8_kblocks).
 * The remaining k (< 4) broadcast one float per row (ld1r / vld1.32 {d[]}).
 * Rows mr..3 alias the last real row (GEMM) and are never stored; stores go row 3 first, so that for the conv
 * kernel, whose rows >= mr read real but unrelated pixels, the aliased row's correct values are stored last.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#include "f32-neon.h"
#include "f32params.h"

/* The accumulators of a 4x8 tile: row m, columns 0-3 (l) and 4-7 (h). */
struct q8rt_f32_neon_4x8_acc {
  float32x4_t l[4], h[4];
};

/* Accumulators at the panel's bias (8 floats at *pw, advanced by 8). */
static inline __attribute__((always_inline)) struct q8rt_f32_neon_4x8_acc q8rt_f32_neon_4x8_init(const float** pw) {
  struct q8rt_f32_neon_4x8_acc acc;
  const float32x4_t vl = vld1q_f32(*pw), vh = vld1q_f32(*pw + 4);
  acc.l[0] = vl, acc.h[0] = vh, acc.l[1] = vl, acc.h[1] = vh;
  acc.l[2] = vl, acc.h[2] = vh, acc.l[3] = vl, acc.h[3] = vh;
  *pw += 8;
  return acc;
}

/* One k: the B panel row at *pw (advanced by 8) times lane LANE of va0..va3 (one A value per row). A function per
 * lane, because the multiply-add by element needs the lane as a constant. */
#define Q8RT_F32_NEON_4X8_LANE_FN(LANE, vtype)                                                                    \
  static inline __attribute__((always_inline)) void q8rt_f32_neon_4x8_lane##LANE(                               \
      struct q8rt_f32_neon_4x8_acc* acc, const float** pw, vtype va0, vtype va1, vtype va2, vtype va3) {        \
    const float32x4_t vbl = vld1q_f32(*pw), vbh = vld1q_f32(*pw + 4);                                             \
    *pw += 8;                                                                                                   \
    acc->l[0] = Q8RT_F32_NEON_MLA_LANE(acc->l[0], vbl, va0, LANE);                                              \
    acc->h[0] = Q8RT_F32_NEON_MLA_LANE(acc->h[0], vbh, va0, LANE);                                              \
    acc->l[1] = Q8RT_F32_NEON_MLA_LANE(acc->l[1], vbl, va1, LANE);                                              \
    acc->h[1] = Q8RT_F32_NEON_MLA_LANE(acc->h[1], vbh, va1, LANE);                                              \
    acc->l[2] = Q8RT_F32_NEON_MLA_LANE(acc->l[2], vbl, va2, LANE);                                              \
    acc->h[2] = Q8RT_F32_NEON_MLA_LANE(acc->h[2], vbh, va2, LANE);                                              \
    acc->l[3] = Q8RT_F32_NEON_MLA_LANE(acc->l[3], vbl, va3, LANE);                                              \
    acc->h[3] = Q8RT_F32_NEON_MLA_LANE(acc->h[3], vbh, va3, LANE);                                              \
  }

/* Q8RT_F32_NEON_KBLOCK k of 4 rows: *pa0..*pa3 advanced by KBLOCK, *pw by 8 * KBLOCK */
#if defined(__aarch64__)
Q8RT_F32_NEON_4X8_LANE_FN(0, float32x4_t)
Q8RT_F32_NEON_4X8_LANE_FN(1, float32x4_t)
Q8RT_F32_NEON_4X8_LANE_FN(2, float32x4_t)
Q8RT_F32_NEON_4X8_LANE_FN(3, float32x4_t)
static inline __attribute__((always_inline)) void q8rt_f32_neon_4x8_kblock(struct q8rt_f32_neon_4x8_acc* acc,
                                                                            const float** pa0, const float** pa1,
                                                                            const float** pa2, const float** pa3,
                                                                            const float** pw) {
  const float32x4_t va0 = vld1q_f32(*pa0), va1 = vld1q_f32(*pa1), va2 = vld1q_f32(*pa2), va3 = vld1q_f32(*pa3);
  *pa0 += 4, *pa1 += 4, *pa2 += 4, *pa3 += 4;
  q8rt_f32_neon_4x8_lane0(acc, pw, va0, va1, va2, va3);
  q8rt_f32_neon_4x8_lane1(acc, pw, va0, va1, va2, va3);
  q8rt_f32_neon_4x8_lane2(acc, pw, va0, va1, va2, va3);
  q8rt_f32_neon_4x8_lane3(acc, pw, va0, va1, va2, va3);
}
#else
/* armv7: nblocks >= 1 blocks of 4 k as one asm loop, because gcc 12 computes every weight address with an add,
 * copies registers and spills the row pointers (about 55 instructions per 4 k where 42 do): per block 4 row loads
 * of 4 floats (q0-q3), per k one 32-byte weight load (vld1.32 {d8-d11}: the panel row of 8 floats) and 8
 * vmla.f32 by scalar, then the loop count. */
static inline __attribute__((always_inline)) void q8rt_f32_neon_4x8_kblocks(struct q8rt_f32_neon_4x8_acc* acc,
                                                                             const float** pa0, const float** pa1,
                                                                             const float** pa2, const float** pa3,
                                                                             const float** pw, size_t nblocks) {
  __asm__(
      "1:\n\t"
      "vld1.32 {d0-d1}, [%[a0]]!\n\t"
      "vld1.32 {d2-d3}, [%[a1]]!\n\t"
      "vld1.32 {d4-d5}, [%[a2]]!\n\t"
      "vld1.32 {d6-d7}, [%[a3]]!\n\t"
      "vld1.32 {d8-d11}, [%[w]]!\n\t"
      "vmla.f32 %q[l0], q4, d0[0]\n\t"
      "vmla.f32 %q[h0], q5, d0[0]\n\t"
      "vmla.f32 %q[l1], q4, d2[0]\n\t"
      "vmla.f32 %q[h1], q5, d2[0]\n\t"
      "vmla.f32 %q[l2], q4, d4[0]\n\t"
      "vmla.f32 %q[h2], q5, d4[0]\n\t"
      "vmla.f32 %q[l3], q4, d6[0]\n\t"
      "vmla.f32 %q[h3], q5, d6[0]\n\t"
      "vld1.32 {d8-d11}, [%[w]]!\n\t"
      "vmla.f32 %q[l0], q4, d0[1]\n\t"
      "vmla.f32 %q[h0], q5, d0[1]\n\t"
      "vmla.f32 %q[l1], q4, d2[1]\n\t"
      "vmla.f32 %q[h1], q5, d2[1]\n\t"
      "vmla.f32 %q[l2], q4, d4[1]\n\t"
      "vmla.f32 %q[h2], q5, d4[1]\n\t"
      "vmla.f32 %q[l3], q4, d6[1]\n\t"
      "vmla.f32 %q[h3], q5, d6[1]\n\t"
      "vld1.32 {d8-d11}, [%[w]]!\n\t"
      "vmla.f32 %q[l0], q4, d1[0]\n\t"
      "vmla.f32 %q[h0], q5, d1[0]\n\t"
      "vmla.f32 %q[l1], q4, d3[0]\n\t"
      "vmla.f32 %q[h1], q5, d3[0]\n\t"
      "vmla.f32 %q[l2], q4, d5[0]\n\t"
      "vmla.f32 %q[h2], q5, d5[0]\n\t"
      "vmla.f32 %q[l3], q4, d7[0]\n\t"
      "vmla.f32 %q[h3], q5, d7[0]\n\t"
      "vld1.32 {d8-d11}, [%[w]]!\n\t"
      "vmla.f32 %q[l0], q4, d1[1]\n\t"
      "vmla.f32 %q[h0], q5, d1[1]\n\t"
      "vmla.f32 %q[l1], q4, d3[1]\n\t"
      "vmla.f32 %q[h1], q5, d3[1]\n\t"
      "vmla.f32 %q[l2], q4, d5[1]\n\t"
      "vmla.f32 %q[h2], q5, d5[1]\n\t"
      "vmla.f32 %q[l3], q4, d7[1]\n\t"
      "vmla.f32 %q[h3], q5, d7[1]\n\t"
      "subs %[n], %[n], #1\n\t"
      "bne 1b\n\t"
      : [l0] "+w"(acc->l[0]), [h0] "+w"(acc->h[0]), [l1] "+w"(acc->l[1]), [h1] "+w"(acc->h[1]),
        [l2] "+w"(acc->l[2]), [h2] "+w"(acc->h[2]), [l3] "+w"(acc->l[3]), [h3] "+w"(acc->h[3]),
        [a0] "+r"(*pa0), [a1] "+r"(*pa1), [a2] "+r"(*pa2), [a3] "+r"(*pa3), [w] "+r"(*pw),
        [n] "+r"(nblocks)
      :
      : "cc", "d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9", "d10", "d11", "memory");
}
#endif
#undef Q8RT_F32_NEON_4X8_LANE_FN

/* One k, A broadcast. */
static inline __attribute__((always_inline)) void q8rt_f32_neon_4x8_k1(struct q8rt_f32_neon_4x8_acc* acc,
                                                                        const float** pa0, const float** pa1,
                                                                        const float** pa2, const float** pa3,
                                                                        const float** pw) {
  const float32x4_t vbl = vld1q_f32(*pw), vbh = vld1q_f32(*pw + 4);
  *pw += 8;
  const float32x4_t va0 = vld1q_dup_f32(*pa0), va1 = vld1q_dup_f32(*pa1), va2 = vld1q_dup_f32(*pa2),
                    va3 = vld1q_dup_f32(*pa3);
  *pa0 += 1, *pa1 += 1, *pa2 += 1, *pa3 += 1;
  acc->l[0] = Q8RT_F32_NEON_MLA(acc->l[0], va0, vbl), acc->h[0] = Q8RT_F32_NEON_MLA(acc->h[0], va0, vbh);
  acc->l[1] = Q8RT_F32_NEON_MLA(acc->l[1], va1, vbl), acc->h[1] = Q8RT_F32_NEON_MLA(acc->h[1], va1, vbh);
  acc->l[2] = Q8RT_F32_NEON_MLA(acc->l[2], va2, vbl), acc->h[2] = Q8RT_F32_NEON_MLA(acc->h[2], va2, vbh);
  acc->l[3] = Q8RT_F32_NEON_MLA(acc->l[3], va3, vbl), acc->h[3] = Q8RT_F32_NEON_MLA(acc->h[3], va3, vbh);
}

/* k floats of each of the rows *pa0..*pa3 (pointers advanced by k) against k panel rows at *pw */
static inline __attribute__((always_inline)) void q8rt_f32_neon_4x8_rows(struct q8rt_f32_neon_4x8_acc* acc,
                                                                          const float** pa0, const float** pa1,
                                                                          const float** pa2, const float** pa3,
                                                                          const float** pw, size_t k) {
  size_t kk = k;
#if defined(__aarch64__)
  for (; kk >= Q8RT_F32_NEON_KBLOCK; kk -= Q8RT_F32_NEON_KBLOCK) q8rt_f32_neon_4x8_kblock(acc, pa0, pa1, pa2, pa3, pw);
#else
  if (kk >= 4) q8rt_f32_neon_4x8_kblocks(acc, pa0, pa1, pa2, pa3, pw, kk / 4);
  kk %= 4;
#endif
  for (; kk != 0; kk--) q8rt_f32_neon_4x8_k1(acc, pa0, pa1, pa2, pa3, pw);
}

/* clamp, then store the mr x nr tile (rows c[0..3], aliased for mr < 4), row 3 first */
static inline __attribute__((always_inline)) void q8rt_f32_neon_4x8_store(const struct q8rt_f32_neon_4x8_acc* acc,
                                                                           const struct q8rt_f32_minmax_params* params,
                                                                           size_t nr, float* c0, float* c1, float* c2,
                                                                           float* c3) {
  const float32x4_t vmin = vld1q_dup_f32(&params->min), vmax = vld1q_dup_f32(&params->max);
  const float32x4_t v0l = q8rt_f32_neon_clamp(acc->l[0], vmin, vmax), v0h = q8rt_f32_neon_clamp(acc->h[0], vmin, vmax);
  const float32x4_t v1l = q8rt_f32_neon_clamp(acc->l[1], vmin, vmax), v1h = q8rt_f32_neon_clamp(acc->h[1], vmin, vmax);
  const float32x4_t v2l = q8rt_f32_neon_clamp(acc->l[2], vmin, vmax), v2h = q8rt_f32_neon_clamp(acc->h[2], vmin, vmax);
  const float32x4_t v3l = q8rt_f32_neon_clamp(acc->l[3], vmin, vmax), v3h = q8rt_f32_neon_clamp(acc->h[3], vmin, vmax);
  if (nr == 8) {
    vst1q_f32(c3, v3l), vst1q_f32(c3 + 4, v3h);
    vst1q_f32(c2, v2l), vst1q_f32(c2 + 4, v2h);
    vst1q_f32(c1, v1l), vst1q_f32(c1 + 4, v1h);
    vst1q_f32(c0, v0l), vst1q_f32(c0 + 4, v0h);
    return;
  }
  q8rt_f32_neon_store_lt8(c3, v3l, v3h, nr), q8rt_f32_neon_store_lt8(c2, v2l, v2h, nr);
  q8rt_f32_neon_store_lt8(c1, v1l, v1h, nr), q8rt_f32_neon_store_lt8(c0, v0l, v0h, nr);
}

static inline void q8rt_f32gemm_4x8_neon(size_t mr, size_t nr, size_t k, const float* a, size_t a_stride,
    const float* w, float* c, size_t c_stride, const struct q8rt_f32_minmax_params* params) {
  const float* a0 = a;
  float* c0 = c;
  const float* a1 = a0 + a_stride;
  float* c1 = c0 + c_stride;
  if (mr < 2) a1 = a0, c1 = c0;
  const float* a2 = a1 + a_stride;
  float* c2 = c1 + c_stride;
  if (mr <= 2) a2 = a1, c2 = c1;
  const float* a3 = a2 + a_stride;
  float* c3 = c2 + c_stride;
  if (mr != 4) a3 = a2, c3 = c2;

  struct q8rt_f32_neon_4x8_acc acc = q8rt_f32_neon_4x8_init(&w);
  q8rt_f32_neon_4x8_rows(&acc, &a0, &a1, &a2, &a3, &w, k);
  q8rt_f32_neon_4x8_store(&acc, params, nr, c0, c1, c2, c3);
}

/* indirect conv: ks taps, each 4 row pointers a[0..3] of kc floats (all valid, also for m >= mr) */
static inline void q8rt_f32conv_4x8_neon(size_t mr, size_t nr, size_t kc, size_t ks, const float* const* a,
    const float* w, float* c, size_t c_stride, const struct q8rt_f32_minmax_params* params) {
  float* c0 = c;
  float* c1 = c0 + c_stride;
  if (mr < 2) c1 = c0;
  float* c2 = c1 + c_stride;
  if (mr <= 2) c2 = c1;
  float* c3 = c2 + c_stride;
  if (mr != 4) c3 = c2;

  struct q8rt_f32_neon_4x8_acc acc = q8rt_f32_neon_4x8_init(&w);
  do {
    const float* a0 = a[0];
    const float* a1 = a[1];
    const float* a2 = a[2];
    const float* a3 = a[3];
    a += 4;
    q8rt_f32_neon_4x8_rows(&acc, &a0, &a1, &a2, &a3, &w, kc);
  } while (--ks != 0);
  q8rt_f32_neon_4x8_store(&acc, params, nr, c0, c1, c2, c3);
}

/* 1x8 (one row of the same panels): two accumulator pairs, even and odd k (lanes), added at the end, so that
 * consecutive multiply-adds do not wait on each other. */
static inline void q8rt_f32gemm_1x8_neon(size_t nr, size_t k, const float* a, const float* w, float* c,
    const struct q8rt_f32_minmax_params* params) {
  float32x4_t vaccl = vld1q_f32(w), vacch = vld1q_f32(w + 4);
  float32x4_t vacc2l = vdupq_n_f32(0.0f), vacc2h = vdupq_n_f32(0.0f);
  w += 8;
  size_t kk = k;
#if defined(__aarch64__)
  for (; kk >= 4; kk -= 4) {
    const float32x4_t va = vld1q_f32(a);
    a += 4;
    const float32x4_t vb0l = vld1q_f32(w), vb0h = vld1q_f32(w + 4);
    const float32x4_t vb1l = vld1q_f32(w + 8), vb1h = vld1q_f32(w + 12);
    const float32x4_t vb2l = vld1q_f32(w + 16), vb2h = vld1q_f32(w + 20);
    const float32x4_t vb3l = vld1q_f32(w + 24), vb3h = vld1q_f32(w + 28);
    w += 32;
    vaccl = Q8RT_F32_NEON_MLA_LANE(vaccl, vb0l, va, 0), vacch = Q8RT_F32_NEON_MLA_LANE(vacch, vb0h, va, 0);
    vacc2l = Q8RT_F32_NEON_MLA_LANE(vacc2l, vb1l, va, 1), vacc2h = Q8RT_F32_NEON_MLA_LANE(vacc2h, vb1h, va, 1);
    vaccl = Q8RT_F32_NEON_MLA_LANE(vaccl, vb2l, va, 2), vacch = Q8RT_F32_NEON_MLA_LANE(vacch, vb2h, va, 2);
    vacc2l = Q8RT_F32_NEON_MLA_LANE(vacc2l, vb3l, va, 3), vacc2h = Q8RT_F32_NEON_MLA_LANE(vacc2h, vb3h, va, 3);
  }
#else
  for (; kk >= 2; kk -= 2) {
    const float32x2_t va = vld1_f32(a);
    a += 2;
    const float32x4_t vb0l = vld1q_f32(w), vb0h = vld1q_f32(w + 4);
    const float32x4_t vb1l = vld1q_f32(w + 8), vb1h = vld1q_f32(w + 12);
    w += 16;
    vaccl = Q8RT_F32_NEON_MLA_LANE(vaccl, vb0l, va, 0), vacch = Q8RT_F32_NEON_MLA_LANE(vacch, vb0h, va, 0);
    vacc2l = Q8RT_F32_NEON_MLA_LANE(vacc2l, vb1l, va, 1), vacc2h = Q8RT_F32_NEON_MLA_LANE(vacc2h, vb1h, va, 1);
  }
#endif
  for (; kk != 0; kk--) {
    const float32x4_t va = vld1q_dup_f32(a);
    a += 1;
    vaccl = Q8RT_F32_NEON_MLA(vaccl, va, vld1q_f32(w));
    vacch = Q8RT_F32_NEON_MLA(vacch, va, vld1q_f32(w + 4));
    w += 8;
  }
  vaccl = vaddq_f32(vaccl, vacc2l);
  vacch = vaddq_f32(vacch, vacc2h);
  const float32x4_t vmin = vld1q_dup_f32(&params->min), vmax = vld1q_dup_f32(&params->max);
  vaccl = q8rt_f32_neon_clamp(vaccl, vmin, vmax);
  vacch = q8rt_f32_neon_clamp(vacch, vmin, vmax);
  if (nr == 8) {
    vst1q_f32(c, vaccl), vst1q_f32(c + 4, vacch);
    return;
  }
  q8rt_f32_neon_store_lt8(c, vaccl, vacch, nr);
}
