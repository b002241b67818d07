/*
 * q8gemm 2x16c8n GEMV-style micro-kernel, aarch64 ARMv8.6 i8mm (`ummla`, built with -march=armv8.2-a+dotprod+i8mm)
 * on Q8RT_LAYOUT_GEMM_I8MM panels (kernels/layout.h): any mr >= 1 rows, two at a time (an odd last row paired with
 * itself), x any nc columns, one 16-column panel per step; for products with fewer rows than the 4x16c8n tile (a
 * fully connected layer at batch 1), which would otherwise compute 4 rows for 1. Per 16 k: two row loads, one
 * `zip1` and one `zip2` (.2d), four 4-register weight loads and 16 `ummla` (512 MACs, of which 256 for one row);
 * the rows' kernel zero point sums (`udot` against the kernel zero point bytes, masked for the last chunk) are
 * computed once per row pair, before the panels. Twin: 2x16c8n-scalar.c.
 */
#include <stdbool.h>
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

/* Half a group (4 column pairs, 64 bytes at *w, advanced by 64) for the row pair vx: 4 `ummla`. */
static inline __attribute__((always_inline)) void q8rt_i8mm2x16_half(uint32x4_t* vacc, const uint8_t** w,
                                                                    uint8x16_t vx) {
  __asm__("" : "+r"(*w)); /* no hoisting of the next loads (as in 4x16c8-neoni8mm.h) */
  const uint8x16x4_t vw = vld1q_u8_x4(*w);
  *w += 64;
  vacc[0] = vmmlaq_u32(vacc[0], vx, vw.val[0]);
  vacc[1] = vmmlaq_u32(vacc[1], vx, vw.val[1]);
  vacc[2] = vmmlaq_u32(vacc[2], vx, vw.val[2]);
  vacc[3] = vmmlaq_u32(vacc[3], vx, vw.val[3]);
}

/* k bytes of the rows a0, a1 against the weight groups at *w (advanced by round_up(k, 8) * 16 bytes); rows are
 * read up to k + 15 bytes, as in the 4x16 kernel (bytes past k meet zero weights). */
static inline __attribute__((always_inline)) void q8rt_i8mm2x16_k(uint32x4_t* vacc, const uint8_t* a0,
                                                                 const uint8_t* a1, size_t k, const uint8_t** w) {
  for (; k >= 16; k -= 16) {
    const uint8x16_t va0 = vld1q_u8(a0);
    a0 += 16;
    const uint8x16_t va1 = vld1q_u8(a1);
    a1 += 16;
    const uint8x16_t vx_lo = q8rt_i8mm_pair_lo(va0, va1);
    const uint8x16_t vx_hi = q8rt_i8mm_pair_hi(va0, va1);
    q8rt_i8mm2x16_half(vacc, w, vx_lo);
    q8rt_i8mm2x16_half(vacc + 4, w, vx_lo);
    q8rt_i8mm2x16_half(vacc, w, vx_hi);
    q8rt_i8mm2x16_half(vacc + 4, w, vx_hi);
  }
  if (k != 0) {
    const uint8x16_t va0 = vld1q_u8(a0);
    const uint8x16_t va1 = vld1q_u8(a1);
    const uint8x16_t vx_lo = q8rt_i8mm_pair_lo(va0, va1);
    q8rt_i8mm2x16_half(vacc, w, vx_lo);
    q8rt_i8mm2x16_half(vacc + 4, w, vx_lo);
    if (k > 8) {
      const uint8x16_t vx_hi = q8rt_i8mm_pair_hi(va0, va1);
      q8rt_i8mm2x16_half(vacc, w, vx_hi);
      q8rt_i8mm2x16_half(vacc + 4, w, vx_hi);
    }
  }
}

