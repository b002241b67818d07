/*
 * q8gemm 4x8n multi-panel micro-kernel, armv7 NEON, on the Q8RT_LAYOUT_GEMM_8X8 panels (kernels/layout.h): mr <= 4
 * rows x any nc >= 1 columns over consecutive panels (the multi-panel contract of q8gemm.h). Scalar twin:
 * q8gemm 1x8n-scalar.c (any mr x nc on the same panels, the same int32 sums and requantization).
 *
 * The mr rows of A are widened to int16 once per call into a stack buffer, per block of 8 k in the order
 * row 0..3 k 0-3, row 0..3 k 4-7 (64 bytes), so that one vld1 of 4 d registers gives the 4 rows' next 4 k.
 * Per panel (inline assembly, fixed registers): 8 int32x4 accumulators q8-q15 (row m: q(8 + 2m) columns 0-3,
 * q(9 + 2m) columns 4-7) start at the folded bias; per 4 k one A load, one 32-byte weight load, per k a vsubl
 * against the kernel zero point and 8 vmlal.s16 by scalar: 256 MACs in 78 instructions per 8 k. Then the Q31
 * requantization of kernels/requantize-neon.h in the variant of the parameters (chosen once per call: shift 0
 * is vqrdmulh alone, shift >= 1 vqrdmulh / vsra / vrshl, single rounding vqdmulh / vrshl), narrowing, the zero
 * point, clamping, and for whole 4x8 tiles four 8-byte row stores (partial tiles through a 32-byte buffer).
 * k above Q8RT_Q8GEMM_4X8N_MAX_K (the stack buffer) runs the 4x8 kernel per panel.
 */
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__ARM_NEON) || defined(__aarch64__)
#error "this file is for armv7 with -mfpu=neon"
#endif

#include "../layout.h"
#include "../params.h"
#include "../requantize-neon.h"
#include "q8gemm.h"

#define Q8RT_Q8GEMM_4X8N_MAX_K 2048

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

/* Rows a0..a3 (8 k per block, `blocks` blocks) widened to int16 in the interleaved order above. */
static void q8rt_aarch32_4x8n_widen(int16_t* buf, const uint8_t* a0, const uint8_t* a1, const uint8_t* a2,
                                    const uint8_t* a3, size_t blocks) {
  for (; blocks != 0; blocks--) {
    const uint32x2x2_t v01 = vtrn_u32(vreinterpret_u32_u8(vld1_u8(a0)), vreinterpret_u32_u8(vld1_u8(a1)));
    const uint32x2x2_t v23 = vtrn_u32(vreinterpret_u32_u8(vld1_u8(a2)), vreinterpret_u32_u8(vld1_u8(a3)));
    a0 += 8;
    a1 += 8;
    a2 += 8;
    a3 += 8;
    vst1q_s16(buf, vreinterpretq_s16_u16(vmovl_u8(vreinterpret_u8_u32(v01.val[0]))));
    vst1q_s16(buf + 8, vreinterpretq_s16_u16(vmovl_u8(vreinterpret_u8_u32(v23.val[0]))));
    vst1q_s16(buf + 16, vreinterpretq_s16_u16(vmovl_u8(vreinterpret_u8_u32(v01.val[1]))));
    vst1q_s16(buf + 24, vreinterpretq_s16_u16(vmovl_u8(vreinterpret_u8_u32(v23.val[1]))));
    buf += 32;
  }
}

/* The 4 vmlal.s16 pairs of one k: weights (int16) in q6 or q7 (wq: "6" / "7"), rows in d0..d3 lane `lane`. */
#define Q8RT_4X8N_K(wlo, whi, lane)                                                                                \
  "vmlal.s16 q8, " wlo ", d0[" lane "]\n\t"                                                                        \
  "vmlal.s16 q9, " whi ", d0[" lane "]\n\t"                                                                        \
  "vmlal.s16 q10, " wlo ", d1[" lane "]\n\t"                                                                       \
  "vmlal.s16 q11, " whi ", d1[" lane "]\n\t"                                                                       \
  "vmlal.s16 q12, " wlo ", d2[" lane "]\n\t"                                                                       \
  "vmlal.s16 q13, " whi ", d2[" lane "]\n\t"                                                                       \
  "vmlal.s16 q14, " wlo ", d3[" lane "]\n\t"                                                                       \
  "vmlal.s16 q15, " whi ", d3[" lane "]\n\t"

