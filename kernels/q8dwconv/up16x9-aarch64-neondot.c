/* q8dwconv up16x9dot micro-kernel, aarch64 with the dot product extension (`udot`, ARMv8.2), on
 * Q8RT_LAYOUT_DWCONV_DOT (kernels/layout.h). Twin: up16x9dot-scalar.c.
 *
 * Per 16-channel tile, the 3 taps a, b, c of one input column (16 bytes each) are transposed with 4 `tbl` over
 * {a, b, c} into 4 vectors whose 32-bit lane holds [x(ky 0), x(ky 1), x(ky 2), 0] for channels 4m..4m+3, and
 * the column's per-channel tap sums x(ky 0) + x(ky 1) + x(ky 2) are formed in uint16 (uaddl / uaddl2 / uaddw /
 * uaddw2). One output pixel is then: the bias' minus kzp times the sum of its 9 inputs (2 x 2 uint16 adds of the
 * 3 column sums, at most 2295, and 4 umlsl / umlsl2 onto the loaded biases), 12 `udot` with the raw weights of
 * its 3 columns (one ld1 of 4 vectors per kernel column), and the Q31 requantization of kernels/requantize-neon.h
 * in the sequence and the output stage of the call. Exact mod 2^32: the accumulators equal those of
 * Q8RT_LAYOUT_DWCONV_16P.
 *
 * Full tiles with input_stride 3 (stride 1) or 6 (stride 2) run in one inline assembly loop (dwdot_asm_tiles)
 * with a fixed register allocation, tiles outside, pixels inside, so that transposed columns are reused: with
 * stride 1 consecutive pixels share 2 columns and each pixel transposes 1 new column (3 pixels per loop
 * iteration, the 3 column slots rotating), with stride 2 they share 1 column and each pixel transposes 2.
 * Per stride-1 pixel: 3 input loads, 4 tbl, 4 column sums, 4 window sums, 2 ldp (biases), 4 umlsl, 3 ld1
 * (weights), 12 udot, 4 to 12 requantization instructions, 6 narrows, 1 st1, and 5 pointer loads and 2 loop
 * instructions per 3 pixels: 53.3 instructions with two roundings in the PLAIN stage (MobileNetV2's depthwise
 * convolutions); per stride-2 pixel 2 columns (22), 3 pointer loads (ldp), the pixel (40) and 1 loop instruction:
 * 66. The requantization sequence and output stage are selected at assembly time (.if on immediate operands):
 *   two roundings, shift >= 1:  sqrdmulh, ssra #31 (the sign fix), srshl; the PLAIN stage (zero point 0, range
 *                               [0, 255]) drops the sign fix: it only lowers negative values, whose rounded
 *                               shift is <= 0 with or without it, and the narrows saturate those to 0;
 *   TFLITE_SINGLE_ROUNDING:     sqdmulh, srshl;
 *   shift 0:                    sqrdmulh alone (the sign fix and the shift are identities).
 * The output stage (q8rt_dot_output_of): PLAIN narrows only (sqxtn to int16, sqxtun to uint8), ZP adds the zero
 * point in saturated int16, CLAMP also clamps (the zero point, min and max loaded per pixel there: the 32 vector
 * registers are taken). A partial last tile (channels not a multiple of 16) and other input strides take the
 * intrinsics path (dwdot_tile: 3 columns transposed per pixel). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__aarch64__) || !defined(__ARM_FEATURE_DOTPROD)
#error "this file is for aarch64 with the dot product extension"
#endif

#include "../params.h"
#include "q8dwconv.h"
#include "up16x9p-neon.h"

#define DWDOT_AI static inline __attribute__((always_inline))

/* Requantization sequences, chosen once per call (no per-vector branch on q->single). */
enum dwdot_mode {
  DWDOT_SHIFTED, /* shift >= 1, two roundings (QNNPACK, TFLite): q8rt_neon_q31_scale_shifted */
  DWDOT_SINGLE,  /* shift >= 1, TFLITE_SINGLE_ROUNDING: q8rt_neon_q31_scale_single */
  DWDOT_DOUBLE,  /* shift 0: q8rt_neon_q31_scale_double */
};

