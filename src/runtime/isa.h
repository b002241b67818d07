/* Instruction-set dispatch: the one place that picks micro-kernels (through cpuinfo). */
#pragma once

#include "../../kernels/q8avgpool/q8avgpool.h"
#include "../../kernels/q8conv/q8conv.h"
#include "../../kernels/q8dwconv/q8dwconv.h"
#include "../../kernels/q8gemm/q8gemm.h"
#include "../../kernels/q8vadd/q8vadd.h"
#include "q8rt.h"

struct q8rt_kernels {
  const char* name;
  q8rt_isa isa;
  uint32_t mr, nr;                 /* GEMM / conv tile */
  q8rt_q8gemm_ukernel_fn gemm;
  q8rt_q8conv_ukernel_fn conv;
  q8rt_q8dwconv_ukernel_fn dwconv;
  q8rt_q8vadd_ukernel_fn vadd;
  q8rt_q8avgpool_ukernel_fn avgpool;
};

/* Picks the kernels for `requested` (AUTO: the Q8RT_ISA environment variable if set, else the best the
 * CPU supports). Errors: UNSUPPORTED (CPU lacks the ISA, or unknown Q8RT_ISA value). */
q8rt_status q8rt_kernels_select(q8rt_isa requested, const struct q8rt_kernels** kernels);
