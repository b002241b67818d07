/* q8conv 3x4c8 indirect-convolution micro-kernel, aarch64 (A64) NEON.
 * Body and layout notes: ../q8gemm/3x4c8-neon.h. Twin: 3x4c8-scalar.c. */
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__aarch64__)
#error "this file is for aarch64"
#endif

#include "../layout.h"
#include "../params.h"
#include "../q8gemm/3x4c8-neon.h"
#include "q8conv.h"

void q8rt_q8conv_ukernel_3x4c8__aarch64_neon(size_t mr, size_t nr, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const int32x4_t vbias = vld1q_s32((const int32_t*) packed_w);
  const int16_t* w = (const int16_t*) ((const uint8_t*) packed_w + Q8RT_GEMM_NR * sizeof(int32_t));
  const size_t blocks_per_tap = (kc + Q8RT_GEMM_KR - 1) / Q8RT_GEMM_KR;

  struct q8rt_neon_3x4c8_acc acc = q8rt_neon_3x4c8_zero();
  for (; ks != 0; ks--) {
    /* all 3 pointers of a tap are valid (the planner repeats a real pixel for m >= mr) */
    const uint8_t* a0 = a[0];
    const uint8_t* a1 = a[1];
    const uint8_t* a2 = a[2];
    a += 3;
    for (size_t blocks = blocks_per_tap; blocks != 0; blocks--) {
      q8rt_neon_3x4c8_block(&acc, &a0, &a1, &a2, &w);
    }
  }
  q8rt_neon_3x4c8_store(&acc, vbias, params, mr, nr, c, c_stride);
}