/* 4 k: the 4 rows' next 4 k (d0..d3) and 4 weight vectors (d8..d11), each widened against the kernel zero
 * point (d4) into q6 / q7 and multiplied by its lane. */
#define Q8RT_4X8N_K4                                                                                               \
  "vld1.16 {d0-d3}, [%[pa]]!\n\t"                                                                                  \
  "vld1.8 {d8-d11}, [%[w]]!\n\t"                                                                                   \
  "vsubl.u8 q6, d8, d4\n\t" Q8RT_4X8N_K("d12", "d13", "0")                                                         \
  "vsubl.u8 q7, d9, d4\n\t" Q8RT_4X8N_K("d14", "d15", "1")                                                         \
  "vsubl.u8 q6, d10, d4\n\t" Q8RT_4X8N_K("d12", "d13", "2")                                                        \
  "vsubl.u8 q7, d11, d4\n\t" Q8RT_4X8N_K("d14", "d15", "3")

/* `op qN, qN<operand>` for the 8 accumulators. */
#define Q8RT_4X8N_ALL(op, operand)                                                                                 \
  op " q8, q8" operand "\n\t" op " q9, q9" operand "\n\t" op " q10, q10" operand "\n\t"                             \
  op " q11, q11" operand "\n\t" op " q12, q12" operand "\n\t" op " q13, q13" operand "\n\t"                        \
  op " q14, q14" operand "\n\t" op " q15, q15" operand "\n\t"