/* ---- intrinsics path: the partial last tile, input strides other than 3 and 6 ---- */

/* One transposed input column: 4 vectors of 4 channels x 4 bytes, and the sums of its 3 taps per channel
 * (channels 0-7 and 8-15, at most 765). */
struct dwdot_col {
  uint8x16_t v0, v1, v2, v3;
  uint16x8_t s_lo, s_hi;
};

/* The 3 taps p[0..2] at channel offset off. */
DWDOT_AI struct dwdot_col dwdot_load_col(const uint8_t* const* p, size_t off) {
  const uint8x16_t a = vld1q_u8(p[0] + off);
  const uint8x16_t b = vld1q_u8(p[1] + off);
  const uint8x16_t c = vld1q_u8(p[2] + off);
  const uint16x8_t ab_lo = vreinterpretq_u16_u8(vzip1q_u8(a, b));
  const uint16x8_t ab_hi = vreinterpretq_u16_u8(vzip2q_u8(a, b));
  const uint16x8_t cc_lo = vreinterpretq_u16_u8(vzip1q_u8(c, c));
  const uint16x8_t cc_hi = vreinterpretq_u16_u8(vzip2q_u8(c, c));
  struct dwdot_col col;
  col.v0 = vreinterpretq_u8_u16(vzip1q_u16(ab_lo, cc_lo)); /* 4th byte: x(ky 2) again, against a 0 weight */
  col.v1 = vreinterpretq_u8_u16(vzip2q_u16(ab_lo, cc_lo));
  col.v2 = vreinterpretq_u8_u16(vzip1q_u16(ab_hi, cc_hi));
  col.v3 = vreinterpretq_u8_u16(vzip2q_u16(ab_hi, cc_hi));
  col.s_lo = vaddw_u8(vaddl_u8(vget_low_u8(a), vget_low_u8(b)), vget_low_u8(c));
  col.s_hi = vaddw_high_u8(vaddl_high_u8(a, b), c);
  return col;
}

struct dwdot_acc {
  uint32x4_t a0, a1, a2, a3; /* channels 0-3, 4-7, 8-11, 12-15 */
};

/* Column col with the weights of kernel column kx of the tile. */
DWDOT_AI void dwdot_mac(struct dwdot_acc* acc, struct dwdot_col col, const uint8_t* tile, size_t kx) {
  const uint8_t* w = tile + Q8RT_DWDOT_CR * 4 + kx * Q8RT_DWDOT_CR * 4;
  const uint8x16x4_t vw = vld1q_u8_x4(w);
  acc->a0 = vdotq_u32(acc->a0, col.v0, vw.val[0]);
  acc->a1 = vdotq_u32(acc->a1, col.v1, vw.val[1]);
  acc->a2 = vdotq_u32(acc->a2, col.v2, vw.val[2]);
  acc->a3 = vdotq_u32(acc->a3, col.v3, vw.val[3]);
}

/* The sequence of mode, without the sign fix in the PLAIN stage (kernels/requantize-neon.h). */
DWDOT_AI int32x4_t dwdot_scale(int32x4_t acc, const struct q8rt_neon_q31* vq, enum dwdot_mode mode,
                               enum q8rt_dot_output stage) {
  if (mode == DWDOT_SHIFTED) return q8rt_neon_q31_scale_shifted_out(acc, vq, stage);
  if (mode == DWDOT_SINGLE) return q8rt_neon_q31_scale_single(acc, vq);
  return q8rt_neon_q31_scale_out(acc, vq, stage);
}

/* All output pixels of one tile (channel offset off, cr channels): pixel x from the 3 columns at
 * input + x * input_stride, written at out + x * out_stride. */
