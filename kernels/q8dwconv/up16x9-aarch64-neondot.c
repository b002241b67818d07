/* q8dwconv up16x9dot micro-kernel, aarch64 with the dot product extension (`udot`, ARMv8.2), on
 * Q8RT_LAYOUT_DWCONV_DOT (kernels/layout.h). Twin: up16x9dot-scalar.c.
 *
 * Per 16-channel tile, the 3 taps of one input column (16 bytes each) are transposed with 4 zip1/zip2.16b and 4
 * zip1/zip2.8h into 4 vectors whose 32-bit lane c holds [x(ky 0), x(ky 1), x(ky 2), x(ky 2)] for channels
 * 4m..4m+3 (the 4th byte meets a 0 weight), and the column's per-channel tap sums x(ky 0) + x(ky 1) + x(ky 2) are
 * formed in uint16 (uaddl / uaddl2 / uaddw / uaddw2). One output pixel is then: the bias' minus kzp times the sum
 * of its 9 inputs (2 x 2 uint16 adds of the 3 column sums, at most 2295, and 4 umlsl / umlsl2 onto the loaded
 * biases), 12 `udot` with the raw weights of its 3 columns, and the Q31 requantization of the up16x9p kernel
 * (kernels/requantize-neon.h, the sequence and the output stage chosen once per call: MobileNetV2's ReLU6 outputs
 * on [0, 255] with zero point 0 skip the zero point add and the clamp). Exact mod 2^32: the accumulators equal those of
 * Q8RT_LAYOUT_DWCONV_16P.
 *
 * The loops run over tiles, then pixels, so transposed columns are reused: with input_stride 3 (stride 1)
 * consecutive pixels share 2 columns and each pixel transposes 1 new column; with input_stride 6 (stride 2) 1
 * shared column, 2 new ones; other strides transpose 3 columns per pixel. The loops are unrolled so that the
 * column window rotates without register moves. Weights and biases are loaded per pixel (per kernel column one ld1
 * of 4 vectors; biases with two ldp; the empty asm keeps them from being hoisted out of the pixel loop, where 12
 * weight vectors beside the column window would spill). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__aarch64__) || !defined(__ARM_FEATURE_DOTPROD)
#error "this file is for aarch64 with the dot product extension"
#endif

#include "../params.h"
#include "q8dwconv.h"
#include "up16x9p-neon.h"

#define DWDOT_AI static inline __attribute__((always_inline))

/* One transposed input column: 4 vectors of 4 channels x 4 bytes, and the sums of its 3 taps per channel
 * (channels 0-7 and 8-15, at most 765). */
struct dwdot_col {
  uint8x16_t v0, v1, v2, v3;
  uint16x8_t s_lo, s_hi;
};

/* The 3 taps p[0..2] at channel offset off. */
DWDOT_AI struct dwdot_col dwdot_load_col(const uint8_t* const* p, size_t off) {
  const uint8x16_t a = vld1q_u8(p[0] + off);
  const uint8x16_t b = vld1q_u8(p[1] + off);
  const uint8x16_t c = vld1q_u8(p[2] + off);
  const uint16x8_t ab_lo = vreinterpretq_u16_u8(vzip1q_u8(a, b));
  const uint16x8_t ab_hi = vreinterpretq_u16_u8(vzip2q_u8(a, b));
  const uint16x8_t cc_lo = vreinterpretq_u16_u8(vzip1q_u8(c, c));
  const uint16x8_t cc_hi = vreinterpretq_u16_u8(vzip2q_u8(c, c));
  struct dwdot_col col;
  col.v0 = vreinterpretq_u8_u16(vzip1q_u16(ab_lo, cc_lo));
  col.v1 = vreinterpretq_u8_u16(vzip2q_u16(ab_lo, cc_lo));
  col.v2 = vreinterpretq_u8_u16(vzip1q_u16(ab_hi, cc_hi));
  col.v3 = vreinterpretq_u8_u16(vzip2q_u16(ab_hi, cc_hi));
  col.s_lo = vaddw_u8(vaddl_u8(vget_low_u8(a), vget_low_u8(b)), vget_low_u8(c));
  col.s_hi = vaddw_high_u8(vaddl_high_u8(a, b), c);
  return col;
}

struct dwdot_acc {
  uint32x4_t a0, a1, a2, a3; /* channels 0-3, 4-7, 8-11, 12-15 */
};

/* Column col with the weights of kernel column kx of the tile. */
DWDOT_AI void dwdot_mac(struct dwdot_acc* acc, struct dwdot_col col, const uint8_t* tile, size_t kx) {
  const uint8_t* w = tile + Q8RT_DWDOT_CR * 4 + kx * Q8RT_DWDOT_CR * 4;
  const uint8x16x4_t vw = vld1q_u8_x4(w);
  acc->a0 = vdotq_u32(acc->a0, col.v0, vw.val[0]);
  acc->a1 = vdotq_u32(acc->a1, col.v1, vw.val[1]);
  acc->a2 = vdotq_u32(acc->a2, col.v2, vw.val[2]);
  acc->a3 = vdotq_u32(acc->a3, col.v3, vw.val[3]);
}

