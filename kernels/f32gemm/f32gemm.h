/*
 * f32gemm: fp32 GEMM micro-kernels.
 *
 * Computes an mr x nr tile of C = clamp(A x W + bias) where
 *   A is float, row-major, mr rows of k floats, a_stride floats apart,
 *   packed_w is one f32 GEMM panel (kernels/f32gemm/f32params.h) with ks = 1, kc = k, for the kernel's NR,
 *   C is float, row-major, c_stride floats apart; only the mr x nr sub-tile is written.
 * 1 <= mr <= MR, 1 <= nr <= NR, k >= 1. Rows mr..MR-1 of A are never read.
 * Kernels with FMA round differently from the scalar ones (one rounding per multiply-add).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "f32params.h"

typedef void (*q8rt_f32gemm_ukernel_fn)(
    size_t mr, size_t nr, size_t k,
    const float* a, size_t a_stride,
    const float* packed_w,
    float* c, size_t c_stride,
    const struct q8rt_f32_minmax_params* params);

#define Q8RT_F32GEMM_DECL(name)                                                                          \
  void name(size_t mr, size_t nr, size_t k, const float* a, size_t a_stride, const float* packed_w, float* c, \
            size_t c_stride, const struct q8rt_f32_minmax_params* params)

/* MR x NR = 1 x 8 and 1 x 16: the 4x8 / 6x16 panels, one row (fully connected layers) */
Q8RT_F32GEMM_DECL(q8rt_f32gemm_ukernel_1x8__scalar);
Q8RT_F32GEMM_DECL(q8rt_f32gemm_ukernel_1x8__sse);
Q8RT_F32GEMM_DECL(q8rt_f32gemm_ukernel_1x8__aarch64_neon);
Q8RT_F32GEMM_DECL(q8rt_f32gemm_ukernel_1x8__aarch32_neon);
Q8RT_F32GEMM_DECL(q8rt_f32gemm_ukernel_1x16__scalar);
Q8RT_F32GEMM_DECL(q8rt_f32gemm_ukernel_1x16__avx2);
/* MR x NR = 4 x 8 */
Q8RT_F32GEMM_DECL(q8rt_f32gemm_ukernel_4x8__scalar);
Q8RT_F32GEMM_DECL(q8rt_f32gemm_ukernel_4x8__sse);
/* NEON (A64 fmla / armv7 vmla.f32), the same 8-float panels */
Q8RT_F32GEMM_DECL(q8rt_f32gemm_ukernel_4x8__aarch64_neon);
Q8RT_F32GEMM_DECL(q8rt_f32gemm_ukernel_4x8__aarch32_neon);
/* MR x NR = 8 x 8, the same 8-float panels (aarch64 NEON: 16 q accumulators; mr <= 4 runs the 4x8 body) */
Q8RT_F32GEMM_DECL(q8rt_f32gemm_ukernel_8x8__scalar);
Q8RT_F32GEMM_DECL(q8rt_f32gemm_ukernel_8x8__aarch64_neon);
/* MR x NR = 8 x 32 and 1 x 32 (AVX-512F: 16 zmm accumulators), panels of 32 floats */
Q8RT_F32GEMM_DECL(q8rt_f32gemm_ukernel_8x32__scalar);
Q8RT_F32GEMM_DECL(q8rt_f32gemm_ukernel_8x32__avx512);
Q8RT_F32GEMM_DECL(q8rt_f32gemm_ukernel_1x32__scalar);
Q8RT_F32GEMM_DECL(q8rt_f32gemm_ukernel_1x32__avx512);
/* MR x NR = 6 x 16 */
Q8RT_F32GEMM_DECL(q8rt_f32gemm_ukernel_6x16__scalar);
Q8RT_F32GEMM_DECL(q8rt_f32gemm_ukernel_6x16__avx2);
