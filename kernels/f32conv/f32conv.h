/*
 * f32conv: fp32 indirect convolution micro-kernels (QNNPACK-style indirection, no im2col copy).
 *
 * Computes an mr x nr output tile: MR output pixels x NR output channels.
 *   a is the indirection buffer of this tile: ks groups of MR float pointers, a[t * MR + m] pointing at the
 *     kc input channels of tap t for output pixel m (or at a zero buffer of kc floats for padding). All MR
 *     pointers of every tap are valid, even for m >= mr.
 *   packed_w is one f32 GEMM panel (kernels/f32gemm/f32params.h) with these ks and kc.
 *   c: mr rows of nr floats written, c_stride floats apart.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "../f32gemm/f32params.h"

typedef void (*q8rt_f32conv_ukernel_fn)(
    size_t mr, size_t nr, size_t kc, size_t ks,
    const float* const* a,
    const float* packed_w,
    float* c, size_t c_stride,
    const struct q8rt_f32_minmax_params* params);

#define Q8RT_F32CONV_DECL(name)                                                                             \
  void name(size_t mr, size_t nr, size_t kc, size_t ks, const float* const* a, const float* packed_w, float* c, \
            size_t c_stride, const struct q8rt_f32_minmax_params* params)

Q8RT_F32CONV_DECL(q8rt_f32conv_ukernel_4x8__scalar);
Q8RT_F32CONV_DECL(q8rt_f32conv_ukernel_4x8__sse);
Q8RT_F32CONV_DECL(q8rt_f32conv_ukernel_4x8__aarch64_neon);
Q8RT_F32CONV_DECL(q8rt_f32conv_ukernel_4x8__aarch32_neon);
Q8RT_F32CONV_DECL(q8rt_f32conv_ukernel_8x8__scalar);
Q8RT_F32CONV_DECL(q8rt_f32conv_ukernel_8x8__aarch64_neon);
Q8RT_F32CONV_DECL(q8rt_f32conv_ukernel_6x16__scalar);
Q8RT_F32CONV_DECL(q8rt_f32conv_ukernel_6x16__avx2);
Q8RT_F32CONV_DECL(q8rt_f32conv_ukernel_8x32__scalar);
Q8RT_F32CONV_DECL(q8rt_f32conv_ukernel_8x32__avx512);
