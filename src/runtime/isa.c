#include "isa.h"

#include <cpuinfo.h>
#include <stdlib.h>
#include <string.h>

#include "../common/common.h"

static const struct q8rt_kernels scalar_kernels = {
  .name = "scalar",
  .isa = Q8RT_ISA_SCALAR,
  .mr = 3,
  .nr = 4,
  .gemm = q8rt_q8gemm_ukernel_3x4c8__scalar,
  .conv = q8rt_q8conv_ukernel_3x4c8__scalar,
  .gemmn = q8rt_q8gemm_ukernel_3x4c8n__scalar,
  .gemv = q8rt_q8gemm_ukernel_1x4c8n__scalar,
  .convtp = q8rt_q8conv_ukernel_3x4c8tp__scalar,
  .dwconv = q8rt_q8dwconv_ukernel_up16x9__scalar,
  .vadd = q8rt_q8vadd_ukernel__scalar,
  .avgpool = q8rt_q8avgpool_ukernel__scalar,
  .f32_mr = 4,
  .f32_nr = 8,
  .f32gemm = q8rt_f32gemm_ukernel_4x8__scalar,
  .f32gemm1 = q8rt_f32gemm_ukernel_1x8__scalar,
  .f32conv = q8rt_f32conv_ukernel_4x8__scalar,
  .f32dwconv = q8rt_f32dwconv_ukernel_up16x9__scalar,
  .f32vadd = q8rt_f32vadd_ukernel__scalar,
  .f32avgpool = q8rt_f32avgpool_ukernel__scalar,
};

#if defined(__x86_64__) || defined(__i386__)
#define Q8RT_HAVE_X86 1

/* Kernel sets shared by several x86 tables. */
#define Q8RT_INT8_SSE41_GEMM                                                                                  \
  .mr = 3, .nr = 4, .gemm = q8rt_q8gemm_ukernel_3x4c8__sse41, .conv = q8rt_q8conv_ukernel_3x4c8__sse41,       \
  .gemmn = q8rt_q8gemm_ukernel_3x4c8n__sse41, .gemv = q8rt_q8gemm_ukernel_1x4c8n__sse41,                      \
  .convtp = q8rt_q8conv_ukernel_3x4c8tp__sse41
#define Q8RT_INT8_SSE41_ELEMENTWISE .vadd = q8rt_q8vadd_ukernel__sse41, .avgpool = q8rt_q8avgpool_ukernel__sse41
#define Q8RT_INT8_AVX2_GEMM                                                                                   \
  .mr = 3, .nr = 4, .gemm = q8rt_q8gemm_ukernel_3x4c8__avx2, .conv = q8rt_q8conv_ukernel_3x4c8__avx2,         \
  .gemmn = q8rt_q8gemm_ukernel_3x4c8n__avx2, .gemv = q8rt_q8gemm_ukernel_1x4c8n__avx2,                        \
  .convtp = q8rt_q8conv_ukernel_3x4c8tp__avx2
#define Q8RT_INT8_AVX2_ELEMENTWISE .vadd = q8rt_q8vadd_ukernel__avx2, .avgpool = q8rt_q8avgpool_ukernel__sse41
#define Q8RT_F32_AVX512                                                                                       \
  .f32_mr = 8, .f32_nr = 32, .f32gemm = q8rt_f32gemm_ukernel_8x32__avx512,                                  \
  .f32gemm1 = q8rt_f32gemm_ukernel_1x32__avx512, .f32conv = q8rt_f32conv_ukernel_8x32__avx512,               \
  .f32dwconv = q8rt_f32dwconv_ukernel_up16x9__avx512, .f32vadd = q8rt_f32vadd_ukernel__avx2,                  \
  .f32avgpool = q8rt_f32avgpool_ukernel__avx2

static const struct q8rt_kernels sse41_kernels = {
  .name = "sse41",
  .isa = Q8RT_ISA_SSE41,
  Q8RT_INT8_SSE41_GEMM,
  .dwconv = q8rt_q8dwconv_ukernel_up16x9__sse41,
  Q8RT_INT8_SSE41_ELEMENTWISE,
  .f32_mr = 4,
  .f32_nr = 8,
  .f32gemm = q8rt_f32gemm_ukernel_4x8__sse,
  .f32gemm1 = q8rt_f32gemm_ukernel_1x8__sse,
  .f32conv = q8rt_f32conv_ukernel_4x8__sse,
  .f32dwconv = q8rt_f32dwconv_ukernel_up16x9__sse,
  .f32vadd = q8rt_f32vadd_ukernel__sse,
  .f32avgpool = q8rt_f32avgpool_ukernel__sse,
};

/* AVX2 + FMA: fp32 kernels and AVX2 int8 kernels on the same packed layouts (3x4c8 GEMM / conv, the
 * multi-panel 3x4c8n / 1x4c8n GEMMs, the tap-pair conv 3x4c8tp, depthwise, add); average pooling stays SSE4.1. */
