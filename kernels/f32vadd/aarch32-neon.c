/* f32vadd micro-kernel, armv7 (A32/T32) NEON, -mfpu=neon, hard- or softfp float ABI. Body: neon.h. Twin: scalar.c. */
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__ARM_NEON) || defined(__aarch64__)
#error "this file is for armv7 with -mfpu=neon"
#endif

#include "f32vadd.h"
#include "neon.h"

void q8rt_f32vadd_ukernel__aarch32_neon(size_t n, const float* a, const float* b, float* y,
    const struct q8rt_f32_minmax_params* params) {
  q8rt_f32vadd_neon(n, a, b, y, params);
}
