/*
 * Shared body of the NEON q8dwconv up16x9 micro-kernels (aarch64 and armv7 NEON), for the packed
 * Q8RT_LAYOUT_DWCONV tiles (kernels/layout.h): 16 int32 biases and 5 tap pairs of 16 lanes x 2 int16 taps,
 * channel j at lane (j & 8) | (j & 1) << 2 | (j & 7) >> 1.
 *
 * The four int32x4 accumulators hold the channels of lanes 0-3 {0,2,4,6}, lanes 4-7 {1,3,5,7},
 * lanes 8-11 {8,..,14} and lanes 12-15 {9,..,15}:
 *   inputs:  vld2_u8 de-interleaves the 16 input bytes of a tap into even channels E = {0,2,..,14} and odd
 *            channels O = {1,..,15}; widened, low(E) is lanes 0-3, high(E) lanes 8-11, low(O) lanes 4-7,
 *            high(O) lanes 12-15;
 *   weights: the 64 bytes of a tap pair are 4 vectors q0 = lanes 0-3, q1 = 4-7, q2 = 8-11, q3 = 12-15, each
 *            (tap a, tap b) interleaved; vuzpq_s16(q0, q2) gives taps a / b of lanes {0-3, 8-11} (the E order),
 *            vuzpq_s16(q1, q3) those of lanes {4-7, 12-15} (the O order).
 * Per tap and 16 channels: 1 vld2 (16 bytes), 2 uxtl, 4 smlal/smlal2 (16 MACs), plus per tap pair one 64-byte
 * weight load and 2 unzips (4 A64 instructions). After requantization, the even and odd channel halves are
 * re-interleaved with vst2 (or vzip for a partial tile).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#include "../layout.h"
#include "../params.h"
#include "../requantize-neon.h"

/* acc + x[4..7] * w[4..7] (smlal2 on A64). */
static inline int32x4_t q8rt_neon_dw_mlal_hi(int32x4_t acc, int16x8_t x, int16x8_t w) {
#if defined(__aarch64__)
  return vmlal_high_s16(acc, x, w);
#else
  return vmlal_s16(acc, vget_high_s16(x), vget_high_s16(w));
#endif
}

/* The 4 accumulators of a 16-channel tile: even / odd channels, low / high 8. */
struct q8rt_neon_dw_acc {
  int32x4_t e_lo, e_hi, o_lo, o_hi;
};

/* acc += the 16 channels at p (de-interleaved into even and odd) times weights vwe / vwo. */
static inline __attribute__((always_inline)) void q8rt_neon_dw_tap(struct q8rt_neon_dw_acc* acc, const uint8_t* p,
                                                                    int16x8_t vwe, int16x8_t vwo) {
  const uint8x8x2_t vi = vld2_u8(p);
  const int16x8_t vxe = vreinterpretq_s16_u16(vmovl_u8(vi.val[0]));
  const int16x8_t vxo = vreinterpretq_s16_u16(vmovl_u8(vi.val[1]));
  acc->e_lo = vmlal_s16(acc->e_lo, vget_low_s16(vxe), vget_low_s16(vwe));
  acc->e_hi = q8rt_neon_dw_mlal_hi(acc->e_hi, vxe, vwe);
  acc->o_lo = vmlal_s16(acc->o_lo, vget_low_s16(vxo), vget_low_s16(vwo));
  acc->o_hi = q8rt_neon_dw_mlal_hi(acc->o_hi, vxo, vwo);
}

/* Taps (a, b) of pair p of the tile at w: inputs pa, pb (at the tile's channel offset); pb NULL: the 10th tap
 * (weight 0) is skipped. */
static inline __attribute__((always_inline)) void q8rt_neon_dw_pair(struct q8rt_neon_dw_acc* acc, const uint8_t* w,
                                                                     size_t p, const uint8_t* pa, const uint8_t* pb) {
  const int16_t* wp = (const int16_t*) (w + Q8RT_DW_CR * 4) + p * Q8RT_DW_CR * 2;
  const int16x8x2_t vwe = vuzpq_s16(vld1q_s16(wp), vld1q_s16(wp + 16));
  const int16x8x2_t vwo = vuzpq_s16(vld1q_s16(wp + 8), vld1q_s16(wp + 24));
  q8rt_neon_dw_tap(acc, pa, vwe.val[0], vwo.val[0]);
  if (pb != NULL) q8rt_neon_dw_tap(acc, pb, vwe.val[1], vwo.val[1]);
}

/* The whole kernel body, shared by the aarch64 and armv7 files; single: params->single_rounding, a constant in
 * each of the two copies of q8rt_neon_dwconv_up16x9 (no per-tile test). */
