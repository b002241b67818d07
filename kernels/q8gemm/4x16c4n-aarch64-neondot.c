/*
 * q8gemm 4x16c4n micro-kernel, aarch64 ARMv8.2 dot product (`udot`, built with -march=armv8.2-a+dotprod; called
 * only when cpuinfo reports the dot product extension), on Q8RT_LAYOUT_GEMM_DOT panels (kernels/layout.h): any
 * number of rows per call (struct q8rt_gemm_config.gemmn_rows: a task's rows in one call) x any nc columns, in
 * blocks of 4 rows (the last one of 1..4), one 16-column panel per step. The tile, the k loop and the zero point
 * handling are in 4x16c4-neondot.h. The requantization mode and output stage are chosen once per call, the kernel
 * zero point row sums computed once per block, before its panels. Twin: 4x16c4n-scalar.c.
 */
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__aarch64__) || !defined(__ARM_FEATURE_DOTPROD)
#error "this file is for aarch64 with the dot product extension (-march=armv8.2-a+dotprod)"
#endif

#include "../layout.h"
#include "../params.h"
#include "4x16c4-neondot.h"
#include "q8gemm.h"

/* mr <= 4 rows (a0..a3, rows mr..3 aliasing the last real row) x nc columns, for one requantization mode and output
 * stage: the kernel zero point row sums, then one panel per step. */
static inline __attribute__((always_inline)) void gemm_4x16c4n_block(size_t mr, size_t nc, size_t k,
    const uint8_t* a0, const uint8_t* a1, const uint8_t* a2, const uint8_t* a3, const uint8_t* w, uint8_t* c,
    size_t c_stride, const uint8_t* kzp_bytes, const struct q8rt_neon_q31* vq, const enum q8rt_dot_requant mode,
    const enum q8rt_dot_output out) {
  /* The kernel zero point vectors are reloaded per block: the empty asm on the pointer keeps the compiler from
   * hoisting the loads out of the block loop, where the two vectors would stay live across the k loops. */
  __asm__("" : "+r"(kzp_bytes));
  uint32x4_t vs[4] = {vdupq_n_u32(0), vdupq_n_u32(0), vdupq_n_u32(0), vdupq_n_u32(0)};
  q8rt_dot4x16_sum_k(vs, a0, a1, a2, a3, k, vld1q_u8(kzp_bytes), vld1q_u8(kzp_bytes + 16));
  const uint32x4_t vsums = q8rt_dot4x16_reduce(vs);
  /* the rows 16 bytes on, for the 32-k loops (q8rt_dot4x16_k) */
  const uint8_t* ah[4] = {a0 + 16, a1 + 16, a2 + 16, a3 + 16};
  __asm__("" : "+r"(ah[0]), "+r"(ah[1]), "+r"(ah[2]), "+r"(ah[3]));
  for (;;) {
    struct q8rt_dot4x16_acc acc;
    if (nc <= Q8RT_GEMMDOT_NR / 2) { /* a last panel of at most 8 columns: half the work */
      q8rt_dot4x8_init(&acc, w, vsums);
      w += Q8RT_GEMMDOT_NR * sizeof(int32_t);
      q8rt_dot4x16_k(&acc, a0, a1, a2, a3, k, &w, true, ah);
      q8rt_dot4x8_store_tile(&acc, mr, nc, c, c_stride, vq, mode, out);
      return;
    }
    q8rt_dot4x16_init(&acc, w, vsums);
    w += Q8RT_GEMMDOT_NR * sizeof(int32_t);
    q8rt_dot4x16_k(&acc, a0, a1, a2, a3, k, &w, false, ah);
    if (nc <= Q8RT_GEMMDOT_NR) {
      q8rt_dot4x16_store_tile(&acc, mr, nc, c, c_stride, vq, mode, out);
      return;
    }
    q8rt_dot4x16_store_tile(&acc, mr, Q8RT_GEMMDOT_NR, c, c_stride, vq, mode, out);
    nc -= Q8RT_GEMMDOT_NR;
    c += Q8RT_GEMMDOT_NR;
  }
}

/* The kernel for one requantization mode and output stage (compile-time constants once inlined; 9 instances): the
 * requantization constants and the kernel zero point vectors are set up once per call, then each block of 4 rows
 * (the last one of 1..4) runs over all panels. */
