/*
 * Shared body of the NEON fp32 avgpool micro-kernels (aarch64-neon.c, aarch32-neon.c). Twin: scalar.c.
 * Per block of 8 channels, 2 q sums start at 0 and add taps t = 0..ks-1 in order (the scalar order), then
 * y = clamp(sum * multiplier): the same floats as the scalar twin (armv7 NEON flushes denormals to zero).
 * Then a block of 4, and the last 1-3 channels on a whole vector (inputs have Q8RT_F32_EXTRA_FLOATS readable
 * floats), stored lane by lane.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#include "../f32gemm/f32-neon.h"
#include "../f32gemm/f32params.h"

static inline float32x4_t q8rt_f32avgpool_neon_sum4(size_t ks, const float* const* input, size_t c) {
  float32x4_t vsum = vdupq_n_f32(0.0f);
  for (size_t t = 0; t < ks; t++) vsum = vaddq_f32(vsum, vld1q_f32(input[t] + c));
  return vsum;
}

static inline void q8rt_f32avgpool_neon(size_t ks, size_t channels, const float* const* input, float* output,
    const struct q8rt_f32_avgpool_params* params) {
  const float32x4_t vmult = vld1q_dup_f32(&params->multiplier);
  const float32x4_t vmin = vld1q_dup_f32(&params->min), vmax = vld1q_dup_f32(&params->max);
  size_t c = 0;
  for (; c + 8 <= channels; c += 8) {
    float32x4_t vsum0 = vdupq_n_f32(0.0f), vsum1 = vdupq_n_f32(0.0f);
    for (size_t t = 0; t < ks; t++) {
      const float* p = input[t] + c;
      vsum0 = vaddq_f32(vsum0, vld1q_f32(p));
      vsum1 = vaddq_f32(vsum1, vld1q_f32(p + 4));
    }
    vst1q_f32(output + c, vminq_f32(vmaxq_f32(vmulq_f32(vsum0, vmult), vmin), vmax));
    vst1q_f32(output + c + 4, vminq_f32(vmaxq_f32(vmulq_f32(vsum1, vmult), vmin), vmax));
  }
  if (c + 4 <= channels) {
    const float32x4_t vsum = q8rt_f32avgpool_neon_sum4(ks, input, c);
    vst1q_f32(output + c, vminq_f32(vmaxq_f32(vmulq_f32(vsum, vmult), vmin), vmax));
    c += 4;
  }
  if (c != channels) {
    const float32x4_t vsum = q8rt_f32avgpool_neon_sum4(ks, input, c);
    const float32x4_t v = vminq_f32(vmaxq_f32(vmulq_f32(vsum, vmult), vmin), vmax);
    q8rt_f32_neon_store_lt8(output + c, v, v, channels - c);
  }
}
