/*
 * q8gemm 1x16c4n GEMV-style micro-kernel, aarch64 ARMv8.2 dot product (`udot`, built with
 * -march=armv8.2-a+dotprod), on Q8RT_LAYOUT_GEMM_DOT panels (kernels/layout.h): any mr >= 1 rows, one at a time,
 * x any nc columns, one 16-column panel per step; for products with fewer rows than the 4x16c4n tile (a fully
 * connected layer at batch 1), which would otherwise compute 4 rows for 1. Per 16 k: one row load, four 4-register
 * weight loads, 16 `udot` by element (256 MACs); the row's kernel zero point sum (`udot` against the kernel zero
 * point bytes, masked for the last chunk) is computed once per row, before the panels. Twin: 1x16c4n-scalar.c.
 */
#include <stdbool.h>
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

/* One group of 4 k (weights at *w, advanced by 64) from lane `lane` of the row vector. */
static inline __attribute__((always_inline)) void q8rt_dot1x16_group(uint32x4_t* vacc, const uint8_t** w,
                                                                    uint8x16_t va, const int lane) {
  __asm__("" : "+r"(*w)); /* no hoisting of the next groups' loads (as in 4x16c4-neondot.h) */
  const uint8x16x4_t vw = vld1q_u8_x4(*w);
  *w += 64;
  q8rt_dot4x16_row_q(vacc, vw, va, lane);
}

/* k bytes of row a against the weight groups at *w (advanced by round_up(k, 4) * 16 bytes); rows are read up to
 * k + 15 bytes, as in the 4x16 kernel (bytes past k meet zero weights). */
static inline __attribute__((always_inline)) void q8rt_dot1x16_k(uint32x4_t* vacc, const uint8_t* a, size_t k,
                                                                const uint8_t** w) {
  for (; k >= 16; k -= 16) {
    const uint8x16_t va = vld1q_u8(a);
    a += 16;
    q8rt_dot1x16_group(vacc, w, va, 0);
    q8rt_dot1x16_group(vacc, w, va, 1);
    q8rt_dot1x16_group(vacc, w, va, 2);
    q8rt_dot1x16_group(vacc, w, va, 3);
  }
  if (k != 0) {
    const uint8x16_t va = vld1q_u8(a);
    q8rt_dot1x16_group(vacc, w, va, 0);
    if (k > 4) {
      q8rt_dot1x16_group(vacc, w, va, 1);
      if (k > 8) {
        q8rt_dot1x16_group(vacc, w, va, 2);
        if (k > 12) q8rt_dot1x16_group(vacc, w, va, 3);
      }
    }
  }
}

/* kernel_zero_point * (the first k bytes of row a), in 4 partial lanes. */
static inline __attribute__((always_inline)) uint32x4_t q8rt_dot1x16_sum(const uint8_t* a, size_t k, uint8x16_t vkzp,
                                                                        uint8x16_t vkzp_tail) {
  uint32x4_t vs = vdupq_n_u32(0);
  for (; k > 16; k -= 16) {
    vs = vdotq_u32(vs, vld1q_u8(a), vkzp);
    a += 16;
  }
  return vdotq_u32(vs, vld1q_u8(a), vkzp_tail);
}

void q8rt_q8gemm_ukernel_1x16c4n__aarch64_neondot(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const uint8x16_t vkzp = vdupq_n_u8(params->kernel_zero_point);
  const uint8x16_t vkzp_tail = q8rt_dot_kzp_tail(vkzp, k % 16);
  const struct q8rt_neon_q31 vq = q8rt_neon_q31_init(params);
  const enum q8rt_dot_requant mode = q8rt_dot_requant_of(params);
  for (size_t m = 0; m < mr; m++) {
    const uint8_t* am = a + m * a_stride;
    uint8_t* cm = c + m * c_stride;
    const uint32x4_t vsum = vdupq_n_u32(vaddvq_u32(q8rt_dot1x16_sum(am, k, vkzp, vkzp_tail)));
    const uint8_t* w = (const uint8_t*) packed_w;
    for (size_t n = nc;;) {
      uint32x4_t vacc[4] = {
        vsubq_u32(vld1q_u32((const uint32_t*) w), vsum), vsubq_u32(vld1q_u32((const uint32_t*) w + 4), vsum),
        vsubq_u32(vld1q_u32((const uint32_t*) w + 8), vsum), vsubq_u32(vld1q_u32((const uint32_t*) w + 12), vsum),
      };
      w += Q8RT_GEMMDOT_NR * sizeof(int32_t);
      q8rt_dot1x16_k(vacc, am, k, &w);
      const uint8x16_t vout = mode == Q8RT_DOT_Q31_SHIFT ? q8rt_dot4x16_requantize_row(vacc, &vq, Q8RT_DOT_Q31_SHIFT)
                              : mode == Q8RT_DOT_SINGLE  ? q8rt_dot4x16_requantize_row(vacc, &vq, Q8RT_DOT_SINGLE)
                                                         : q8rt_dot4x16_requantize_row(vacc, &vq, Q8RT_DOT_Q31_NOSHIFT);
      if (n <= Q8RT_GEMMDOT_NR) {
        q8rt_dot4x16_store(cm, vout, n);
        break;
      }
      q8rt_dot4x16_store(cm, vout, Q8RT_GEMMDOT_NR);
      n -= Q8RT_GEMMDOT_NR;
      cm += Q8RT_GEMMDOT_NR;
    }
  }
}