DWDOT_AI void dwdot_tile(size_t output_width, const uint8_t* const* input, size_t input_stride, size_t off,
                         const uint8_t* tile, uint8_t* out, size_t out_stride, uint16x8_t vkzp,
                         const struct q8rt_neon_q31* vq, enum dwdot_mode mode, enum q8rt_dot_output stage,
                         size_t cr) {
  const uint32_t* vb = (const uint32_t*) tile;
  for (; output_width != 0; output_width--) {
    const struct dwdot_col c0 = dwdot_load_col(input, off);
    const struct dwdot_col c1 = dwdot_load_col(input + 3, off);
    const struct dwdot_col c2 = dwdot_load_col(input + 6, off);
    /* bias' - kzp * (sum of the 9 inputs): the sums in uint16 (at most 2295), one umlsl per 4 channels */
    const uint16x8_t sum_lo = vaddq_u16(vaddq_u16(c0.s_lo, c1.s_lo), c2.s_lo);
    const uint16x8_t sum_hi = vaddq_u16(vaddq_u16(c0.s_hi, c1.s_hi), c2.s_hi);
    struct dwdot_acc acc;
    acc.a0 = vmlsl_u16(vld1q_u32(vb), vget_low_u16(sum_lo), vget_low_u16(vkzp));
    acc.a1 = vmlsl_high_u16(vld1q_u32(vb + 4), sum_lo, vkzp);
    acc.a2 = vmlsl_u16(vld1q_u32(vb + 8), vget_low_u16(sum_hi), vget_low_u16(vkzp));
    acc.a3 = vmlsl_high_u16(vld1q_u32(vb + 12), sum_hi, vkzp);
    dwdot_mac(&acc, c0, tile, 0);
    dwdot_mac(&acc, c1, tile, 1);
    dwdot_mac(&acc, c2, tile, 2);
    const int32x4_t y0 = dwdot_scale(vreinterpretq_s32_u32(acc.a0), vq, mode, stage);
    const int32x4_t y1 = dwdot_scale(vreinterpretq_s32_u32(acc.a1), vq, mode, stage);
    const int32x4_t y2 = dwdot_scale(vreinterpretq_s32_u32(acc.a2), vq, mode, stage);
    const int32x4_t y3 = dwdot_scale(vreinterpretq_s32_u32(acc.a3), vq, mode, stage);
    q8rt_neon_dw16p_store(out, q8rt_neon_pack16_out(y0, y1, y2, y3, vq, stage), cr);
    input += input_stride;
    out += out_stride;
  }
}

/* ---- assembly path: full tiles, input_stride 3 or 6 ---- */

/* The constants of the assembly loop, at the offsets it loads them from (ldp q0, q1; zero point, min, max). */
struct dwdot_consts {
  _Alignas(16) uint16_t kernel_zero_point; /* v0.h[0] (umlsl by element) */
  uint16_t unused0;
  int32_t multiplier;    /* v0.s[1] (sqrdmulh / sqdmulh by element) */
  int32_t unused1[2];
  int32_t right_shift[4]; /* v1: -shift (srshl) */
  int16_t zero_point[8];  /* offset 32, stages ZP and CLAMP */
  uint8_t min[16];        /* offset 48, stage CLAMP */
  uint8_t max[16];        /* offset 64 */
};
_Static_assert(offsetof(struct dwdot_consts, zero_point) == 32, "dwdot_consts layout");
_Static_assert(offsetof(struct dwdot_consts, min) == 48, "dwdot_consts layout");
_Static_assert(offsetof(struct dwdot_consts, max) == 64, "dwdot_consts layout");

/* tbl indices into {a, b, c} (bytes 0-15, 16-31, 32-47) of transposed vector m (v2 + m): byte 4j + k of lane j is
 * tap k of channel 4m + j; the 4th byte of each lane is out of range (0). */
