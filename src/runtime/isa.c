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
};
#endif

static bool cpu_has(q8rt_isa isa) {
  switch (isa) {
    case Q8RT_ISA_SCALAR: return true;
#ifdef Q8RT_HAVE_X86
    case Q8RT_ISA_SSE41: return cpuinfo_initialize() && cpuinfo_has_x86_sse4_1();
#endif
    default: return false;
  }
}

static const struct q8rt_kernels* kernels_for(q8rt_isa isa) {
  switch (isa) {
#ifdef Q8RT_HAVE_X86
    case Q8RT_ISA_SSE41: return &sse41_kernels;
#endif
    case Q8RT_ISA_SCALAR: return &scalar_kernels;
    default: return NULL;
  }
}

static const char* isa_name(q8rt_isa isa) {
  switch (isa) {
    case Q8RT_ISA_SCALAR: return "scalar";
    case Q8RT_ISA_SSE41: return "sse41";
    default: return "auto";
  }
}

q8rt_status q8rt_kernels_select(q8rt_isa requested, const struct q8rt_kernels** kernels) {
  if (requested == Q8RT_ISA_AUTO) {
    const char* env = getenv("Q8RT_ISA");
    if (env != NULL && *env != '\0' && strcmp(env, "auto") != 0) {
      if (strcmp(env, "scalar") == 0) requested = Q8RT_ISA_SCALAR;
      else if (strcmp(env, "sse41") == 0) requested = Q8RT_ISA_SSE41;
      else return q8rt_error(Q8RT_ERROR_UNSUPPORTED, "Q8RT_ISA=%s: expected auto, scalar or sse41", env);
    }
  }
  if (requested == Q8RT_ISA_AUTO) {
    static const q8rt_isa preference[] = {Q8RT_ISA_SSE41, Q8RT_ISA_SCALAR};
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
