/*
 * q8conv 8x8n micro-kernel, aarch64 (A64) NEON: indirect convolution of 8 output pixels x any nc columns over
 * consecutive Q8RT_LAYOUT_GEMM_8X8 panels (kernels/layout.h: folded int32 bias[8], then uint8 weights
 * [ks][round_up(kc, 8)][8] per panel), on the indirection buffer of the q8conv 8x8 kernel (8 row pointers per tap).
 * Twin: 8x8n-scalar.c (each panel through the q8conv 8x8 scalar kernel).
 *
 * The 8 rows of every tap are widened to int16 once per call, into a stack buffer laid out tap by tap and block
 * by block (per 8 k: the 8 rows' 8 int16 one after the other), then every panel runs on it (building blocks:
 * kernels/q8gemm/8x8-neon.h). Per panel and tap: two `ld1 {4 regs}` bring the 8 widened rows of a block, one load
 * the block's weights, usubl / usubl2 against the kernel zero point give each k's int16 weights, 16 smlal / smlal2
 * by lane per k. kc <= Q8RT_Q8CONV8N_MAX_SMALL_KC = 4 (a first layer on 3 input channels): the kc k of a tap one
 * at a time (padded k skipped), in the instance compiled for that kc: 3 lane steps per tap, their weight bytes in
 * one load, where the q8conv 8x8
 * kernel loads and widens the 8 rows of every tap again for each panel. The requantization is set up once per
 * call, in the sequence the parameters select.
 * Rows are read for round_up(kc, 8) bytes per tap (8-byte loads). When ks x round_up(kc, 8) / 8 exceeds
 * Q8RT_Q8CONV8N_MAX_BLOCKS (a 16 KiB buffer), or kc > 4 is not a multiple of 8, each panel runs through the q8conv
 * 8x8 kernel (which takes the kc % 8 last k of a tap one at a time).
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
#include "../q8gemm/8x8-neon.h"
#include "q8conv.h"

/* Widens the 8 rows of every tap: tap t, block b, row r, k 8b + j at buf[((t * blocks + b) * 8 + r) * 8 + j]. */
static void conv8n_widen(int16_t* buf, size_t ks, size_t blocks, const uint8_t* const* a) {
  for (; ks != 0; ks--) {
    const uint8_t* a0 = a[0];
    const uint8_t* a1 = a[1];
    const uint8_t* a2 = a[2];
    const uint8_t* a3 = a[3];
    const uint8_t* a4 = a[4];
    const uint8_t* a5 = a[5];
    const uint8_t* a6 = a[6];
    const uint8_t* a7 = a[7];
    a += Q8RT_GEMM8_MR;
    for (size_t b = blocks; b != 0; b--) {
      int16x8x4_t v0123, v4567;
      v0123.val[0] = q8rt_neon_8x8_load_row(&a0);
      v0123.val[1] = q8rt_neon_8x8_load_row(&a1);
      v0123.val[2] = q8rt_neon_8x8_load_row(&a2);
      v0123.val[3] = q8rt_neon_8x8_load_row(&a3);
      v4567.val[0] = q8rt_neon_8x8_load_row(&a4);
      v4567.val[1] = q8rt_neon_8x8_load_row(&a5);
      v4567.val[2] = q8rt_neon_8x8_load_row(&a6);
      v4567.val[3] = q8rt_neon_8x8_load_row(&a7);
      vst1q_s16_x4(buf, v0123);
      vst1q_s16_x4(buf + 32, v4567);
      buf += 64;
    }
  }
}

/* One panel on the widened taps at buf: kc = 8 x blocks (rem = 0) or kc = rem <= Q8RT_Q8CONV8N_MAX_SMALL_KC
 * (blocks = 1), rem a compile-time constant once inlined. Returns the next panel. */
static inline __attribute__((always_inline)) const uint8_t* conv8n_panel(
    const size_t rem, const enum q8rt_neon_8x8_requant mode, size_t ks, size_t blocks, const int16_t* buf,
    const uint8_t* panel, uint8x16_t vkzp, size_t mr, size_t nr, uint8_t* c, size_t c_stride,
    const struct q8rt_neon_q31* vq) {
  const int32x4_t vbias_lo = vld1q_s32((const int32_t*) panel);
  const int32x4_t vbias_hi = vld1q_s32((const int32_t*) panel + 4);
  struct q8rt_neon_8x8_acc acc = {
    .lo = {vbias_lo, vbias_lo, vbias_lo, vbias_lo, vbias_lo, vbias_lo, vbias_lo, vbias_lo},
    .hi = {vbias_hi, vbias_hi, vbias_hi, vbias_hi, vbias_hi, vbias_hi, vbias_hi, vbias_hi},
  };
  const uint8_t* w = panel + Q8RT_GEMM8_NR * sizeof(int32_t);
  const int16_t* pa = buf;
  for (; ks != 0; ks--) {
    for (size_t b = rem != 0 ? 0 : blocks; b != 0; b--) {
      int16x8_t vx[8];
      q8rt_neon_8x8_load_widened(vx, 8, pa);
      pa += 64;
      const uint8x16x4_t vw4 = vld1q_u8_x4(w);
      w += 64;
      const uint8x16_t vw[4] = {vw4.val[0], vw4.val[1], vw4.val[2], vw4.val[3]};
      q8rt_neon_8x8_k64(&acc, 8, vx, vw, vkzp, 0);
      q8rt_neon_8x8_k64(&acc, 8, vx, vw, vkzp, 1);
      q8rt_neon_8x8_k64(&acc, 8, vx, vw, vkzp, 2);
      q8rt_neon_8x8_k64(&acc, 8, vx, vw, vkzp, 3);
      q8rt_neon_8x8_k64(&acc, 8, vx, vw, vkzp, 4);
      q8rt_neon_8x8_k64(&acc, 8, vx, vw, vkzp, 5);
      q8rt_neon_8x8_k64(&acc, 8, vx, vw, vkzp, 6);
      q8rt_neon_8x8_k64(&acc, 8, vx, vw, vkzp, 7);
    }
    if (rem != 0) {
      int16x8_t vx[8];
      q8rt_neon_8x8_load_widened(vx, 8, pa);
      pa += 64;
      /* the weight bytes of the rem k only (two k per register), then the block's padded k skipped */
      uint8x16_t vw[4];
      if (rem <= 2) {
        vw[0] = vld1q_u8(w);
      } else {
        const uint8x16x2_t vw2 = vld1q_u8_x2(w);
        vw[0] = vw2.val[0];
        vw[1] = vw2.val[1];
      }
      w += 64;
      q8rt_neon_8x8_k64(&acc, 8, vx, vw, vkzp, 0);
      if (rem > 1) q8rt_neon_8x8_k64(&acc, 8, vx, vw, vkzp, 1);
      if (rem > 2) q8rt_neon_8x8_k64(&acc, 8, vx, vw, vkzp, 2);
      if (rem > 3) q8rt_neon_8x8_k64(&acc, 8, vx, vw, vkzp, 3);
    }
  }
  q8rt_neon_8x8_store_rows(&acc, 8, mr, nr, c, c_stride, vq, mode);
  return w;
}

