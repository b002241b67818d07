/*
 * Building blocks of the aarch64 NEON 8x8 micro-kernels on Q8RT_LAYOUT_GEMM_8X8 panels (kernels/layout.h):
 * q8gemm 8x8 (8x8-aarch64-neon.c) and q8conv 8x8 (kernels/q8conv/8x8-aarch64-neon.c). 16 int32x4 accumulators
 * (8 rows x 2 column halves), rows widened to int16 8 k at a time, per k one 8-byte weight load minus the kernel
 * zero point and 16 smlal / smlal2 by lane; one Q31 requantization per 64 outputs. The second part serves the
 * multi-panel kernels q8gemm 8x8n and q8conv 8x8n (rows widened to int16 once per call, then every panel on them).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__aarch64__)
#error "this header is for aarch64"
#endif

#include "../layout.h"
#include "../params.h"
#include "../requantize-neon.h"

struct q8rt_neon_8x8_acc {
  int32x4_t lo[8]; /* row m, columns 0..3 */
  int32x4_t hi[8]; /* row m, columns 4..7 */
};

/* Row m: acc += vb (8 columns) * vx[lane]. The lane of smlal by element must be a constant expression (clang
 * checks it before inlining): the switch on the constant lane folds to one case once inlined. */
static inline __attribute__((always_inline)) void q8rt_neon_8x8_row(int32x4_t* vacc_lo, int32x4_t* vacc_hi,
                                                                   int16x8_t vb, int16x8_t vx, const int lane) {
  switch (lane) {
    case 0:
      *vacc_lo = vmlal_laneq_s16(*vacc_lo, vget_low_s16(vb), vx, 0);
      *vacc_hi = vmlal_high_laneq_s16(*vacc_hi, vb, vx, 0);
      break;
    case 1:
      *vacc_lo = vmlal_laneq_s16(*vacc_lo, vget_low_s16(vb), vx, 1);
      *vacc_hi = vmlal_high_laneq_s16(*vacc_hi, vb, vx, 1);
      break;
    case 2:
      *vacc_lo = vmlal_laneq_s16(*vacc_lo, vget_low_s16(vb), vx, 2);
      *vacc_hi = vmlal_high_laneq_s16(*vacc_hi, vb, vx, 2);
      break;
    case 3:
      *vacc_lo = vmlal_laneq_s16(*vacc_lo, vget_low_s16(vb), vx, 3);
      *vacc_hi = vmlal_high_laneq_s16(*vacc_hi, vb, vx, 3);
      break;
    case 4:
      *vacc_lo = vmlal_laneq_s16(*vacc_lo, vget_low_s16(vb), vx, 4);
      *vacc_hi = vmlal_high_laneq_s16(*vacc_hi, vb, vx, 4);
      break;
    case 5:
      *vacc_lo = vmlal_laneq_s16(*vacc_lo, vget_low_s16(vb), vx, 5);
      *vacc_hi = vmlal_high_laneq_s16(*vacc_hi, vb, vx, 5);
      break;
    case 6:
      *vacc_lo = vmlal_laneq_s16(*vacc_lo, vget_low_s16(vb), vx, 6);
      *vacc_hi = vmlal_high_laneq_s16(*vacc_hi, vb, vx, 6);
      break;
    default:
      *vacc_lo = vmlal_laneq_s16(*vacc_lo, vget_low_s16(vb), vx, 7);
      *vacc_hi = vmlal_high_laneq_s16(*vacc_hi, vb, vx, 7);
      break;
  }
}

/* acc[m] += vb (8 columns) * vx[m][lane] (lane: k within the block), for the 8 rows.
 * Written out row by row (constant indices keep every accumulator in a register). */
static inline __attribute__((always_inline)) void q8rt_neon_8x8_k(struct q8rt_neon_8x8_acc* acc, int16x8_t vb,
                                                                 const int16x8_t* vx, const int lane) {
  q8rt_neon_8x8_row(&acc->lo[0], &acc->hi[0], vb, vx[0], lane);
  q8rt_neon_8x8_row(&acc->lo[1], &acc->hi[1], vb, vx[1], lane);
  q8rt_neon_8x8_row(&acc->lo[2], &acc->hi[2], vb, vx[2], lane);
  q8rt_neon_8x8_row(&acc->lo[3], &acc->hi[3], vb, vx[3], lane);
  q8rt_neon_8x8_row(&acc->lo[4], &acc->hi[4], vb, vx[4], lane);
  q8rt_neon_8x8_row(&acc->lo[5], &acc->hi[5], vb, vx[5], lane);
  q8rt_neon_8x8_row(&acc->lo[6], &acc->hi[6], vb, vx[6], lane);
  q8rt_neon_8x8_row(&acc->lo[7], &acc->hi[7], vb, vx[7], lane);
}

