/*
 * q8gemm 8x8 micro-kernel, aarch64 (A64) NEON, in the scheme of QNNPACK's q8gemm 8x8 aarch64 kernel, on the
 * Q8RT_LAYOUT_GEMM_8X8 panel (kernels/layout.h): folded int32 bias[8], then per k the 8 uint8 weights of the
 * panel's columns. Twin: 8x8-scalar.c.
 *
 * Per k: one 8-byte weight load, usubl against the kernel zero point (int16 w - kzp of columns 0..7), then for
 * each of the 8 rows smlal (columns 0..3) and smlal2 (columns 4..7) by the row's k-th int16 lane (by-element
 * forms: the 8 rows and the weights take v0..v15, the accumulators v16..v31): 16
 * multiply-accumulates of 4 products = 64 MACs in 18 instructions. Per block of 8 k, 8 row loads and 8 uxtl
 * (the input zero point is folded into the bias, so activations are widened as they are). The 16 int32x4
 * accumulators (rows x column halves) + 8 rows + the weight vector stay in registers (32 on A64).
 * K is processed in whole blocks of 8: rows are readable up to round_up(k, 8) + 16 bytes and padded k hold
 * w = kzp (zero after the subtraction). One requantization (kernels/requantize-neon.h) per 64 outputs.
 */
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__aarch64__)
#error "this file is for aarch64"
#endif

#include "../layout.h"
#include "../params.h"
#include "../requantize-neon.h"
#include "8x8-neon.h"
#include "q8gemm.h"

void q8rt_q8gemm_ukernel_8x8__aarch64_neon(size_t mr, size_t nr, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const int32x4_t vbias_lo = vld1q_s32((const int32_t*) packed_w);
  const int32x4_t vbias_hi = vld1q_s32((const int32_t*) packed_w + 4);
  const uint8_t* w = (const uint8_t*) packed_w + Q8RT_GEMM8_NR * sizeof(int32_t);
  const uint8x8_t vkzp = vdup_n_u8(params->kernel_zero_point);

  /* rows mr..7 are never read: they alias the last real row */
  const uint8_t* a0 = a;
  const uint8_t* a1 = mr > 1 ? a0 + a_stride : a0;
  const uint8_t* a2 = mr > 2 ? a1 + a_stride : a1;
  const uint8_t* a3 = mr > 3 ? a2 + a_stride : a2;
  const uint8_t* a4 = mr > 4 ? a3 + a_stride : a3;
  const uint8_t* a5 = mr > 5 ? a4 + a_stride : a4;
  const uint8_t* a6 = mr > 6 ? a5 + a_stride : a5;
  const uint8_t* a7 = mr > 7 ? a6 + a_stride : a6;

  struct q8rt_neon_8x8_acc acc = {
    .lo = {vbias_lo, vbias_lo, vbias_lo, vbias_lo, vbias_lo, vbias_lo, vbias_lo, vbias_lo},
    .hi = {vbias_hi, vbias_hi, vbias_hi, vbias_hi, vbias_hi, vbias_hi, vbias_hi, vbias_hi},
  };
  for (size_t blocks = (k + Q8RT_GEMM8_KR - 1) / Q8RT_GEMM8_KR; blocks != 0; blocks--) {
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

  q8rt_neon_8x8_store(&acc, mr, nr, c, c_stride, params);
}