static inline __attribute__((always_inline)) void gemm_4x16c4n(size_t rows, size_t nc, size_t k, const uint8_t* a,
    size_t a_stride, const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params,
    const enum q8rt_dot_requant mode, const enum q8rt_dot_output out) {
  /* the kernel zero point bytes, and the same masked to the last chunk's k % 16 bytes (16 when k % 16 == 0) */
  uint8_t kzp_bytes[32];
  const uint8x16_t vkzp = vdupq_n_u8(params->kernel_zero_point);
  vst1q_u8(kzp_bytes, vkzp);
  vst1q_u8(kzp_bytes + 16, q8rt_dot_kzp_tail(vkzp, k % 16));
  const struct q8rt_neon_q31 vq = q8rt_neon_q31_init(params);
  for (; rows > Q8RT_GEMMDOT_MR; rows -= Q8RT_GEMMDOT_MR) {
    gemm_4x16c4n_block(Q8RT_GEMMDOT_MR, nc, k, a, a + a_stride, a + 2 * a_stride, a + 3 * a_stride,
                       (const uint8_t*) packed_w, c, c_stride, kzp_bytes, &vq, mode, out);
    a += Q8RT_GEMMDOT_MR * a_stride;
    c += Q8RT_GEMMDOT_MR * c_stride;
  }
  /* the last 1..4 rows; rows past them are never read: they alias the last real row */
  const uint8_t* a1 = rows > 1 ? a + a_stride : a;
  const uint8_t* a2 = rows > 2 ? a1 + a_stride : a1;
  const uint8_t* a3 = rows > 3 ? a2 + a_stride : a2;
  gemm_4x16c4n_block(rows, nc, k, a, a1, a2, a3, (const uint8_t*) packed_w, c, c_stride, kzp_bytes, &vq, mode, out);
}

void q8rt_q8gemm_ukernel_4x16c4n__aarch64_neondot(size_t rows, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  switch (3 * q8rt_dot_requant_of(params) + q8rt_dot_output_of(params)) {
    case 3 * Q8RT_DOT_Q31_SHIFT + Q8RT_DOT_OUT_PLAIN:
      gemm_4x16c4n(rows, nc, k, a, a_stride, packed_w, c, c_stride, params, Q8RT_DOT_Q31_SHIFT, Q8RT_DOT_OUT_PLAIN);
      break;
    case 3 * Q8RT_DOT_Q31_SHIFT + Q8RT_DOT_OUT_ZP:
      gemm_4x16c4n(rows, nc, k, a, a_stride, packed_w, c, c_stride, params, Q8RT_DOT_Q31_SHIFT, Q8RT_DOT_OUT_ZP);
      break;
    case 3 * Q8RT_DOT_Q31_SHIFT + Q8RT_DOT_OUT_CLAMP:
      gemm_4x16c4n(rows, nc, k, a, a_stride, packed_w, c, c_stride, params, Q8RT_DOT_Q31_SHIFT, Q8RT_DOT_OUT_CLAMP);
      break;
    case 3 * Q8RT_DOT_Q31_NOSHIFT + Q8RT_DOT_OUT_PLAIN:
      gemm_4x16c4n(rows, nc, k, a, a_stride, packed_w, c, c_stride, params, Q8RT_DOT_Q31_NOSHIFT, Q8RT_DOT_OUT_PLAIN);
      break;
    case 3 * Q8RT_DOT_Q31_NOSHIFT + Q8RT_DOT_OUT_ZP:
      gemm_4x16c4n(rows, nc, k, a, a_stride, packed_w, c, c_stride, params, Q8RT_DOT_Q31_NOSHIFT, Q8RT_DOT_OUT_ZP);
      break;
    case 3 * Q8RT_DOT_Q31_NOSHIFT + Q8RT_DOT_OUT_CLAMP:
      gemm_4x16c4n(rows, nc, k, a, a_stride, packed_w, c, c_stride, params, Q8RT_DOT_Q31_NOSHIFT, Q8RT_DOT_OUT_CLAMP);
      break;
    case 3 * Q8RT_DOT_SINGLE + Q8RT_DOT_OUT_PLAIN:
      gemm_4x16c4n(rows, nc, k, a, a_stride, packed_w, c, c_stride, params, Q8RT_DOT_SINGLE, Q8RT_DOT_OUT_PLAIN);
      break;
    case 3 * Q8RT_DOT_SINGLE + Q8RT_DOT_OUT_ZP:
      gemm_4x16c4n(rows, nc, k, a, a_stride, packed_w, c, c_stride, params, Q8RT_DOT_SINGLE, Q8RT_DOT_OUT_ZP);
      break;
    default:
      gemm_4x16c4n(rows, nc, k, a, a_stride, packed_w, c, c_stride, params, Q8RT_DOT_SINGLE, Q8RT_DOT_OUT_CLAMP);
      break;
  }
}