/* Row *pa (advanced by 8): 8 k widened to int16. */
static inline __attribute__((always_inline)) int16x8_t q8rt_neon_8x8_load_row(const uint8_t** pa) {
  const int16x8_t vx = vreinterpretq_s16_u16(vmovl_u8(vld1_u8(*pa)));
  *pa += 8;
  return vx;
}

/* The next k's weights at *pw (advanced by 8), minus the kernel zero point, as int16. The empty asm on the
 * pointer keeps the compiler from hoisting all 8 loads of a block to its top, which spills them to the stack
 * (the 16 accumulators, 8 rows and the zero point leave no room for 8 more vectors). */
static inline __attribute__((always_inline)) int16x8_t q8rt_neon_8x8_weights(const uint8_t** pw, uint8x8_t vkzp) {
  __asm__("" : "+r"(*pw));
  const int16x8_t vb = vreinterpretq_s16_u16(vsubl_u8(vld1_u8(*pw), vkzp));
  *pw += 8;
  return vb;
}

/* Requantizes the 64 accumulators and stores rows 0..mr-1, columns 0..nr-1 at c (rows c_stride apart); rows 2i
 * and 2i + 1 share one uint8x16 (low half: row 2i). */
static inline __attribute__((always_inline)) void q8rt_neon_8x8_store(const struct q8rt_neon_8x8_acc* acc, size_t mr,
                                                                     size_t nr, uint8_t* c, size_t c_stride,
                                                                     const struct q8rt_conv_params* params) {
  const struct q8rt_neon_q31 vq = q8rt_neon_q31_init(params);
  const uint8x16_t vout01 = q8rt_neon_requantize_2x8(acc->lo[0], acc->hi[0], acc->lo[1], acc->hi[1], &vq);
  const uint8x16_t vout23 = q8rt_neon_requantize_2x8(acc->lo[2], acc->hi[2], acc->lo[3], acc->hi[3], &vq);
  const uint8x16_t vout45 = q8rt_neon_requantize_2x8(acc->lo[4], acc->hi[4], acc->lo[5], acc->hi[5], &vq);
  const uint8x16_t vout67 = q8rt_neon_requantize_2x8(acc->lo[6], acc->hi[6], acc->lo[7], acc->hi[7], &vq);
  q8rt_neon_store_2x8(c, c_stride, vout01, mr, nr);
  if (mr > 2) q8rt_neon_store_2x8(c + 2 * c_stride, c_stride, vout23, mr - 2, nr);
  if (mr > 4) q8rt_neon_store_2x8(c + 4 * c_stride, c_stride, vout45, mr - 4, nr);
  if (mr > 6) q8rt_neon_store_2x8(c + 6 * c_stride, c_stride, vout67, mr - 6, nr);
}

/* ---- Multi-panel kernels (q8gemm 8x8n, q8conv 8x8n): rows widened once into a buffer, 8-, 4-, 2-, 1-row bodies. */

/* The Q31 sequence of one kernel instance (a compile-time constant once inlined), chosen once per call by
 * q8rt_neon_8x8_requant_of. */
enum q8rt_neon_8x8_requant {
  Q8RT_NEON_8X8_DOUBLE = 0,  /* two roundings, any shift (q8rt_neon_q31_scale_double) */
  Q8RT_NEON_8X8_SHIFTED = 1, /* two roundings, shift >= 1 (q8rt_neon_q31_scale_shifted) */
  Q8RT_NEON_8X8_SINGLE = 2,  /* TFLITE_SINGLE_ROUNDING, shift >= 1 (q8rt_neon_q31_scale_single) */
};

/* The sequence `mode` for the output stage `out` (both constants): the two-rounding sequences without the sign fix in
 * the PLAIN stage (q8rt_neon_q31_scale_out, kernels/requantize-neon.h). */
