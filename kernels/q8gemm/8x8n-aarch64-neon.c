/*
 * q8gemm 8x8n micro-kernel, aarch64 (A64) NEON, on the Q8RT_LAYOUT_GEMM_8X8 panels of the 8x8 kernel
 * (kernels/layout.h): mr <= 8 rows x any nc columns over consecutive panels (the multi-panel contract of q8gemm.h).
 * Twin: 1x8n-scalar.c (any mr x nc on the same panels, each output with the arithmetic of 8x8-scalar.c).
 *
 * The mr rows of A are widened to int16 once per call, into a stack buffer laid out block by block (per 8 k: the
 * rows' 8 int16 one after the other), then every panel runs on it. Per 8 k of an 8-row tile: two `ld1 {4 regs}`
 * bring the 8 widened rows, one `ld1 {4 regs}` the panel's 64 weight bytes (8 k x 8 columns), usubl / usubl2 against
 * the kernel zero point give each k's int16 weights, and 128 smlal / smlal2 by lane (the rows' k-th element) add
 * 512 products: 141 instructions with the loop (the 8x8 kernel: 171, with 8 row loads + 8 uxtl per panel). Rows
 * 5..8 run the 8-row body, 3..4 a 4-row body, 2 and 1 a 2-row and a 1-row body (the same weight loads and usubl,
 * fewer smlal), so a leftover row tile does not pay for 8 rows. The 16-bit by-element forms take their element
 * register from v0..v15: the rows (8), the weight bytes (4), the int16 weights and the zero point fit there, the 16
 * accumulators take v16..v31.
 * The requantization (kernels/requantize-neon.h) is set up once per call, in the sequence the parameters select
 * (two roundings with a shift >= 1 or any shift, or single rounding), one instance of the kernel per sequence, and
 * with the output stage chosen once per call (no zero point add and no clamp where they cannot change the result).
 * The 8-row k loop is inline assembly (q8rt_neon_8x8_rows8_k8 in 8x8-neon.h), the other bodies intrinsics.
 * K is processed in whole blocks of 8 (padded k hold w = kernel zero point, zero after the subtraction); A rows are
 * read in 16-byte chunks, up to round_up(k, 16) <= round_up(k, 8) + 8 bytes (within the Q8RT_EXTRA_BYTES slack).
 * The buffer holds Q8RT_GEMM8N_MAX_KC x 8 int16 (16 KiB): k up to Q8RT_GEMM8N_MAX_KC for 5..8 rows, twice that for
 * 3..4 rows, 4 times for 2 rows and 8 times for 1 row (a fully connected layer at batch 1); beyond, each panel runs
 * through the 8x8 kernel.
 */
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__aarch64__)
#error "this file is for aarch64"
#endif

#include "../layout.h"
#include "../params.h"
#include "../requantize-neon.h"
#include "8x8-neon.h"
#include "q8gemm.h"

/* One panel (8 columns) on `rows` widened rows at buf; returns the next panel. */
static inline __attribute__((always_inline)) const uint8_t* gemm8n_panel(
    const int rows, const enum q8rt_neon_8x8_requant mode, size_t blocks, const int16_t* buf, const uint8_t* panel,
    uint8x16_t vkzp, size_t mr, size_t nr, uint8_t* c, size_t c_stride, const struct q8rt_neon_q31* vq,
    enum q8rt_dot_output out) {
  struct q8rt_neon_8x8_acc acc;
  if (rows == 8) {
    const uint8_t* next = q8rt_neon_8x8_rows8_k8(&acc, panel, buf, buf + blocks * 64, vkzp);
    q8rt_neon_8x8_store_rows(&acc, rows, mr, nr, c, c_stride, vq, mode, out);
    return next;
  }
  const int32x4_t vbias_lo = vld1q_s32((const int32_t*) panel);
  const int32x4_t vbias_hi = vld1q_s32((const int32_t*) panel + 4);
  acc = (struct q8rt_neon_8x8_acc){
    .lo = {vbias_lo, vbias_lo, vbias_lo, vbias_lo, vbias_lo, vbias_lo, vbias_lo, vbias_lo},
    .hi = {vbias_hi, vbias_hi, vbias_hi, vbias_hi, vbias_hi, vbias_hi, vbias_hi, vbias_hi},
  };
  const uint8_t* w = panel + Q8RT_GEMM8_NR * sizeof(int32_t);
  const int16_t* pa = buf;
  for (; blocks != 0; blocks--) {
    int16x8_t vx[8];
    q8rt_neon_8x8_load_widened(vx, rows, pa);
    pa += rows * 8;
    const uint8x16x4_t vw4 = vld1q_u8_x4(w);
    w += 64;
    const uint8x16_t vw[4] = {vw4.val[0], vw4.val[1], vw4.val[2], vw4.val[3]};
    q8rt_neon_8x8_k64(&acc, rows, vx, vw, vkzp, 0);
    q8rt_neon_8x8_k64(&acc, rows, vx, vw, vkzp, 1);
    q8rt_neon_8x8_k64(&acc, rows, vx, vw, vkzp, 2);
    q8rt_neon_8x8_k64(&acc, rows, vx, vw, vkzp, 3);
    q8rt_neon_8x8_k64(&acc, rows, vx, vw, vkzp, 4);
    q8rt_neon_8x8_k64(&acc, rows, vx, vw, vkzp, 5);
    q8rt_neon_8x8_k64(&acc, rows, vx, vw, vkzp, 6);
    q8rt_neon_8x8_k64(&acc, rows, vx, vw, vkzp, 7);
  }
  q8rt_neon_8x8_store_rows(&acc, rows, mr, nr, c, c_stride, vq, mode, out);
  return w;
}

