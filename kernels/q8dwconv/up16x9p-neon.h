/*
 * Building blocks of the aarch64 NEON q8dwconv up16x9p micro-kernels (up16x9p-aarch64-neon.c and the pixel path of
 * up16x9-aarch64-neondot.c; armv7 has its own assembly tile in up16x9p-aarch32-neon.c) on Q8RT_LAYOUT_DWCONV_16P
 * tiles (kernels/layout.h): 16 int32 biases, then 9 taps x 16 int16 weights w - kzp, both in channel order.
 *
 * Four int32x4 accumulators hold channels 0-3, 4-7, 8-11 and 12-15 of a tile. Per tap and 16 channels: one
 * 16-byte input load, 2 widenings (uxtl / uxtl2), 2 weight vectors (one ldp on A64) and 4 smlal / smlal2. The
 * requantized 16 bytes are stored in channel order (one st1, or lane stores for a partial tile).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__aarch64__)
#error "this header is for aarch64"
#endif

#include "../layout.h"
#include "../params.h"
#include "../requantize-neon.h"

struct q8rt_neon_dw16p_acc {
  int32x4_t c0, c4, c8, c12; /* channels 0-3, 4-7, 8-11, 12-15 */
};

/* The tile's biases. */
static inline __attribute__((always_inline)) struct q8rt_neon_dw16p_acc q8rt_neon_dw16p_bias(const void* tile) {
  const int32_t* b = (const int32_t*) tile;
  struct q8rt_neon_dw16p_acc acc;
  acc.c0 = vld1q_s32(b);
  acc.c4 = vld1q_s32(b + 4);
  acc.c8 = vld1q_s32(b + 8);
  acc.c12 = vld1q_s32(b + 12);
  return acc;
}

/* The 16 input bytes at p, widened: channels 0-7 and 8-15. */
struct q8rt_neon_dw16p_x {
  int16x8_t lo, hi;
};

static inline __attribute__((always_inline)) struct q8rt_neon_dw16p_x q8rt_neon_dw16p_load_x(const uint8_t* p) {
  const uint8x16_t v = vld1q_u8(p);
  struct q8rt_neon_dw16p_x x;
  x.lo = vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(v)));
  x.hi = vreinterpretq_s16_u16(vmovl_high_u8(v));
  return x;
}

/* acc += x * weights of tap t of the tile. */
static inline __attribute__((always_inline)) void q8rt_neon_dw16p_mac(struct q8rt_neon_dw16p_acc* acc,
                                                                       struct q8rt_neon_dw16p_x x, const void* tile,
                                                                       size_t t) {
  const int16_t* w = (const int16_t*) ((const uint8_t*) tile + Q8RT_DW16P_CR * 4) + t * Q8RT_DW16P_CR;
  const int16x8_t wlo = vld1q_s16(w);
  const int16x8_t whi = vld1q_s16(w + 8);
  acc->c0 = vmlal_s16(acc->c0, vget_low_s16(x.lo), vget_low_s16(wlo));
  acc->c8 = vmlal_s16(acc->c8, vget_low_s16(x.hi), vget_low_s16(whi));
  acc->c4 = vmlal_high_s16(acc->c4, x.lo, wlo);
  acc->c12 = vmlal_high_s16(acc->c12, x.hi, whi);
}

/* Q31 requantization of the 16 accumulators, in channel order, in the output stage `out` (q8rt_dot_output_of,
 * kernels/requantize-neon.h: the zero point and the clamp only where they change something, and in the PLAIN stage
 * the two-rounding sequence without its sign fix); shifted: params->shift >= 1 with two roundings. Both are constants
 * in the callers, which branch once per call. */
static inline __attribute__((always_inline)) int32x4_t q8rt_neon_dw16p_scale(int32x4_t acc,
                                                                             const struct q8rt_neon_q31* vq,
                                                                             bool shifted,
                                                                             const enum q8rt_dot_output out) {
  return shifted ? q8rt_neon_q31_scale_shifted_out(acc, vq, out) : q8rt_neon_q31_scale(acc, vq);
}

