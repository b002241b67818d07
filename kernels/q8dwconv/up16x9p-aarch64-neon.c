/* q8dwconv up16x9p micro-kernel, aarch64 (A64) NEON, on Q8RT_LAYOUT_DWCONV_16P (building blocks:
 * up16x9p-neon.h). Twin: up16x9p-scalar.c.
 *
 * Output pixels x and x + 1 share input columns when input_stride is 3 (stride 1: pixel x + 1's tap t is pixel
 * x's tap t + 3, two shared columns) or 6 (stride 2: one shared column). Such pixels are computed in pairs: per
 * tile, each distinct input column is loaded and widened once for both pixels (4 or 5 columns of 3 taps instead
 * of 6), and each weight vector loaded once serves both. Other strides, and an odd last pixel, run one pixel at
 * a time. Requantization constants stay in registers for the whole call. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__aarch64__)
#error "this file is for aarch64"
#endif

#include "../params.h"
#include "q8dwconv.h"
#include "up16x9p-neon.h"

/* Input column j of a pixel pair whose second pixel starts d columns later (d = input_stride / 3): 3 taps at
 * p0..p2, into pixel a (weights of column j, if j < 3) and pixel b (weights of column j - d, if j >= d). */
static inline __attribute__((always_inline)) void pair_column(struct q8rt_neon_dw16p_acc* a,
                                                              struct q8rt_neon_dw16p_acc* b, const void* tile,
                                                              size_t j, size_t d, const uint8_t* p0,
                                                              const uint8_t* p1, const uint8_t* p2) {
  const struct q8rt_neon_dw16p_x x0 = q8rt_neon_dw16p_load_x(p0);
  const struct q8rt_neon_dw16p_x x1 = q8rt_neon_dw16p_load_x(p1);
  const struct q8rt_neon_dw16p_x x2 = q8rt_neon_dw16p_load_x(p2);
  if (j < 3) {
    q8rt_neon_dw16p_mac(a, x0, tile, j * 3 + 0);
    q8rt_neon_dw16p_mac(a, x1, tile, j * 3 + 1);
    q8rt_neon_dw16p_mac(a, x2, tile, j * 3 + 2);
  }
  if (j >= d) {
    q8rt_neon_dw16p_mac(b, x0, tile, (j - d) * 3 + 0);
    q8rt_neon_dw16p_mac(b, x1, tile, (j - d) * 3 + 1);
    q8rt_neon_dw16p_mac(b, x2, tile, (j - d) * 3 + 2);
  }
}

/* Output pixels a and b (input_stride 3 * d, d = 1 or 2): the 3 * (3 + d) tap pointers of their 3 + d input
 * columns at in[0..]. shifted, stage: as q8rt_neon_dw16p_requantize (up16x9p-neon.h). */
static inline __attribute__((always_inline)) void pixel_pair(size_t channels, const uint8_t* const* in,
                                                             const void* packed_w, uint8_t* out_a, uint8_t* out_b,
                                                             const struct q8rt_neon_q31* vq, size_t d,
                                                             bool shifted, const enum q8rt_dot_output stage) {
  const uint8_t* i0 = in[0];
  const uint8_t* i1 = in[1];
  const uint8_t* i2 = in[2];
  const uint8_t* i3 = in[3];
  const uint8_t* i4 = in[4];
  const uint8_t* i5 = in[5];
  const uint8_t* i6 = in[6];
  const uint8_t* i7 = in[7];
  const uint8_t* i8 = in[8];
  const uint8_t* i9 = in[9];
  const uint8_t* i10 = in[10];
  const uint8_t* i11 = in[11];
  const uint8_t* i12 = d == 2 ? in[12] : NULL;
  const uint8_t* i13 = d == 2 ? in[13] : NULL;
  const uint8_t* i14 = d == 2 ? in[14] : NULL;
  const uint8_t* w = (const uint8_t*) packed_w;
  size_t off = 0;
  for (size_t c = channels;; c -= Q8RT_DW16P_CR) {
    struct q8rt_neon_dw16p_acc a = q8rt_neon_dw16p_bias(w);
    struct q8rt_neon_dw16p_acc b = a;
    pair_column(&a, &b, w, 0, d, i0 + off, i1 + off, i2 + off);
    pair_column(&a, &b, w, 1, d, i3 + off, i4 + off, i5 + off);
    pair_column(&a, &b, w, 2, d, i6 + off, i7 + off, i8 + off);
    pair_column(&a, &b, w, 3, d, i9 + off, i10 + off, i11 + off);
    if (d == 2) pair_column(&a, &b, w, 4, d, i12 + off, i13 + off, i14 + off);
    const uint8x16_t va = q8rt_neon_dw16p_requantize(a, vq, shifted, stage);
    const uint8x16_t vb = q8rt_neon_dw16p_requantize(b, vq, shifted, stage);
    if (c <= Q8RT_DW16P_CR) {
      q8rt_neon_dw16p_store(out_a, va, c);
      q8rt_neon_dw16p_store(out_b, vb, c);
      return;
    }
    vst1q_u8(out_a, va);
    vst1q_u8(out_b, vb);
    out_a += Q8RT_DW16P_CR;
    out_b += Q8RT_DW16P_CR;
    w += Q8RT_DW16P_TILE_BYTES;
    off += Q8RT_DW16P_CR;
  }
}