/* Widens `rows` rows of A (rows mr..rows-1 repeat row mr - 1) into buf: block b, row r, k 8b + j at
 * buf[(b * rows + r) * 8 + j]. */
static inline __attribute__((always_inline)) void gemm8n_widen(int16_t* buf, const int rows, size_t mr, size_t blocks,
                                                               const uint8_t* a, size_t a_stride) {
  for (int r = 0; r < rows; r++) {
    const uint8_t* p = a + ((size_t) r < mr ? (size_t) r : mr - 1) * a_stride;
    int16_t* o = buf + r * 8;
    size_t b = blocks;
    for (; b >= 2; b -= 2) {
      const uint8x16_t v = vld1q_u8(p);
      p += 16;
      vst1q_s16(o, vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(v))));
      vst1q_s16(o + rows * 8, vreinterpretq_s16_u16(vmovl_high_u8(v)));
      o += 2 * rows * 8;
    }
    if (b != 0) vst1q_s16(o, vreinterpretq_s16_u16(vmovl_u8(vld1_u8(p))));
  }
}

static inline __attribute__((always_inline)) void gemm8n(
    const int rows, const enum q8rt_neon_8x8_requant mode, size_t mr, size_t nc, size_t blocks, const uint8_t* a,
    size_t a_stride, const uint8_t* panel, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params,
    int16_t* buf) {
  gemm8n_widen(buf, rows, mr, blocks, a, a_stride);
  const uint8x16_t vkzp = vdupq_n_u8(params->kernel_zero_point);
  const struct q8rt_neon_q31 vq = q8rt_neon_q31_init(params);
  const enum q8rt_dot_output out = q8rt_dot_output_of(params);
  for (;;) {
    if (nc <= Q8RT_GEMM8_NR) {
      gemm8n_panel(rows, mode, blocks, buf, panel, vkzp, mr, nc, c, c_stride, &vq, out);
      return;
    }
    panel = gemm8n_panel(rows, mode, blocks, buf, panel, vkzp, mr, Q8RT_GEMM8_NR, c, c_stride, &vq, out);
    c += Q8RT_GEMM8_NR;
    nc -= Q8RT_GEMM8_NR;
  }
}

/* One instance per row count of the body (8, 4, 2, 1). */
static inline __attribute__((always_inline)) void gemm8n_mode(
    const enum q8rt_neon_8x8_requant mode, size_t mr, size_t nc, size_t blocks, const uint8_t* a, size_t a_stride,
    const uint8_t* panel, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params, int16_t* buf) {
  if (mr > 4) {
    gemm8n(8, mode, mr, nc, blocks, a, a_stride, panel, c, c_stride, params, buf);
  } else if (mr > 2) {
    gemm8n(4, mode, mr, nc, blocks, a, a_stride, panel, c, c_stride, params, buf);
  } else if (mr == 2) {
    gemm8n(2, mode, mr, nc, blocks, a, a_stride, panel, c, c_stride, params, buf);
  } else {
    gemm8n(1, mode, mr, nc, blocks, a, a_stride, panel, c, c_stride, params, buf);
  }
}

void q8rt_q8gemm_ukernel_8x8n__aarch64_neon(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const size_t blocks = (k + Q8RT_GEMM8_KR - 1) / Q8RT_GEMM8_KR;
  const size_t rows = mr > 4 ? 8 : mr > 2 ? 4 : mr; /* rows of the body */
  const uint8_t* panel = (const uint8_t*) packed_w;
  if (blocks * Q8RT_GEMM8_KR * rows > Q8RT_GEMM8N_MAX_KC * Q8RT_GEMM8_MR) {
    const size_t panel_bytes = Q8RT_GEMM8_NR * sizeof(int32_t) + blocks * Q8RT_GEMM8_KR * Q8RT_GEMM8_NR;
    for (size_t n0 = 0; n0 < nc; n0 += Q8RT_GEMM8_NR) {
      const size_t nr = nc - n0 < Q8RT_GEMM8_NR ? nc - n0 : Q8RT_GEMM8_NR;
      q8rt_q8gemm_ukernel_8x8__aarch64_neon(mr, nr, k, a, a_stride, panel, c + n0, c_stride, params);
      panel += panel_bytes;
    }
    return;
  }
  int16_t buf[Q8RT_GEMM8N_MAX_KC * Q8RT_GEMM8_MR] __attribute__((aligned(16)));
  switch (q8rt_neon_8x8_requant_of(params)) {
    case Q8RT_NEON_8X8_SINGLE:
      gemm8n_mode(Q8RT_NEON_8X8_SINGLE, mr, nc, blocks, a, a_stride, panel, c, c_stride, params, buf);
      break;
    case Q8RT_NEON_8X8_SHIFTED:
      gemm8n_mode(Q8RT_NEON_8X8_SHIFTED, mr, nc, blocks, a, a_stride, panel, c, c_stride, params, buf);
      break;
    default:
      gemm8n_mode(Q8RT_NEON_8X8_DOUBLE, mr, nc, blocks, a, a_stride, panel, c, c_stride, params, buf);
      break;
  }
}