/* Requantization sequences, chosen once per call (no per-vector branch on q->single). */
enum dwdot_mode {
  DWDOT_SHIFTED, /* shift >= 1, two roundings (QNNPACK, TFLite): q8rt_neon_q31_scale_shifted */
  DWDOT_SINGLE,  /* shift >= 1, TFLITE_SINGLE_ROUNDING: q8rt_neon_q31_scale_single */
  DWDOT_DOUBLE,  /* shift 0: q8rt_neon_q31_scale_double */
};

DWDOT_AI int32x4_t dwdot_scale(int32x4_t acc, const struct q8rt_neon_q31* vq, enum dwdot_mode mode) {
  if (mode == DWDOT_SHIFTED) return q8rt_neon_q31_scale_shifted(acc, vq);
  if (mode == DWDOT_SINGLE) return q8rt_neon_q31_scale_single(acc, vq);
  return q8rt_neon_q31_scale_double(acc, vq);
}

/* One output pixel of one tile from its 3 columns; cr: channels of the tile (16 for full tiles). */
DWDOT_AI void dwdot_pixel(struct dwdot_col c0, struct dwdot_col c1, struct dwdot_col c2, const uint8_t* tile,
                          uint16x8_t vkzp, const struct q8rt_neon_q31* vq, enum dwdot_mode mode,
                          enum q8rt_dot_output stage, uint8_t* out, size_t cr) {
  __asm__("" : "+r"(tile)); /* per-pixel weight loads (see the top comment) */
  const uint32_t* vb = (const uint32_t*) tile; /* separate loads (ldp): ld1 of 4 registers costs 4 moves here */
  struct dwdot_acc acc;
  /* bias' - kzp * (sum of the 9 inputs): the sums in uint16 (at most 2295), one umlsl per 4 channels */
  const uint16x8_t sum_lo = vaddq_u16(vaddq_u16(c0.s_lo, c1.s_lo), c2.s_lo);
  const uint16x8_t sum_hi = vaddq_u16(vaddq_u16(c0.s_hi, c1.s_hi), c2.s_hi);
  acc.a0 = vmlsl_u16(vld1q_u32(vb), vget_low_u16(sum_lo), vget_low_u16(vkzp));
  acc.a1 = vmlsl_high_u16(vld1q_u32(vb + 4), sum_lo, vkzp);
  acc.a2 = vmlsl_u16(vld1q_u32(vb + 8), vget_low_u16(sum_hi), vget_low_u16(vkzp));
  acc.a3 = vmlsl_high_u16(vld1q_u32(vb + 12), sum_hi, vkzp);
  dwdot_mac(&acc, c0, tile, 0);
  dwdot_mac(&acc, c1, tile, 1);
  dwdot_mac(&acc, c2, tile, 2);
  const int32x4_t y0 = dwdot_scale(vreinterpretq_s32_u32(acc.a0), vq, mode);
  const int32x4_t y1 = dwdot_scale(vreinterpretq_s32_u32(acc.a1), vq, mode);
  const int32x4_t y2 = dwdot_scale(vreinterpretq_s32_u32(acc.a2), vq, mode);
  const int32x4_t y3 = dwdot_scale(vreinterpretq_s32_u32(acc.a3), vq, mode);
  q8rt_neon_dw16p_store(out, q8rt_neon_pack16_out(y0, y1, y2, y3, vq, stage), cr);
}

