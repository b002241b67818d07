/* f32dwconv up16x9p micro-kernel, aarch64 (A64) NEON: the up16x9 kernel (same f32 depthwise tiles, same
 * results bit for bit: every pixel accumulates the bias and then taps 0..8 in order with one fmla each) with
 * output pixels in pairs. Twin: up16x9-scalar.c.
 *
 * Output pixels x and x + 1 share input columns when input_stride is 3 (stride 1: pixel x + 1's tap t is pixel
 * x's tap t + 3) or 6 (stride 2: tap t + 6). Such pixels are computed in pairs: per 16-channel tile each tap's
 * 4 weight vectors are loaded once for both pixels (9 weight loads of 2 ldp instead of 18), and the 12 (stride
 * 2: 15) distinct input pointers of the pair are advanced once per tile instead of 18. Per pair and tile (stride
 * 1) about 54 ldp, 12 pointer adds, 72 fmla, 2 bias loads, 16 fmax / fmin and 4 stp, against twice 36 ldp,
 * 9 adds, 36 fmla and the same per-pixel rest one pixel at a time. Other strides, and an odd last pixel, run
 * the up16x9 body (up16x9-neon.h) one pixel at a time. */
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__aarch64__)
#error "this file is for aarch64"
#endif

#include "f32dwconv.h"
#include "up16x9-neon.h"

/* The 12 (stride 1) or 15 (stride 2) input pointers of a pixel pair, column by column (3 rows each): pixel a's
 * taps at p[0..8], pixel b's at p[3 d..3 d + 8]. */
struct pair_ptrs {
  const float* p[15];
};

/* The 9 taps' weights of 8 channels. */
struct half_w {
  float32x4_t l[9], h[9];
};

/* Input row x (8 channels) of column j, row r into pixel a (tap 3 j + r, if j < 3) and pixel b (tap
 * 3 (j - d) + r, if j >= d). */
static inline __attribute__((always_inline)) void row2(float32x4_t* va, float32x4_t* vb, const struct half_w* w,
                                                       const float* x, size_t j, size_t r, size_t d) {
  const float32x4_t xl = vld1q_f32(x), xh = vld1q_f32(x + 4);
  if (j < 3) {
    va[0] = vfmaq_f32(va[0], xl, w->l[3 * j + r]);
    va[1] = vfmaq_f32(va[1], xh, w->h[3 * j + r]);
  }
  if (j >= d) {
    vb[0] = vfmaq_f32(vb[0], xl, w->l[3 * (j - d) + r]);
    vb[1] = vfmaq_f32(vb[1], xh, w->h[3 * (j - d) + r]);
  }
}

/* 8 channels (offset h = 0 or 8 in the 16-channel tile at w) of both pixels: the bias, then each distinct input
 * row once, column by column, so that each pixel still adds its taps 0..8 in order. */
static inline __attribute__((always_inline)) void half_pair(float32x4_t* va, float32x4_t* vb,
                                                            const struct pair_ptrs* p, const float* w, size_t h,
                                                            size_t d) {
  struct half_w vw;
  w += h;
  va[0] = vld1q_f32(w), va[1] = vld1q_f32(w + 4);
  vb[0] = va[0], vb[1] = va[1];
  vw.l[0] = vld1q_f32(w + 16), vw.h[0] = vld1q_f32(w + 20);
  vw.l[1] = vld1q_f32(w + 32), vw.h[1] = vld1q_f32(w + 36);
  vw.l[2] = vld1q_f32(w + 48), vw.h[2] = vld1q_f32(w + 52);
  vw.l[3] = vld1q_f32(w + 64), vw.h[3] = vld1q_f32(w + 68);
  vw.l[4] = vld1q_f32(w + 80), vw.h[4] = vld1q_f32(w + 84);
  vw.l[5] = vld1q_f32(w + 96), vw.h[5] = vld1q_f32(w + 100);
  vw.l[6] = vld1q_f32(w + 112), vw.h[6] = vld1q_f32(w + 116);
  vw.l[7] = vld1q_f32(w + 128), vw.h[7] = vld1q_f32(w + 132);
  vw.l[8] = vld1q_f32(w + 144), vw.h[8] = vld1q_f32(w + 148);
  row2(va, vb, &vw, p->p[0] + h, 0, 0, d);
  row2(va, vb, &vw, p->p[1] + h, 0, 1, d);
  row2(va, vb, &vw, p->p[2] + h, 0, 2, d);
  row2(va, vb, &vw, p->p[3] + h, 1, 0, d);
  row2(va, vb, &vw, p->p[4] + h, 1, 1, d);
  row2(va, vb, &vw, p->p[5] + h, 1, 2, d);
  row2(va, vb, &vw, p->p[6] + h, 2, 0, d);
  row2(va, vb, &vw, p->p[7] + h, 2, 1, d);
  row2(va, vb, &vw, p->p[8] + h, 2, 2, d);
  row2(va, vb, &vw, p->p[9] + h, 3, 0, d);
  row2(va, vb, &vw, p->p[10] + h, 3, 1, d);
  row2(va, vb, &vw, p->p[11] + h, 3, 2, d);
  if (d == 2) {
    row2(va, vb, &vw, p->p[12] + h, 4, 0, d);
    row2(va, vb, &vw, p->p[13] + h, 4, 1, d);
    row2(va, vb, &vw, p->p[14] + h, 4, 2, d);
  }
}

