/* q8gemm 3x4c8 micro-kernel, armv7 (A32/T32) NEON, -mfpu=neon, hard- or softfp float ABI. Body and layout notes: 3x4c8-neon.h. Twin: 3x4c8-scalar.c. */
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

/* GCC's first scheduling pass interleaves the three rows and then spills accumulators (16 q registers,
 * 12 accumulators); without it the inner loop has no stack traffic. Clang does not need this. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-schedule-insns")
#endif

#if !defined(__ARM_NEON) || defined(__aarch64__)
#error "this file is for armv7 with -mfpu=neon"
#endif

#include "../layout.h"
#include "../params.h"
#include "3x4c8-neon.h"
#include "q8gemm.h"

void q8rt_q8gemm_ukernel_3x4c8__aarch32_neon(size_t mr, size_t nr, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const int32x4_t vbias = vld1q_s32((const int32_t*) packed_w);
  const int16_t* w = (const int16_t*) ((const uint8_t*) packed_w + Q8RT_GEMM_NR * sizeof(int32_t));
  /* rows mr..2 are never read: they alias the last real row */
  const uint8_t* a0 = a;
  const uint8_t* a1 = mr >= 2 ? a0 + a_stride : a0;
  const uint8_t* a2 = mr >= 3 ? a1 + a_stride : a1;

  struct q8rt_neon_3x4c8_acc acc = q8rt_neon_3x4c8_zero();
  for (size_t blocks = (k + Q8RT_GEMM_KR - 1) / Q8RT_GEMM_KR; blocks != 0; blocks--) {
    q8rt_neon_3x4c8_block(&acc, &a0, &a1, &a2, &w);
  }
  q8rt_neon_3x4c8_store(&acc, vbias, params, mr, nr, c, c_stride);
}