static const uint8_t dwdot_tbl_idx[64] = {
  0, 16, 32, 255, 1, 17, 33, 255, 2, 18, 34, 255, 3, 19, 35, 255,
  4, 20, 36, 255, 5, 21, 37, 255, 6, 22, 38, 255, 7, 23, 39, 255,
  8, 24, 40, 255, 9, 25, 41, 255, 10, 26, 42, 255, 11, 27, 43, 255,
  12, 28, 44, 255, 13, 29, 45, 255, 14, 30, 46, 255, 15, 31, 47, 255,
};

/* `tiles` full tiles from `tile` on, all output_width pixels each, output of tile i at out + 16 i.
 * stride1: input_stride 3 (else 6).
 * Vector registers: v0 kzp (h[0]) and multiplier (s[1]), v1 -shift, v2-v5 tbl indices, 3 column slots of 6
 * (v6-v11, v12-v17, v18-v23: 4 transposed vectors, then the tap sums of channels 0-7 and 8-15), v24-v27 the
 * accumulators, v28-v31 the 3 input rows of a column, then the window sums, the weights of one kernel column, the
 * narrowed output.
 * Assembler macros: dwdot_col transposes the column at pointers pa, pb, pc into a slot, dwdot_px computes the
 * pixel of the slots a, b, c (kernel columns 0, 1, 2) and stores it. */
