/*
 * ISA-specific pieces of the fp32 NEON micro-kernels (f32gemm, f32conv, f32dwconv *-aarch64-neon.c and
 * *-aarch32-neon.c). Everything else in their shared bodies is the same NEON code on both.
 *
 *   Q8RT_F32_NEON_MLA(acc, a, b)             acc + a * b, lane-wise
 *   Q8RT_F32_NEON_MLA_LANE(acc, b, va, lane) acc + b * va[lane]; va is float32x4_t on aarch64 (fmla by element,
 *                                            any of 4 lanes), float32x2_t on armv7 (vmla.f32 q, q, d[lane])
 *   Q8RT_F32_NEON_KBLOCK                     k per A load in the GEMM tiles: 4 (one q register per row)
 *
 * aarch64 uses fused multiply-add (fmla: one rounding). armv7 NEON without VFPv4 has no fused form: vmla.f32
 * rounds the product and then the sum, and NEON arithmetic on armv7 always flushes denormals to zero. Both
 * differ from the scalar twins by rounding only (tolerance in test/kernels/f32_test_util.h).
 */
#pragma once

#include <stddef.h>

#include <arm_neon.h>

#if defined(__aarch64__)
#define Q8RT_F32_NEON_MLA(acc, a, b) vfmaq_f32(acc, a, b)
#define Q8RT_F32_NEON_MLA_LANE(acc, b, va, lane) vfmaq_laneq_f32(acc, b, va, lane)
#define Q8RT_F32_NEON_KBLOCK 4
#else
#define Q8RT_F32_NEON_MLA(acc, a, b) vmlaq_f32(acc, a, b)
#define Q8RT_F32_NEON_MLA_LANE(acc, b, va, lane) vmlaq_lane_f32(acc, b, va, lane)
#define Q8RT_F32_NEON_KBLOCK 4
#endif

/* min(max(v, vmin), vmax) */
static inline float32x4_t q8rt_f32_neon_clamp(float32x4_t v, float32x4_t vmin, float32x4_t vmax) {
  return vminq_f32(vmaxq_f32(v, vmin), vmax);
}

/* Stores the first n (< 8) of the 8 floats lo, hi at y: the column / channel remainder of an output row. */
static inline __attribute__((always_inline)) void q8rt_f32_neon_store_lt8(float* y, float32x4_t lo, float32x4_t hi,
                                                                         size_t n) {
  if (n & 4) {
    vst1q_f32(y, lo);
    lo = hi;
    y += 4;
  }
  float32x2_t vd = vget_low_f32(lo);
  if (n & 2) {
    vst1_f32(y, vd);
    vd = vget_high_f32(lo);
    y += 2;
  }
  if (n & 1) vst1_lane_f32(y, vd, 0);
}
