/* f32gemm 8x8 micro-kernel, aarch64 (A64) NEON. Body and layout notes: 8x8-aarch64-neon.h. Twin: 8x8-scalar.c.
 * Tiles of at most 4 rows (the last tile of a GEMM whose rows are not a multiple of 8) run the 4x8 body
 * (4x8-neon.h) on the same panel instead of 8 rows of which half are discarded. */
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__aarch64__)
#error "this file is for aarch64"
#endif

#include "4x8-neon.h"
#include "8x8-aarch64-neon.h"
#include "f32gemm.h"

void q8rt_f32gemm_ukernel_8x8__aarch64_neon(size_t mr, size_t nr, size_t k, const float* a, size_t a_stride,
    const float* packed_w, float* c, size_t c_stride, const struct q8rt_f32_minmax_params* params) {
  if (mr <= 4) {
    q8rt_f32gemm_4x8_neon(mr, nr, k, a, a_stride, packed_w, c, c_stride, params);
    return;
  }
  const float* p[8];
  q8rt_f32_neon_8x8_row_ptrs(mr, a, a_stride, p);
  float* crow[8];
  q8rt_f32_neon_8x8_out_ptrs(mr, c, c_stride, crow);
  const float* w = packed_w;
  struct q8rt_f32_neon_8x8_acc acc = q8rt_f32_neon_8x8_init(&w);
  q8rt_f32_neon_8x8_rows(&acc, p, &w, k);
  q8rt_f32_neon_8x8_store(&acc, params, nr, crow);
}