static inline __attribute__((always_inline)) int32x4_t q8rt_neon_8x8_scale(
    int32x4_t vacc, const struct q8rt_neon_q31* q, const enum q8rt_neon_8x8_requant mode,
    const enum q8rt_dot_output out) {
  switch (mode) {
    case Q8RT_NEON_8X8_SINGLE: return q8rt_neon_q31_scale_single(vacc, q);
    case Q8RT_NEON_8X8_SHIFTED: return q8rt_neon_q31_scale_shifted_out(vacc, q, out);
    default: return q8rt_neon_q31_scale_out(vacc, q, out);
  }
}

/* Rows i and i + 1 (if i + 1 < mr) of the tile -> uint8 at c + i * c_stride. */
static inline __attribute__((always_inline)) void q8rt_neon_8x8_store_pair(
    const struct q8rt_neon_8x8_acc* acc, const int i, size_t mr, size_t nr, uint8_t* c, size_t c_stride,
    const struct q8rt_neon_q31* vq, const enum q8rt_neon_8x8_requant mode, const enum q8rt_dot_output out) {
  const uint8x16_t vout = q8rt_neon_pack16_out(
      q8rt_neon_8x8_scale(acc->lo[i], vq, mode, out), q8rt_neon_8x8_scale(acc->hi[i], vq, mode, out),
      q8rt_neon_8x8_scale(acc->lo[i + 1], vq, mode, out), q8rt_neon_8x8_scale(acc->hi[i + 1], vq, mode, out), vq,
      out);
  q8rt_neon_store_2x8(c + (size_t) i * c_stride, c_stride, vout, mr - (size_t) i, nr);
}

/* q8rt_neon_8x8_store_rows for one output stage. */
static inline __attribute__((always_inline)) void q8rt_neon_8x8_store_rows_out(
    const struct q8rt_neon_8x8_acc* acc, const int rows, size_t mr, size_t nr, uint8_t* c, size_t c_stride,
    const struct q8rt_neon_q31* vq, const enum q8rt_neon_8x8_requant mode, const enum q8rt_dot_output out) {
  if (rows == 1) {
    const int32x4_t vlo = q8rt_neon_8x8_scale(acc->lo[0], vq, mode, out);
    const int32x4_t vhi = q8rt_neon_8x8_scale(acc->hi[0], vq, mode, out);
    const uint8x16_t vout = q8rt_neon_pack16_out(vlo, vhi, vlo, vhi, vq, out);
    if (nr == Q8RT_GEMM8_NR) {
      vst1_u8(c, vget_low_u8(vout));
    } else {
      q8rt_neon_store_partial_u8(c, vout, nr);
    }
    return;
  }
  q8rt_neon_8x8_store_pair(acc, 0, mr, nr, c, c_stride, vq, mode, out);
  if (rows > 2 && mr > 2) q8rt_neon_8x8_store_pair(acc, 2, mr, nr, c, c_stride, vq, mode, out);
  if (rows > 4 && mr > 4) q8rt_neon_8x8_store_pair(acc, 4, mr, nr, c, c_stride, vq, mode, out);
  if (rows > 6 && mr > 6) q8rt_neon_8x8_store_pair(acc, 6, mr, nr, c, c_stride, vq, mode, out);
}

/* Rows 0..mr-1 (mr <= rows) of the tile's first `rows` accumulator rows (rows in pairs, as q8rt_neon_8x8_store)
 * -> uint8 at c, in the sequence `mode` (a compile-time constant once inlined) and the output stage `out`
 * (q8rt_dot_output_of in kernels/requantize-neon.h: one branch per call of this function into code for that
 * stage). */
static inline __attribute__((always_inline)) void q8rt_neon_8x8_store_rows(
    const struct q8rt_neon_8x8_acc* acc, const int rows, size_t mr, size_t nr, uint8_t* c, size_t c_stride,
    const struct q8rt_neon_q31* vq, const enum q8rt_neon_8x8_requant mode, enum q8rt_dot_output out) {
  if (out == Q8RT_DOT_OUT_PLAIN) {
    q8rt_neon_8x8_store_rows_out(acc, rows, mr, nr, c, c_stride, vq, mode, Q8RT_DOT_OUT_PLAIN);
  } else if (out == Q8RT_DOT_OUT_ZP) {
    q8rt_neon_8x8_store_rows_out(acc, rows, mr, nr, c, c_stride, vq, mode, Q8RT_DOT_OUT_ZP);
  } else {
    q8rt_neon_8x8_store_rows_out(acc, rows, mr, nr, c, c_stride, vq, mode, Q8RT_DOT_OUT_CLAMP);
  }
}

