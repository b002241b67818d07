/* Kernel configurations (docs/design.md "Kernel configs"), in the manner of XNNPACK's xnn_gemm_config: one
 * struct per micro-kernel family with its tile sizes, the packer that builds its weight layout from the blob's
 * raw tensors, the packed-size function and the kernels. The dispatch table (src/runtime/isa.c) is the only
 * place that names instruction sets; operators ask their configuration and run whatever it holds. A new kernel
 * shape is a new configuration (kernel files, packer, table entry): no operator and no file format changes. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "../../kernels/f32avgpool/f32avgpool.h"
#include "../../kernels/f32conv/f32conv.h"
#include "../../kernels/f32dwconv/f32dwconv.h"
#include "../../kernels/f32gemm/f32gemm.h"
#include "../../kernels/f32vadd/f32vadd.h"
#include "../../kernels/q8avgpool/q8avgpool.h"
#include "../../kernels/q8conv/q8conv.h"
#include "../../kernels/q8dwconv/q8dwconv.h"
#include "../../kernels/q8gemm/q8gemm.h"
#include "../../kernels/q8requant/q8requant.h"
#include "../../kernels/q8vadd/q8vadd.h"
#include "../pack/packers.h"
#include "q8rt.h"

/* How the GEMM driver splits an m x n product into thread-pool tasks (the arithmetic of an output never
 * depends on it). */
enum q8rt_gemm_split {
  /* mr-row tiles x all columns when there are at least 4 tiles per thread, else column blocks of whole panels;
   * per-panel calls when the configuration has no multi-panel kernel */
  Q8RT_SPLIT_ROW_TILES = 0,
  /* blocks of whole mr-row tiles (about 8 tasks per thread), or mr rows x column blocks of 32 when the rows are
   * few; always multi-panel kernels */
  Q8RT_SPLIT_ROW_BLOCKS = 1,
};

/* int8 GEMM (1x1 convolution, fully connected) and indirect convolution on one packed layout. */
struct q8rt_gemm_config {
  const char* name;                 /* tile name, e.g. "3x4c8" (diagnostics) */
  uint32_t mr;                      /* rows (pixels) per micro-tile; also the indirection buffer's pointers per tap */
  uint32_t nr;                      /* columns per packed panel */
  uint32_t kr;                      /* k per packed block */
  q8rt_packed_size_fn packed_size;
  q8rt_pack_fn pack;
  /* gemm: mr rows x at most nr columns (one panel); gemmn: mr rows x any columns (consecutive panels); gemv: any
   * rows one at a time x any columns, for products with fewer rows than mr, in column blocks of gemv_nc. A
   * configuration has gemm or gemmn (or both). */
  q8rt_q8gemm_ukernel_fn gemm, gemmn, gemv;
  uint32_t gemv_nc;
  /* gemmn_rows: gemmn takes any number of rows per call (it loops over its mr-row blocks itself, with the
   * requantization setup once per call): the driver passes a task's rows in one call instead of one call per mr
   * rows. */
  bool gemmn_rows;
  /* igemm: indirect convolution, one panel per call; igemmn: any columns per call. At least one of them, unless
   * the configuration is only a kernel table's gemm with a separate conv configuration (struct q8rt_kernels). */
  q8rt_q8conv_ukernel_fn igemm, igemmn;
  enum q8rt_gemm_split split;
  /* Applicability (0: any): convolutions with kc <= max_kc and min_ks <= ks <= max_ks (small-kc tap layouts). */
  uint32_t max_kc, min_ks, max_ks;
  /* Optional: fills the kernels' own fields of an op's requantization parameters, once per session plan (AVX-512
   * VNNI: q8rt_q8requant_prepare__avx512vnni, whether its fp32 form is exact for them). */
  void (*prepare_params)(struct q8rt_conv_params* params);
};

/* int8 depthwise 3x3. */
struct q8rt_dwconv_config {
  const char* name;
  uint32_t cr;                      /* channels per packed tile */
  q8rt_packed_size_fn packed_size;
  q8rt_pack_fn pack;
  q8rt_q8dwconv_ukernel_fn ukernel;
  void (*prepare_params)(struct q8rt_conv_params* params); /* optional, as struct q8rt_gemm_config's */
};

/* fp32 GEMM / indirect convolution (panels of nr floats). */
struct q8rt_f32_gemm_config {
  const char* name;
  uint32_t mr, nr;
  q8rt_packed_size_fn packed_size;
  q8rt_pack_fn pack;
  q8rt_f32gemm_ukernel_fn gemm;     /* mr rows x nr columns */
  q8rt_f32gemm_ukernel_fn gemm1;    /* one row x nr columns (the same panels) */
  q8rt_f32conv_ukernel_fn igemm;
};

struct q8rt_f32_dwconv_config {
  const char* name;
  q8rt_packed_size_fn packed_size;
  q8rt_pack_fn pack;
  q8rt_f32dwconv_ukernel_fn ukernel;
};

/* What a session runs: picked once per session by q8rt_kernels_select (src/runtime/isa.c). */
struct q8rt_kernels {
  const char* name;
  q8rt_isa isa;
  const struct q8rt_gemm_config* gemm;          /* int8 fc, 1x1 conv (stride 1, no padding), and other convs
                                                   when conv is NULL */
  const struct q8rt_gemm_config* conv;          /* optional: indirect convolutions (any other conv) */
  const struct q8rt_gemm_config* conv_small_kc; /* optional: preferred for convolutions it applies to */
  const struct q8rt_dwconv_config* dwconv;
  q8rt_q8vadd_ukernel_fn vadd;
  q8rt_q8vadd_tflite_ukernel_fn vadd_tflite; /* TFLite uint8 ADD (kernels/q8vadd/q8vadd.h) */
  /* Optional: vadd_tflite's per-plan state (vadd_tflite_state_bytes, 64-byte aligned), made once per session plan;
   * the plan's copy of the parameters points at it (struct q8rt_tflite_add_params.prepared). */
  void (*vadd_tflite_prepare)(const struct q8rt_tflite_add_params* params, void* state);
  size_t vadd_tflite_state_bytes;
  q8rt_q8avgpool_ukernel_fn avgpool;
  q8rt_q8avgpool_tflite_ukernel_fn avgpool_tflite; /* TFLite AVERAGE_POOL_2D (kernels/q8avgpool/q8avgpool.h) */
  const struct q8rt_f32_gemm_config* f32gemm;
  const struct q8rt_f32_dwconv_config* f32dwconv;
  q8rt_f32vadd_ukernel_fn f32vadd;
  q8rt_f32avgpool_ukernel_fn f32avgpool;
};