DWDOT_AI void dwdot_asm_tiles(size_t tiles, size_t output_width, const uint8_t* const* input, bool stride1,
                              const uint8_t* tile, uint8_t* out, size_t out_stride, const struct dwdot_consts* k,
                              enum dwdot_mode mode, enum q8rt_dot_output stage) {
  size_t off = 0;
  const uint8_t* const* in;
  uint8_t* o;
  size_t n;
  const uint8_t *w0, *w1, *w2, *p0, *p1, *p2, *p3, *p4, *p5;
  __asm__ volatile(
      ".macro dwdot_col t0, t1, t2, t3, s0, s1, pa, pb, pc\n"
      "  ldr q28, [\\pa, %[off]]\n"
      "  ldr q29, [\\pb, %[off]]\n"
      "  ldr q30, [\\pc, %[off]]\n"
      "  tbl \\t0\\().16b, {v28.16b, v29.16b, v30.16b}, v2.16b\n"
      "  tbl \\t1\\().16b, {v28.16b, v29.16b, v30.16b}, v3.16b\n"
      "  tbl \\t2\\().16b, {v28.16b, v29.16b, v30.16b}, v4.16b\n"
      "  tbl \\t3\\().16b, {v28.16b, v29.16b, v30.16b}, v5.16b\n"
      "  uaddl \\s0\\().8h, v28.8b, v29.8b\n"
      "  uaddl2 \\s1\\().8h, v28.16b, v29.16b\n"
      "  uaddw \\s0\\().8h, \\s0\\().8h, v30.8b\n"
      "  uaddw2 \\s1\\().8h, \\s1\\().8h, v30.16b\n"
      ".endm\n"
      ".macro dwdot_px a0, a1, a2, a3, as0, as1, b0, b1, b2, b3, bs0, bs1, c0, c1, c2, c3, cs0, cs1\n"
      "  add v28.8h, \\as0\\().8h, \\bs0\\().8h\n"
      "  add v29.8h, \\as1\\().8h, \\bs1\\().8h\n"
      "  ldp q24, q25, [%[tile]]\n"
      "  add v28.8h, v28.8h, \\cs0\\().8h\n"
      "  add v29.8h, v29.8h, \\cs1\\().8h\n"
      "  ldp q26, q27, [%[tile], #32]\n"
      "  umlsl v24.4s, v28.4h, v0.h[0]\n"
      "  umlsl2 v25.4s, v28.8h, v0.h[0]\n"
      "  umlsl v26.4s, v29.4h, v0.h[0]\n"
      "  umlsl2 v27.4s, v29.8h, v0.h[0]\n"
      "  ld1 {v28.16b, v29.16b, v30.16b, v31.16b}, [%[w0]]\n"
      "  udot v24.4s, \\a0\\().16b, v28.16b\n"
      "  udot v25.4s, \\a1\\().16b, v29.16b\n"
      "  udot v26.4s, \\a2\\().16b, v30.16b\n"
      "  udot v27.4s, \\a3\\().16b, v31.16b\n"
      "  ld1 {v28.16b, v29.16b, v30.16b, v31.16b}, [%[w1]]\n"
      "  udot v24.4s, \\b0\\().16b, v28.16b\n"
      "  udot v25.4s, \\b1\\().16b, v29.16b\n"
      "  udot v26.4s, \\b2\\().16b, v30.16b\n"
      "  udot v27.4s, \\b3\\().16b, v31.16b\n"
      "  ld1 {v28.16b, v29.16b, v30.16b, v31.16b}, [%[w2]]\n"
      "  udot v24.4s, \\c0\\().16b, v28.16b\n"
      "  udot v25.4s, \\c1\\().16b, v29.16b\n"
      "  udot v26.4s, \\c2\\().16b, v30.16b\n"
      "  udot v27.4s, \\c3\\().16b, v31.16b\n"
      "  .if %c[single]\n"
      "  sqdmulh v24.4s, v24.4s, v0.s[1]\n"
      "  sqdmulh v25.4s, v25.4s, v0.s[1]\n"
      "  sqdmulh v26.4s, v26.4s, v0.s[1]\n"
      "  sqdmulh v27.4s, v27.4s, v0.s[1]\n"
      "  .else\n"
      "  sqrdmulh v24.4s, v24.4s, v0.s[1]\n"
      "  sqrdmulh v25.4s, v25.4s, v0.s[1]\n"
      "  sqrdmulh v26.4s, v26.4s, v0.s[1]\n"
      "  sqrdmulh v27.4s, v27.4s, v0.s[1]\n"
      "  .endif\n"
      "  .if %c[sign_fix]\n"
      "  ssra v24.4s, v24.4s, #31\n"
      "  ssra v25.4s, v25.4s, #31\n"
      "  ssra v26.4s, v26.4s, #31\n"
      "  ssra v27.4s, v27.4s, #31\n"
      "  .endif\n"
      "  .if %c[shift]\n"
      "  srshl v24.4s, v24.4s, v1.4s\n"
      "  srshl v25.4s, v25.4s, v1.4s\n"
      "  srshl v26.4s, v26.4s, v1.4s\n"
      "  srshl v27.4s, v27.4s, v1.4s\n"
      "  .endif\n"
      "  sqxtn v28.4h, v24.4s\n"
      "  sqxtn v29.4h, v26.4s\n"
      "  sqxtn2 v28.8h, v25.4s\n"
      "  sqxtn2 v29.8h, v27.4s\n"
      "  .if %c[zp]\n"
      "  ldr q30, [%[k], #32]\n"
      "  sqadd v28.8h, v28.8h, v30.8h\n"
      "  sqadd v29.8h, v29.8h, v30.8h\n"
      "  .endif\n"
      "  sqxtun v28.8b, v28.8h\n"
      "  sqxtun2 v28.16b, v29.8h\n"
      "  .if %c[clamp]\n"
      "  ldp q30, q31, [%[k], #48]\n"
      "  umax v28.16b, v28.16b, v30.16b\n"
      "  umin v28.16b, v28.16b, v31.16b\n"
      "  .endif\n"
      "  st1 {v28.16b}, [%[o]], %[os]\n"
      ".endm\n"
      /* constants; then per tile: weight pointers, output pointer */
      "  ld1 {v2.16b, v3.16b, v4.16b, v5.16b}, [%[idx]]\n"
      "  ldp q0, q1, [%[k]]\n"
      "0:\n"
      "  add %[w0], %[tile], #64\n"
      "  add %[w1], %[tile], #128\n"
      "  add %[w2], %[tile], #192\n"
      "  add %[o], %[out], %[off]\n"
      ".if %c[stride1]\n"
      /* stride 1: columns 0 and 1 into slots A (v6-v11) and B (v12-v17); then per 3 pixels 3 new columns, into
       * C, A, B, each pixel taking the slots of its 3 columns in order */
      "  ldp %[p0], %[p1], [%[input]]\n"
      "  ldp %[p2], %[p3], [%[input], #16]\n"
      "  ldp %[p4], %[p5], [%[input], #32]\n"
      "  add %[in], %[input], #48\n"
      "  dwdot_col v6, v7, v8, v9, v10, v11, %[p0], %[p1], %[p2]\n"
      "  dwdot_col v12, v13, v14, v15, v16, v17, %[p3], %[p4], %[p5]\n"
      "  subs %[n], %[width], #3\n"
      "  b.lo 2f\n"
      "1:\n"
      "  ldp %[p0], %[p1], [%[in]], #72\n"
      "  ldp %[p2], %[p3], [%[in], #-56]\n"
      "  ldp %[p4], %[p5], [%[in], #-40]\n"
      "  dwdot_col v18, v19, v20, v21, v22, v23, %[p0], %[p1], %[p2]\n"
      "  dwdot_px v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, v16, v17, v18, v19, v20, v21, v22, v23\n"
      "  ldp %[p0], %[p1], [%[in], #-24]\n"
      "  ldr %[p2], [%[in], #-8]\n"
      "  dwdot_col v6, v7, v8, v9, v10, v11, %[p3], %[p4], %[p5]\n"
      "  dwdot_px v12, v13, v14, v15, v16, v17, v18, v19, v20, v21, v22, v23, v6, v7, v8, v9, v10, v11\n"
      "  dwdot_col v12, v13, v14, v15, v16, v17, %[p0], %[p1], %[p2]\n"
      "  dwdot_px v18, v19, v20, v21, v22, v23, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, v16, v17\n"
      "  subs %[n], %[n], #3\n"
      "  b.hs 1b\n"
      "2:\n" /* 0, 1 or 2 pixels left */
      "  adds %[n], %[n], #3\n"
      "  b.eq 3f\n"
      "  ldp %[p0], %[p1], [%[in]]\n"
      "  ldr %[p2], [%[in], #16]\n"
      "  dwdot_col v18, v19, v20, v21, v22, v23, %[p0], %[p1], %[p2]\n"
      "  dwdot_px v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, v16, v17, v18, v19, v20, v21, v22, v23\n"
      "  cmp %[n], #1\n"
      "  b.eq 3f\n"
      "  ldp %[p0], %[p1], [%[in], #24]\n"
      "  ldr %[p2], [%[in], #40]\n"
      "  dwdot_col v6, v7, v8, v9, v10, v11, %[p0], %[p1], %[p2]\n"
      "  dwdot_px v12, v13, v14, v15, v16, v17, v18, v19, v20, v21, v22, v23, v6, v7, v8, v9, v10, v11\n"
      "3:\n"
      ".else\n"
      /* stride 2: column 0 into slot A; per pixel the middle column into B and the last into C (then A), the
       * last column of one pixel being the first of the next */
      "  ldp %[p0], %[p1], [%[input]]\n"
      "  ldr %[p2], [%[input], #16]\n"
      "  add %[in], %[input], #24\n"
      "  dwdot_col v6, v7, v8, v9, v10, v11, %[p0], %[p1], %[p2]\n"
      "  subs %[n], %[width], #2\n"
      "  b.lo 2f\n"
      "1:\n"
      "  ldp %[p0], %[p1], [%[in]], #96\n"
      "  ldp %[p2], %[p3], [%[in], #-80]\n"
      "  ldp %[p4], %[p5], [%[in], #-64]\n"
      "  dwdot_col v12, v13, v14, v15, v16, v17, %[p0], %[p1], %[p2]\n"
      "  dwdot_col v18, v19, v20, v21, v22, v23, %[p3], %[p4], %[p5]\n"
      "  dwdot_px v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, v16, v17, v18, v19, v20, v21, v22, v23\n"
      "  ldp %[p0], %[p1], [%[in], #-48]\n"
      "  ldp %[p2], %[p3], [%[in], #-32]\n"
      "  ldp %[p4], %[p5], [%[in], #-16]\n"
      "  dwdot_col v12, v13, v14, v15, v16, v17, %[p0], %[p1], %[p2]\n"
      "  dwdot_col v6, v7, v8, v9, v10, v11, %[p3], %[p4], %[p5]\n"
      "  dwdot_px v18, v19, v20, v21, v22, v23, v12, v13, v14, v15, v16, v17, v6, v7, v8, v9, v10, v11\n"
      "  subs %[n], %[n], #2\n"
      "  b.hs 1b\n"
      "2:\n" /* 0 or 1 pixel left */
      "  adds %[n], %[n], #2\n"
      "  b.eq 3f\n"
      "  ldp %[p0], %[p1], [%[in]]\n"
      "  ldp %[p2], %[p3], [%[in], #16]\n"
      "  ldp %[p4], %[p5], [%[in], #32]\n"
      "  dwdot_col v12, v13, v14, v15, v16, v17, %[p0], %[p1], %[p2]\n"
      "  dwdot_col v18, v19, v20, v21, v22, v23, %[p3], %[p4], %[p5]\n"
      "  dwdot_px v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, v16, v17, v18, v19, v20, v21, v22, v23\n"
      "3:\n"
      ".endif\n"
      "  add %[tile], %[tile], #256\n"
      "  add %[off], %[off], #16\n"
      "  subs %[tiles], %[tiles], #1\n"
      "  b.ne 0b\n"
      ".purgem dwdot_col\n"
      ".purgem dwdot_px\n"
      : [tiles] "+r"(tiles), [tile] "+r"(tile), [off] "+r"(off), [in] "=&r"(in), [o] "=&r"(o), [n] "=&r"(n),
        [w0] "=&r"(w0), [w1] "=&r"(w1), [w2] "=&r"(w2), [p0] "=&r"(p0), [p1] "=&r"(p1), [p2] "=&r"(p2),
        [p3] "=&r"(p3), [p4] "=&r"(p4), [p5] "=&r"(p5)
      : [input] "r"(input), [width] "r"(output_width), [out] "r"(out), [os] "r"(out_stride), [k] "r"(k),
        [idx] "r"(dwdot_tbl_idx), [stride1] "i"(stride1), [single] "i"(mode == DWDOT_SINGLE),
        [sign_fix] "i"(mode == DWDOT_SHIFTED && stage != Q8RT_DOT_OUT_PLAIN), [shift] "i"(mode != DWDOT_DOUBLE),
        [zp] "i"(stage != Q8RT_DOT_OUT_PLAIN), [clamp] "i"(stage == Q8RT_DOT_OUT_CLAMP)
      : "cc", "memory", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11", "v12", "v13", "v14",
        "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22", "v23", "v24", "v25", "v26", "v27", "v28", "v29",
        "v30", "v31");
}

