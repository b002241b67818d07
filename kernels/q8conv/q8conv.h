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

#include "../layout.h"
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
/* x86 AVX2 on the same panels (each block read as two ymm; kernels/q8gemm/3x4c8-avx2-common.h). */
void q8rt_q8conv_ukernel_3x4c8__avx2(size_t mr, size_t nr, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
/* ARM NEON: aarch64 builds have __aarch64_neon, armv7 builds __aarch32_neon. */
void q8rt_q8conv_ukernel_3x4c8__aarch64_neon(size_t mr, size_t nr, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
void q8rt_q8conv_ukernel_3x4c8__aarch32_neon(size_t mr, size_t nr, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);

/* MR x NR = 8 x 8 on one Q8RT_LAYOUT_GEMM_8X8 panel with these ks and kc (uint8 weights, k-major, kc padded to 8
 * per tap): 8 row pointers per tap; the kc % 8 last k of a tap are taken one at a time (padded k skipped). Each
 * A pointer is read for round_up(kc, 8) bytes. aarch64 NEON and the scalar twin. */
void q8rt_q8conv_ukernel_8x8__scalar(size_t mr, size_t nr, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
void q8rt_q8conv_ukernel_8x8__aarch64_neon(size_t mr, size_t nr, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
/* 8x8n: the same indirection buffer and panels, nr (called nc) any number >= 1 of columns spanning consecutive
 * panels (each 32 + ks * round_up(kc, 8) * 8 bytes): aarch64 NEON (the rows of every tap widened to int16 once per
 * call, into a stack buffer of up to Q8RT_Q8CONV8N_MAX_BLOCKS blocks of 8 rows x 8 k, for kc a multiple of 8 or
 * kc <= Q8RT_Q8CONV8N_MAX_SMALL_KC; otherwise each panel through the q8conv 8x8 kernel) and the scalar twin (each
 * panel through the q8conv 8x8 scalar kernel). */
#define Q8RT_Q8CONV8N_MAX_BLOCKS 128
#define Q8RT_Q8CONV8N_MAX_SMALL_KC 4
void q8rt_q8conv_ukernel_8x8n__scalar(size_t mr, size_t nc, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
void q8rt_q8conv_ukernel_8x8n__aarch64_neon(size_t mr, size_t nc, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
/* MR x NR = 4 x 8 on the same panels, 4 row pointers per tap: armv7 NEON and the scalar twin. */
void q8rt_q8conv_ukernel_4x8__scalar(size_t mr, size_t nr, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
void q8rt_q8conv_ukernel_4x8__aarch32_neon(size_t mr, size_t nr, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
/* 4x8n: the same panels and indirection buffer, mr <= 4 pixels x any nc >= 1 columns over consecutive panels
 * (each 32 + ks * round_up(kc, 8) * 8 bytes), armv7 NEON, for kc <= 4 (a first layer; other kc per panel through
 * the 4x8 kernel). Its scalar twin is q8conv 4x8 scalar per panel. */
void q8rt_q8conv_ukernel_4x8n__aarch32_neon(size_t mr, size_t nc, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);

/* Tap pairs, for small kc (e.g. a first layer on 3 channels): packed_w is one or more consecutive
 * Q8RT_LAYOUT_GEMM_TAP_PAIRS panels (kernels/layout.h), 16-byte aligned; kc <= 4, 1 <= ks <= Q8RT_Q8CONV_TP_MAX_KS;
 * nr (called nc) may be any number >= 1 of columns, spanning consecutive panels. Each A pointer is read for
 * 4 bytes (the 4th meets a zero weight). */
#define Q8RT_Q8CONV_TP_MAX_KC 4
#define Q8RT_Q8CONV_TP_MAX_KS 128
void q8rt_q8conv_ukernel_3x4c8tp__scalar(size_t mr, size_t nc, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
void q8rt_q8conv_ukernel_3x4c8tp__sse41(size_t mr, size_t nc, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
void q8rt_q8conv_ukernel_3x4c8tp__avx2(size_t mr, size_t nc, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);

/* AVX-512 VNNI (vpdpbusd) on Q8RT_LAYOUT_GEMM_VNNI panels with these ks and kc (kernels/layout.h), 64-byte
 * aligned: MR = 8 pixels (the indirection buffer holds 8 pointers per tap), nr (called nc) any number >= 1 of
 * columns spanning consecutive 16-column panels, 32 per step. Each A pointer is read for round_up(kc, 4) bytes;
 * the per-pixel input sums (kernel zero point correction) take the first kc bytes of every tap. The scalar twin
 * reads the same layout. */
void q8rt_q8conv_ukernel_8x32c4__scalar(size_t mr, size_t nc, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
void q8rt_q8conv_ukernel_8x32c4__avx512vnni(size_t mr, size_t nc, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);

/* ARMv8.2 dot product (`udot`) on Q8RT_LAYOUT_GEMM_DOT panels with these ks and kc (kernels/layout.h), 16-byte
 * aligned: MR = 4 pixels (the indirection buffer holds 4 pointers per tap), nr (called nc) any number >= 1 of
 * columns spanning consecutive 16-column panels. Each A pointer is read in 16-byte chunks, up to kc + 15 bytes
 * (within the Q8RT_EXTRA_BYTES slack); the per-pixel input sums (kernel zero point correction) take the first kc bytes of
 * every tap. The scalar twin reads the same layout. */
void q8rt_q8conv_ukernel_4x16c4__scalar(size_t mr, size_t nc, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
void q8rt_q8conv_ukernel_4x16c4__aarch64_neondot(size_t mr, size_t nc, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);

/* ARMv8.6 i8mm (`ummla`) on Q8RT_LAYOUT_GEMM_I8MM panels with these ks and kc (kernels/layout.h), 16-byte aligned:
 * the contract of the 4x16c4 kernels above (MR = 4 pixels, 4 pointers per tap, any nc >= 1 columns, each A pointer
 * read up to kc + 15 bytes). The scalar twin reads the same layout. */
void q8rt_q8conv_ukernel_4x16c8__scalar(size_t mr, size_t nc, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
void q8rt_q8conv_ukernel_4x16c8__aarch64_neoni8mm(size_t mr, size_t nc, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);

/* Tap pairs on i8mm, for kc <= 4 (a first layer on 3 channels): Q8RT_LAYOUT_GEMM_I8MM_TAP_PAIRS panels with these
 * ks and kc (kernels/layout.h), 16-byte aligned; MR = Q8RT_Q8CONV_I8MMTP_MR = 16 pixels (16 pointers per tap, tiles
 * of 4 inside the kernel, so that its per-call setup is shared by 16 pixels), any ks >= 1, nr (called nc) any number
 * >= 1 of columns spanning consecutive 16-column panels. Each A pointer is read for exactly 4 bytes (bytes kc..3 meet
 * zero weights and stay out of the per-pixel input sums). aarch64 i8mm and the scalar twin. */
#define Q8RT_Q8CONV_I8MMTP_MR 16
static inline size_t q8rt_i8mm_tp_panel_bytes(size_t ks) {
  return Q8RT_GEMMI8MM_BIAS_BYTES + (ks + 1) / 2 * Q8RT_GEMMI8MM_KR * Q8RT_GEMMI8MM_NR;
}
void q8rt_q8conv_ukernel_4x16c8tp__scalar(size_t mr, size_t nc, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
void q8rt_q8conv_ukernel_4x16c8tp__aarch64_neoni8mm(size_t mr, size_t nc, size_t kc, size_t ks,
    const uint8_t* const* a, const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params);
