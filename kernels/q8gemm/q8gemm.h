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
/* x86 AVX2 on the same panels (each block read as two ymm; kernels/q8gemm/3x4c8-avx2-common.h). */
void q8rt_q8gemm_ukernel_3x4c8__avx2(size_t mr, size_t nr, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
/* ARM NEON (kernels/q8gemm/3x4c8-neon.h): aarch64 builds have __aarch64_neon, armv7 builds __aarch32_neon. */
void q8rt_q8gemm_ukernel_3x4c8__aarch64_neon(size_t mr, size_t nr, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
void q8rt_q8gemm_ukernel_3x4c8__aarch32_neon(size_t mr, size_t nr, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);

/* MR x NR = 8 x 8 on Q8RT_LAYOUT_GEMM_8X8 panels (kernels/layout.h: folded bias, uint8 weights k-major, padded
 * to whole blocks of 8 k), the contract above with these panels and 1 <= mr <= 8, 1 <= nr <= 8. The scalar twin
 * reads the same layout; the aarch64 NEON kernel follows QNNPACK's q8gemm 8x8 scheme. */
void q8rt_q8gemm_ukernel_8x8__scalar(size_t mr, size_t nr, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
void q8rt_q8gemm_ukernel_8x8__aarch64_neon(size_t mr, size_t nr, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
/* 8x8n: mr <= 8 rows x any nc >= 1 columns over consecutive panels of the same layout (the multi-panel contract
 * below), aarch64 NEON: the rows are widened to int16 once per call into a stack buffer (round_up(k, 8) int16 per
 * row of its 8-, 4-, 2- or 1-row body), which every panel reuses; when round_up(k, 8) x body rows exceeds
 * Q8RT_GEMM8N_MAX_KC x 8 (16 KiB) it runs each panel through the 8x8 kernel. Its scalar twin is
 * q8rt_q8gemm_ukernel_1x8n__scalar (any mr x nc on these panels, each output with the 8x8 scalar arithmetic: the
 * same int32 sums with wrap-around and the same requantization). */
#define Q8RT_GEMM8N_MAX_KC 1024
void q8rt_q8gemm_ukernel_8x8n__aarch64_neon(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
/* 1x8n: GEMV-style on the same panels (each Q8RT_GEMM8_NR * 4 + round_up(k, 8) * 8 bytes): any mr >= 1 rows one at
 * a time x any nc >= 1 columns over consecutive panels (the multi-panel contract below). */
void q8rt_q8gemm_ukernel_1x8n__scalar(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
void q8rt_q8gemm_ukernel_1x8n__aarch64_neon(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
/* Q8RT_LAYOUT_GEMM_8X8_W16 panels (kernels/layout.h: the panels above with int16 w - kernel_zero_point, each
 * Q8RT_GEMM8_NR * 4 + round_up(k, 8) * 16 bytes), the multi-panel contract: 1x8w16n (GEMV-style, any mr >= 1 rows
 * one at a time) and, armv7 NEON, 4x8w16n (1 <= mr <= 4; the rows widened to int16 once per call, for k up to
 * 2048, mr = 1 and larger k through 1x8w16n). The scalar twin of both is 1x8w16n scalar. */
void q8rt_q8gemm_ukernel_1x8w16n__scalar(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
void q8rt_q8gemm_ukernel_1x8w16n__aarch32_neon(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
void q8rt_q8gemm_ukernel_4x8w16n__aarch32_neon(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);

/* Multi-panel variants: the same contract as above, except that nr (called nc) may be any number >= 1 of
 * columns, spanning consecutive panels of packed_w (each q8rt_gemm_panel_bytes(k, 1) bytes). */
/* MR = 3 rows x nc columns. */
void q8rt_q8gemm_ukernel_3x4c8n__scalar(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
void q8rt_q8gemm_ukernel_3x4c8n__sse41(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
void q8rt_q8gemm_ukernel_3x4c8n__avx2(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
/* GEMV-style: any mr >= 1 rows, computed one at a time, x nc columns (for GEMMs with few rows). */
void q8rt_q8gemm_ukernel_1x4c8n__scalar(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
void q8rt_q8gemm_ukernel_1x4c8n__sse41(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
void q8rt_q8gemm_ukernel_1x4c8n__avx2(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);

/* AVX-512 VNNI (vpdpbusd) on Q8RT_LAYOUT_GEMM_VNNI panels (kernels/layout.h: 16 columns, int8 w - 128, groups of
 * 4 k): the multi-panel contract above with these panels (each q8rt_vnni_panel_bytes(k, 1) bytes, 64-byte
 * aligned), any nc >= 1 columns; A rows are read for exactly k bytes plus whole 4-byte groups up to
 * round_up(k, 4) (within the Q8RT_EXTRA_BYTES slack). The scalar twin reads the same layout.
 * 8x32c4n: MR = 8 rows (1 <= mr <= 8), 32 columns (two panels) per step. */
void q8rt_q8gemm_ukernel_8x32c4n__scalar(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
void q8rt_q8gemm_ukernel_8x32c4n__avx512vnni(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
/* 1x64c4n: GEMV-style, any mr >= 1 rows one at a time, 64 columns (four panels) per step. */
void q8rt_q8gemm_ukernel_1x64c4n__avx512vnni(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);

/* ARMv8.2 dot product (`udot`) on Q8RT_LAYOUT_GEMM_DOT panels (kernels/layout.h: 16 columns, raw uint8 weights in
 * groups of 4 k, folded bias): the multi-panel contract above with these panels (each 64 + round_up(k, 4) * 16
 * bytes, 16-byte aligned), any nc >= 1 columns. A rows are read in 16-byte chunks: up to k + 15 bytes (within the
 * Q8RT_EXTRA_BYTES slack); only the first k bytes enter the kernel zero point correction kernel_zero_point * sum(a). The scalar twins read the same layout.
 * 4x16c4n: MR = 4, any rows >= 1 per call (the first argument; blocks of 4 rows, the last one of 1..4, each over
 * all nc columns, 16 columns (one panel) per step; struct q8rt_gemm_config.gemmn_rows), as 4x16c8n below. */
void q8rt_q8gemm_ukernel_4x16c4n__scalar(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
void q8rt_q8gemm_ukernel_4x16c4n__aarch64_neondot(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
/* 1x16c4n: GEMV-style, any mr >= 1 rows one at a time, 16 columns per step. */
void q8rt_q8gemm_ukernel_1x16c4n__scalar(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
void q8rt_q8gemm_ukernel_1x16c4n__aarch64_neondot(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);

/* ARMv8.6 i8mm (`ummla`) on Q8RT_LAYOUT_GEMM_I8MM panels (kernels/layout.h: 16 columns, raw uint8 weights in groups
 * of 8 k, folded bias): the multi-panel contract above with these panels (each 128 + round_up(k, 8) * 16 bytes,
 * 16-byte aligned), any nc >= 1 columns. A rows are read in 16-byte chunks, up to k + 15 bytes (within the
 * Q8RT_EXTRA_BYTES slack), as the dot-product kernels; the scalar twins read the same layout.
 * 4x16c8n: MR = 4, any rows >= 1 per call (the first argument; blocks of 4 rows, the last one of 1..4, each over
 * all nc columns, 16 columns (one panel) per step; struct q8rt_gemm_config.gemmn_rows), the rows a_stride apart
 * and their outputs c_stride apart. */
void q8rt_q8gemm_ukernel_4x16c8n__scalar(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
void q8rt_q8gemm_ukernel_4x16c8n__aarch64_neoni8mm(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
/* 2x16c8n: GEMV-style, any mr >= 1 rows two at a time, 16 columns per step. */
void q8rt_q8gemm_ukernel_2x16c8n__scalar(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
void q8rt_q8gemm_ukernel_2x16c8n__aarch64_neoni8mm(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