/* k = lane of a block: its int16 weights (w - kzp) from the block's weight bytes vw (k-major, 8 per k: k = lane in
 * the low (even lane) or high (odd lane) half of vw[lane / 2]), times the rows' lane-th element, into the first
 * `rows` accumulator rows. */
static inline __attribute__((always_inline)) void q8rt_neon_8x8_k64(
    struct q8rt_neon_8x8_acc* acc, const int rows, const int16x8_t* vx, const uint8x16_t* vw, uint8x16_t vkzp,
    const int lane) {
  const int16x8_t vb = vreinterpretq_s16_u16(
      (lane & 1) ? vsubl_high_u8(vw[lane / 2], vkzp) : vsubl_u8(vget_low_u8(vw[lane / 2]), vget_low_u8(vkzp)));
  /* written out row by row: constant indices keep the accumulators in registers */
  q8rt_neon_8x8_row(&acc->lo[0], &acc->hi[0], vb, vx[0], lane);
  if (rows > 1) q8rt_neon_8x8_row(&acc->lo[1], &acc->hi[1], vb, vx[1], lane);
  if (rows > 2) q8rt_neon_8x8_row(&acc->lo[2], &acc->hi[2], vb, vx[2], lane);
  if (rows > 3) q8rt_neon_8x8_row(&acc->lo[3], &acc->hi[3], vb, vx[3], lane);
  if (rows > 4) q8rt_neon_8x8_row(&acc->lo[4], &acc->hi[4], vb, vx[4], lane);
  if (rows > 5) q8rt_neon_8x8_row(&acc->lo[5], &acc->hi[5], vb, vx[5], lane);
  if (rows > 6) q8rt_neon_8x8_row(&acc->lo[6], &acc->hi[6], vb, vx[6], lane);
  if (rows > 7) q8rt_neon_8x8_row(&acc->lo[7], &acc->hi[7], vb, vx[7], lane);
}

static inline enum q8rt_neon_8x8_requant q8rt_neon_8x8_requant_of(const struct q8rt_conv_params* params) {
  if (params->single_rounding) return Q8RT_NEON_8X8_SINGLE;
  return params->shift != 0 ? Q8RT_NEON_8X8_SHIFTED : Q8RT_NEON_8X8_DOUBLE;
}

/* `rows` widened rows (8 int16 each, one after the other) at pa into vx[0..rows-1]. */
static inline __attribute__((always_inline)) void q8rt_neon_8x8_load_widened(int16x8_t* vx, const int rows,
                                                                            const int16_t* pa) {
  if (rows == 8) {
    const int16x8x4_t va0123 = vld1q_s16_x4(pa);
    const int16x8x4_t va4567 = vld1q_s16_x4(pa + 32);
    vx[0] = va0123.val[0];
    vx[1] = va0123.val[1];
    vx[2] = va0123.val[2];
    vx[3] = va0123.val[3];
    vx[4] = va4567.val[0];
    vx[5] = va4567.val[1];
    vx[6] = va4567.val[2];
    vx[7] = va4567.val[3];
  } else if (rows == 4) {
    const int16x8x4_t va0123 = vld1q_s16_x4(pa);
    vx[0] = va0123.val[0];
    vx[1] = va0123.val[1];
    vx[2] = va0123.val[2];
    vx[3] = va0123.val[3];
  } else if (rows == 2) {
    const int16x8x2_t va01 = vld1q_s16_x2(pa);
    vx[0] = va01.val[0];
    vx[1] = va01.val[1];
  } else {
    vx[0] = vld1q_s16(pa);
  }
}

/* The k loop of an 8-row body on widened rows (pa .. pa_end: blocks >= 1 of 8 rows x 8 k, the weights of the panel
 * at w: bias, then 64 bytes per block), in assembly: gcc 12 keeps the intrinsics version's
 * 30 live vectors only with register moves and a zero point reloaded from the stack (149 to 158 instructions per
 * block instead of 141). Rows in v0..v7 (the by-element operand of the 16-bit forms must be in v0..v15), the
 * block's 64 weight bytes in v8..v11, the int16 weights of even / odd k alternately in v12 / v13, the 16
 * accumulators wherever the compiler puts them (outputs only: in-out operands would count twice towards the limit
 * of 30), loaded with the panel's bias at w first (8 ldp: fewer instructions than one load and 14 moves). Returns
 * the end of the panel (the next panel). */