/* The whole row, in one requantization mode and output stage (nine instantiations). */
DWDOT_AI void dwdot_row(size_t channels, size_t output_width, const uint8_t* const* input, size_t input_stride,
                        const void* packed_w, uint8_t* output, size_t output_increment,
                        const struct q8rt_conv_params* params, enum dwdot_mode mode,
                        enum q8rt_dot_output stage) {
  const size_t out_stride = channels + output_increment;
  const uint8_t* tile = (const uint8_t*) packed_w;
  size_t off = 0;
  if ((input_stride == 3 || input_stride == 6) && channels >= Q8RT_DWDOT_CR) {
    struct dwdot_consts k;
    k.kernel_zero_point = params->kernel_zero_point;
    k.unused0 = 0;
    k.multiplier = params->multiplier;
    k.unused1[0] = k.unused1[1] = 0;
    vst1q_s32(k.right_shift, vdupq_n_s32(-(int32_t) params->shift));
    vst1q_s16(k.zero_point, vdupq_n_s16((int16_t) params->output_zero_point));
    vst1q_u8(k.min, vdupq_n_u8(params->output_min));
    vst1q_u8(k.max, vdupq_n_u8(params->output_max));
    const size_t tiles = channels / Q8RT_DWDOT_CR;
    if (input_stride == 3) {
      dwdot_asm_tiles(tiles, output_width, input, true, tile, output, out_stride, &k, mode, stage);
    } else {
      dwdot_asm_tiles(tiles, output_width, input, false, tile, output, out_stride, &k, mode, stage);
    }
    off = tiles * Q8RT_DWDOT_CR;
    tile += tiles * Q8RT_DWDOT_TILE_BYTES;
  }
  if (off == channels) return;
  const struct q8rt_neon_q31 vq = q8rt_neon_q31_init(params);
  const uint16x8_t vkzp = vdupq_n_u16(params->kernel_zero_point);
  for (; channels - off >= Q8RT_DWDOT_CR; off += Q8RT_DWDOT_CR) {
    dwdot_tile(output_width, input, input_stride, off, tile, output + off, out_stride, vkzp, &vq, mode, stage,
               Q8RT_DWDOT_CR);
    tile += Q8RT_DWDOT_TILE_BYTES;
  }
  if (off != channels) {
    dwdot_tile(output_width, input, input_stride, off, tile, output + off, out_stride, vkzp, &vq, mode, stage,
               channels - off);
  }
}

