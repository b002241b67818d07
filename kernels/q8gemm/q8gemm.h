/*
 * q8gemm: uint8 GEMM micro-kernels with QNNPACK Q31 requantization.
 *
 * Computes an mr x nr tile of C = requantize(A x (W - kernel_zero_point) + bias') where
 *   A is uint8, row-major, mr rows of k bytes, a_stride bytes apart (rows may be read up to
 *     round_up(k, Q8RT_GEMM_KR) + Q8RT_EXTRA_BYTES bytes; extra bytes meet zero weights),
 *   packed_w is one Q8RT_LAYOUT_GEMM panel (kernels/layout.h) with ks = 1, kc = k, 16-byte aligned,
 *   C is uint8, row-major, c_stride bytes apart; only the mr x nr sub-tile is written.
 * 1 <= mr <= MR, 1 <= nr <= Q8RT_GEMM_NR, k >= 1. Rows mr..MR-1 of A are never read.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "../params.h"

typedef void (*q8rt_q8gemm_ukernel_fn)(
    size_t mr, size_t nr, size_t k,
    const uint8_t* a, size_t a_stride,
    const void* packed_w,
    uint8_t* c, size_t c_stride,
    const struct q8rt_conv_params* params);

/* MR x NR = 3 x 4, KR = 8 (int16 weights, rotated c8 blocks). */
void q8rt_q8gemm_ukernel_3x4c8__scalar(size_t mr, size_t nr, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
void q8rt_q8gemm_ukernel_3x4c8__sse41(size_t mr, size_t nr, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