static inline __attribute__((always_inline)) const uint8_t* q8rt_neon_8x8_rows8_k8(struct q8rt_neon_8x8_acc* acc,
                                                                            const uint8_t* w, const int16_t* pa,
                                                                            const int16_t* pa_end,
                                                                            uint8x16_t vkzp) {
  __asm__ volatile(
      "ldp %q[l0], %q[h0], [%[w]]\n\t" "ldp %q[l1], %q[h1], [%[w]]\n\t"
      "ldp %q[l2], %q[h2], [%[w]]\n\t" "ldp %q[l3], %q[h3], [%[w]]\n\t"
      "ldp %q[l4], %q[h4], [%[w]]\n\t" "ldp %q[l5], %q[h5], [%[w]]\n\t"
      "ldp %q[l6], %q[h6], [%[w]]\n\t" "ldp %q[l7], %q[h7], [%[w]], #32\n\t"
      "0:\n\t"
      "ld1 {v0.8h-v3.8h}, [%[a]], #64\n\t" "ld1 {v4.8h-v7.8h}, [%[a]], #64\n\t"
      "ld1 {v8.16b-v11.16b}, [%[w]], #64\n\t"
      "usubl v12.8h, v8.8b, %[kzp].8b\n\t"
      "smlal %[l0].4s, v12.4h, v0.h[0]\n\t" "smlal2 %[h0].4s, v12.8h, v0.h[0]\n\t"
      "smlal %[l1].4s, v12.4h, v1.h[0]\n\t" "smlal2 %[h1].4s, v12.8h, v1.h[0]\n\t"
      "smlal %[l2].4s, v12.4h, v2.h[0]\n\t" "smlal2 %[h2].4s, v12.8h, v2.h[0]\n\t"
      "smlal %[l3].4s, v12.4h, v3.h[0]\n\t" "smlal2 %[h3].4s, v12.8h, v3.h[0]\n\t"
      "smlal %[l4].4s, v12.4h, v4.h[0]\n\t" "smlal2 %[h4].4s, v12.8h, v4.h[0]\n\t"
      "smlal %[l5].4s, v12.4h, v5.h[0]\n\t" "smlal2 %[h5].4s, v12.8h, v5.h[0]\n\t"
      "smlal %[l6].4s, v12.4h, v6.h[0]\n\t" "smlal2 %[h6].4s, v12.8h, v6.h[0]\n\t"
      "smlal %[l7].4s, v12.4h, v7.h[0]\n\t" "smlal2 %[h7].4s, v12.8h, v7.h[0]\n\t"
      "usubl2 v13.8h, v8.16b, %[kzp].16b\n\t"
      "smlal %[l0].4s, v13.4h, v0.h[1]\n\t" "smlal2 %[h0].4s, v13.8h, v0.h[1]\n\t"
      "smlal %[l1].4s, v13.4h, v1.h[1]\n\t" "smlal2 %[h1].4s, v13.8h, v1.h[1]\n\t"
      "smlal %[l2].4s, v13.4h, v2.h[1]\n\t" "smlal2 %[h2].4s, v13.8h, v2.h[1]\n\t"
      "smlal %[l3].4s, v13.4h, v3.h[1]\n\t" "smlal2 %[h3].4s, v13.8h, v3.h[1]\n\t"
      "smlal %[l4].4s, v13.4h, v4.h[1]\n\t" "smlal2 %[h4].4s, v13.8h, v4.h[1]\n\t"
      "smlal %[l5].4s, v13.4h, v5.h[1]\n\t" "smlal2 %[h5].4s, v13.8h, v5.h[1]\n\t"
      "smlal %[l6].4s, v13.4h, v6.h[1]\n\t" "smlal2 %[h6].4s, v13.8h, v6.h[1]\n\t"
      "smlal %[l7].4s, v13.4h, v7.h[1]\n\t" "smlal2 %[h7].4s, v13.8h, v7.h[1]\n\t"
      "usubl v12.8h, v9.8b, %[kzp].8b\n\t"
      "smlal %[l0].4s, v12.4h, v0.h[2]\n\t" "smlal2 %[h0].4s, v12.8h, v0.h[2]\n\t"
      "smlal %[l1].4s, v12.4h, v1.h[2]\n\t" "smlal2 %[h1].4s, v12.8h, v1.h[2]\n\t"
      "smlal %[l2].4s, v12.4h, v2.h[2]\n\t" "smlal2 %[h2].4s, v12.8h, v2.h[2]\n\t"
      "smlal %[l3].4s, v12.4h, v3.h[2]\n\t" "smlal2 %[h3].4s, v12.8h, v3.h[2]\n\t"
      "smlal %[l4].4s, v12.4h, v4.h[2]\n\t" "smlal2 %[h4].4s, v12.8h, v4.h[2]\n\t"
      "smlal %[l5].4s, v12.4h, v5.h[2]\n\t" "smlal2 %[h5].4s, v12.8h, v5.h[2]\n\t"
      "smlal %[l6].4s, v12.4h, v6.h[2]\n\t" "smlal2 %[h6].4s, v12.8h, v6.h[2]\n\t"
      "smlal %[l7].4s, v12.4h, v7.h[2]\n\t" "smlal2 %[h7].4s, v12.8h, v7.h[2]\n\t"
      "usubl2 v13.8h, v9.16b, %[kzp].16b\n\t"
      "smlal %[l0].4s, v13.4h, v0.h[3]\n\t" "smlal2 %[h0].4s, v13.8h, v0.h[3]\n\t"
      "smlal %[l1].4s, v13.4h, v1.h[3]\n\t" "smlal2 %[h1].4s, v13.8h, v1.h[3]\n\t"
      "smlal %[l2].4s, v13.4h, v2.h[3]\n\t" "smlal2 %[h2].4s, v13.8h, v2.h[3]\n\t"
      "smlal %[l3].4s, v13.4h, v3.h[3]\n\t" "smlal2 %[h3].4s, v13.8h, v3.h[3]\n\t"
      "smlal %[l4].4s, v13.4h, v4.h[3]\n\t" "smlal2 %[h4].4s, v13.8h, v4.h[3]\n\t"
      "smlal %[l5].4s, v13.4h, v5.h[3]\n\t" "smlal2 %[h5].4s, v13.8h, v5.h[3]\n\t"
      "smlal %[l6].4s, v13.4h, v6.h[3]\n\t" "smlal2 %[h6].4s, v13.8h, v6.h[3]\n\t"
      "smlal %[l7].4s, v13.4h, v7.h[3]\n\t" "smlal2 %[h7].4s, v13.8h, v7.h[3]\n\t"
      "usubl v12.8h, v10.8b, %[kzp].8b\n\t"
      "smlal %[l0].4s, v12.4h, v0.h[4]\n\t" "smlal2 %[h0].4s, v12.8h, v0.h[4]\n\t"
      "smlal %[l1].4s, v12.4h, v1.h[4]\n\t" "smlal2 %[h1].4s, v12.8h, v1.h[4]\n\t"
      "smlal %[l2].4s, v12.4h, v2.h[4]\n\t" "smlal2 %[h2].4s, v12.8h, v2.h[4]\n\t"
      "smlal %[l3].4s, v12.4h, v3.h[4]\n\t" "smlal2 %[h3].4s, v12.8h, v3.h[4]\n\t"
      "smlal %[l4].4s, v12.4h, v4.h[4]\n\t" "smlal2 %[h4].4s, v12.8h, v4.h[4]\n\t"
      "smlal %[l5].4s, v12.4h, v5.h[4]\n\t" "smlal2 %[h5].4s, v12.8h, v5.h[4]\n\t"
      "smlal %[l6].4s, v12.4h, v6.h[4]\n\t" "smlal2 %[h6].4s, v12.8h, v6.h[4]\n\t"
      "smlal %[l7].4s, v12.4h, v7.h[4]\n\t" "smlal2 %[h7].4s, v12.8h, v7.h[4]\n\t"
      "usubl2 v13.8h, v10.16b, %[kzp].16b\n\t"
      "smlal %[l0].4s, v13.4h, v0.h[5]\n\t" "smlal2 %[h0].4s, v13.8h, v0.h[5]\n\t"
      "smlal %[l1].4s, v13.4h, v1.h[5]\n\t" "smlal2 %[h1].4s, v13.8h, v1.h[5]\n\t"
      "smlal %[l2].4s, v13.4h, v2.h[5]\n\t" "smlal2 %[h2].4s, v13.8h, v2.h[5]\n\t"
      "smlal %[l3].4s, v13.4h, v3.h[5]\n\t" "smlal2 %[h3].4s, v13.8h, v3.h[5]\n\t"
      "smlal %[l4].4s, v13.4h, v4.h[5]\n\t" "smlal2 %[h4].4s, v13.8h, v4.h[5]\n\t"
      "smlal %[l5].4s, v13.4h, v5.h[5]\n\t" "smlal2 %[h5].4s, v13.8h, v5.h[5]\n\t"
      "smlal %[l6].4s, v13.4h, v6.h[5]\n\t" "smlal2 %[h6].4s, v13.8h, v6.h[5]\n\t"
      "smlal %[l7].4s, v13.4h, v7.h[5]\n\t" "smlal2 %[h7].4s, v13.8h, v7.h[5]\n\t"
      "usubl v12.8h, v11.8b, %[kzp].8b\n\t"
      "smlal %[l0].4s, v12.4h, v0.h[6]\n\t" "smlal2 %[h0].4s, v12.8h, v0.h[6]\n\t"
      "smlal %[l1].4s, v12.4h, v1.h[6]\n\t" "smlal2 %[h1].4s, v12.8h, v1.h[6]\n\t"
      "smlal %[l2].4s, v12.4h, v2.h[6]\n\t" "smlal2 %[h2].4s, v12.8h, v2.h[6]\n\t"
      "smlal %[l3].4s, v12.4h, v3.h[6]\n\t" "smlal2 %[h3].4s, v12.8h, v3.h[6]\n\t"
      "smlal %[l4].4s, v12.4h, v4.h[6]\n\t" "smlal2 %[h4].4s, v12.8h, v4.h[6]\n\t"
      "smlal %[l5].4s, v12.4h, v5.h[6]\n\t" "smlal2 %[h5].4s, v12.8h, v5.h[6]\n\t"
      "smlal %[l6].4s, v12.4h, v6.h[6]\n\t" "smlal2 %[h6].4s, v12.8h, v6.h[6]\n\t"
      "smlal %[l7].4s, v12.4h, v7.h[6]\n\t" "smlal2 %[h7].4s, v12.8h, v7.h[6]\n\t"
      "usubl2 v13.8h, v11.16b, %[kzp].16b\n\t"
      "smlal %[l0].4s, v13.4h, v0.h[7]\n\t" "smlal2 %[h0].4s, v13.8h, v0.h[7]\n\t"
      "smlal %[l1].4s, v13.4h, v1.h[7]\n\t" "smlal2 %[h1].4s, v13.8h, v1.h[7]\n\t"
      "smlal %[l2].4s, v13.4h, v2.h[7]\n\t" "smlal2 %[h2].4s, v13.8h, v2.h[7]\n\t"
      "smlal %[l3].4s, v13.4h, v3.h[7]\n\t" "smlal2 %[h3].4s, v13.8h, v3.h[7]\n\t"
      "smlal %[l4].4s, v13.4h, v4.h[7]\n\t" "smlal2 %[h4].4s, v13.8h, v4.h[7]\n\t"
      "smlal %[l5].4s, v13.4h, v5.h[7]\n\t" "smlal2 %[h5].4s, v13.8h, v5.h[7]\n\t"
      "smlal %[l6].4s, v13.4h, v6.h[7]\n\t" "smlal2 %[h6].4s, v13.8h, v6.h[7]\n\t"
      "smlal %[l7].4s, v13.4h, v7.h[7]\n\t" "smlal2 %[h7].4s, v13.8h, v7.h[7]\n\t"
      "cmp %[a], %[a_end]\n\t" "b.ne 0b\n\t"
      : [l0] "=&w"(acc->lo[0]), [h0] "=&w"(acc->hi[0]), [l1] "=&w"(acc->lo[1]), [h1] "=&w"(acc->hi[1]),
        [l2] "=&w"(acc->lo[2]), [h2] "=&w"(acc->hi[2]), [l3] "=&w"(acc->lo[3]), [h3] "=&w"(acc->hi[3]),
        [l4] "=&w"(acc->lo[4]), [h4] "=&w"(acc->hi[4]), [l5] "=&w"(acc->lo[5]), [h5] "=&w"(acc->hi[5]),
        [l6] "=&w"(acc->lo[6]), [h6] "=&w"(acc->hi[6]), [l7] "=&w"(acc->lo[7]), [h7] "=&w"(acc->hi[7]),
        [a] "+r"(pa), [w] "+r"(w)
      : [a_end] "r"(pa_end), [kzp] "w"(vkzp)
      : "cc", "memory", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11", "v12", "v13");
  return w;
}
