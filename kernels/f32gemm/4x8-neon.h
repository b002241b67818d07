/*
 * Shared bodies of the NEON fp32 4x8 GEMM, 4x8 indirect conv and 1x8 GEMV micro-kernels (aarch64 and armv7
 * NEON: kernels/f32gemm/{4x8,1x8}-aarch{64,32}-neon.c, kernels/f32conv/4x8-aarch{64,32}-neon.c). Twins:
 * 4x8-scalar.c, 1x8-scalar.c, ../f32conv/4x8-scalar.c. Layout: the 8-float f32 GEMM panels of
 * kernels/f32gemm/f32params.h (bias[8], then w[ks][kc][8]), the same panels as the SSE kernels.
 *
 * 8 accumulators (4 rows x 2 q registers of 4 columns), initialised with the bias. A is read KBLOCK floats
 * per row at a time (f32-neon.h: 4 with one ldr q on aarch64, 2 with one vld1.32 d on armv7) and used by
 * lane: per k, 2 B loads (one panel row of 8 floats) and 8 multiply-adds by element, so
 *   aarch64, per 4 k: 4 A loads + 8 B loads (or 4 ldp q) for 32 fmla (128 MACs);
 *   armv7,   per 2 k: 4 A loads + 4 B loads (vld1.32 {d, d}) for 16 vmla.f32 (64 MACs).
 * The remaining k (< KBLOCK) broadcast one float per row (ld1r / vld1.32 {d[]}).
 * Rows mr..3 alias the last real row (GEMM) and are never stored; stores go row 3 first, so that for the conv
 * kernel, whose rows >= mr read real but unrelated pixels, the aliased row's correct values are stored last.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#include "f32-neon.h"
#include "f32params.h"

#define Q8RT_F32_NEON_4X8_INIT(pw)                                                                  \
  float32x4_t vacc0l = vld1q_f32(pw), vacc0h = vld1q_f32(pw + 4);                                    \
  float32x4_t vacc1l = vacc0l, vacc1h = vacc0h, vacc2l = vacc0l, vacc2h = vacc0h, vacc3l = vacc0l, \
              vacc3h = vacc0h;                                                                      \
  pw += 8

/* one k: B panel row at pw (advanced by 8), A values in lane `lane` of va0..va3 */
#define Q8RT_F32_NEON_4X8_LANE(pw, lane)                                  \
  do {                                                                    \
    const float32x4_t vbl = vld1q_f32(pw), vbh = vld1q_f32(pw + 4);        \
    pw += 8;                                                              \
    vacc0l = Q8RT_F32_NEON_MLA_LANE(vacc0l, vbl, va0, lane);               \
    vacc0h = Q8RT_F32_NEON_MLA_LANE(vacc0h, vbh, va0, lane);               \
    vacc1l = Q8RT_F32_NEON_MLA_LANE(vacc1l, vbl, va1, lane);               \
    vacc1h = Q8RT_F32_NEON_MLA_LANE(vacc1h, vbh, va1, lane);               \
    vacc2l = Q8RT_F32_NEON_MLA_LANE(vacc2l, vbl, va2, lane);               \
    vacc2h = Q8RT_F32_NEON_MLA_LANE(vacc2h, vbh, va2, lane);               \
    vacc3l = Q8RT_F32_NEON_MLA_LANE(vacc3l, vbl, va3, lane);               \
    vacc3h = Q8RT_F32_NEON_MLA_LANE(vacc3h, vbh, va3, lane);               \
  } while (0)

/* KBLOCK k of 4 rows: pa0..pa3 advanced by KBLOCK, pw by 8 * KBLOCK */
#if defined(__aarch64__)
#define Q8RT_F32_NEON_4X8_KBLOCK(pa0, pa1, pa2, pa3, pw)                                          \
  do {                                                                                            \
    const float32x4_t va0 = vld1q_f32(pa0), va1 = vld1q_f32(pa1), va2 = vld1q_f32(pa2),           \
                      va3 = vld1q_f32(pa3);                                                       \
    pa0 += 4, pa1 += 4, pa2 += 4, pa3 += 4;                                                       \
    Q8RT_F32_NEON_4X8_LANE(pw, 0);                                                                \
    Q8RT_F32_NEON_4X8_LANE(pw, 1);                                                                \
    Q8RT_F32_NEON_4X8_LANE(pw, 2);                                                                \
    Q8RT_F32_NEON_4X8_LANE(pw, 3);                                                                \
  } while (0)
#else
#define Q8RT_F32_NEON_4X8_KBLOCK(pa0, pa1, pa2, pa3, pw)                                                      \
  do {                                                                                                        \
    const float32x2_t va0 = vld1_f32(pa0), va1 = vld1_f32(pa1), va2 = vld1_f32(pa2), va3 = vld1_f32(pa3);   \
    pa0 += 2, pa1 += 2, pa2 += 2, pa3 += 2;                                                                   \
    Q8RT_F32_NEON_4X8_LANE(pw, 0);                                                                            \
    Q8RT_F32_NEON_4X8_LANE(pw, 1);                                                                            \
  } while (0)
#endif

