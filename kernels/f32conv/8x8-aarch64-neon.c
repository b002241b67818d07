/* f32conv 8x8 (indirect convolution) micro-kernel, aarch64 (A64) NEON. Body and layout notes:
 * ../f32gemm/8x8-aarch64-neon.h. Twin: 8x8-scalar.c. */
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__aarch64__)
#error "this file is for aarch64"
#endif

#include "../f32gemm/8x8-aarch64-neon.h"
#include "f32conv.h"

void q8rt_f32conv_ukernel_8x8__aarch64_neon(size_t mr, size_t nr, size_t kc, size_t ks, const float* const* a,
    const float* packed_w, float* c, size_t c_stride, const struct q8rt_f32_minmax_params* params) {
  float* crow[8];
  q8rt_f32_neon_8x8_out_ptrs(mr, c, c_stride, crow);
  const float* w = packed_w;
  struct q8rt_f32_neon_8x8_acc acc = q8rt_f32_neon_8x8_init(&w);
  do {
    const float* p[8] = {a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]};
    a += 8;
    q8rt_f32_neon_8x8_rows(&acc, p, &w, kc);
  } while (--ks != 0);
  q8rt_f32_neon_8x8_store(&acc, params, nr, crow);
}
