/*
 * Body of the aarch64 NEON fp32 depthwise 3x3 micro-kernel up16x9-aarch64-neon.c (armv7 has its own asm tile in
 * up16x9-aarch32-neon.c). Twin: up16x9-scalar.c. Layout: the f32 depthwise tiles of kernels/f32gemm/f32params.h
 * (bias[16], w[9][16]).
 *
 * Per output pixel and 16-channel tile: 4 q accumulators start at the bias, then taps t = 0..8 in order (the
 * scalar order, unrolled, the 9 row pointers in registers and advanced by 16), each 4 input loads + 4 weight
 * loads + 4 fmla. A partial last tile computes all 16 lanes (inputs have Q8RT_F32_EXTRA_FLOATS readable floats,
 * the packed weights are zero-padded) and stores only the real channels.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#include "../f32gemm/f32-neon.h"
#include "../f32gemm/f32params.h"

/* One tap: 16 channels of input row *pi (advanced by 16) against the tap's 16 weights at *pw (advanced by 16),
 * into vacc[0..3]. */
static inline __attribute__((always_inline)) void q8rt_f32_neon_dw_tap(float32x4_t* vacc, const float** pi,
                                                                        const float** pw) {
  const float* x = *pi;
  const float* w = *pw;
  vacc[0] = Q8RT_F32_NEON_MLA(vacc[0], vld1q_f32(x), vld1q_f32(w));
  vacc[1] = Q8RT_F32_NEON_MLA(vacc[1], vld1q_f32(x + 4), vld1q_f32(w + 4));
  vacc[2] = Q8RT_F32_NEON_MLA(vacc[2], vld1q_f32(x + 8), vld1q_f32(w + 8));
  vacc[3] = Q8RT_F32_NEON_MLA(vacc[3], vld1q_f32(x + 12), vld1q_f32(w + 12));
  *pi = x + 16;
  *pw = w + 16;
}

static inline void q8rt_f32dwconv_up16x9_neon(size_t channels, size_t output_width, const float* const* input,
    size_t input_stride, const float* packed_w, float* output, size_t output_increment,
    const struct q8rt_f32_minmax_params* params) {
  const float32x4_t vmin = vld1q_dup_f32(&params->min), vmax = vld1q_dup_f32(&params->max);
  do {
    const float* i0 = input[0];
    const float* i1 = input[1];
    const float* i2 = input[2];
    const float* i3 = input[3];
    const float* i4 = input[4];
    const float* i5 = input[5];
    const float* i6 = input[6];
    const float* i7 = input[7];
    const float* i8 = input[8];
    input += input_stride;
    const float* w = packed_w;
    for (size_t c0 = 0; c0 < channels; c0 += 16) {
      float32x4_t vacc[4] = {vld1q_f32(w), vld1q_f32(w + 4), vld1q_f32(w + 8), vld1q_f32(w + 12)};
      w += 16;
      q8rt_f32_neon_dw_tap(vacc, &i0, &w);
      q8rt_f32_neon_dw_tap(vacc, &i1, &w);
      q8rt_f32_neon_dw_tap(vacc, &i2, &w);
      q8rt_f32_neon_dw_tap(vacc, &i3, &w);
      q8rt_f32_neon_dw_tap(vacc, &i4, &w);
      q8rt_f32_neon_dw_tap(vacc, &i5, &w);
      q8rt_f32_neon_dw_tap(vacc, &i6, &w);
      q8rt_f32_neon_dw_tap(vacc, &i7, &w);
      q8rt_f32_neon_dw_tap(vacc, &i8, &w);
      float32x4_t vacc0 = q8rt_f32_neon_clamp(vacc[0], vmin, vmax);
      float32x4_t vacc1 = q8rt_f32_neon_clamp(vacc[1], vmin, vmax);
      float32x4_t vacc2 = q8rt_f32_neon_clamp(vacc[2], vmin, vmax);
      float32x4_t vacc3 = q8rt_f32_neon_clamp(vacc[3], vmin, vmax);
      const size_t c = channels - c0;
      if (c >= 16) {
        vst1q_f32(output, vacc0), vst1q_f32(output + 4, vacc1);
        vst1q_f32(output + 8, vacc2), vst1q_f32(output + 12, vacc3);
        output += 16;
        continue;
      }
      if (c & 8) {
        vst1q_f32(output, vacc0), vst1q_f32(output + 4, vacc1);
        vacc0 = vacc2, vacc1 = vacc3;
        output += 8;
      }
      q8rt_f32_neon_store_lt8(output, vacc0, vacc1, c & 7);
      output += c & 7;
    }
    output += output_increment;
  } while (--output_width != 0);
}
