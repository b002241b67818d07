/* q8conv 4x8 micro-kernel, armv7 NEON: indirect convolution on a Q8RT_LAYOUT_GEMM_8X8 panel (uint8 weights
 * [ks][round_up(kc, 8)][8]) in the scheme of the q8gemm 4x8 kernel (building blocks:
 * kernels/q8gemm/4x8-neon.h). Twin: 4x8-scalar.c.
 * The indirection buffer holds 4 row pointers per tap (a[t * 4 + m]; padding taps point at the buffer of input
 * zero points). Per tap: whole blocks of 8 k, then the kc % 8 remaining k one at a time on a last row load
 * (rows are readable up to round_up(kc, 8) + 16 bytes), skipping the panel's padded k. */
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__ARM_NEON) || defined(__aarch64__)
#error "this file is for armv7 with -mfpu=neon"
#endif

#include "../layout.h"
#include "../params.h"
#include "../q8gemm/4x8-neon.h"
#include "q8conv.h"

void q8rt_q8conv_ukernel_4x8__aarch32_neon(size_t mr, size_t nr, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const int32x4_t vbias_lo = vld1q_s32((const int32_t*) packed_w);
  const int32x4_t vbias_hi = vld1q_s32((const int32_t*) packed_w + 4);
  const uint8_t* w = (const uint8_t*) packed_w + Q8RT_GEMM8_NR * sizeof(int32_t);
  const uint8x8_t vkzp = vdup_n_u8(params->kernel_zero_point);
  const size_t blocks = kc / Q8RT_GEMM8_KR;
  const size_t rem = kc % Q8RT_GEMM8_KR;

  struct q8rt_neon_4x8_acc acc = {
    .lo = {vbias_lo, vbias_lo, vbias_lo, vbias_lo},
    .hi = {vbias_hi, vbias_hi, vbias_hi, vbias_hi},
  };
  for (; ks != 0; ks--) {
    const uint8_t* a0 = a[0];
    const uint8_t* a1 = a[1];
    const uint8_t* a2 = a[2];
    const uint8_t* a3 = a[3];
    a += 4;
    for (size_t b = blocks; b != 0; b--) {
      const int16x8_t vx[4] = {
        q8rt_neon_4x8_load_row(&a0), q8rt_neon_4x8_load_row(&a1), q8rt_neon_4x8_load_row(&a2),
        q8rt_neon_4x8_load_row(&a3),
      };
      q8rt_neon_4x8_block(&acc, &w, vkzp, vx, 8);
    }
    if (rem != 0) {
      const int16x8_t vx[4] = {
        q8rt_neon_4x8_load_row(&a0), q8rt_neon_4x8_load_row(&a1), q8rt_neon_4x8_load_row(&a2),
        q8rt_neon_4x8_load_row(&a3),
      };
      q8rt_neon_4x8_block(&acc, &w, vkzp, vx, rem);
      w += (Q8RT_GEMM8_KR - rem) * Q8RT_GEMM8_NR; /* the panel's padded k */
    }
  }
  q8rt_neon_4x8_store(&acc, mr, nr, c, c_stride, params);
}
