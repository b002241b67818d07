/*
 * q8dwconv: depthwise 3x3 convolution micro-kernels ("up16x9": channel tiles of 16, 9 taps; "up64x9": blocks of
 * 64 channels, then tiles of 16).
 *
 * Computes output_width consecutive output pixels of one output row, all channels:
 *   input: indirection pointers; pixel x uses input[x * input_stride + t] for t = 0..8, tap t = kx * 3 + ky
 *     (so with stride 1, input_stride = 3 and neighbouring pixels share 6 pointers). Each pointer points
 *     at `channels` bytes (+ Q8RT_EXTRA_BYTES readable), or at the zero buffer (input zero point) for padding.
 *   packed_w: Q8RT_LAYOUT_DWCONV tiles for round_up(channels, 16) channels (up64x9: Q8RT_LAYOUT_DWCONV_VNNI),
 *     16-byte aligned (packed weights are 64-byte aligned; the SSE4.1 kernel uses aligned loads).
 *   output: pixel x written at output + x * (channels + output_increment), channels bytes each.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "../layout.h"
#include "../params.h"

typedef void (*q8rt_q8dwconv_ukernel_fn)(
    size_t channels, size_t output_width,
    const uint8_t* const* input, size_t input_stride,
    const void* packed_w,
    uint8_t* output, size_t output_increment,
    const struct q8rt_conv_params* params);

void q8rt_q8dwconv_ukernel_up16x9__scalar(size_t channels, size_t output_width, const uint8_t* const* input,
    size_t input_stride, const void* packed_w, uint8_t* output, size_t output_increment,
    const struct q8rt_conv_params* params);
void q8rt_q8dwconv_ukernel_up16x9__sse41(size_t channels, size_t output_width, const uint8_t* const* input,
    size_t input_stride, const void* packed_w, uint8_t* output, size_t output_increment,
    const struct q8rt_conv_params* params);
/* x86 AVX2, same tiles (unaligned loads; reads 16 bytes per pointer per tile, channel remainders included). */
void q8rt_q8dwconv_ukernel_up16x9__avx2(size_t channels, size_t output_width, const uint8_t* const* input,
    size_t input_stride, const void* packed_w, uint8_t* output, size_t output_increment,
    const struct q8rt_conv_params* params);
/* x86 AVX-512 BW + VBMI + VNNI on Q8RT_LAYOUT_DWCONV_VNNI weights (src/pack/packers.c,
 * q8rt_pack_dw_64): blocks of 64 channels (byte unpacks + vpdpbusd), the remaining channels as 16-channel
 * tiles (vpermt2b + vpdpwssd); reads exactly `channels` bytes per pointer. Scalar twin: up64x9__scalar. */
void q8rt_q8dwconv_ukernel_up64x9__avx512vnni(size_t channels, size_t output_width, const uint8_t* const* input,
    size_t input_stride, const void* packed_w, uint8_t* output, size_t output_increment,
    const struct q8rt_conv_params* params);
void q8rt_q8dwconv_ukernel_up64x9__scalar(size_t channels, size_t output_width, const uint8_t* const* input,
    size_t input_stride, const void* packed_w, uint8_t* output, size_t output_increment,
    const struct q8rt_conv_params* params);
/* up16x9p: Q8RT_LAYOUT_DWCONV_16P tiles (plain channel order, int16 w - kzp; src/pack/pack_dw16p.c), 16-byte
 * aligned; reads 16 bytes per pointer per tile (channel remainders included). ARM NEON (aarch64: two output
 * pixels per step when input_stride is 3, sharing the 6 input pointers of their common columns) and the scalar
 * twin. */
void q8rt_q8dwconv_ukernel_up16x9p__scalar(size_t channels, size_t output_width, const uint8_t* const* input,
    size_t input_stride, const void* packed_w, uint8_t* output, size_t output_increment,
    const struct q8rt_conv_params* params);
void q8rt_q8dwconv_ukernel_up16x9p__aarch64_neon(size_t channels, size_t output_width, const uint8_t* const* input,
    size_t input_stride, const void* packed_w, uint8_t* output, size_t output_increment,
    const struct q8rt_conv_params* params);
void q8rt_q8dwconv_ukernel_up16x9p__aarch32_neon(size_t channels, size_t output_width, const uint8_t* const* input,
    size_t input_stride, const void* packed_w, uint8_t* output, size_t output_increment,
    const struct q8rt_conv_params* params);

/* up16x9dot: Q8RT_LAYOUT_DWCONV_DOT tiles (raw uint8 column triples, src/pack/pack_dw_dot.c), aarch64 `udot`
 * (neondot and neoni8mm tables; loops over tiles then pixels, reusing transposed input columns between pixels
 * when input_stride is 3 or 6, the full tiles of those strides in an inline assembly loop) and the scalar twin;
 * reads 16 bytes per pointer per tile. */
void q8rt_q8dwconv_ukernel_up16x9dot__scalar(size_t channels, size_t output_width, const uint8_t* const* input,
    size_t input_stride, const void* packed_w, uint8_t* output, size_t output_increment,
    const struct q8rt_conv_params* params);
void q8rt_q8dwconv_ukernel_up16x9dot__aarch64_neondot(size_t channels, size_t output_width,
    const uint8_t* const* input, size_t input_stride, const void* packed_w, uint8_t* output,
    size_t output_increment, const struct q8rt_conv_params* params);

/* Number of 64-channel blocks of a Q8RT_LAYOUT_DWCONV_VNNI tensor (kernels/layout.h): none when the kernel zero
 * point is 0 (the correction 128 - 0 does not fit int8), the whole tensor then being 16-channel tiles. */
static inline size_t q8rt_dw_vnni_blocks(size_t channels, uint8_t kernel_zero_point) {
  return kernel_zero_point != 0 ? channels / Q8RT_DW_VNNI_CR : 0;
}
