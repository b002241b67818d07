/*
 * Building blocks of the armv7 NEON multi-panel 4x8 micro-kernels on Q8RT_LAYOUT_GEMM_8X8 panels (q8conv 4x8n,
 * kernels/q8conv/4x8n-aarch32-neon.c) and on
 * Q8RT_LAYOUT_GEMM_8X8_W16 panels (q8gemm 4x8w16n, kernels/q8gemm/4x8w16n-aarch32-neon.c). All widen the 4
 * rows of A to int16 once per call into a stack buffer, in groups of 4 k: row 0 k 0-3, row 1 k 0-3, row 2 k 0-3,
 * row 3 k 0-3 (32 bytes), so that one vld1 of 4 d registers (d0-d3) gives lane j = k j of row m in d(m). The
 * panel loop is inline assembly with fixed registers:
 *   q8-q15  accumulators, row m in q(8 + 2m) (columns 0-3) and q(9 + 2m) (columns 4-7), from the folded bias;
 *   d4      the kernel zero point (8 copies); d8-d11 4 k of raw weights; q6 / q7 one k widened (vsubl);
 *           (int16 weights: d8-d15 4 k, no widening);
 * then the Q31 requantization of kernels/requantize-neon.h in the variant of the parameters (mode bits chosen
 * once per call: two roundings with shift >= 1 are vqrdmulh / vsra / vrshl, inline; with shift 0 vqrdmulh alone
 * and single rounding vqdmulh / vrshl, out of line), narrowing, the zero point, clamping, and whole 4x8 tiles
 * stored by four 8-byte row stores; a partial tile (fewer rows, or the last panel's nc % 8 columns) leaves the
 * assembly with its rows in a 32-byte buffer, stored by q8rt_aarch32_4x8n_store_partial.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#include "../layout.h"
#include "../params.h"
#include "../requantize-neon.h"

/* What the assembly loads per panel (offsets fixed in the assembly). */
struct q8rt_aarch32_4x8n_params {
  uint8_t kernel_zero_point[16]; /*   0: 8 copies (d register) */
  int32_t multiplier[4];         /*  16 */
  int32_t right_shift[4];        /*  32: -shift */
  int16_t zero_point[8];         /*  48 */
  uint8_t min[16];               /*  64 */
  uint8_t max[16];               /*  80 */
  uint8_t out[32];               /*  96: rows 0..3 of a partial tile, 8 bytes each */
};

/* Bits of the assembly's `mode` operand. */
#define Q8RT_4X8N_SINGLE 1  /* single rounding: vqdmulh / vrshl */
#define Q8RT_4X8N_SHIFTED 2 /* two roundings with shift >= 1: vqrdmulh / vsra / vrshl (neither bit: vqrdmulh) */
#define Q8RT_4X8N_PARTIAL 4 /* fewer than 4 rows: every tile leaves through the buffer */
#define Q8RT_4X8N_PLAIN 8   /* with SHIFTED: output zero point 0 and range [0, 255] (the PLAIN output stage of
                             * kernels/requantize-neon.h): vqrdmulh / vrshl and the narrows alone */

/* Fills *p from params; returns the mode bits (the sequence of q8rt_neon_q31_scale; with shift 0 and two
 * roundings the sign fix is masked off and the shift is by 0, so vqrdmulh alone; in the PLAIN output stage the
 * sign fix, the zero point and the clamp change nothing: q8rt_neon_q31_scale_shifted_out). */
static inline size_t q8rt_aarch32_4x8n_init(struct q8rt_aarch32_4x8n_params* p, const struct q8rt_conv_params* params,
                                            size_t mr) {
  vst1q_u8(p->kernel_zero_point, vdupq_n_u8(params->kernel_zero_point));
  vst1q_s32(p->multiplier, vdupq_n_s32(params->multiplier));
  vst1q_s32(p->right_shift, vdupq_n_s32(-(int32_t) params->shift));
  vst1q_s16(p->zero_point, vdupq_n_s16((int16_t) params->output_zero_point));
  vst1q_u8(p->min, vdupq_n_u8(params->output_min));
  vst1q_u8(p->max, vdupq_n_u8(params->output_max));
  size_t mode = params->single_rounding ? Q8RT_4X8N_SINGLE : params->shift != 0 ? Q8RT_4X8N_SHIFTED : 0;
  if (mode == Q8RT_4X8N_SHIFTED && q8rt_dot_output_of(params) == Q8RT_DOT_OUT_PLAIN) mode |= Q8RT_4X8N_PLAIN;
  return mode | (mr < 4 ? Q8RT_4X8N_PARTIAL : 0);
}