static inline __attribute__((always_inline)) uint8x16_t q8rt_neon_dw16p_requantize(struct q8rt_neon_dw16p_acc acc,
                                                                                   const struct q8rt_neon_q31* vq,
                                                                                   bool shifted,
                                                                                   const enum q8rt_dot_output out) {
  return q8rt_neon_pack16_out(q8rt_neon_dw16p_scale(acc.c0, vq, shifted, out),
                              q8rt_neon_dw16p_scale(acc.c4, vq, shifted, out),
                              q8rt_neon_dw16p_scale(acc.c8, vq, shifted, out),
                              q8rt_neon_dw16p_scale(acc.c12, vq, shifted, out), vq, out);
}

/* Stores the first cr (1..16) channels of v at out. */
static inline __attribute__((always_inline)) void q8rt_neon_dw16p_store(uint8_t* out, uint8x16_t v, size_t cr) {
  if (cr >= Q8RT_DW16P_CR) {
    vst1q_u8(out, v);
  } else {
    q8rt_neon_store_partial_u8(out, v, cr);
  }
}

/* One output pixel, all channels: taps at in[0..8], output at out, with the requantization constants vq.
 * shifted and stage: as q8rt_neon_dw16p_requantize. */
static inline __attribute__((always_inline)) void q8rt_neon_dw16p_pixel(size_t channels, const uint8_t* const* in,
                                                                        const void* packed_w, uint8_t* out,
                                                                        const struct q8rt_neon_q31* vq, bool shifted,
                                                                        const enum q8rt_dot_output stage) {
  const uint8_t* i0 = in[0];
  const uint8_t* i1 = in[1];
  const uint8_t* i2 = in[2];
  const uint8_t* i3 = in[3];
  const uint8_t* i4 = in[4];
  const uint8_t* i5 = in[5];
  const uint8_t* i6 = in[6];
  const uint8_t* i7 = in[7];
  const uint8_t* i8 = in[8];
  const uint8_t* w = (const uint8_t*) packed_w;
  size_t off = 0;
  for (size_t c = channels;; c -= Q8RT_DW16P_CR) {
    struct q8rt_neon_dw16p_acc acc = q8rt_neon_dw16p_bias(w);
    q8rt_neon_dw16p_mac(&acc, q8rt_neon_dw16p_load_x(i0 + off), w, 0);
    q8rt_neon_dw16p_mac(&acc, q8rt_neon_dw16p_load_x(i1 + off), w, 1);
    q8rt_neon_dw16p_mac(&acc, q8rt_neon_dw16p_load_x(i2 + off), w, 2);
    q8rt_neon_dw16p_mac(&acc, q8rt_neon_dw16p_load_x(i3 + off), w, 3);
    q8rt_neon_dw16p_mac(&acc, q8rt_neon_dw16p_load_x(i4 + off), w, 4);
    q8rt_neon_dw16p_mac(&acc, q8rt_neon_dw16p_load_x(i5 + off), w, 5);
    q8rt_neon_dw16p_mac(&acc, q8rt_neon_dw16p_load_x(i6 + off), w, 6);
    q8rt_neon_dw16p_mac(&acc, q8rt_neon_dw16p_load_x(i7 + off), w, 7);
    q8rt_neon_dw16p_mac(&acc, q8rt_neon_dw16p_load_x(i8 + off), w, 8);
    const uint8x16_t v = q8rt_neon_dw16p_requantize(acc, vq, shifted, stage);
    if (c <= Q8RT_DW16P_CR) {
      q8rt_neon_dw16p_store(out, v, c);
      return;
    }
    vst1q_u8(out, v);
    out += Q8RT_DW16P_CR;
    w += Q8RT_DW16P_TILE_BYTES;
    off += Q8RT_DW16P_CR;
  }
}