static const struct q8rt_kernels avx2_kernels = {
  .name = "avx2",
  .isa = Q8RT_ISA_AVX2,
  Q8RT_INT8_AVX2_GEMM,
  .dwconv = q8rt_q8dwconv_ukernel_up16x9__avx2,
  Q8RT_INT8_AVX2_ELEMENTWISE,
  .f32_mr = 6,
  .f32_nr = 16,
  .f32gemm = q8rt_f32gemm_ukernel_6x16__avx2,
  .f32gemm1 = q8rt_f32gemm_ukernel_1x16__avx2,
  .f32conv = q8rt_f32conv_ukernel_6x16__avx2,
  .f32dwconv = q8rt_f32dwconv_ukernel_up16x9__avx2,
  .f32vadd = q8rt_f32vadd_ukernel__avx2,
  .f32avgpool = q8rt_f32avgpool_ukernel__avx2,
};

/* AVX-512F without VNNI: fp32 GEMM / conv 8x32 tiles (panels of 32 floats) and depthwise, fp32 vadd / avgpool
 * as AVX2; int8 as the AVX2 table. */
static const struct q8rt_kernels avx512_kernels = {
  .name = "avx512",
  .isa = Q8RT_ISA_AVX512,
  Q8RT_INT8_AVX2_GEMM,
  .dwconv = q8rt_q8dwconv_ukernel_up16x9__avx2,
  Q8RT_INT8_AVX2_ELEMENTWISE,
  Q8RT_F32_AVX512,
};

/* AVX-512 VNNI: convolution / fully connected GEMMs on vpdpbusd kernels, depthwise up64x9 (64-channel blocks on
 * vpdpbusd, 16-channel tiles on vpermt2b + vpdpwssd), both on weights repacked at session creation; add on the
 * AVX2 kernel, avgpool SSE4.1 (the blob-layout GEMMs below are the AVX2 ones, unused while the VNNI kernels are
 * set); fp32 as the AVX-512 table. */
static const struct q8rt_kernels avx512vnni_kernels = {
  .name = "avx512vnni",
  .isa = Q8RT_ISA_AVX512VNNI,
  Q8RT_INT8_AVX2_GEMM,
  .vnni_mr = 8,
  .gemm_vnni = q8rt_q8gemm_ukernel_8x32c4n__avx512vnni,
  .gemv_vnni = q8rt_q8gemm_ukernel_1x64c4n__avx512vnni,
  .conv_vnni = q8rt_q8conv_ukernel_8x32c4__avx512vnni,
  .dwconv = q8rt_q8dwconv_ukernel_up64x9__avx512vnni,
  .dwconv_vnni_layout = true,
  Q8RT_INT8_AVX2_ELEMENTWISE,
  Q8RT_F32_AVX512,
};
#endif

#if defined(__aarch64__) || (defined(__arm__) && !defined(__aarch64__))
/* ARM: the NEON int8 and fp32 kernels (aarch64 files on arm64, armv7 -mfpu=neon files on 32-bit ARM, which
 * are only called when cpuinfo reports NEON). fp32: 4x8 / 1x8 tiles on the 8-float panels of the scalar and
 * SSE kernels (fmla on aarch64, vmla.f32 on armv7), depthwise up16x9, vadd and avgpool. */
#define Q8RT_HAVE_NEON 1
#if defined(__aarch64__)
#define Q8RT_NEON_UKERNEL(family, tile) q8rt_##family##_ukernel_##tile##__aarch64_neon
#define Q8RT_NEON_UKERNEL0(family) q8rt_##family##_ukernel__aarch64_neon
#else
#define Q8RT_NEON_UKERNEL(family, tile) q8rt_##family##_ukernel_##tile##__aarch32_neon
#define Q8RT_NEON_UKERNEL0(family) q8rt_##family##_ukernel__aarch32_neon
#endif
static const struct q8rt_kernels neon_kernels = {
  .name = "neon",
  .isa = Q8RT_ISA_NEON,
  .mr = 3,
  .nr = 4,
  .gemm = Q8RT_NEON_UKERNEL(q8gemm, 3x4c8),
  .conv = Q8RT_NEON_UKERNEL(q8conv, 3x4c8),
  .dwconv = Q8RT_NEON_UKERNEL(q8dwconv, up16x9),
  .vadd = Q8RT_NEON_UKERNEL0(q8vadd),
  .avgpool = Q8RT_NEON_UKERNEL0(q8avgpool),
  .f32_mr = 4,
  .f32_nr = 8,
  .f32gemm = Q8RT_NEON_UKERNEL(f32gemm, 4x8),
  .f32gemm1 = Q8RT_NEON_UKERNEL(f32gemm, 1x8),
  .f32conv = Q8RT_NEON_UKERNEL(f32conv, 4x8),
  .f32dwconv = Q8RT_NEON_UKERNEL(f32dwconv, up16x9),
  .f32vadd = Q8RT_NEON_UKERNEL0(f32vadd),
  .f32avgpool = Q8RT_NEON_UKERNEL0(f32avgpool),
};
#endif