/* The first 4 k of rows r0..r3 widened into 16 int16 at buf (the group order above) and, if both, their next 4 k
 * into the 16 after (8 bytes are read at each pointer). */
static inline __attribute__((always_inline)) void q8rt_aarch32_4x8n_widen2(int16_t* buf, const uint8_t* r0,
                                                                          const uint8_t* r1, const uint8_t* r2,
                                                                          const uint8_t* r3, int both) {
  const uint32x2x2_t v01 = vtrn_u32(vreinterpret_u32_u8(vld1_u8(r0)), vreinterpret_u32_u8(vld1_u8(r1)));
  const uint32x2x2_t v23 = vtrn_u32(vreinterpret_u32_u8(vld1_u8(r2)), vreinterpret_u32_u8(vld1_u8(r3)));
  vst1q_s16(buf, vreinterpretq_s16_u16(vmovl_u8(vreinterpret_u8_u32(v01.val[0]))));
  vst1q_s16(buf + 8, vreinterpretq_s16_u16(vmovl_u8(vreinterpret_u8_u32(v23.val[0]))));
  if (both) { /* the second group of 4 k */
    vst1q_s16(buf + 16, vreinterpretq_s16_u16(vmovl_u8(vreinterpret_u8_u32(v01.val[1]))));
    vst1q_s16(buf + 24, vreinterpretq_s16_u16(vmovl_u8(vreinterpret_u8_u32(v23.val[1]))));
  }
}

/* Stores rows 0..mr-1, columns 0..nr-1 of the partial tile left in p->out. */
static inline void q8rt_aarch32_4x8n_store_partial(const struct q8rt_aarch32_4x8n_params* p, size_t mr, size_t nr,
                                                   uint8_t* c, size_t c_stride) {
  q8rt_neon_store_2x8(c, c_stride, vld1q_u8(p->out), mr, nr);
  if (mr > 2) q8rt_neon_store_2x8(c + 2 * c_stride, c_stride, vld1q_u8(p->out + 16), mr - 2, nr);
}

/* Assembly text. The 4 vmlal.s16 pairs of one k: its weights in wlo / whi, rows in d0..d3 lane `lane`. */
#define Q8RT_4X8N_K(wlo, whi, lane)                                                                                \
  "vmlal.s16 q8, " wlo ", d0[" lane "]\n\t"                                                                        \
  "vmlal.s16 q9, " whi ", d0[" lane "]\n\t"                                                                        \
  "vmlal.s16 q10, " wlo ", d1[" lane "]\n\t"                                                                       \
  "vmlal.s16 q11, " whi ", d1[" lane "]\n\t"                                                                       \
  "vmlal.s16 q12, " wlo ", d2[" lane "]\n\t"                                                                       \
  "vmlal.s16 q13, " whi ", d2[" lane "]\n\t"                                                                       \
  "vmlal.s16 q14, " wlo ", d3[" lane "]\n\t"                                                                       \
  "vmlal.s16 q15, " whi ", d3[" lane "]\n\t"

/* k 0..3 of the group in d0-d3 with the raw weights in d8..d11: each widened against the kernel zero point (d4)
 * into q6 / q7 and multiplied by its lane. */
#define Q8RT_4X8N_K0 "vsubl.u8 q6, d8, d4\n\t" Q8RT_4X8N_K("d12", "d13", "0")
#define Q8RT_4X8N_K1 "vsubl.u8 q7, d9, d4\n\t" Q8RT_4X8N_K("d14", "d15", "1")
#define Q8RT_4X8N_K2 "vsubl.u8 q6, d10, d4\n\t" Q8RT_4X8N_K("d12", "d13", "2")
#define Q8RT_4X8N_K3 "vsubl.u8 q7, d11, d4\n\t" Q8RT_4X8N_K("d14", "d15", "3")

