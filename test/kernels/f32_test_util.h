/* Shared helpers of the fp32 kernel tests. Tolerance: optimized kernels may use FMA (one rounding per
 * multiply-add) and sum in another order than their scalar twins, so results are compared with
 *   |got - want| <= 1e-5 * (sum of |terms| + 1)
 * where the terms are the products (and bias) summed for that output: the float rounding error of any
 * summation order is bounded by a small multiple of n * 2^-24 * sum |terms|, far below 1e-5 for these sizes. */
#pragma once

#include <math.h>
#include <stdbool.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuinfo.h>
#define F32_HAVE_X86 1
#else
#define F32_HAVE_X86 0
#endif

/* ARM: the NEON kernels of this target (aarch64 files on arm64, armv7 -mfpu=neon files on 32-bit ARM), run
 * when cpuinfo reports NEON (on armv7 they use vmla.f32, not fused: another rounding, same tolerance). */
#if defined(__aarch64__) || defined(__arm__)
#include <cpuinfo.h>
#define F32_HAVE_NEON 1
#if defined(__aarch64__)
#define F32_NEON(family, tile) q8rt_##family##_ukernel_##tile##__aarch64_neon
#define F32_NEON0(family) q8rt_##family##_ukernel__aarch64_neon
#define F32_NEON_NAME "aarch64_neon"
#else
#define F32_NEON(family, tile) q8rt_##family##_ukernel_##tile##__aarch32_neon
#define F32_NEON0(family) q8rt_##family##_ukernel__aarch32_neon
#define F32_NEON_NAME "aarch32_neon"
#endif
#else
#define F32_HAVE_NEON 0
#endif

static inline bool f32_has_neon(void) {
#if F32_HAVE_NEON
  return cpuinfo_initialize() && cpuinfo_has_arm_neon();
#else
  return false;
#endif
}

static inline bool f32_has_sse(void) {
#if F32_HAVE_X86
  return cpuinfo_initialize() && cpuinfo_has_x86_sse2();
#else
  return false;
#endif
}

static inline bool f32_has_avx2(void) {
#if F32_HAVE_X86
  return cpuinfo_initialize() && cpuinfo_has_x86_avx2() && cpuinfo_has_x86_fma3();
#else
  return false;
#endif
}

static inline bool f32_has_avx512(void) {
#if F32_HAVE_X86
  return cpuinfo_initialize() && cpuinfo_has_x86_avx512f() && cpuinfo_has_x86_fma3();
#else
  return false;
#endif
}

static inline bool f32_close(float got, double want, double abs_terms) {
  return fabs((double) got - want) <= 1e-5 * (abs_terms + 1.0);
}

/* Sentinel for bytes that must not be written. */
#define F32_SENTINEL (-12345.678f)
