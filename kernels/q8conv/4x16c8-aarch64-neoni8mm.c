/*
 * q8conv 4x16c8 indirect convolution micro-kernel, aarch64 ARMv8.6 i8mm (`ummla`, built with
 * -march=armv8.2-a+dotprod+i8mm; called only when the CPU reports i8mm and the dot product) on
 * Q8RT_LAYOUT_GEMM_I8MM panels (kernels/layout.h): 4 output pixels (the indirection buffer holds 4 pointers per
 * tap) x any nc columns, one 16-column panel per step. Per tap, the 4 pointers' kc bytes run the k loop of
 * 4x16c8-neoni8mm.h against the tap's weight groups; padding taps point at the zero buffer (input zero point
 * bytes), whose products and row sums the folded bias cancels exactly. The kernel zero point row sums (over all
 * taps, `udot`) are computed once, before the panels, and the requantization mode and output stage chosen once
 * per call. Twin: 4x16c8-scalar.c.
 */
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__aarch64__) || !defined(__ARM_FEATURE_DOTPROD) || !defined(__ARM_FEATURE_MATMUL_INT8)
#error "this file is for aarch64 with the dot product and i8mm extensions (-march=armv8.2-a+dotprod+i8mm)"
#endif

#include "../layout.h"
#include "../params.h"
#include "../q8gemm/4x16c8-neoni8mm.h"
#include "q8conv.h"

/* The kernel for one requantization mode and output stage (compile-time constants once inlined; 9 instances): the
 * requantization constants and the paired row sums are set up once per call, not per panel. */
static inline __attribute__((always_inline)) void conv_4x16c8(size_t mr, size_t nc, size_t kc, size_t ks,
    const uint8_t* const* a, const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params,
    const enum q8rt_dot_requant mode, const enum q8rt_dot_output out) {
  /* kernel_zero_point * sum(a) per pixel over all taps, once for all panels */
  const uint8x16_t vkzp = vdupq_n_u8(params->kernel_zero_point);
  const uint8x16_t vkzp_tail = q8rt_dot_kzp_tail(vkzp, kc % 16);
  uint32x4_t vs[4] = {vdupq_n_u32(0), vdupq_n_u32(0), vdupq_n_u32(0), vdupq_n_u32(0)};
  for (size_t t = 0; t < ks; t++) {
    const uint8_t* const* at = a + t * Q8RT_GEMMI8MM_MR;
    q8rt_dot4x16_sum_k(vs, at[0], at[1], at[2], at[3], kc, vkzp, vkzp_tail);
  }
  const uint32x4_t vsums = q8rt_dot4x16_reduce(vs);
  const uint32x4_t vsum01 = vzip1q_u32(vsums, vsums);
  const uint32x4_t vsum23 = vzip2q_u32(vsums, vsums);
  const struct q8rt_neon_q31 vq = q8rt_neon_q31_init(params);

  const uint8_t* w = (const uint8_t*) packed_w;
  for (;;) {
    struct q8rt_i8mm4x16_acc acc;
    if (nc <= Q8RT_GEMMI8MM_NR / 2) { /* a last panel of at most 8 columns: half the work */
      q8rt_i8mm4x8_init(&acc, w, vsum01, vsum23);
      w += Q8RT_GEMMI8MM_BIAS_BYTES;
      for (size_t t = 0; t < ks; t++) {
        const uint8_t* const* at = a + t * Q8RT_GEMMI8MM_MR;
        q8rt_i8mm4x8_k(&acc, at[0], at[1], at[2], at[3], kc, &w, NULL);
      }
      q8rt_i8mm4x8_store_tile(&acc, mr, nc, c, c_stride, &vq, mode, out);
      return;
    }
    q8rt_i8mm4x16_init(&acc, w, vsum01, vsum23);
    w += Q8RT_GEMMI8MM_BIAS_BYTES;
    for (size_t t = 0; t < ks; t++) {
      const uint8_t* const* at = a + t * Q8RT_GEMMI8MM_MR;
      q8rt_i8mm4x16_k(&acc, at[0], at[1], at[2], at[3], kc, &w, NULL, NULL);
    }
    if (nc <= Q8RT_GEMMI8MM_NR) {
      q8rt_i8mm4x16_store_tile(&acc, mr, nc, c, c_stride, &vq, mode, out);
      return;
    }
    q8rt_i8mm4x16_store_tile(&acc, mr, Q8RT_GEMMI8MM_NR, c, c_stride, &vq, mode, out);
    nc -= Q8RT_GEMMI8MM_NR;
    c += Q8RT_GEMMI8MM_NR;
  }
}

void q8rt_q8conv_ukernel_4x16c8__aarch64_neoni8mm(size_t mr, size_t nc, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  switch (3 * q8rt_dot_requant_of(params) + q8rt_dot_output_of(params)) {
    case 3 * Q8RT_DOT_Q31_SHIFT + Q8RT_DOT_OUT_PLAIN:
      conv_4x16c8(mr, nc, kc, ks, a, packed_w, c, c_stride, params, Q8RT_DOT_Q31_SHIFT, Q8RT_DOT_OUT_PLAIN);
      break;
    case 3 * Q8RT_DOT_Q31_SHIFT + Q8RT_DOT_OUT_ZP:
      conv_4x16c8(mr, nc, kc, ks, a, packed_w, c, c_stride, params, Q8RT_DOT_Q31_SHIFT, Q8RT_DOT_OUT_ZP);
      break;
    case 3 * Q8RT_DOT_Q31_SHIFT + Q8RT_DOT_OUT_CLAMP:
      conv_4x16c8(mr, nc, kc, ks, a, packed_w, c, c_stride, params, Q8RT_DOT_Q31_SHIFT, Q8RT_DOT_OUT_CLAMP);
      break;
    case 3 * Q8RT_DOT_Q31_NOSHIFT + Q8RT_DOT_OUT_PLAIN:
      conv_4x16c8(mr, nc, kc, ks, a, packed_w, c, c_stride, params, Q8RT_DOT_Q31_NOSHIFT, Q8RT_DOT_OUT_PLAIN);
      break;
    case 3 * Q8RT_DOT_Q31_NOSHIFT + Q8RT_DOT_OUT_ZP:
      conv_4x16c8(mr, nc, kc, ks, a, packed_w, c, c_stride, params, Q8RT_DOT_Q31_NOSHIFT, Q8RT_DOT_OUT_ZP);
      break;
    case 3 * Q8RT_DOT_Q31_NOSHIFT + Q8RT_DOT_OUT_CLAMP:
      conv_4x16c8(mr, nc, kc, ks, a, packed_w, c, c_stride, params, Q8RT_DOT_Q31_NOSHIFT, Q8RT_DOT_OUT_CLAMP);
      break;
    case 3 * Q8RT_DOT_SINGLE + Q8RT_DOT_OUT_PLAIN:
      conv_4x16c8(mr, nc, kc, ks, a, packed_w, c, c_stride, params, Q8RT_DOT_SINGLE, Q8RT_DOT_OUT_PLAIN);
      break;
    case 3 * Q8RT_DOT_SINGLE + Q8RT_DOT_OUT_ZP:
      conv_4x16c8(mr, nc, kc, ks, a, packed_w, c, c_stride, params, Q8RT_DOT_SINGLE, Q8RT_DOT_OUT_ZP);
      break;
    default:
      conv_4x16c8(mr, nc, kc, ks, a, packed_w, c, c_stride, params, Q8RT_DOT_SINGLE, Q8RT_DOT_OUT_CLAMP);
      break;
  }
}