/* `op qN, qN<operand>` for the 8 accumulators. */
#define Q8RT_4X8N_ALL(op, operand)                                                                                 \
  op " q8, q8" operand "\n\t" op " q9, q9" operand "\n\t" op " q10, q10" operand "\n\t"                             \
  op " q11, q11" operand "\n\t" op " q12, q12" operand "\n\t" op " q13, q13" operand "\n\t"                        \
  op " q14, q14" operand "\n\t" op " q15, q15" operand "\n\t"

/* Panel start: accumulators = bias (w advanced to the weights). Operand w. */
#define Q8RT_4X8N_BEGIN                                                                                            \
  "vld1.32 {d16-d19}, [%[w]]\n\t"                                                                                  \
  "vld1.32 {d20-d23}, [%[w]]\n\t"                                                                                  \
  "vld1.32 {d24-d27}, [%[w]]\n\t"                                                                                  \
  "vld1.32 {d28-d31}, [%[w]]!\n\t"

/* d4 = kernel zero point (uint8 weights). Operand pp. */
#define Q8RT_4X8N_KZP "vld1.8 {d4}, [%[pp]]\n\t"

/* k 0..3 of the group in d0-d3 with 4 k of int16 weights (Q8RT_LAYOUT_GEMM_8X8_W16) loaded from w into d8-d15. */
#define Q8RT_4X8N_W16_K4                                                                                           \
  "vld1.16 {d8-d11}, [%[w]]!\n\t"                                                                                  \
  "vld1.16 {d12-d15}, [%[w]]!\n\t"                                                                                 \
  Q8RT_4X8N_K("d8", "d9", "0") Q8RT_4X8N_K("d10", "d11", "1") Q8RT_4X8N_K("d12", "d13", "2")                       \
  Q8RT_4X8N_K("d14", "d15", "3")

/* The 8 accumulators narrowed (saturating) to int16: rows 0, 1 in q0, q1 and rows 2, 3 in q5, q6. */
#define Q8RT_4X8N_NARROW                                                                                           \
  "vqmovn.s32 d0, q8\n\t"                                                                                          \
  "vqmovn.s32 d1, q9\n\t"                                                                                          \
  "vqmovn.s32 d2, q10\n\t"                                                                                         \
  "vqmovn.s32 d3, q11\n\t"                                                                                         \
  "vqmovn.s32 d10, q12\n\t"                                                                                        \
  "vqmovn.s32 d11, q13\n\t"                                                                                        \
  "vqmovn.s32 d12, q14\n\t"                                                                                        \
  "vqmovn.s32 d13, q15\n\t"

/* Panel end: requantization (operands pp, mode, scratch t) and the store of a whole tile at c (rows cs apart,
 * c advanced by 8, nc reduced by 8, back to label 0 while columns remain), or of a partial tile into pp->out
 * (then out of the loop with c and nc unchanged). A whole tile: not Q8RT_4X8N_PARTIAL and nc >= 8. The
 * two-rounding sequence with shift >= 1 (QNNPACK's and TFLite's usual case) runs inline; the other two variants
 * are out of line after the loop (label 3), and come back to label 4; the PLAIN output stage (label 8: no sign
 * fix, zero point or clamp; t advanced past the constants it does not load) comes back to the stores (label 9). */
