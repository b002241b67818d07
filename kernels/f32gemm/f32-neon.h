/*
 * ISA-specific pieces of the fp32 NEON micro-kernels (f32gemm, f32conv, f32dwconv *-aarch64-neon.c and
 * *-aarch32-neon.c). Everything else in their shared bodies is the same NEON code on both.
 *
 *   Q8RT_F32_NEON_MLA(acc, a, b)             acc + a * b, lane-wise
 *   Q8RT_F32_NEON_MLA_LANE(acc, b, va, lane) acc + b * va[lane]; va is float32x4_t on aarch64 (fmla by element,
 *                                            any of 4 lanes), float32x2_t on armv7 (vmla.f32 q, q, d[lane])
 *   Q8RT_F32_NEON_KBLOCK                     k per A load in the GEMM tiles: 4 (ldr q) on aarch64, 2 (vld1 d)
 *                                            on armv7, where 16 q registers leave no room for 4 q of A
 *
 * aarch64 uses fused multiply-add (fmla: one rounding). armv7 NEON without VFPv4 has no fused form: vmla.f32
 * rounds the product and then the sum, and NEON arithmetic on armv7 always flushes denormals to zero. Both
 * differ from the scalar twins by rounding only (tolerance in test/kernels/f32_test_util.h).
 */
#pragma once

#include <arm_neon.h>

#if defined(__aarch64__)
#define Q8RT_F32_NEON_MLA(acc, a, b) vfmaq_f32(acc, a, b)
#define Q8RT_F32_NEON_MLA_LANE(acc, b, va, lane) vfmaq_laneq_f32(acc, b, va, lane)
#define Q8RT_F32_NEON_KBLOCK 4
#else
#define Q8RT_F32_NEON_MLA(acc, a, b) vmlaq_f32(acc, a, b)
#define Q8RT_F32_NEON_MLA_LANE(acc, b, va, lane) vmlaq_lane_f32(acc, b, va, lane)
#define Q8RT_F32_NEON_KBLOCK 2
#endif

#define Q8RT_F32_NEON_CLAMP(v, vmin, vmax) v = vminq_f32(vmaxq_f32(v, vmin), vmax)
