/* Instruction-set dispatch: the one place that picks micro-kernels (through cpuinfo). */
#pragma once

#include <stdbool.h>

#include "../../kernels/q8avgpool/q8avgpool.h"
#include "../../kernels/q8conv/q8conv.h"
#include "../../kernels/q8dwconv/q8dwconv.h"
#include "../../kernels/q8gemm/q8gemm.h"
#include "../../kernels/q8vadd/q8vadd.h"
#include "../../kernels/f32avgpool/f32avgpool.h"
#include "../../kernels/f32conv/f32conv.h"
#include "../../kernels/f32dwconv/f32dwconv.h"
#include "../../kernels/f32gemm/f32gemm.h"
#include "../../kernels/f32vadd/f32vadd.h"
#include "q8rt.h"

struct q8rt_kernels {
  const char* name;
  q8rt_isa isa;
  uint32_t mr, nr;                 /* GEMM / conv tile */
  q8rt_q8gemm_ukernel_fn gemm;
  q8rt_q8conv_ukernel_fn conv;
  /* Optional (NULL: the driver loops .gemm over panels): the same GEMM over any number of columns per
   * call (kernels/q8gemm/q8gemm.h multi-panel variants), for mr-row tiles and for GEMMs with few rows. */
  q8rt_q8gemm_ukernel_fn gemmn;
  q8rt_q8gemm_ukernel_fn gemv;
  /* Optional: convolution with kc <= Q8RT_Q8CONV_TP_MAX_KC on tap-pair weights repacked at setup
   * (Q8RT_LAYOUT_GEMM_TAP_PAIRS), any number of columns per call (kernels/q8conv/q8conv.h). */
  q8rt_q8conv_ukernel_fn convtp;
  /* Optional AVX-512 VNNI path (NULL: unused): 1x1 convolution / fully connected GEMMs on Q8RT_LAYOUT_GEMM_VNNI
   * weights repacked at session creation (src/pack/pack_vnni.h, src/ops/gemm_vnni.c). gemm_vnni: multi-panel,
   * vnni_mr rows; gemv_vnni: GEMV-style (any rows, one at a time), for GEMMs with fewer than vnni_mr rows. */
  uint32_t vnni_mr;
  q8rt_q8gemm_ukernel_fn gemm_vnni;
  q8rt_q8gemm_ukernel_fn gemv_vnni;
  q8rt_q8conv_ukernel_fn conv_vnni; /* indirect convolution, vnni_mr pixels per tile, any columns per call */
  q8rt_q8dwconv_ukernel_fn dwconv;
  bool dwconv_vnni_layout; /* dwconv reads Q8RT_LAYOUT_DWCONV_VNNI, repacked at session creation (pack_dw_vnni.h) */
  q8rt_q8vadd_ukernel_fn vadd;
  q8rt_q8avgpool_ukernel_fn avgpool;
  /* fp32 (Q8RT_PRECISION_FP32) */
  uint32_t f32_mr, f32_nr;         /* f32 GEMM / conv tile (and the packed panel width) */
  q8rt_f32gemm_ukernel_fn f32gemm;
  q8rt_f32gemm_ukernel_fn f32gemm1;    /* the same panels, one row (mr = 1 tiles: fully connected layers) */
  q8rt_f32conv_ukernel_fn f32conv;
  q8rt_f32dwconv_ukernel_fn f32dwconv; /* channel tile Q8RT_F32_DW_CR */
  q8rt_f32vadd_ukernel_fn f32vadd;
  q8rt_f32avgpool_ukernel_fn f32avgpool;
};

/* Picks the kernels for `requested` (AUTO: the Q8RT_ISA environment variable if set, else the best the
 * CPU supports). Errors: UNSUPPORTED (CPU lacks the ISA, or unknown Q8RT_ISA value). */
q8rt_status q8rt_kernels_select(q8rt_isa requested, const struct q8rt_kernels** kernels);