#define Q8RT_4X8N_END                                                                                              \
  "add %[t], %[pp], #16\n\t"                                                                                       \
  "vld1.32 {d0-d3}, [%[t]]!\n\t"                                                                                   \
  "tst %[mode], #2\n\t"                                                                                            \
  "beq 3f\n\t"                                                                                                     \
  Q8RT_4X8N_ALL("vqrdmulh.s32", ", q0")                                                                            \
  "tst %[mode], #8\n\t"                                                                                            \
  "bne 8f\n\t"                                                                                                     \
  Q8RT_4X8N_ALL("vsra.s32", ", #31")                                                                               \
  Q8RT_4X8N_ALL("vrshl.s32", ", q1")                                                                               \
  "4:\n\t"                                                                                                         \
  "vld1.16 {d4-d7}, [%[t]]!\n\t"                                                                                   \
  "vld1.8 {d8-d9}, [%[t]]!\n\t"                                                                                    \
  Q8RT_4X8N_NARROW                                                                                                 \
  "vqadd.s16 q0, q0, q2\n\t"                                                                                       \
  "vqadd.s16 q1, q1, q2\n\t"                                                                                       \
  "vqadd.s16 q5, q5, q2\n\t"                                                                                       \
  "vqadd.s16 q6, q6, q2\n\t"                                                                                       \
  "vqmovun.s16 d14, q0\n\t"                                                                                        \
  "vqmovun.s16 d15, q1\n\t"                                                                                        \
  "vqmovun.s16 d16, q5\n\t"                                                                                        \
  "vqmovun.s16 d17, q6\n\t"                                                                                        \
  "vmax.u8 q7, q7, q3\n\t"                                                                                         \
  "vmax.u8 q8, q8, q3\n\t"                                                                                         \
  "vmin.u8 q7, q7, q4\n\t"                                                                                         \
  "vmin.u8 q8, q8, q4\n\t"                                                                                         \
  "9:\n\t"                                                                                                         \
  "tst %[mode], #4\n\t"                                                                                            \
  "bne 6f\n\t"                                                                                                     \
  "cmp %[nc], #8\n\t"                                                                                              \
  "blo 6f\n\t"                                                                                                     \
  "mov %[t], %[c]\n\t"                                                                                             \
  "vst1.8 {d14}, [%[t]], %[cs]\n\t"                                                                                \
  "vst1.8 {d15}, [%[t]], %[cs]\n\t"                                                                                \
  "vst1.8 {d16}, [%[t]], %[cs]\n\t"                                                                                \
  "vst1.8 {d17}, [%[t]]\n\t"                                                                                       \
  "add %[c], %[c], #8\n\t"                                                                                         \
  "subs %[nc], %[nc], #8\n\t"                                                                                      \
  "bne 0b\n\t"                                                                                                     \
  "b 7f\n\t"                                                                                                       \
  "3:\n\t"                                                                                                         \
  "tst %[mode], #1\n\t"                                                                                            \
  "bne 5f\n\t"                                                                                                     \
  Q8RT_4X8N_ALL("vqrdmulh.s32", ", q0")                                                                            \
  "b 4b\n\t"                                                                                                       \
  "5:\n\t"                                                                                                         \
  Q8RT_4X8N_ALL("vqdmulh.s32", ", q0")                                                                             \
  Q8RT_4X8N_ALL("vrshl.s32", ", q1")                                                                               \
  "b 4b\n\t"                                                                                                       \
  "8:\n\t"                                                                                                         \
  Q8RT_4X8N_ALL("vrshl.s32", ", q1")                                                                               \
  "add %[t], %[t], #48\n\t"                                                                                        \
  Q8RT_4X8N_NARROW                                                                                                 \
  "vqmovun.s16 d14, q0\n\t"                                                                                        \
  "vqmovun.s16 d15, q1\n\t"                                                                                        \
  "vqmovun.s16 d16, q5\n\t"                                                                                        \
  "vqmovun.s16 d17, q6\n\t"                                                                                        \
  "b 9b\n\t"                                                                                                       \
  "6:\n\t"                                                                                                         \
  "vst1.8 {d14-d17}, [%[t]]\n\t"                                                                                   \
  "7:\n\t"

#define Q8RT_4X8N_CLOBBERS                                                                                         \
  "cc", "memory", "d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9", "d10", "d11", "d12", "d13", "d14",    \
  "d15", "d16", "d17", "d18", "d19", "d20", "d21", "d22", "d23", "d24", "d25", "d26", "d27", "d28", "d29", "d30",  \
  "d31"
