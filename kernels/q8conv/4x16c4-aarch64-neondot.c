/*
 * q8conv 4x16c4 indirect convolution micro-kernel, aarch64 ARMv8.2 dot product (`udot`, built with
 * -march=armv8.2-a+dotprod; called only when cpuinfo reports the dot product extension), on Q8RT_LAYOUT_GEMM_DOT
 * panels (kernels/layout.h): 4 output pixels (the indirection buffer holds 4 pointers per tap) x any nc columns,
 * one 16-column panel per step. Per tap, the 4 pointers' kc bytes run the k loop of 4x16c4-neondot.h against the
 * tap's weight groups; padding taps point at the zero buffer (input zero point bytes), whose products and row
 * sums the folded bias cancels exactly. The kernel zero point row sums (over all taps) are computed once, before
 * the panels. Twin: 4x16c4-scalar.c.
 */
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__aarch64__) || !defined(__ARM_FEATURE_DOTPROD)
#error "this file is for aarch64 with the dot product extension (-march=armv8.2-a+dotprod)"
#endif

#include "../layout.h"
#include "../params.h"
#include "../q8gemm/4x16c4-neondot.h"
#include "q8conv.h"

/* The kernel for one requantization mode and output stage (compile-time constants once inlined; 9 instances): the
 * requantization constants are set up once per call, not per panel. */
static inline __attribute__((always_inline)) void conv_4x16c4(size_t mr, size_t nc, size_t kc, size_t ks,
    const uint8_t* const* a, const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params,
    const enum q8rt_dot_requant mode, const enum q8rt_dot_output out) {
  /* kernel_zero_point * sum(a) per pixel over all taps, once for all panels */
  const uint8x16_t vkzp = vdupq_n_u8(params->kernel_zero_point);
  const uint8x16_t vkzp_tail = q8rt_dot_kzp_tail(vkzp, kc % 16);
  uint32x4_t vs[4] = {vdupq_n_u32(0), vdupq_n_u32(0), vdupq_n_u32(0), vdupq_n_u32(0)};
  for (size_t t = 0; t < ks; t++) {
    const uint8_t* const* at = a + t * Q8RT_GEMMDOT_MR;
    q8rt_dot4x16_sum_k(vs, at[0], at[1], at[2], at[3], kc, vkzp, vkzp_tail);
  }
  const uint32x4_t vsums = q8rt_dot4x16_reduce(vs);
  const struct q8rt_neon_q31 vq = q8rt_neon_q31_init(params);

  const uint8_t* w = (const uint8_t*) packed_w;
  for (;;) {
    struct q8rt_dot4x16_acc acc;
    if (nc <= Q8RT_GEMMDOT_NR / 2) { /* a last panel of at most 8 columns: half the work */
      q8rt_dot4x8_init(&acc, w, vsums);
      w += Q8RT_GEMMDOT_NR * sizeof(int32_t);
      for (size_t t = 0; t < ks; t++) {
        const uint8_t* const* at = a + t * Q8RT_GEMMDOT_MR;
        q8rt_dot4x16_k(&acc, at[0], at[1], at[2], at[3], kc, &w, true, NULL);
      }
      q8rt_dot4x8_store_tile(&acc, mr, nc, c, c_stride, &vq, mode, out);
      return;
    }
    q8rt_dot4x16_init(&acc, w, vsums);
    w += Q8RT_GEMMDOT_NR * sizeof(int32_t);
    for (size_t t = 0; t < ks; t++) {
      const uint8_t* const* at = a + t * Q8RT_GEMMDOT_MR;
      q8rt_dot4x16_k(&acc, at[0], at[1], at[2], at[3], kc, &w, false, NULL);
    }
    if (nc <= Q8RT_GEMMDOT_NR) {
      q8rt_dot4x16_store_tile(&acc, mr, nc, c, c_stride, &vq, mode, out);
      return;
    }
    q8rt_dot4x16_store_tile(&acc, mr, Q8RT_GEMMDOT_NR, c, c_stride, &vq, mode, out);
    nc -= Q8RT_GEMMDOT_NR;
    c += Q8RT_GEMMDOT_NR;
  }
}

void q8rt_q8conv_ukernel_4x16c4__aarch64_neondot(size_t mr, size_t nc, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  /* the output stage first (q8rt_dot_output_of): the plain stage of the expansion convolutions takes 2 branches */
  const enum q8rt_dot_requant mode = q8rt_dot_requant_of(params);
  const bool full_range = params->output_min == 0 && params->output_max == UINT8_MAX;
  if (full_range && params->output_zero_point == 0) {
    switch (mode) {
      case Q8RT_DOT_Q31_SHIFT:
        conv_4x16c4(mr, nc, kc, ks, a, packed_w, c, c_stride, params, Q8RT_DOT_Q31_SHIFT, Q8RT_DOT_OUT_PLAIN);
        break;
      case Q8RT_DOT_Q31_NOSHIFT:
        conv_4x16c4(mr, nc, kc, ks, a, packed_w, c, c_stride, params, Q8RT_DOT_Q31_NOSHIFT, Q8RT_DOT_OUT_PLAIN);
        break;
      default:
        conv_4x16c4(mr, nc, kc, ks, a, packed_w, c, c_stride, params, Q8RT_DOT_SINGLE, Q8RT_DOT_OUT_PLAIN);
        break;
    }
  } else if (full_range) {
    switch (mode) {
      case Q8RT_DOT_Q31_SHIFT:
        conv_4x16c4(mr, nc, kc, ks, a, packed_w, c, c_stride, params, Q8RT_DOT_Q31_SHIFT, Q8RT_DOT_OUT_ZP);
        break;
      case Q8RT_DOT_Q31_NOSHIFT:
        conv_4x16c4(mr, nc, kc, ks, a, packed_w, c, c_stride, params, Q8RT_DOT_Q31_NOSHIFT, Q8RT_DOT_OUT_ZP);
        break;
      default:
        conv_4x16c4(mr, nc, kc, ks, a, packed_w, c, c_stride, params, Q8RT_DOT_SINGLE, Q8RT_DOT_OUT_ZP);
        break;
    }
  } else {
    switch (mode) {
      case Q8RT_DOT_Q31_SHIFT:
        conv_4x16c4(mr, nc, kc, ks, a, packed_w, c, c_stride, params, Q8RT_DOT_Q31_SHIFT, Q8RT_DOT_OUT_CLAMP);
        break;
      case Q8RT_DOT_Q31_NOSHIFT:
        conv_4x16c4(mr, nc, kc, ks, a, packed_w, c, c_stride, params, Q8RT_DOT_Q31_NOSHIFT, Q8RT_DOT_OUT_CLAMP);
        break;
      default:
        conv_4x16c4(mr, nc, kc, ks, a, packed_w, c, c_stride, params, Q8RT_DOT_SINGLE, Q8RT_DOT_OUT_CLAMP);
        break;
    }
  }
}