/* The whole row; shifted: params->shift >= 1 with two roundings, stage: the call's output stage (six
 * instantiations). */
static inline __attribute__((always_inline)) void dw_row(size_t channels, size_t output_width,
                                                         const uint8_t* const* input, size_t input_stride,
                                                         const void* packed_w, uint8_t* output,
                                                         size_t output_increment,
                                                         const struct q8rt_conv_params* params, bool shifted,
                                                         const enum q8rt_dot_output stage) {
  const size_t out_stride = channels + output_increment;
  const struct q8rt_neon_q31 vq = q8rt_neon_q31_init(params);
  if (input_stride == 3 || input_stride == 6) {
    for (; output_width >= 2; output_width -= 2) {
      if (input_stride == 3) {
        pixel_pair(channels, input, packed_w, output, output + out_stride, &vq, 1, shifted, stage);
      } else {
        pixel_pair(channels, input, packed_w, output, output + out_stride, &vq, 2, shifted, stage);
      }
      input += 2 * input_stride;
      output += 2 * out_stride;
    }
  }
  for (; output_width != 0; output_width--) {
    q8rt_neon_dw16p_pixel(channels, input, packed_w, output, &vq, shifted, stage);
    input += input_stride;
    output += out_stride;
  }
}

/* The row in the call's output stage (three instantiations per sequence). */
static inline __attribute__((always_inline)) void dw_row_stage(size_t channels, size_t output_width,
                                                               const uint8_t* const* input, size_t input_stride,
                                                               const void* packed_w, uint8_t* output,
                                                               size_t output_increment,
                                                               const struct q8rt_conv_params* params, bool shifted) {
  switch (q8rt_dot_output_of(params)) {
    case Q8RT_DOT_OUT_PLAIN:
      dw_row(channels, output_width, input, input_stride, packed_w, output, output_increment, params, shifted,
             Q8RT_DOT_OUT_PLAIN);
      break;
    case Q8RT_DOT_OUT_ZP:
      dw_row(channels, output_width, input, input_stride, packed_w, output, output_increment, params, shifted,
             Q8RT_DOT_OUT_ZP);
      break;
    default:
      dw_row(channels, output_width, input, input_stride, packed_w, output, output_increment, params, shifted,
             Q8RT_DOT_OUT_CLAMP);
      break;
  }
}

void q8rt_q8dwconv_ukernel_up16x9p__aarch64_neon(size_t channels, size_t output_width, const uint8_t* const* input,
    size_t input_stride, const void* packed_w, uint8_t* output, size_t output_increment,
    const struct q8rt_conv_params* params) {
  if (channels == 0) return;
  if (params->shift != 0 && !params->single_rounding) { /* the shifted sequence is the QNNPACK / TFLite-double one */
    dw_row_stage(channels, output_width, input, input_stride, packed_w, output, output_increment, params, true);
  } else {
    dw_row_stage(channels, output_width, input, input_stride, packed_w, output, output_increment, params, false);
  }
}
