/*
 * f32dwconv: fp32 depthwise 3x3 convolution micro-kernels ("up16x9": channel tiles of 16, 9 taps).
 *
 * Computes output_width consecutive output pixels of one output row, all channels:
 *   input: indirection pointers; pixel x uses input[x * input_stride + t] for t = 0..8, tap t = kx * 3 + ky
 *     (the same indirection scheme as q8dwconv). Each pointer points at `channels` floats
 *     (+ Q8RT_F32_EXTRA_FLOATS readable), or at a zero buffer for padding.
 *   packed_w: f32 depthwise tiles (kernels/f32gemm/f32params.h) for round_up(channels, 16) channels.
 *   output: pixel x written at output + x * (channels + output_increment), channels floats each.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "../f32gemm/f32params.h"

typedef void (*q8rt_f32dwconv_ukernel_fn)(
    size_t channels, size_t output_width,
    const float* const* input, size_t input_stride,
    const float* packed_w,
    float* output, size_t output_increment,
    const struct q8rt_f32_minmax_params* params);

#define Q8RT_F32DWCONV_DECL(name)                                                                         \
  void name(size_t channels, size_t output_width, const float* const* input, size_t input_stride,         \
            const float* packed_w, float* output, size_t output_increment,                                \
            const struct q8rt_f32_minmax_params* params)

Q8RT_F32DWCONV_DECL(q8rt_f32dwconv_ukernel_up16x9__scalar);
Q8RT_F32DWCONV_DECL(q8rt_f32dwconv_ukernel_up16x9__sse);
Q8RT_F32DWCONV_DECL(q8rt_f32dwconv_ukernel_up16x9__aarch64_neon);
Q8RT_F32DWCONV_DECL(q8rt_f32dwconv_ukernel_up16x9__aarch32_neon);
/* up16x9 with output pixels in pairs when they share input columns (aarch64; same results as up16x9) */
Q8RT_F32DWCONV_DECL(q8rt_f32dwconv_ukernel_up16x9p__aarch64_neon);
Q8RT_F32DWCONV_DECL(q8rt_f32dwconv_ukernel_up16x9__avx2);
Q8RT_F32DWCONV_DECL(q8rt_f32dwconv_ukernel_up16x9__avx512);
