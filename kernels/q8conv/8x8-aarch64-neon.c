/*
 * q8conv 8x8 micro-kernel, aarch64 (A64) NEON: indirect convolution on a Q8RT_LAYOUT_GEMM_8X8 panel
 * (kernels/layout.h: folded int32 bias[8], then uint8 weights [ks][round_up(kc, 8)][8]), in the scheme of the
 * q8gemm 8x8 kernel (building blocks: kernels/q8gemm/8x8-neon.h). Twin: 8x8-scalar.c.
 *
 * The indirection buffer holds 8 row pointers per tap (a[t * 8 + m]; padding taps point at the buffer of input
 * zero points). Per tap: the whole blocks of 8 k as in the GEMM (8 row loads and uxtl, then per k one weight
 * load, usubl against the kernel zero point and 16 smlal / smlal2 by lane); the kc % 8 remaining k one at a
 * time on a last row load (rows are readable up to round_up(kc, 8) + 16 bytes), skipping the padded k of the
 * panel. So a first layer on 3 input channels costs 3 lane steps per tap, not 8. One requantization per 64
 * outputs.
 */
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__aarch64__)
#error "this file is for aarch64"
#endif

#include "../layout.h"
#include "../params.h"
#include "../q8gemm/8x8-neon.h"
#include "q8conv.h"

void q8rt_q8conv_ukernel_8x8__aarch64_neon(size_t mr, size_t nr, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const int32x4_t vbias_lo = vld1q_s32((const int32_t*) packed_w);
  const int32x4_t vbias_hi = vld1q_s32((const int32_t*) packed_w + 4);
  const uint8_t* w = (const uint8_t*) packed_w + Q8RT_GEMM8_NR * sizeof(int32_t);
  const uint8x8_t vkzp = vdup_n_u8(params->kernel_zero_point);
  const size_t blocks = kc / Q8RT_GEMM8_KR;
  const size_t rem = kc % Q8RT_GEMM8_KR;

  struct q8rt_neon_8x8_acc acc = {
    .lo = {vbias_lo, vbias_lo, vbias_lo, vbias_lo, vbias_lo, vbias_lo, vbias_lo, vbias_lo},
    .hi = {vbias_hi, vbias_hi, vbias_hi, vbias_hi, vbias_hi, vbias_hi, vbias_hi, vbias_hi},
  };
  for (; ks != 0; ks--) {
    const uint8_t* a0 = a[0];
    const uint8_t* a1 = a[1];
    const uint8_t* a2 = a[2];
    const uint8_t* a3 = a[3];
    const uint8_t* a4 = a[4];
    const uint8_t* a5 = a[5];
    const uint8_t* a6 = a[6];
    const uint8_t* a7 = a[7];
    a += Q8RT_GEMM8_MR;
    for (size_t b = blocks; b != 0; b--) {
      const int16x8_t vx[8] = {
        q8rt_neon_8x8_load_row(&a0), q8rt_neon_8x8_load_row(&a1), q8rt_neon_8x8_load_row(&a2),
        q8rt_neon_8x8_load_row(&a3), q8rt_neon_8x8_load_row(&a4), q8rt_neon_8x8_load_row(&a5),
        q8rt_neon_8x8_load_row(&a6), q8rt_neon_8x8_load_row(&a7),
      };
      q8rt_neon_8x8_k(&acc, q8rt_neon_8x8_weights(&w, vkzp), vx, 0);
      q8rt_neon_8x8_k(&acc, q8rt_neon_8x8_weights(&w, vkzp), vx, 1);
      q8rt_neon_8x8_k(&acc, q8rt_neon_8x8_weights(&w, vkzp), vx, 2);
      q8rt_neon_8x8_k(&acc, q8rt_neon_8x8_weights(&w, vkzp), vx, 3);
      q8rt_neon_8x8_k(&acc, q8rt_neon_8x8_weights(&w, vkzp), vx, 4);
      q8rt_neon_8x8_k(&acc, q8rt_neon_8x8_weights(&w, vkzp), vx, 5);
      q8rt_neon_8x8_k(&acc, q8rt_neon_8x8_weights(&w, vkzp), vx, 6);
      q8rt_neon_8x8_k(&acc, q8rt_neon_8x8_weights(&w, vkzp), vx, 7);
    }
    if (rem != 0) {
      const int16x8_t vx[8] = {
        q8rt_neon_8x8_load_row(&a0), q8rt_neon_8x8_load_row(&a1), q8rt_neon_8x8_load_row(&a2),
        q8rt_neon_8x8_load_row(&a3), q8rt_neon_8x8_load_row(&a4), q8rt_neon_8x8_load_row(&a5),
        q8rt_neon_8x8_load_row(&a6), q8rt_neon_8x8_load_row(&a7),
      };
      q8rt_neon_8x8_k(&acc, q8rt_neon_8x8_weights(&w, vkzp), vx, 0);
      if (rem > 1) q8rt_neon_8x8_k(&acc, q8rt_neon_8x8_weights(&w, vkzp), vx, 1);
      if (rem > 2) q8rt_neon_8x8_k(&acc, q8rt_neon_8x8_weights(&w, vkzp), vx, 2);
      if (rem > 3) q8rt_neon_8x8_k(&acc, q8rt_neon_8x8_weights(&w, vkzp), vx, 3);
      if (rem > 4) q8rt_neon_8x8_k(&acc, q8rt_neon_8x8_weights(&w, vkzp), vx, 4);
      if (rem > 5) q8rt_neon_8x8_k(&acc, q8rt_neon_8x8_weights(&w, vkzp), vx, 5);
      if (rem > 6) q8rt_neon_8x8_k(&acc, q8rt_neon_8x8_weights(&w, vkzp), vx, 6);
      w += (Q8RT_GEMM8_KR - rem) * Q8RT_GEMM8_NR; /* the panel's padded k */
    }
  }
  q8rt_neon_8x8_store(&acc, mr, nr, c, c_stride, params);
}
