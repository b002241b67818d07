/* f32gemm 4x8 micro-kernel, aarch64 (A64) NEON. Body and layout notes: 4x8-neon.h. Twin: 4x8-scalar.c. */
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__aarch64__)
#error "this file is for aarch64"
#endif

#include "4x8-neon.h"
#include "f32gemm.h"

void q8rt_f32gemm_ukernel_4x8__aarch64_neon(size_t mr, size_t nr, size_t k, const float* a, size_t a_stride,
    const float* packed_w, float* c, size_t c_stride, const struct q8rt_f32_minmax_params* params) {
  q8rt_f32gemm_4x8_neon(mr, nr, k, a, a_stride, packed_w, c, c_stride, params);
}