static inline __attribute__((always_inline)) void q8rt_neon_dwconv_up16x9_body(size_t channels, size_t output_width,
    const uint8_t* const* input, size_t input_stride, const void* packed_w, uint8_t* output, size_t output_increment,
    const struct q8rt_conv_params* params, const int single) {
#if defined(__aarch64__)
  const struct q8rt_neon_q31 vq = q8rt_neon_q31_init(params);
#endif
  for (; output_width != 0; output_width--) {
    const uint8_t* i0 = input[0];
    const uint8_t* i1 = input[1];
    const uint8_t* i2 = input[2];
    const uint8_t* i3 = input[3];
    const uint8_t* i4 = input[4];
    const uint8_t* i5 = input[5];
    const uint8_t* i6 = input[6];
    const uint8_t* i7 = input[7];
    const uint8_t* i8 = input[8];
    input += input_stride;
    const uint8_t* w = (const uint8_t*) packed_w;
    for (size_t off = 0; off < channels; off += Q8RT_DW_CR) {
      const int32_t* b = (const int32_t*) w;
      struct q8rt_neon_dw_acc acc;
      acc.e_lo = vld1q_s32(b + 0); /* lanes 0-3: channels 0, 2, 4, 6 */
      acc.o_lo = vld1q_s32(b + 4); /* lanes 4-7: channels 1, 3, 5, 7 */
      acc.e_hi = vld1q_s32(b + 8); /* lanes 8-11: channels 8, .., 14 */
      acc.o_hi = vld1q_s32(b + 12);
      q8rt_neon_dw_pair(&acc, w, 0, i0 + off, i1 + off);
      q8rt_neon_dw_pair(&acc, w, 1, i2 + off, i3 + off);
      q8rt_neon_dw_pair(&acc, w, 2, i4 + off, i5 + off);
      q8rt_neon_dw_pair(&acc, w, 3, i6 + off, i7 + off);
      q8rt_neon_dw_pair(&acc, w, 4, i8 + off, NULL);
#if !defined(__aarch64__)
      /* armv7 (16 q registers): the requantization constants are loaded per tile, after the taps; the empty
       * asm keeps the compiler from hoisting them out of the loop (which spills them to the stack) */
      __asm__("" : "+r"(params));
      const struct q8rt_neon_q31 vq = q8rt_neon_q31_init(params);
#endif
      if (single) { /* TFLITE_SINGLE_ROUNDING */
        acc.e_lo = q8rt_neon_q31_scale_single(acc.e_lo, &vq);
        acc.e_hi = q8rt_neon_q31_scale_single(acc.e_hi, &vq);
        acc.o_lo = q8rt_neon_q31_scale_single(acc.o_lo, &vq);
        acc.o_hi = q8rt_neon_q31_scale_single(acc.o_hi, &vq);
      } else {
        acc.e_lo = q8rt_neon_q31_scale_double(acc.e_lo, &vq);
        acc.e_hi = q8rt_neon_q31_scale_double(acc.e_hi, &vq);
        acc.o_lo = q8rt_neon_q31_scale_double(acc.o_lo, &vq);
        acc.o_hi = q8rt_neon_q31_scale_double(acc.o_hi, &vq);
      }
      const int16x8_t ve = q8rt_neon_pack_zp(acc.e_lo, acc.e_hi, vq.zero_point);
      const int16x8_t vo = q8rt_neon_pack_zp(acc.o_lo, acc.o_hi, vq.zero_point);
      /* even channels in the low 8 bytes, odd channels in the high 8 */
      const uint8x16_t veo = q8rt_neon_pack_u8(ve, vo, vq.min, vq.max);
      const size_t cr = channels - off;
      if (cr >= Q8RT_DW_CR) {
        uint8x8x2_t vst;
        vst.val[0] = vget_low_u8(veo);
        vst.val[1] = vget_high_u8(veo);
        vst2_u8(output, vst);
        output += Q8RT_DW_CR;
      } else {
        const uint8x8x2_t vz = vzip_u8(vget_low_u8(veo), vget_high_u8(veo));
        q8rt_neon_store_partial_u8(output, vcombine_u8(vz.val[0], vz.val[1]), cr);
        output += cr;
      }
      w += Q8RT_DW_TILE_BYTES;
    }
    output += output_increment;
  }
}

static inline void q8rt_neon_dwconv_up16x9(size_t channels, size_t output_width, const uint8_t* const* input,
    size_t input_stride, const void* packed_w, uint8_t* output, size_t output_increment,
    const struct q8rt_conv_params* params) {
  if (params->single_rounding) {
    q8rt_neon_dwconv_up16x9_body(channels, output_width, input, input_stride, packed_w, output, output_increment,
                                 params, 1);
  } else {
    q8rt_neon_dwconv_up16x9_body(channels, output_width, input, input_stride, packed_w, output, output_increment,
                                 params, 0);
  }
}