static bool cpu_has(q8rt_isa isa) {
  switch (isa) {
    case Q8RT_ISA_SCALAR: return true;
#ifdef Q8RT_HAVE_X86
    case Q8RT_ISA_SSE41: return cpuinfo_initialize() && cpuinfo_has_x86_sse4_1();
    case Q8RT_ISA_AVX2:
      return cpuinfo_initialize() && cpuinfo_has_x86_sse4_1() && cpuinfo_has_x86_avx2() && cpuinfo_has_x86_fma3();
    case Q8RT_ISA_AVX512:
      return cpuinfo_initialize() && cpuinfo_has_x86_sse4_1() && cpuinfo_has_x86_avx2() && cpuinfo_has_x86_fma3() &&
             cpuinfo_has_x86_avx512f();
    case Q8RT_ISA_AVX512VNNI:
      return cpu_has(Q8RT_ISA_AVX512) && cpuinfo_has_x86_avx512bw() && cpuinfo_has_x86_avx512vl() &&
             cpuinfo_has_x86_avx512vnni() && cpuinfo_has_x86_avx512vbmi();
#endif
#ifdef Q8RT_HAVE_NEON
    case Q8RT_ISA_NEON: return cpuinfo_initialize() && cpuinfo_has_arm_neon();
#endif
    default: return false;
  }
}

static const struct q8rt_kernels* kernels_for(q8rt_isa isa) {
  switch (isa) {
#ifdef Q8RT_HAVE_X86
    case Q8RT_ISA_SSE41: return &sse41_kernels;
    case Q8RT_ISA_AVX2: return &avx2_kernels;
    case Q8RT_ISA_AVX512: return &avx512_kernels;
    case Q8RT_ISA_AVX512VNNI: return &avx512vnni_kernels;
#endif
#ifdef Q8RT_HAVE_NEON
    case Q8RT_ISA_NEON: return &neon_kernels;
#endif
    case Q8RT_ISA_SCALAR: return &scalar_kernels;
    default: return NULL;
  }
}

static const char* isa_name(q8rt_isa isa) {
  switch (isa) {
    case Q8RT_ISA_SCALAR: return "scalar";
    case Q8RT_ISA_SSE41: return "sse41";
    case Q8RT_ISA_AVX2: return "avx2";
    case Q8RT_ISA_AVX512: return "avx512";
    case Q8RT_ISA_AVX512VNNI: return "avx512vnni";
    case Q8RT_ISA_NEON: return "neon";
    default: return "auto";
  }
}

q8rt_status q8rt_kernels_select(q8rt_isa requested, const struct q8rt_kernels** kernels) {
  if (requested == Q8RT_ISA_AUTO) {
    const char* env = getenv("Q8RT_ISA");
    if (env != NULL && *env != '\0' && strcmp(env, "auto") != 0) {
      if (strcmp(env, "scalar") == 0) requested = Q8RT_ISA_SCALAR;
      else if (strcmp(env, "sse41") == 0) requested = Q8RT_ISA_SSE41;
      else if (strcmp(env, "avx2") == 0) requested = Q8RT_ISA_AVX2;
      else if (strcmp(env, "avx512") == 0) requested = Q8RT_ISA_AVX512;
      else if (strcmp(env, "avx512vnni") == 0) requested = Q8RT_ISA_AVX512VNNI;
      else if (strcmp(env, "neon") == 0) requested = Q8RT_ISA_NEON;
      else return q8rt_error(Q8RT_ERROR_UNSUPPORTED, "Q8RT_ISA=%s: expected auto, scalar, sse41, avx2, avx512, avx512vnni or neon",
                             env);
    }
  }
  if (requested == Q8RT_ISA_AUTO) {
    static const q8rt_isa preference[] = {Q8RT_ISA_AVX512VNNI, Q8RT_ISA_AVX512, Q8RT_ISA_AVX2, Q8RT_ISA_SSE41, Q8RT_ISA_NEON,
                                             Q8RT_ISA_SCALAR};
    for (size_t i = 0; i < sizeof preference / sizeof preference[0]; i++) {
      if (kernels_for(preference[i]) != NULL && cpu_has(preference[i])) {
        *kernels = kernels_for(preference[i]);
        return Q8RT_OK;
      }
    }
  }
  if (kernels_for(requested) == NULL || !cpu_has(requested)) {
    return q8rt_error(Q8RT_ERROR_UNSUPPORTED, "instruction set %s is not available on this CPU or build",
                      isa_name(requested));
  }
  *kernels = kernels_for(requested);
  return Q8RT_OK;
}
