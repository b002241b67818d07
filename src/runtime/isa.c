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
static const struct q8rt_kernels sse41_kernels = {
  .name = "sse41",
  .isa = Q8RT_ISA_SSE41,
  .mr = 3,
  .nr = 4,
  .gemm = q8rt_q8gemm_ukernel_3x4c8__sse41,
  .conv = q8rt_q8conv_ukernel_3x4c8__sse41,
  .dwconv = q8rt_q8dwconv_ukernel_up16x9__sse41,
  .vadd = q8rt_q8vadd_ukernel__sse41,
  .avgpool = q8rt_q8avgpool_ukernel__sse41,
  .f32_mr = 4,
  .f32_nr = 8,
  .f32gemm = q8rt_f32gemm_ukernel_4x8__sse,
  .f32gemm1 = q8rt_f32gemm_ukernel_1x8__sse,
  .f32conv = q8rt_f32conv_ukernel_4x8__sse,
  .f32dwconv = q8rt_f32dwconv_ukernel_up16x9__sse,
  .f32vadd = q8rt_f32vadd_ukernel__sse,
  .f32avgpool = q8rt_f32avgpool_ukernel__sse,
};

/* AVX2 + FMA: fp32 kernels; the int8 kernels are the SSE4.1 ones until AVX2 int8 kernels exist. */
static const struct q8rt_kernels avx2_kernels = {
  .name = "avx2",
  .isa = Q8RT_ISA_AVX2,
  .mr = 3,
  .nr = 4,
  .gemm = q8rt_q8gemm_ukernel_3x4c8__sse41,
  .conv = q8rt_q8conv_ukernel_3x4c8__sse41,
  .dwconv = q8rt_q8dwconv_ukernel_up16x9__sse41,
  .vadd = q8rt_q8vadd_ukernel__sse41,
  .avgpool = q8rt_q8avgpool_ukernel__sse41,
  .f32_mr = 6,
  .f32_nr = 16,
  .f32gemm = q8rt_f32gemm_ukernel_6x16__avx2,
  .f32gemm1 = q8rt_f32gemm_ukernel_1x16__avx2,
  .f32conv = q8rt_f32conv_ukernel_6x16__avx2,
  .f32dwconv = q8rt_f32dwconv_ukernel_up16x9__avx2,
  .f32vadd = q8rt_f32vadd_ukernel__avx2,
  .f32avgpool = q8rt_f32avgpool_ukernel__avx2,
};
#endif

static bool cpu_has(q8rt_isa isa) {
  switch (isa) {
    case Q8RT_ISA_SCALAR: return true;
#ifdef Q8RT_HAVE_X86
    case Q8RT_ISA_SSE41: return cpuinfo_initialize() && cpuinfo_has_x86_sse4_1();
    case Q8RT_ISA_AVX2:
      return cpuinfo_initialize() && cpuinfo_has_x86_sse4_1() && cpuinfo_has_x86_avx2() && cpuinfo_has_x86_fma3();
#endif
    default: return false;
  }
}

static const struct q8rt_kernels* kernels_for(q8rt_isa isa) {
  switch (isa) {
#ifdef Q8RT_HAVE_X86
    case Q8RT_ISA_SSE41: return &sse41_kernels;
    case Q8RT_ISA_AVX2: return &avx2_kernels;
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
      else return q8rt_error(Q8RT_ERROR_UNSUPPORTED, "Q8RT_ISA=%s: expected auto, scalar, sse41 or avx2", env);
    }
  }
  if (requested == Q8RT_ISA_AUTO) {
    static const q8rt_isa preference[] = {Q8RT_ISA_AVX2, Q8RT_ISA_SSE41, Q8RT_ISA_SCALAR};
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
