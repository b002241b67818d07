/* q8gemm 4x8 micro-kernel, armv7 NEON, on the Q8RT_LAYOUT_GEMM_8X8 panel (QNNPACK's q8gemm 4x8 aarch32 scheme;
 * building blocks: 4x8-neon.h). Scalar twin: q8gemm 8x8-scalar.c (the same panels; mr <= 4 here).
 * K is processed in whole blocks of 8: rows are readable up to round_up(k, 8) + 16 bytes and padded k hold
 * w = kzp (zero after the subtraction). */
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__ARM_NEON) || defined(__aarch64__)
#error "this file is for armv7 with -mfpu=neon"
#endif

#include "../layout.h"
#include "../params.h"
#include "4x8-neon.h"
#include "q8gemm.h"

void q8rt_q8gemm_ukernel_4x8__aarch32_neon(size_t mr, size_t nr, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const int32x4_t vbias_lo = vld1q_s32((const int32_t*) packed_w);
  const int32x4_t vbias_hi = vld1q_s32((const int32_t*) packed_w + 4);
  const uint8_t* w = (const uint8_t*) packed_w + Q8RT_GEMM8_NR * sizeof(int32_t);
  const uint8x8_t vkzp = vdup_n_u8(params->kernel_zero_point);

  /* rows mr..3 are never stored: they alias the last real row */
  const uint8_t* a0 = a;
  const uint8_t* a1 = mr > 1 ? a0 + a_stride : a0;
  const uint8_t* a2 = mr > 2 ? a1 + a_stride : a1;
  const uint8_t* a3 = mr > 3 ? a2 + a_stride : a2;

  struct q8rt_neon_4x8_acc acc = {
    .lo = {vbias_lo, vbias_lo, vbias_lo, vbias_lo},
    .hi = {vbias_hi, vbias_hi, vbias_hi, vbias_hi},
  };
  for (size_t blocks = (k + Q8RT_GEMM8_KR - 1) / Q8RT_GEMM8_KR; blocks != 0; blocks--) {
    const int16x8_t vx[4] = {
      q8rt_neon_4x8_load_row(&a0), q8rt_neon_4x8_load_row(&a1), q8rt_neon_4x8_load_row(&a2),
      q8rt_neon_4x8_load_row(&a3),
    };
    q8rt_neon_4x8_block(&acc, &w, vkzp, vx, 8);
  }
  q8rt_neon_4x8_store(&acc, mr, nr, c, c_stride, params);
}
