/*
 * q8gemm 4x16c8n micro-kernel, aarch64 ARMv8.6 i8mm (`ummla`, built with -march=armv8.2-a+dotprod+i8mm; called only
 * when the CPU reports i8mm and the dot product) on Q8RT_LAYOUT_GEMM_I8MM panels (kernels/layout.h): any number of
 * rows per call (struct q8rt_gemm_config.gemmn_rows: a task's rows in one call) x any nc columns, in blocks of 4 rows
 * (the last one of 1..4), one 16-column panel per step. The tile, the k loop and the zero point handling are in
 * 4x16c8-neoni8mm.h. The requantization mode and output stage are chosen once per call; the kernel zero point row
 * sums of a block are taken by `ummla` in the k loop of its first panel.
 * Twin: 4x16c8n-scalar.c.
 */
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__aarch64__) || !defined(__ARM_FEATURE_DOTPROD) || !defined(__ARM_FEATURE_MATMUL_INT8)
#error "this file is for aarch64 with the dot product and i8mm extensions (-march=armv8.2-a+dotprod+i8mm)"
#endif

#include "../layout.h"
#include "../params.h"
#include "4x16c8-neoni8mm.h"
#include "q8gemm.h"

/* The requantization constants for one tile's store, loaded from *vq (the call's copy) at the store: the empty asm on
 * the pointer keeps the compiler from hoisting the loads out of the panel loop, where the constants would stay live
 * across the k loops (whose registers they crowd: 16 accumulators, row, weight and row sum vectors). */
static inline __attribute__((always_inline)) struct q8rt_neon_q31 tile_q31(const struct q8rt_neon_q31* vq) {
  __asm__("" : "+r"(vq));
  return *vq;
}

/* mr <= 4 rows (a0..a3, rows mr..3 aliasing the last real row) x nc columns, for one requantization mode and output
 * stage. The first panel's k loop also takes the kernel zero point row sums (q8rt_i8mm_sums: 2 `ummla` per 8 k),
 * subtracted from its accumulators after the loop and from the later panels' when they are initialized. */
static inline __attribute__((always_inline)) void gemm_4x16c8n_block(size_t mr, size_t nc, size_t k,
    const uint8_t* a0, const uint8_t* a1, const uint8_t* a2, const uint8_t* a3, const uint8_t* w, uint8_t* c,
    size_t c_stride, const uint8_t* kzp_bytes, const struct q8rt_neon_q31* vq, const enum q8rt_dot_requant mode,
    const enum q8rt_dot_output out) {
  /* The kernel zero point vector is reloaded per block: the empty asm on the pointer keeps the compiler from hoisting
   * the load out of the block loop, where the vector would stay live across the later panels' k loops. */
  __asm__("" : "+r"(kzp_bytes));
  struct q8rt_i8mm_sums sums = {
    .v = {vdupq_n_u32(0), vdupq_n_u32(0)}, .vkzp = vld1q_u8(kzp_bytes), .kzp_tail = kzp_bytes + 16,
  };
  /* the rows 16 bytes on, for the 32-k loops (q8rt_i8mm4x16_k) */
  const uint8_t* ah[4] = {a0 + 16, a1 + 16, a2 + 16, a3 + 16};
  __asm__("" : "+r"(ah[0]), "+r"(ah[1]), "+r"(ah[2]), "+r"(ah[3]));
  struct q8rt_i8mm4x16_acc acc;
  if (nc <= Q8RT_GEMMI8MM_NR / 2) { /* a single panel of at most 8 columns: half the work */
    q8rt_i8mm4x8_init_bias(&acc, w);
    w += Q8RT_GEMMI8MM_BIAS_BYTES;
    q8rt_i8mm4x8_k(&acc, a0, a1, a2, a3, k, &w, &sums);
    q8rt_i8mm4x8_sub_sums(&acc, sums.v[0], sums.v[1]);
    const struct q8rt_neon_q31 vqt = tile_q31(vq);
    q8rt_i8mm4x8_store_tile(&acc, mr, nc, c, c_stride, &vqt, mode, out);
    return;
  }
  q8rt_i8mm4x16_init_bias(&acc, w);
  w += Q8RT_GEMMI8MM_BIAS_BYTES;
  q8rt_i8mm4x16_k(&acc, a0, a1, a2, a3, k, &w, &sums, ah);
  const uint32x4_t vsum01 = sums.v[0];
  const uint32x4_t vsum23 = sums.v[1];
  q8rt_i8mm4x16_sub_sums(&acc, vsum01, vsum23);
  for (;;) {
    const struct q8rt_neon_q31 vqt = tile_q31(vq);
    if (nc <= Q8RT_GEMMI8MM_NR) {
      q8rt_i8mm4x16_store_tile(&acc, mr, nc, c, c_stride, &vqt, mode, out);
      return;
    }
    q8rt_i8mm4x16_store_tile(&acc, mr, Q8RT_GEMMI8MM_NR, c, c_stride, &vqt, mode, out);
    nc -= Q8RT_GEMMI8MM_NR;
    c += Q8RT_GEMMI8MM_NR;
    if (nc <= Q8RT_GEMMI8MM_NR / 2) { /* a last panel of at most 8 columns: half the work */
      q8rt_i8mm4x8_init(&acc, w, vsum01, vsum23);
      w += Q8RT_GEMMI8MM_BIAS_BYTES;
      q8rt_i8mm4x8_k(&acc, a0, a1, a2, a3, k, &w, NULL);
      const struct q8rt_neon_q31 vqh = tile_q31(vq);
      q8rt_i8mm4x8_store_tile(&acc, mr, nc, c, c_stride, &vqh, mode, out);
      return;
    }
    q8rt_i8mm4x16_init(&acc, w, vsum01, vsum23);
    w += Q8RT_GEMMI8MM_BIAS_BYTES;
    q8rt_i8mm4x16_k(&acc, a0, a1, a2, a3, k, &w, NULL, ah);
  }
}