/* The row for one requantization mode, in the call's output stage (three instantiations each). */
DWDOT_AI void dwdot_row_mode(size_t channels, size_t output_width, const uint8_t* const* input, size_t input_stride,
                             const void* packed_w, uint8_t* output, size_t output_increment,
                             const struct q8rt_conv_params* params, enum dwdot_mode mode) {
  switch (q8rt_dot_output_of(params)) {
    case Q8RT_DOT_OUT_PLAIN:
      dwdot_row(channels, output_width, input, input_stride, packed_w, output, output_increment, params, mode,
                Q8RT_DOT_OUT_PLAIN);
      break;
    case Q8RT_DOT_OUT_ZP:
      dwdot_row(channels, output_width, input, input_stride, packed_w, output, output_increment, params, mode,
                Q8RT_DOT_OUT_ZP);
      break;
    default:
      dwdot_row(channels, output_width, input, input_stride, packed_w, output, output_increment, params, mode,
                Q8RT_DOT_OUT_CLAMP);
      break;
  }
}

void q8rt_q8dwconv_ukernel_up16x9dot__aarch64_neondot(size_t channels, size_t output_width,
    const uint8_t* const* input, size_t input_stride, const void* packed_w, uint8_t* output,
    size_t output_increment, const struct q8rt_conv_params* params) {
  if (channels == 0 || output_width == 0) return;
  if (params->shift == 0) {
    dwdot_row_mode(channels, output_width, input, input_stride, packed_w, output, output_increment, params,
                   DWDOT_DOUBLE);
  } else if (params->single_rounding) {
    dwdot_row_mode(channels, output_width, input, input_stride, packed_w, output, output_increment, params,
                   DWDOT_SINGLE);
  } else {
    dwdot_row_mode(channels, output_width, input, input_stride, packed_w, output, output_increment, params,
                   DWDOT_SHIFTED);
  }
}