static inline __attribute__((always_inline)) void conv8n(
    const size_t rem, const enum q8rt_neon_8x8_requant mode, size_t mr, size_t nc, size_t ks, size_t blocks,
    const int16_t* buf, const uint8_t* panel, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const uint8x16_t vkzp = vdupq_n_u8(params->kernel_zero_point);
  const struct q8rt_neon_q31 vq = q8rt_neon_q31_init(params);
  for (;;) {
    if (nc <= Q8RT_GEMM8_NR) {
      conv8n_panel(rem, mode, ks, blocks, buf, panel, vkzp, mr, nc, c, c_stride, &vq);
      return;
    }
    panel = conv8n_panel(rem, mode, ks, blocks, buf, panel, vkzp, mr, Q8RT_GEMM8_NR, c, c_stride, &vq);
    c += Q8RT_GEMM8_NR;
    nc -= Q8RT_GEMM8_NR;
  }
}

/* One instance per requantization sequence. */
static inline __attribute__((always_inline)) void conv8n_rem(
    const size_t rem, size_t mr, size_t nc, size_t ks, size_t blocks, const int16_t* buf, const uint8_t* panel,
    uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  switch (q8rt_neon_8x8_requant_of(params)) {
    case Q8RT_NEON_8X8_SINGLE:
      conv8n(rem, Q8RT_NEON_8X8_SINGLE, mr, nc, ks, blocks, buf, panel, c, c_stride, params);
      break;
    case Q8RT_NEON_8X8_SHIFTED:
      conv8n(rem, Q8RT_NEON_8X8_SHIFTED, mr, nc, ks, blocks, buf, panel, c, c_stride, params);
      break;
    default:
      conv8n(rem, Q8RT_NEON_8X8_DOUBLE, mr, nc, ks, blocks, buf, panel, c, c_stride, params);
      break;
  }
}

void q8rt_q8conv_ukernel_8x8n__aarch64_neon(size_t mr, size_t nc, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const size_t blocks = (kc + Q8RT_GEMM8_KR - 1) / Q8RT_GEMM8_KR; /* per tap */
  const uint8_t* panel = (const uint8_t*) packed_w;
  if (ks * blocks > Q8RT_Q8CONV8N_MAX_BLOCKS || (kc > Q8RT_Q8CONV8N_MAX_SMALL_KC && kc % Q8RT_GEMM8_KR != 0)) {
    const size_t panel_bytes = Q8RT_GEMM8_NR * sizeof(int32_t) + ks * blocks * Q8RT_GEMM8_KR * Q8RT_GEMM8_NR;
    for (size_t n0 = 0; n0 < nc; n0 += Q8RT_GEMM8_NR) {
      const size_t nr = nc - n0 < Q8RT_GEMM8_NR ? nc - n0 : Q8RT_GEMM8_NR;
      q8rt_q8conv_ukernel_8x8__aarch64_neon(mr, nr, kc, ks, a, panel, c + n0, c_stride, params);
      panel += panel_bytes;
    }
    return;
  }
  int16_t buf[Q8RT_Q8CONV8N_MAX_BLOCKS * Q8RT_GEMM8_MR * Q8RT_GEMM8_KR] __attribute__((aligned(16)));
  conv8n_widen(buf, ks, blocks, a);
  switch (kc <= Q8RT_Q8CONV8N_MAX_SMALL_KC ? kc : 0) {
    case 0: conv8n_rem(0, mr, nc, ks, blocks, buf, panel, c, c_stride, params); break;
    case 1: conv8n_rem(1, mr, nc, ks, blocks, buf, panel, c, c_stride, params); break;
    case 2: conv8n_rem(2, mr, nc, ks, blocks, buf, panel, c, c_stride, params); break;
    case 3: conv8n_rem(3, mr, nc, ks, blocks, buf, panel, c, c_stride, params); break;
    default: conv8n_rem(4, mr, nc, ks, blocks, buf, panel, c, c_stride, params); break;
  }
}
