/* Shared by the int8 kernel tests: CPU feature checks and the reference requantization, written from the
 * math (kernels/params.h), never from the kernel code. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "../../kernels/params.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuinfo.h>
#define HAVE_X86 1
#else
#define HAVE_X86 0
#endif

static inline bool has_sse41(void) {
#if HAVE_X86
  return cpuinfo_initialize() && cpuinfo_has_x86_sse4_1();
#else
  return false;
#endif
}

/* The AVX2 int8 kernels (compiled with -mavx2 -mfma, run by the avx2 table, which also requires FMA). */
static inline bool has_avx2(void) {
#if HAVE_X86
  return cpuinfo_initialize() && cpuinfo_has_x86_avx2() && cpuinfo_has_x86_fma3();
#else
  return false;
#endif
}

/* The AVX-512 VNNI int8 kernels (the avx512vnni table's requirements). */
static inline bool has_vnni(void) {
#if HAVE_X86
  return cpuinfo_initialize() && cpuinfo_has_x86_avx512f() && cpuinfo_has_x86_avx512bw() &&
         cpuinfo_has_x86_avx512vl() && cpuinfo_has_x86_avx512vnni() && cpuinfo_has_x86_avx512vbmi();
#else
  return false;
#endif
}

#if HAVE_X86
#include "../../kernels/q8requant/q8requant.h"
#endif

/* The parameters as an AVX-512 VNNI session plan hands them to its kernels (q8rt_q8requant_prepare__avx512vnni:
 * the two-FMA fp32 form where it was checked exact), in three calls out of four; the fourth keeps the integer
 * form, so that the kernel tests cover both. Only where has_vnni(). */
static inline struct q8rt_conv_params vnni_plan_params(const struct q8rt_conv_params* p, uint32_t draw) {
  struct q8rt_conv_params q = *p;
#if HAVE_X86
  if (draw % 4 != 0) q8rt_q8requant_prepare__avx512vnni(&q);
#else
  (void) draw;
#endif
  return q;
}

/* Reference requantization written from the math: q = round_half_up(acc * M / 2^31), then
 * y = q / 2^shift rounded half away from zero (ref_requantize_y), plus zero point, clamped (ref_requantize).
 * With p->single_rounding (TFLITE_SINGLE_ROUNDING): y = floor((acc * M + 2^(30 + shift)) / 2^(31 + shift)), one
 * rounding half up. */
static inline int64_t ref_requantize_y(int64_t acc, const struct q8rt_conv_params* p) {
  if (p->single_rounding) {
    const int64_t d = INT64_C(1) << (31 + p->shift);
    const int64_t num = acc * (int64_t) p->multiplier + d / 2;
    int64_t y = num / d;
    if (num % d < 0) y -= 1; /* floor division */
    return y;
  }
  const int64_t prod = acc * (int64_t) p->multiplier + (INT64_C(1) << 30);
  int64_t q = prod / (INT64_C(1) << 31);
  if (prod % (INT64_C(1) << 31) < 0) q -= 1; /* floor division */
  int64_t y;
  if (p->shift == 0) {
    y = q;
  } else {
    const int64_t mag = q < 0 ? -q : q;
    const int64_t r = (mag + (INT64_C(1) << (p->shift - 1))) / (INT64_C(1) << p->shift);
    y = q < 0 ? -r : r;
  }
  return y;
}

static inline uint8_t ref_requantize(int64_t acc, const struct q8rt_conv_params* p) {
  int64_t y = ref_requantize_y(acc, p) + p->output_zero_point;
  if (y < p->output_min) y = p->output_min;
  if (y > p->output_max) y = p->output_max;
  return (uint8_t) y;
}