/* All output pixels of one tile (channel offset off, cr channels): pixel x at out + x * out_stride. */
DWDOT_AI void dwdot_tile(size_t output_width, const uint8_t* const* input, size_t input_stride, size_t off,
                         const uint8_t* tile, uint8_t* out, size_t out_stride, uint16x8_t vkzp,
                         const struct q8rt_neon_q31* vq, enum dwdot_mode mode, enum q8rt_dot_output stage,
                         size_t cr) {
  if (input_stride == 3) { /* column j at input + 3 * j; pixel x uses columns x, x + 1, x + 2 */
    struct dwdot_col a = dwdot_load_col(input, off);
    struct dwdot_col b = dwdot_load_col(input + 3, off);
    input += 6;
    for (; output_width >= 3; output_width -= 3) {
      const struct dwdot_col c = dwdot_load_col(input, off);
      dwdot_pixel(a, b, c, tile, vkzp, vq, mode, stage, out, cr);
      a = dwdot_load_col(input + 3, off);
      dwdot_pixel(b, c, a, tile, vkzp, vq, mode, stage, out + out_stride, cr);
      b = dwdot_load_col(input + 6, off);
      dwdot_pixel(c, a, b, tile, vkzp, vq, mode, stage, out + 2 * out_stride, cr);
      input += 9;
      out += 3 * out_stride;
    }
    if (output_width != 0) {
      const struct dwdot_col c = dwdot_load_col(input, off);
      dwdot_pixel(a, b, c, tile, vkzp, vq, mode, stage, out, cr);
      if (output_width == 2) {
        a = dwdot_load_col(input + 3, off);
        dwdot_pixel(b, c, a, tile, vkzp, vq, mode, stage, out + out_stride, cr);
      }
    }
  } else if (input_stride == 6) { /* pixel x uses columns 2x, 2x + 1, 2x + 2 */
    struct dwdot_col a = dwdot_load_col(input, off);
    input += 3;
    for (; output_width >= 2; output_width -= 2) {
      struct dwdot_col b = dwdot_load_col(input, off);
      const struct dwdot_col c = dwdot_load_col(input + 3, off);
      dwdot_pixel(a, b, c, tile, vkzp, vq, mode, stage, out, cr);
      b = dwdot_load_col(input + 6, off);
      a = dwdot_load_col(input + 9, off);
      dwdot_pixel(c, b, a, tile, vkzp, vq, mode, stage, out + out_stride, cr);
      input += 12;
      out += 2 * out_stride;
    }
    if (output_width != 0) {
      const struct dwdot_col b = dwdot_load_col(input, off);
      const struct dwdot_col c = dwdot_load_col(input + 3, off);
      dwdot_pixel(a, b, c, tile, vkzp, vq, mode, stage, out, cr);
    }
  } else {
    for (; output_width != 0; output_width--) {
      const struct dwdot_col a = dwdot_load_col(input, off);
      const struct dwdot_col b = dwdot_load_col(input + 3, off);
      const struct dwdot_col c = dwdot_load_col(input + 6, off);
      dwdot_pixel(a, b, c, tile, vkzp, vq, mode, stage, out, cr);
      input += input_stride;
      out += out_stride;
    }
  }
}

/* The whole row, in one requantization mode (three instantiations). */
DWDOT_AI void dwdot_row(size_t channels, size_t output_width, const uint8_t* const* input, size_t input_stride,
                        const void* packed_w, uint8_t* output, size_t output_increment,
                        const struct q8rt_conv_params* params, enum dwdot_mode mode,
                        enum q8rt_dot_output stage) {
  const size_t out_stride = channels + output_increment;
  const struct q8rt_neon_q31 vq = q8rt_neon_q31_init(params);
  const uint16x8_t vkzp = vdupq_n_u16(params->kernel_zero_point);
  const uint8_t* tile = (const uint8_t*) packed_w;
  size_t off = 0;
  for (; channels - off >= Q8RT_DWDOT_CR; off += Q8RT_DWDOT_CR) {
    dwdot_tile(output_width, input, input_stride, off, tile, output + off, out_stride, vkzp, &vq, mode, stage,
               Q8RT_DWDOT_CR);
    tile += Q8RT_DWDOT_TILE_BYTES;
  }
  if (off != channels) {
    dwdot_tile(output_width, input, input_stride, off, tile, output + off, out_stride, vkzp, &vq, mode, stage,
               channels - off);
  }
}

/* The row for one requantization mode, in the call's output stage (three instantiations each). */
DWDOT_AI void dwdot_row_mode(size_t channels, size_t output_width, const uint8_t* const* input, size_t input_stride,
                             const void* packed_w, uint8_t* output, size_t output_increment,
                             const struct q8rt_conv_params* params, enum dwdot_mode mode) {
  switch (q8rt_dot_output_of(params)) {
    case Q8RT_DOT_OUT_PLAIN:
      dwdot_row(channels, output_width, input, input_stride, packed_w, output, output_increment, params, mode,
                Q8RT_DOT_OUT_PLAIN);
      break;
    case Q8RT_DOT_OUT_ZP:
      dwdot_row(channels, output_width, input, input_stride, packed_w, output, output_increment, params, mode,
                Q8RT_DOT_OUT_ZP);
      break;
    default:
      dwdot_row(channels, output_width, input, input_stride, packed_w, output, output_increment, params, mode,
                Q8RT_DOT_OUT_CLAMP);
      break;
  }
}

void q8rt_q8dwconv_ukernel_up16x9dot__aarch64_neondot(size_t channels, size_t output_width,
    const uint8_t* const* input, size_t input_stride, const void* packed_w, uint8_t* output,
    size_t output_increment, const struct q8rt_conv_params* params) {
  if (channels == 0 || output_width == 0) return;
  if (params->shift == 0) {
    dwdot_row_mode(channels, output_width, input, input_stride, packed_w, output, output_increment, params,
                   DWDOT_DOUBLE);
  } else if (params->single_rounding) {
    dwdot_row_mode(channels, output_width, input, input_stride, packed_w, output, output_increment, params,
                   DWDOT_SINGLE);
  } else {
    dwdot_row_mode(channels, output_width, input, input_stride, packed_w, output, output_increment, params,
                   DWDOT_SHIFTED);
  }
}