/* Clamps the 16 channels v[0..3] and stores the first c of them (c >= 1) at y. */
static inline __attribute__((always_inline)) void store16(float* y, const float32x4_t* v, float32x4_t vmin,
                                                          float32x4_t vmax, size_t c) {
  float32x4_t v0 = q8rt_f32_neon_clamp(v[0], vmin, vmax);
  float32x4_t v1 = q8rt_f32_neon_clamp(v[1], vmin, vmax);
  float32x4_t v2 = q8rt_f32_neon_clamp(v[2], vmin, vmax);
  float32x4_t v3 = q8rt_f32_neon_clamp(v[3], vmin, vmax);
  if (c >= 16) {
    vst1q_f32(y, v0), vst1q_f32(y + 4, v1), vst1q_f32(y + 8, v2), vst1q_f32(y + 12, v3);
    return;
  }
  if (c & 8) {
    vst1q_f32(y, v0), vst1q_f32(y + 4, v1);
    v0 = v2, v1 = v3;
    y += 8;
  }
  q8rt_f32_neon_store_lt8(y, v0, v1, c & 7);
}

/* Output pixels a and b, input_stride 3 * d (d = 1 or 2): pixel a's taps at in[0..8], pixel b's at
 * in[3 d..3 d + 8]. */
static inline __attribute__((always_inline)) void pixel_pair(size_t channels, const float* const* in,
                                                             const float* w, float* ya, float* yb,
                                                             float32x4_t vmin, float32x4_t vmax, size_t d) {
  struct pair_ptrs p = {{in[0], in[1], in[2], in[3], in[4], in[5], in[6], in[7], in[8], in[9], in[10], in[11],
                         d == 2 ? in[12] : NULL, d == 2 ? in[13] : NULL, d == 2 ? in[14] : NULL}};
  for (size_t c = channels;; c -= 16) {
    float32x4_t va[4], vb[4];
    half_pair(va, vb, &p, w, 0, d);
    half_pair(va + 2, vb + 2, &p, w, 8, d);
    store16(ya, va, vmin, vmax, c);
    store16(yb, vb, vmin, vmax, c);
    if (c <= 16) return;
    w += 16 + 9 * 16;
    ya += 16, yb += 16;
    p.p[0] += 16, p.p[1] += 16, p.p[2] += 16, p.p[3] += 16, p.p[4] += 16, p.p[5] += 16;
    p.p[6] += 16, p.p[7] += 16, p.p[8] += 16, p.p[9] += 16, p.p[10] += 16, p.p[11] += 16;
    if (d == 2) p.p[12] += 16, p.p[13] += 16, p.p[14] += 16;
  }
}

void q8rt_f32dwconv_ukernel_up16x9p__aarch64_neon(size_t channels, size_t output_width, const float* const* input,
    size_t input_stride, const float* packed_w, float* output, size_t output_increment,
    const struct q8rt_f32_minmax_params* params) {
  const size_t out_stride = channels + output_increment;
  const float32x4_t vmin = vld1q_dup_f32(&params->min), vmax = vld1q_dup_f32(&params->max);
  if (input_stride == 3 || input_stride == 6) {
    for (; output_width >= 2; output_width -= 2) {
      if (input_stride == 3) {
        pixel_pair(channels, input, packed_w, output, output + out_stride, vmin, vmax, 1);
      } else {
        pixel_pair(channels, input, packed_w, output, output + out_stride, vmin, vmax, 2);
      }
      input += 2 * input_stride;
      output += 2 * out_stride;
    }
  }
  if (output_width != 0) {
    q8rt_f32dwconv_up16x9_neon(channels, output_width, input, input_stride, packed_w, output, output_increment,
                               params);
  }
}
