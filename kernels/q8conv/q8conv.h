/*
 * q8conv: indirect convolution micro-kernels (QNNPACK style, no im2col copy).
 *
 * Computes an mr x nr output tile: MR output pixels x NR output channels.
 *   a is the indirection buffer of this tile: ks groups of MR row pointers, a[t * MR + m] pointing at the
 *     kc input channels of tap t for output pixel m (or at the zero buffer, filled with the input zero
 *     point, for padding). All MR pointers of every tap are valid, even for m >= mr (the planner repeats
 *     a real pixel there); each is readable for round_up(kc, KR) + Q8RT_EXTRA_BYTES bytes.
 *   packed_w is one Q8RT_LAYOUT_GEMM panel with these ks and kc, 16-byte aligned.
 *   c: mr rows of nr bytes written, c_stride bytes apart.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "../params.h"

typedef void (*q8rt_q8conv_ukernel_fn)(
    size_t mr, size_t nr, size_t kc, size_t ks,
    const uint8_t* const* a,
    const void* packed_w,
    uint8_t* c, size_t c_stride,
    const struct q8rt_conv_params* params);

/* MR x NR = 3 x 4, KR = 8 (int16 weights, rotated c8 blocks). */
void q8rt_q8conv_ukernel_3x4c8__scalar(size_t mr, size_t nr, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
void q8rt_q8conv_ukernel_3x4c8__sse41(size_t mr, size_t nr, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