/* kernel_zero_point * (the first k bytes of rows a0 and a1) as [s0, s0, s1, s1]. */
static inline __attribute__((always_inline)) uint32x4_t q8rt_i8mm2x16_sums(const uint8_t* a0, const uint8_t* a1,
                                                                          size_t k, uint8x16_t vkzp,
                                                                          uint8x16_t vkzp_tail) {
  uint32x4_t vs0 = vdupq_n_u32(0), vs1 = vdupq_n_u32(0);
  for (; k > 16; k -= 16) {
    vs0 = vdotq_u32(vs0, vld1q_u8(a0), vkzp);
    vs1 = vdotq_u32(vs1, vld1q_u8(a1), vkzp);
    a0 += 16;
    a1 += 16;
  }
  vs0 = vdotq_u32(vs0, vld1q_u8(a0), vkzp_tail);
  vs1 = vdotq_u32(vs1, vld1q_u8(a1), vkzp_tail);
  const uint32x4_t v = vpaddq_u32(vs0, vs1); /* [s0 partial x2, s1 partial x2] */
  const uint32x4_t vs = vpaddq_u32(v, v);    /* [s0, s1, s0, s1] */
  return vzip1q_u32(vs, vs);
}

/* One panel's requantized row pair for one (constant) mode. */
static inline __attribute__((always_inline)) void q8rt_i8mm2x16_store(const uint32x4_t* vacc, bool second, size_t nr,
                                                                     uint8_t* c0, uint8_t* c1,
                                                                     const struct q8rt_neon_q31* vq,
                                                                     const enum q8rt_dot_requant mode) {
  uint8x16_t vout0, vout1;
  q8rt_i8mm_requantize_pair(vacc, vq, mode, Q8RT_DOT_OUT_CLAMP, &vout0, &vout1);
  q8rt_dot4x16_store(c0, vout0, nr);
  if (second) q8rt_dot4x16_store(c1, vout1, nr);
}

void q8rt_q8gemm_ukernel_2x16c8n__aarch64_neoni8mm(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const uint8x16_t vkzp = vdupq_n_u8(params->kernel_zero_point);
  const uint8x16_t vkzp_tail = q8rt_dot_kzp_tail(vkzp, k % 16);
  const struct q8rt_neon_q31 vq = q8rt_neon_q31_init(params);
  const enum q8rt_dot_requant mode = q8rt_dot_requant_of(params);
  for (size_t m = 0; m < mr; m += 2) {
    const bool second = m + 1 < mr;
    const uint8_t* a0 = a + m * a_stride;
    const uint8_t* a1 = second ? a0 + a_stride : a0;
    uint8_t* c0 = c + m * c_stride;
    uint8_t* c1 = second ? c0 + c_stride : c0; /* not stored to when !second */
    const uint32x4_t vsum = q8rt_i8mm2x16_sums(a0, a1, k, vkzp, vkzp_tail);
    const uint8_t* w = (const uint8_t*) packed_w;
    for (size_t n = nc;;) {
      uint32x4_t vb[8];
      q8rt_i8mm_load_bias(vb, w);
      uint32x4_t vacc[8];
      q8rt_i8mm_init_pair(vacc, vb, vsum);
      w += Q8RT_GEMMI8MM_BIAS_BYTES;
      q8rt_i8mm2x16_k(vacc, a0, a1, k, &w);
      const size_t nr = n < Q8RT_GEMMI8MM_NR ? n : Q8RT_GEMMI8MM_NR;
      switch (mode) {
        case Q8RT_DOT_Q31_NOSHIFT: q8rt_i8mm2x16_store(vacc, second, nr, c0, c1, &vq, Q8RT_DOT_Q31_NOSHIFT); break;
        case Q8RT_DOT_SINGLE: q8rt_i8mm2x16_store(vacc, second, nr, c0, c1, &vq, Q8RT_DOT_SINGLE); break;
        default: q8rt_i8mm2x16_store(vacc, second, nr, c0, c1, &vq, Q8RT_DOT_Q31_SHIFT); break;
      }
      if (n <= Q8RT_GEMMI8MM_NR) break;
      n -= Q8RT_GEMMI8MM_NR;
      c0 += Q8RT_GEMMI8MM_NR;
      c1 += Q8RT_GEMMI8MM_NR;
    }
  }
}