void q8rt_q8gemm_ukernel_4x8n__aarch32_neon(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const size_t blocks = (k + Q8RT_GEMM8_KR - 1) / Q8RT_GEMM8_KR;
  if (k > Q8RT_Q8GEMM_4X8N_MAX_K) {
    const size_t panel_bytes = Q8RT_GEMM8_NR * sizeof(int32_t) + blocks * Q8RT_GEMM8_KR * Q8RT_GEMM8_NR;
    for (size_t n0 = 0; n0 < nc; n0 += Q8RT_GEMM8_NR) {
      q8rt_q8gemm_ukernel_4x8__aarch32_neon(mr, nc - n0 < Q8RT_GEMM8_NR ? nc - n0 : Q8RT_GEMM8_NR, k, a, a_stride,
                                            (const uint8_t*) packed_w + (n0 / Q8RT_GEMM8_NR) * panel_bytes, c + n0,
                                            c_stride, params);
    }
    return;
  }
  int16_t abuf[Q8RT_Q8GEMM_4X8N_MAX_K / Q8RT_GEMM8_KR * 32] __attribute__((aligned(16)));
  {
    /* rows mr..3 are never stored: they alias the last real row */
    const uint8_t* a0 = a;
    const uint8_t* a1 = mr > 1 ? a0 + a_stride : a0;
    const uint8_t* a2 = mr > 2 ? a1 + a_stride : a1;
    const uint8_t* a3 = mr > 3 ? a2 + a_stride : a2;
    q8rt_aarch32_4x8n_widen(abuf, a0, a1, a2, a3, blocks);
  }
  struct q8rt_aarch32_4x8n_params p __attribute__((aligned(16)));
  vst1q_u8(p.kernel_zero_point, vdupq_n_u8(params->kernel_zero_point));
  vst1q_s32(p.multiplier, vdupq_n_s32(params->multiplier));
  vst1q_s32(p.right_shift, vdupq_n_s32(-(int32_t) params->shift));
  vst1q_s16(p.zero_point, vdupq_n_s16((int16_t) params->output_zero_point));
  vst1q_u8(p.min, vdupq_n_u8(params->output_min));
  vst1q_u8(p.max, vdupq_n_u8(params->output_max));
  /* the sequence of q8rt_neon_q31_scale: 2 single rounding, 1 two roundings with shift >= 1 (the sign fix and
   * the rounding shift), 0 two roundings with shift 0 (vqrdmulh alone: the sign fix is masked off and the
   * shift is by 0) */
  const size_t mode = params->single_rounding ? 2 : params->shift != 0 ? 1 : 0;
  const size_t full_rows = mr == 4;
  const uint8_t* w = (const uint8_t*) packed_w;
  const struct q8rt_aarch32_4x8n_params* pp = &p;
  for (;;) {
    const size_t nr = nc < Q8RT_GEMM8_NR ? nc : Q8RT_GEMM8_NR;
    const size_t full = full_rows && nr == Q8RT_GEMM8_NR;
    const int16_t* pa;
    size_t count;
    const uint8_t* t;
    __asm__ volatile(
        /* accumulators = bias (w advanced to the panel's weights) */
        "vld1.32 {d16-d19}, [%[w]]\n\t"
        "vld1.32 {d20-d23}, [%[w]]\n\t"
        "vld1.32 {d24-d27}, [%[w]]\n\t"
        "vld1.32 {d28-d31}, [%[w]]!\n\t"
        "vld1.8 {d4}, [%[pp]]\n\t"
        "mov %[pa], %[abuf]\n\t"
        "mov %[count], %[blocks]\n\t"
        "1:\n\t"
        Q8RT_4X8N_K4
        Q8RT_4X8N_K4
        "subs %[count], %[count], #1\n\t"
        "bne 1b\n\t"
        /* requantization: q0 multiplier, q1 -shift */
        "add %[t], %[pp], #16\n\t"
        "vld1.32 {d0-d3}, [%[t]]!\n\t"
        "cmp %[mode], #1\n\t"
        "bhi 3f\n\t"
        Q8RT_4X8N_ALL("vqrdmulh.s32", ", q0")
        "bne 4f\n\t"
        Q8RT_4X8N_ALL("vsra.s32", ", #31")
        "b 5f\n\t"
        "3:\n\t"
        Q8RT_4X8N_ALL("vqdmulh.s32", ", q0")
        "5:\n\t"
        Q8RT_4X8N_ALL("vrshl.s32", ", q1")
        "4:\n\t"
        /* narrow, + zero point (q2), to uint8, clamp (q3 min, q4 max): rows 0-1 in q7, rows 2-3 in q8 */
        "vld1.16 {d4-d7}, [%[t]]!\n\t"
        "vld1.8 {d8-d9}, [%[t]]!\n\t"
        "vqmovn.s32 d0, q8\n\t"
        "vqmovn.s32 d1, q9\n\t"
        "vqmovn.s32 d2, q10\n\t"
        "vqmovn.s32 d3, q11\n\t"
        "vqmovn.s32 d10, q12\n\t"
        "vqmovn.s32 d11, q13\n\t"
        "vqmovn.s32 d12, q14\n\t"
        "vqmovn.s32 d13, q15\n\t"
        "vqadd.s16 q0, q0, q2\n\t"
        "vqadd.s16 q1, q1, q2\n\t"
        "vqadd.s16 q5, q5, q2\n\t"
        "vqadd.s16 q6, q6, q2\n\t"
        "vqmovun.s16 d14, q0\n\t"
        "vqmovun.s16 d15, q1\n\t"
        "vqmovun.s16 d16, q5\n\t"
        "vqmovun.s16 d17, q6\n\t"
        "vmax.u8 q7, q7, q3\n\t"
        "vmax.u8 q8, q8, q3\n\t"
        "vmin.u8 q7, q7, q4\n\t"
        "vmin.u8 q8, q8, q4\n\t"
        "cmp %[full], #0\n\t"
        "beq 6f\n\t"
        "mov %[t], %[c]\n\t"
        "vst1.8 {d14}, [%[t]], %[cs]\n\t"
        "vst1.8 {d15}, [%[t]], %[cs]\n\t"
        "vst1.8 {d16}, [%[t]], %[cs]\n\t"
        "vst1.8 {d17}, [%[t]]\n\t"
        "b 7f\n\t"
        "6:\n\t"
        "vst1.8 {d14-d17}, [%[t]]\n\t"
        "7:\n\t"
        : [w] "+r"(w), [pa] "=&r"(pa), [count] "=&r"(count), [t] "=&r"(t)
        : [abuf] "r"(abuf), [blocks] "r"(blocks), [pp] "r"(pp), [mode] "r"(mode), [full] "r"(full), [c] "r"(c),
          [cs] "r"(c_stride)
        : "cc", "memory", "d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9", "d10", "d11", "d12", "d13",
          "d14", "d15", "d16", "d17", "d18", "d19", "d20", "d21", "d22", "d23", "d24", "d25", "d26", "d27", "d28",
          "d29", "d30", "d31");
    if (!full) {
      const uint8x16_t vout01 = vld1q_u8(p.out);
      const uint8x16_t vout23 = vld1q_u8(p.out + 16);
      q8rt_neon_store_2x8(c, c_stride, vout01, mr, nr);
      if (mr > 2) q8rt_neon_store_2x8(c + 2 * c_stride, c_stride, vout23, mr - 2, nr);
    }
    if (nc <= Q8RT_GEMM8_NR) break;
    nc -= Q8RT_GEMM8_NR;
    c += Q8RT_GEMM8_NR;
  }
}
