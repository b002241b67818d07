/*
 * q8rt fp32 micro-kernel parameters and packed layouts (the FP32 precision path, docs/arithmetic.md, "fp32").
 *
 * Packed fp32 weights are made from the raw uint8 weights and int32 biases (src/pack/packers.c), once per model
 * and panel width.
 *
 * f32 GEMM panels (f32gemm / f32conv, NR = the kernel's tile width: 8 for the 4x8 / 1x8 kernels, 16 for
 * 6x16 / 1x16, 32 for 8x32 / 1x32): the N output channels are split into panels of NR (the last one padded
 * with zeros). Each panel holds
 *     float bias[NR]
 *     float w[ks][kc][NR]       w[t][k][j] = weight of output channel n0 + j, tap t, input channel k
 *   (NR + ks * kc * NR floats, a multiple of 32 bytes, so every panel stays 32-byte aligned when the
 *   first one is; 64-byte aligned for NR >= 16).
 *
 * f32 depthwise 3x3 tiles (f32dwconv, CR = Q8RT_F32_DW_CR = 16): channels split into tiles of 16 (the last
 * padded with zeros), each holding
 *     float bias[CR]
 *     float w[9][CR]            tap t = kx * 3 + ky (column-major taps, like the int8 layout and the
 *                               indirection buffer)
 *   (160 floats = 640 bytes per tile).
 *
 * Every float activation handed to a kernel has Q8RT_F32_EXTRA_FLOATS readable floats after its end (the
 * arena slack), so kernels may load whole vectors past the last channel; extra lanes are discarded.
 *
 * Kernel files include only <stddef.h>, <stdint.h>, intrinsics headers and q8rt kernel headers.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define Q8RT_F32_DW_CR 16
#define Q8RT_F32_DW_TAPS 9
#define Q8RT_F32_EXTRA_FLOATS 16

/* Output clamp: y = min(max(y, min), max). No clamp: min = -inf, max = +inf. */
struct q8rt_f32_minmax_params {
  float min;
  float max;
};

/* Average pooling: y = clamp(sum * multiplier, min, max), multiplier = 1 / pooling size. */
struct q8rt_f32_avgpool_params {
  float multiplier;
  float min;
  float max;
};
