/* f32conv 4x8 (indirect convolution) micro-kernel, aarch64 (A64) NEON. Body and layout notes: ../f32gemm/4x8-neon.h. Twin: 4x8-scalar.c. */
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__aarch64__)
#error "this file is for aarch64"
#endif

#include "../f32gemm/4x8-neon.h"
#include "f32conv.h"

void q8rt_f32conv_ukernel_4x8__aarch64_neon(size_t mr, size_t nr, size_t kc, size_t ks, const float* const* a,
    const float* packed_w, float* c, size_t c_stride, const struct q8rt_f32_minmax_params* params) {
  q8rt_f32conv_4x8_neon(mr, nr, kc, ks, a, packed_w, c, c_stride, params);
}