/* The kernel for one requantization mode and output stage (compile-time constants once inlined; 9 instances, as the
 * dot-product kernel): the requantization constants and the kernel zero point vectors are set up once per call,
 * then each block of 4 rows (the last one of mr = 1..4) runs over all panels. */
static inline __attribute__((always_inline)) void gemm_4x16c8n(size_t rows, size_t nc, size_t k, const uint8_t* a,
    size_t a_stride, const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params,
    const enum q8rt_dot_requant mode, const enum q8rt_dot_output out) {
  /* the kernel zero point bytes, and the same masked to the last chunk's k % 16 bytes (16 when k % 16 == 0) */
  uint8_t kzp_bytes[32];
  const uint8x16_t vkzp = vdupq_n_u8(params->kernel_zero_point);
  vst1q_u8(kzp_bytes, vkzp);
  vst1q_u8(kzp_bytes + 16, q8rt_dot_kzp_tail(vkzp, k % 16));
  const struct q8rt_neon_q31 vq = q8rt_neon_q31_init(params);
  for (; rows > Q8RT_GEMMI8MM_MR; rows -= Q8RT_GEMMI8MM_MR) {
    gemm_4x16c8n_block(Q8RT_GEMMI8MM_MR, nc, k, a, a + a_stride, a + 2 * a_stride, a + 3 * a_stride,
                       (const uint8_t*) packed_w, c, c_stride, kzp_bytes, &vq, mode, out);
    a += Q8RT_GEMMI8MM_MR * a_stride;
    c += Q8RT_GEMMI8MM_MR * c_stride;
  }
  /* the last 1..4 rows; rows past them are never stored: they alias the last real row */
  const uint8_t* a1 = rows > 1 ? a + a_stride : a;
  const uint8_t* a2 = rows > 2 ? a1 + a_stride : a1;
  const uint8_t* a3 = rows > 3 ? a2 + a_stride : a2;
  gemm_4x16c8n_block(rows, nc, k, a, a1, a2, a3, (const uint8_t*) packed_w, c, c_stride, kzp_bytes, &vq, mode,
                     out);
}

void q8rt_q8gemm_ukernel_4x16c8n__aarch64_neoni8mm(size_t rows, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  switch (3 * q8rt_dot_requant_of(params) + q8rt_dot_output_of(params)) {
    case 3 * Q8RT_DOT_Q31_SHIFT + Q8RT_DOT_OUT_PLAIN:
      gemm_4x16c8n(rows, nc, k, a, a_stride, packed_w, c, c_stride, params, Q8RT_DOT_Q31_SHIFT, Q8RT_DOT_OUT_PLAIN);
      break;
    case 3 * Q8RT_DOT_Q31_SHIFT + Q8RT_DOT_OUT_ZP:
      gemm_4x16c8n(rows, nc, k, a, a_stride, packed_w, c, c_stride, params, Q8RT_DOT_Q31_SHIFT, Q8RT_DOT_OUT_ZP);
      break;
    case 3 * Q8RT_DOT_Q31_SHIFT + Q8RT_DOT_OUT_CLAMP:
      gemm_4x16c8n(rows, nc, k, a, a_stride, packed_w, c, c_stride, params, Q8RT_DOT_Q31_SHIFT, Q8RT_DOT_OUT_CLAMP);
      break;
    case 3 * Q8RT_DOT_Q31_NOSHIFT + Q8RT_DOT_OUT_PLAIN:
      gemm_4x16c8n(rows, nc, k, a, a_stride, packed_w, c, c_stride, params, Q8RT_DOT_Q31_NOSHIFT, Q8RT_DOT_OUT_PLAIN);
      break;
    case 3 * Q8RT_DOT_Q31_NOSHIFT + Q8RT_DOT_OUT_ZP:
      gemm_4x16c8n(rows, nc, k, a, a_stride, packed_w, c, c_stride, params, Q8RT_DOT_Q31_NOSHIFT, Q8RT_DOT_OUT_ZP);
      break;
    case 3 * Q8RT_DOT_Q31_NOSHIFT + Q8RT_DOT_OUT_CLAMP:
      gemm_4x16c8n(rows, nc, k, a, a_stride, packed_w, c, c_stride, params, Q8RT_DOT_Q31_NOSHIFT, Q8RT_DOT_OUT_CLAMP);
      break;
    case 3 * Q8RT_DOT_SINGLE + Q8RT_DOT_OUT_PLAIN:
      gemm_4x16c8n(rows, nc, k, a, a_stride, packed_w, c, c_stride, params, Q8RT_DOT_SINGLE, Q8RT_DOT_OUT_PLAIN);
      break;
    case 3 * Q8RT_DOT_SINGLE + Q8RT_DOT_OUT_ZP:
      gemm_4x16c8n(rows, nc, k, a, a_stride, packed_w, c, c_stride, params, Q8RT_DOT_SINGLE, Q8RT_DOT_OUT_ZP);
      break;
    default:
      gemm_4x16c8n(rows, nc, k, a, a_stride, packed_w, c, c_stride, params, Q8RT_DOT_SINGLE, Q8RT_DOT_OUT_CLAMP);
      break;
  }
}
