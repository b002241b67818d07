/* f32gemm 1x8 micro-kernel, armv7 (A32/T32) NEON, -mfpu=neon, hard- or softfp float ABI. Body: 4x8-neon.h (one row of the 4x8 panels). Twin: 1x8-scalar.c. */
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__ARM_NEON) || defined(__aarch64__)
#error "this file is for armv7 with -mfpu=neon"
#endif

#include "4x8-neon.h"
#include "f32gemm.h"

void q8rt_f32gemm_ukernel_1x8__aarch32_neon(size_t mr, size_t nr, size_t k, const float* a, size_t a_stride,
    const float* packed_w, float* c, size_t c_stride, const struct q8rt_f32_minmax_params* params) {
  (void) mr, (void) a_stride, (void) c_stride;
  q8rt_f32gemm_1x8_neon(nr, k, a, packed_w, c, params);
}