/* one k, A broadcast */
#define Q8RT_F32_NEON_4X8_K1(pa0, pa1, pa2, pa3, pw)                                                          \
  do {                                                                                                        \
    const float32x4_t vbl = vld1q_f32(pw), vbh = vld1q_f32(pw + 4);                                            \
    pw += 8;                                                                                                  \
    const float32x4_t va0 = vld1q_dup_f32(pa0), va1 = vld1q_dup_f32(pa1), va2 = vld1q_dup_f32(pa2),           \
                      va3 = vld1q_dup_f32(pa3);                                                               \
    pa0 += 1, pa1 += 1, pa2 += 1, pa3 += 1;                                                                   \
    vacc0l = Q8RT_F32_NEON_MLA(vacc0l, va0, vbl), vacc0h = Q8RT_F32_NEON_MLA(vacc0h, va0, vbh);              \
    vacc1l = Q8RT_F32_NEON_MLA(vacc1l, va1, vbl), vacc1h = Q8RT_F32_NEON_MLA(vacc1h, va1, vbh);              \
    vacc2l = Q8RT_F32_NEON_MLA(vacc2l, va2, vbl), vacc2h = Q8RT_F32_NEON_MLA(vacc2h, va2, vbh);              \
    vacc3l = Q8RT_F32_NEON_MLA(vacc3l, va3, vbl), vacc3h = Q8RT_F32_NEON_MLA(vacc3h, va3, vbh);              \
  } while (0)

/* k floats of each of the rows pa0..pa3 (pointers advanced by k) against k panel rows at pw */
#define Q8RT_F32_NEON_4X8_ROWS(pa0, pa1, pa2, pa3, pw, k)                                      \
  do {                                                                                         \
    size_t kk = k;                                                                             \
    for (; kk >= Q8RT_F32_NEON_KBLOCK; kk -= Q8RT_F32_NEON_KBLOCK) {                           \
      Q8RT_F32_NEON_4X8_KBLOCK(pa0, pa1, pa2, pa3, pw);                                        \
    }                                                                                          \
    for (; kk != 0; kk--) Q8RT_F32_NEON_4X8_K1(pa0, pa1, pa2, pa3, pw);                        \
  } while (0)

/* clamp, then store the mr x nr tile (rows c0..c3, aliased for mr < 4), row 3 first */
#define Q8RT_F32_NEON_4X8_STORE(params, nr, c0, c1, c2, c3)                                                   \
  do {                                                                                                        \
    const float32x4_t vmin = vld1q_dup_f32(&(params)->min), vmax = vld1q_dup_f32(&(params)->max);            \
    Q8RT_F32_NEON_CLAMP(vacc0l, vmin, vmax), Q8RT_F32_NEON_CLAMP(vacc0h, vmin, vmax);                        \
    Q8RT_F32_NEON_CLAMP(vacc1l, vmin, vmax), Q8RT_F32_NEON_CLAMP(vacc1h, vmin, vmax);                        \
    Q8RT_F32_NEON_CLAMP(vacc2l, vmin, vmax), Q8RT_F32_NEON_CLAMP(vacc2h, vmin, vmax);                        \
    Q8RT_F32_NEON_CLAMP(vacc3l, vmin, vmax), Q8RT_F32_NEON_CLAMP(vacc3h, vmin, vmax);                        \
    if (nr == 8) {                                                                                            \
      vst1q_f32(c3, vacc3l), vst1q_f32(c3 + 4, vacc3h);                                                       \
      vst1q_f32(c2, vacc2l), vst1q_f32(c2 + 4, vacc2h);                                                       \
      vst1q_f32(c1, vacc1l), vst1q_f32(c1 + 4, vacc1h);                                                       \
      vst1q_f32(c0, vacc0l), vst1q_f32(c0 + 4, vacc0h);                                                       \
      break;                                                                                                  \
    }                                                                                                         \
    q8rt_f32_neon_store_lt8(c3, vacc3l, vacc3h, nr), q8rt_f32_neon_store_lt8(c2, vacc2l, vacc2h, nr);          \
    q8rt_f32_neon_store_lt8(c1, vacc1l, vacc1h, nr), q8rt_f32_neon_store_lt8(c0, vacc0l, vacc0h, nr);          \
  } while (0)

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

  Q8RT_F32_NEON_4X8_INIT(w);
  Q8RT_F32_NEON_4X8_ROWS(a0, a1, a2, a3, w, k);
  Q8RT_F32_NEON_4X8_STORE(params, nr, c0, c1, c2, c3);
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

  Q8RT_F32_NEON_4X8_INIT(w);
  do {
    const float* a0 = a[0];
    const float* a1 = a[1];
    const float* a2 = a[2];
    const float* a3 = a[3];
    a += 4;
    Q8RT_F32_NEON_4X8_ROWS(a0, a1, a2, a3, w, kc);
  } while (--ks != 0);
  Q8RT_F32_NEON_4X8_STORE(params, nr, c0, c1, c2, c3);
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
  Q8RT_F32_NEON_CLAMP(vaccl, vmin, vmax);
  Q8RT_F32_NEON_CLAMP(vacch, vmin, vmax);
  if (nr == 8) {
    vst1q_f32(c, vaccl), vst1q_f32(c + 4, vacch);
    return;
  }
  q8rt_f32_neon_store_lt8(c, vaccl, vacch, nr);
}
