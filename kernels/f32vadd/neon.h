/*
 * Shared body of the NEON fp32 vadd micro-kernels (aarch64-neon.c, aarch32-neon.c). Twin: scalar.c.
 * y = clamp(a + b): one rounding, the same float as the scalar twin (armv7 NEON flushes denormal sums to
 * zero). 8 floats per iteration (4 loads, 2 fadd, 4 max/min, 2 stores), then 4, then the last 1-3 computed
 * on a whole vector (a and b have Q8RT_F32_EXTRA_FLOATS readable floats) and stored lane by lane.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#include "../f32gemm/f32-neon.h"
#include "../f32gemm/f32params.h"

static inline void q8rt_f32vadd_neon(size_t n, const float* a, const float* b, float* y,
    const struct q8rt_f32_minmax_params* params) {
  const float32x4_t vmin = vld1q_dup_f32(&params->min), vmax = vld1q_dup_f32(&params->max);
  for (; n >= 8; n -= 8) {
    const float32x4_t va0 = vld1q_f32(a), va1 = vld1q_f32(a + 4);
    const float32x4_t vb0 = vld1q_f32(b), vb1 = vld1q_f32(b + 4);
    a += 8, b += 8;
    vst1q_f32(y, vminq_f32(vmaxq_f32(vaddq_f32(va0, vb0), vmin), vmax));
    vst1q_f32(y + 4, vminq_f32(vmaxq_f32(vaddq_f32(va1, vb1), vmin), vmax));
    y += 8;
  }
  if (n >= 4) {
    vst1q_f32(y, vminq_f32(vmaxq_f32(vaddq_f32(vld1q_f32(a), vld1q_f32(b)), vmin), vmax));
    a += 4, b += 4, y += 4;
    n -= 4;
  }
  if (n != 0) {
    const float32x4_t v = vminq_f32(vmaxq_f32(vaddq_f32(vld1q_f32(a), vld1q_f32(b)), vmin), vmax);
    q8rt_f32_neon_store_lt8(y, v, v, n);
  }
}
