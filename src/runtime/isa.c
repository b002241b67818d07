#include "isa.h"

#include <cpuinfo.h>
#include <stdlib.h>
#include <string.h>

#if defined(__aarch64__) && (defined(__linux__) || defined(__ANDROID__))
#include <sys/auxv.h>
#ifndef HWCAP2_I8MM
#define HWCAP2_I8MM (1UL << 13) /* aarch64 Linux / Android; absent from older libc headers */
#endif
#endif

#include "../common/common.h"

/* ---- configurations: one per micro-kernel family and packed layout ---- */

/* int8 GEMM / conv on Q8RT_LAYOUT_GEMM (4-column panels of int16 w - kzp, rotated c8 blocks): 3x4 tiles. */
#define Q8RT_GEMM_3X4C8(isa_suffix, multi)                                                                    \
  {                                                                                                           \
    .name = "3x4c8", .mr = 3, .nr = 4, .kr = 8, .packed_size = q8rt_packed_size_gemm_4x8,                     \
    .pack = q8rt_pack_gemm_4x8, .gemm = q8rt_q8gemm_ukernel_3x4c8__##isa_suffix,                             \
    .gemmn = multi ? q8rt_q8gemm_ukernel_3x4c8n__##isa_suffix : NULL,                                         \
    .gemv = multi ? q8rt_q8gemm_ukernel_1x4c8n__##isa_suffix : NULL, .gemv_nc = 4,                            \
    .igemm = q8rt_q8conv_ukernel_3x4c8__##isa_suffix, .split = Q8RT_SPLIT_ROW_TILES,                           \
  }
/* int8 conv with kc <= 4 on Q8RT_LAYOUT_GEMM_TAP_PAIRS (two taps per 8-k block), any columns per call. */
#define Q8RT_GEMM_3X4C8TP(isa_suffix)                                                                         \
  {                                                                                                           \
    .name = "3x4c8tp", .mr = 3, .nr = 4, .kr = 8, .packed_size = q8rt_packed_size_gemm_tap_pairs,             \
    .pack = q8rt_pack_gemm_tap_pairs, .igemmn = q8rt_q8conv_ukernel_3x4c8tp__##isa_suffix,                    \
    .split = Q8RT_SPLIT_ROW_TILES, .max_kc = Q8RT_Q8CONV_TP_MAX_KC, .min_ks = 2, .max_ks = Q8RT_Q8CONV_TP_MAX_KS, \
  }
#define Q8RT_DWCONV_UP16X9(isa_suffix)                                                                        \
  {                                                                                                           \
    .name = "up16x9", .cr = 16, .packed_size = q8rt_packed_size_dw_16, .pack = q8rt_pack_dw_16,               \
    .ukernel = q8rt_q8dwconv_ukernel_up16x9__##isa_suffix,                                                     \
  }
#define Q8RT_F32_GEMM(tile, mr_, nr_, tile1, isa_suffix)                                                       \
  {                                                                                                           \
    .name = #tile, .mr = mr_, .nr = nr_, .packed_size = q8rt_packed_size_f32_gemm_##nr_,                       \
    .pack = q8rt_pack_f32_gemm_##nr_, .gemm = q8rt_f32gemm_ukernel_##tile##__##isa_suffix,                     \
    .gemm1 = q8rt_f32gemm_ukernel_##tile1##__##isa_suffix, .igemm = q8rt_f32conv_ukernel_##tile##__##isa_suffix, \
  }
#define Q8RT_F32_DWCONV(isa_suffix)                                                                           \
  {                                                                                                           \
    .name = "up16x9", .packed_size = q8rt_packed_size_f32_dw, .pack = q8rt_pack_f32_dw_src,                    \
    .ukernel = q8rt_f32dwconv_ukernel_up16x9__##isa_suffix,                                                    \
  }

static const struct q8rt_gemm_config gemm_3x4c8_scalar = Q8RT_GEMM_3X4C8(scalar, 1);
static const struct q8rt_gemm_config gemm_3x4c8tp_scalar = Q8RT_GEMM_3X4C8TP(scalar);
static const struct q8rt_dwconv_config dwconv_up16x9_scalar = Q8RT_DWCONV_UP16X9(scalar);
static const struct q8rt_f32_gemm_config f32gemm_4x8_scalar = Q8RT_F32_GEMM(4x8, 4, 8, 1x8, scalar);
static const struct q8rt_f32_dwconv_config f32dwconv_scalar = Q8RT_F32_DWCONV(scalar);

static const struct q8rt_kernels scalar_kernels = {
  .name = "scalar",
  .isa = Q8RT_ISA_SCALAR,
  .gemm = &gemm_3x4c8_scalar,
  .conv_small_kc = &gemm_3x4c8tp_scalar,
  .dwconv = &dwconv_up16x9_scalar,
  .vadd = q8rt_q8vadd_ukernel__scalar,
  .vadd_tflite = q8rt_q8vadd_tflite_ukernel__scalar,
  .avgpool = q8rt_q8avgpool_ukernel__scalar,
  .avgpool_tflite = q8rt_q8avgpool_tflite_ukernel__scalar,
  .f32gemm = &f32gemm_4x8_scalar,
  .f32dwconv = &f32dwconv_scalar,
  .f32vadd = q8rt_f32vadd_ukernel__scalar,
  .f32avgpool = q8rt_f32avgpool_ukernel__scalar,
};

#if defined(__x86_64__) || defined(__i386__)
#define Q8RT_HAVE_X86 1

static const struct q8rt_gemm_config gemm_3x4c8_sse41 = Q8RT_GEMM_3X4C8(sse41, 1);
static const struct q8rt_gemm_config gemm_3x4c8tp_sse41 = Q8RT_GEMM_3X4C8TP(sse41);
static const struct q8rt_dwconv_config dwconv_up16x9_sse41 = Q8RT_DWCONV_UP16X9(sse41);
static const struct q8rt_gemm_config gemm_3x4c8_avx2 = Q8RT_GEMM_3X4C8(avx2, 1);
static const struct q8rt_gemm_config gemm_3x4c8tp_avx2 = Q8RT_GEMM_3X4C8TP(avx2);
static const struct q8rt_dwconv_config dwconv_up16x9_avx2 = Q8RT_DWCONV_UP16X9(avx2);
/* AVX-512 VNNI (vpdpbusd) on Q8RT_LAYOUT_GEMM_VNNI: 8-row tiles, 16-column panels (32 columns per step), the
 * GEMV-style 1x64 kernel for products with fewer than 8 rows; every convolution (no small-kc layout). */
static const struct q8rt_gemm_config gemm_8x32c4_avx512vnni = {
  .name = "8x32c4", .mr = 8, .nr = 16, .kr = 4, .packed_size = q8rt_packed_size_gemm_16x4,
  .pack = q8rt_pack_gemm_16x4, .gemmn = q8rt_q8gemm_ukernel_8x32c4n__avx512vnni,
  .gemv = q8rt_q8gemm_ukernel_1x64c4n__avx512vnni, .gemv_nc = 64, .igemmn = q8rt_q8conv_ukernel_8x32c4__avx512vnni,
  .split = Q8RT_SPLIT_ROW_BLOCKS, .prepare_params = q8rt_q8requant_prepare__avx512vnni,
};
/* Depthwise up64x9: 64-channel blocks on vpdpbusd, 16-channel tiles on vpermt2b + vpdpwssd
 * (Q8RT_LAYOUT_DWCONV_VNNI). */
static const struct q8rt_dwconv_config dwconv_up64x9_avx512vnni = {
  .name = "up64x9", .cr = 64, .packed_size = q8rt_packed_size_dw_64, .pack = q8rt_pack_dw_64,
  .ukernel = q8rt_q8dwconv_ukernel_up64x9__avx512vnni, .prepare_params = q8rt_q8requant_prepare__avx512vnni,
};
static const struct q8rt_f32_gemm_config f32gemm_4x8_sse = Q8RT_F32_GEMM(4x8, 4, 8, 1x8, sse);
static const struct q8rt_f32_dwconv_config f32dwconv_sse = Q8RT_F32_DWCONV(sse);
static const struct q8rt_f32_gemm_config f32gemm_6x16_avx2 = Q8RT_F32_GEMM(6x16, 6, 16, 1x16, avx2);
static const struct q8rt_f32_dwconv_config f32dwconv_avx2 = Q8RT_F32_DWCONV(avx2);
static const struct q8rt_f32_gemm_config f32gemm_8x32_avx512 = Q8RT_F32_GEMM(8x32, 8, 32, 1x32, avx512);
static const struct q8rt_f32_dwconv_config f32dwconv_avx512 = Q8RT_F32_DWCONV(avx512);

static const struct q8rt_kernels sse41_kernels = {
  .name = "sse41",
  .isa = Q8RT_ISA_SSE41,
  .gemm = &gemm_3x4c8_sse41,
  .conv_small_kc = &gemm_3x4c8tp_sse41,
  .dwconv = &dwconv_up16x9_sse41,
  .vadd = q8rt_q8vadd_ukernel__sse41,
  .vadd_tflite = q8rt_q8vadd_tflite_ukernel__sse41,
  .avgpool = q8rt_q8avgpool_ukernel__sse41,
  .avgpool_tflite = q8rt_q8avgpool_tflite_ukernel__sse41,
  .f32gemm = &f32gemm_4x8_sse,
  .f32dwconv = &f32dwconv_sse,
  .f32vadd = q8rt_f32vadd_ukernel__sse,
  .f32avgpool = q8rt_f32avgpool_ukernel__sse,
};

/* AVX2 + FMA: int8 on the same layouts as SSE4.1 (average pooling stays SSE4.1), fp32 6x16. */
static const struct q8rt_kernels avx2_kernels = {
  .name = "avx2",
  .isa = Q8RT_ISA_AVX2,
  .gemm = &gemm_3x4c8_avx2,
  .conv_small_kc = &gemm_3x4c8tp_avx2,
  .dwconv = &dwconv_up16x9_avx2,
  .vadd = q8rt_q8vadd_ukernel__avx2,
  .vadd_tflite = q8rt_q8vadd_tflite_ukernel__avx2,
  .avgpool = q8rt_q8avgpool_ukernel__sse41,
  .avgpool_tflite = q8rt_q8avgpool_tflite_ukernel__sse41,
  .f32gemm = &f32gemm_6x16_avx2,
  .f32dwconv = &f32dwconv_avx2,
  .f32vadd = q8rt_f32vadd_ukernel__avx2,
  .f32avgpool = q8rt_f32avgpool_ukernel__avx2,
};

/* AVX-512F without VNNI: int8 as AVX2; fp32 8x32 tiles and depthwise, fp32 vadd / avgpool as AVX2. */
static const struct q8rt_kernels avx512_kernels = {
  .name = "avx512",
  .isa = Q8RT_ISA_AVX512,
  .gemm = &gemm_3x4c8_avx2,
  .conv_small_kc = &gemm_3x4c8tp_avx2,
  .dwconv = &dwconv_up16x9_avx2,
  .vadd = q8rt_q8vadd_ukernel__avx2,
  .vadd_tflite = q8rt_q8vadd_tflite_ukernel__avx2,
  .avgpool = q8rt_q8avgpool_ukernel__sse41,
  .avgpool_tflite = q8rt_q8avgpool_tflite_ukernel__sse41,
  .f32gemm = &f32gemm_8x32_avx512,
  .f32dwconv = &f32dwconv_avx512,
  .f32vadd = q8rt_f32vadd_ukernel__avx2,
  .f32avgpool = q8rt_f32avgpool_ukernel__avx2,
};

/* AVX-512 VNNI: int8 conv / fc and depthwise on the VNNI configurations, TFLite ADD on vpermi2b tables; Caffe2 add
 * AVX2, avgpool SSE4.1; fp32 as the AVX-512 table. */
static const struct q8rt_kernels avx512vnni_kernels = {
  .name = "avx512vnni",
  .isa = Q8RT_ISA_AVX512VNNI,
  .gemm = &gemm_8x32c4_avx512vnni,
  .dwconv = &dwconv_up64x9_avx512vnni,
  .vadd = q8rt_q8vadd_ukernel__avx2,
  .vadd_tflite = q8rt_q8vadd_tflite_ukernel__avx512vnni,
  .vadd_tflite_prepare = q8rt_q8vadd_tflite_prepare__avx512vnni,
  .vadd_tflite_state_bytes = Q8RT_Q8VADD_TFLITE_AVX512VNNI_STATE_BYTES,
  .avgpool = q8rt_q8avgpool_ukernel__sse41,
  .avgpool_tflite = q8rt_q8avgpool_tflite_ukernel__sse41,
  .f32gemm = &f32gemm_8x32_avx512,
  .f32dwconv = &f32dwconv_avx512,
  .f32vadd = q8rt_f32vadd_ukernel__avx2,
  .f32avgpool = q8rt_f32avgpool_ukernel__avx2,
};
#endif

#if defined(__aarch64__) || (defined(__arm__) && !defined(__aarch64__))
/* ARM: the NEON int8 and fp32 kernels (aarch64 files on arm64, armv7 -mfpu=neon files on 32-bit ARM, which
 * are only called when cpuinfo reports NEON). int8: 8x8 on aarch64, 4x8 on armv7 (multi-panel, int16 weights for
 * GEMMs), depthwise up16x9p; fp32: 8x8 (aarch64) or 4x8 (armv7) and 1x8 tiles on 8-float panels, depthwise
 * up16x9, vadd and avgpool. */
#define Q8RT_HAVE_NEON 1
#if defined(__aarch64__)
#define Q8RT_NEON_UKERNEL(family, tile) q8rt_##family##_ukernel_##tile##__aarch64_neon
#define Q8RT_NEON_UKERNEL0(family) q8rt_##family##_ukernel__aarch64_neon
#else
#define Q8RT_NEON_UKERNEL(family, tile) q8rt_##family##_ukernel_##tile##__aarch32_neon
#define Q8RT_NEON_UKERNEL0(family) q8rt_##family##_ukernel__aarch32_neon
#endif
#if !defined(__aarch64__)
/* armv7: GEMMs (1x1 convolutions, fully connected) on Q8RT_LAYOUT_GEMM_8X8_W16 (the 8-column panels of
 * Q8RT_LAYOUT_GEMM_8X8 with int16 w - kzp, so no widening of the weights in the inner loop): the 4x8w16n
 * multi-panel kernel (4 rows x all columns per call, the rows widened to int16 once per call, 4 rows x 8 columns in
 * 8 q registers, vmlal by scalar); products with fewer than 4 rows (a fully connected layer at batch 1) on the
 * 1x8w16n GEMV kernel. Split in row blocks: with one thread the driver calls the kernel directly per 4-row tile
 * instead of one pthreadpool task per tile. */
static const struct q8rt_gemm_config gemm_4x8w16_neon = {
  .name = "4x8w16", .mr = 4, .nr = 8, .kr = 8, .packed_size = q8rt_packed_size_gemm_8x8_w16,
  .pack = q8rt_pack_gemm_8x8_w16, .gemmn = q8rt_q8gemm_ukernel_4x8w16n__aarch32_neon,
  .gemv = q8rt_q8gemm_ukernel_1x8w16n__aarch32_neon, .gemv_nc = 8, .split = Q8RT_SPLIT_ROW_BLOCKS,
};
/* armv7 indirect convolutions on QNNPACK's 4x8 aarch32 scheme, on the Q8RT_LAYOUT_GEMM_8X8 panels (uint8 weights,
 * vsubl of the kernel zero point): the q8conv 4x8n multi-panel kernel, kc <= 4 (a first layer) with the taps' rows
 * widened once per call, other kc through the 4x8 kernel per panel (which takes a tap's kc % 8 last channels one
 * at a time). */
static const struct q8rt_gemm_config conv_4x8_neon = {
  .name = "4x8", .mr = 4, .nr = 8, .kr = 8, .packed_size = q8rt_packed_size_gemm_8x8, .pack = q8rt_pack_gemm_8x8,
  .igemm = q8rt_q8conv_ukernel_4x8__aarch32_neon, .igemmn = q8rt_q8conv_ukernel_4x8n__aarch32_neon,
  .split = Q8RT_SPLIT_ROW_TILES,
};
#else
/* aarch64: indirect convolutions (the neon table's conv configuration) on QNNPACK's 8x8 scheme (Q8RT_LAYOUT_GEMM_8X8:
 * uint8 weights, lane-wise smlal / smlal2, one requantization per 64 outputs): the q8conv 8x8n kernel per 8-pixel
 * tile over all columns (every tap's rows widened to int16 once, then each panel on them; kc <= 4, e.g. the 3
 * channels of a first layer, taken one at a time per tap), the q8conv 8x8 kernel per panel for shapes beyond its
 * buffer or with kc > 4 not a multiple of 8 (it takes a tap's kc % 8 last channels one at a time). Its gemm / gemv
 * (the single-panel 8x8 kernel and the 1x8n GEMV kernel on the same panels) are not used by the table. */
static const struct q8rt_gemm_config gemm_8x8_neon = {
  .name = "8x8", .mr = 8, .nr = 8, .kr = 8, .packed_size = q8rt_packed_size_gemm_8x8, .pack = q8rt_pack_gemm_8x8,
  .gemm = q8rt_q8gemm_ukernel_8x8__aarch64_neon, .gemv = q8rt_q8gemm_ukernel_1x8n__aarch64_neon, .gemv_nc = 8,
  .igemm = q8rt_q8conv_ukernel_8x8__aarch64_neon, .igemmn = q8rt_q8conv_ukernel_8x8n__aarch64_neon,
  .split = Q8RT_SPLIT_ROW_TILES,
};
/* aarch64: the neon table's GEMMs (1x1 convolutions, fully connected) on the same panels: the q8gemm 8x8n
 * multi-panel kernel over all columns per call (each row tile's rows widened to int16 once, then every panel on
 * them: 141 instructions per 8 k of an 8x8 tile instead of 171; 4-, 2- and 1-row bodies for a leftover row tile and
 * for products with fewer than 8 rows, e.g. a fully connected layer at batch 1, where the 1-row body takes fewer
 * instructions than the 1x8n GEMV kernel: no gemv). Split in row blocks: with one thread the driver calls the
 * kernel directly per 8-row tile. */
static const struct q8rt_gemm_config gemm_8x8n_neon = {
  .name = "8x8n", .mr = 8, .nr = 8, .kr = 8, .packed_size = q8rt_packed_size_gemm_8x8, .pack = q8rt_pack_gemm_8x8,
  .gemmn = q8rt_q8gemm_ukernel_8x8n__aarch64_neon, .split = Q8RT_SPLIT_ROW_BLOCKS,
};
#endif
#if defined(__aarch64__)
/* aarch64 with the ARMv8.2 dot product (`udot`, the neondot table): GEMMs and indirect convolutions on
 * Q8RT_LAYOUT_GEMM_DOT (16-column panels of raw uint8 weights in groups of 4 k; input zero point folded into the
 * bias, kernel zero point times the row sums subtracted in the kernel): 4x16c4n tiles over all columns of a row
 * tile, the 1x16c4n GEMV kernel for products with fewer than 4 rows, 4x16c4 indirect convolution (4 pointers per
 * tap). Split in row blocks, as the neoni8mm configuration: with one thread all rows are one task, and the 4x16c4n
 * kernel takes all rows of a task in one call (gemmn_rows: it loops over the 4-row blocks itself, the requantization
 * mode switch, constants and register saves once per task). The kernel files are the only ones built with
 * -march=armv8.2-a+dotprod. */
static const struct q8rt_gemm_config gemm_4x16c4_neondot = {
  .name = "4x16c4", .mr = 4, .nr = 16, .kr = 4, .packed_size = q8rt_packed_size_gemm_16x4_dot,
  .pack = q8rt_pack_gemm_16x4_dot, .gemmn = q8rt_q8gemm_ukernel_4x16c4n__aarch64_neondot, .gemmn_rows = true,
  .gemv = q8rt_q8gemm_ukernel_1x16c4n__aarch64_neondot, .gemv_nc = 16,
  .igemmn = q8rt_q8conv_ukernel_4x16c4__aarch64_neondot, .split = Q8RT_SPLIT_ROW_BLOCKS,
};
/* Convolutions with kc <= 4 (a first layer on 3 channels) in the neoni8mm table, on Q8RT_LAYOUT_GEMM_I8MM_TAP_PAIRS
 * (the i8mm panels of a K = 4 * round_up(ks, 2) matrix: every tap a 4-byte slot, two taps per 8-k group of `ummla`):
 * the q8conv 4x16c8tp kernel builds each group's paired activation vectors of 4 pixels directly with 32-bit lane
 * loads from the indirection pointers and, for 9 or 10 taps (a 3x3 kernel: 5 groups instead of the 9 4-k groups
 * of `udot`), gathers them once per 4 pixels for all column panels of the call. MR = 16 pointers per tap (tiles of
 * 4 inside the kernel: the per-call setup shared by 16 pixels). Split in row blocks. */
static const struct q8rt_gemm_config gemm_4x16c8tp_neoni8mm = {
  .name = "4x16c8tp", .mr = Q8RT_Q8CONV_I8MMTP_MR, .nr = 16, .kr = 8,
  .packed_size = q8rt_packed_size_gemm_16x8_i8mm_tp,
  .pack = q8rt_pack_gemm_16x8_i8mm_tp, .igemmn = q8rt_q8conv_ukernel_4x16c8tp__aarch64_neoni8mm,
  .split = Q8RT_SPLIT_ROW_BLOCKS, .max_kc = Q8RT_Q8CONV_TP_MAX_KC, .min_ks = 1, .max_ks = UINT32_MAX,
};
/* aarch64 with ARMv8.6 i8mm (`ummla`, the neoni8mm table): GEMMs and indirect convolutions on Q8RT_LAYOUT_GEMM_I8MM
 * (16-column panels of raw uint8 weights in groups of 8 k, zero points as Q8RT_LAYOUT_GEMM_DOT): 4x16c8n tiles, the
 * 2x16c8n GEMV kernel (rows in pairs) for products with fewer than 4 rows, 4x16c8 indirect convolution (for
 * kc <= 4 the table takes the tap-pair configuration above). Split in row blocks: with one thread all rows are one
 * task, and the 4x16c8n kernel takes all rows of a task in one call (gemmn_rows: it loops over the 4-row blocks
 * itself, the requantization mode switch, constants and register saves once per task instead of once per 4 rows).
 * The kernel files are the only ones built with -march=armv8.2-a+dotprod+i8mm. */
static const struct q8rt_gemm_config gemm_4x16c8_neoni8mm = {
  .name = "4x16c8", .mr = 4, .nr = 16, .kr = 8, .packed_size = q8rt_packed_size_gemm_16x8_i8mm,
  .pack = q8rt_pack_gemm_16x8_i8mm, .gemmn = q8rt_q8gemm_ukernel_4x16c8n__aarch64_neoni8mm, .gemmn_rows = true,
  .gemv = q8rt_q8gemm_ukernel_2x16c8n__aarch64_neoni8mm, .gemv_nc = 16,
  .igemmn = q8rt_q8conv_ukernel_4x16c8__aarch64_neoni8mm, .split = Q8RT_SPLIT_ROW_BLOCKS,
};
#endif
/* Depthwise on Q8RT_LAYOUT_DWCONV_16P (plain channel order, int16 w - kzp; aarch64 pairs stride-1 and stride-2
 * pixels). */
static const struct q8rt_dwconv_config dwconv_up16x9_neon = {
  .name = "up16x9p", .cr = 16, .packed_size = q8rt_packed_size_dw_16p, .pack = q8rt_pack_dw_16p,
  .ukernel = Q8RT_NEON_UKERNEL(q8dwconv, up16x9p),
};
#if defined(__aarch64__)
/* Depthwise on Q8RT_LAYOUT_DWCONV_DOT (raw uint8 column triples; `udot` on input columns transposed by `tbl`,
 * reused between stride-1 and stride-2 pixels in an inline assembly loop): the neondot and neoni8mm tables. */
static const struct q8rt_dwconv_config dwconv_up16x9dot_neondot = {
  .name = "up16x9dot", .cr = 16, .packed_size = q8rt_packed_size_dw_dot, .pack = q8rt_pack_dw_dot,
  .ukernel = q8rt_q8dwconv_ukernel_up16x9dot__aarch64_neondot,
};
/* fp32 on aarch64: 8x8 tiles (16 q accumulators, 128-bit A loads, fmla by element; tiles of at most 4 rows run
 * the 4x8 body) on the same 8-float panels; armv7: 4x8. */
static const struct q8rt_f32_gemm_config f32gemm_neon = {
  .name = "8x8", .mr = 8, .nr = 8, .packed_size = q8rt_packed_size_f32_gemm_8, .pack = q8rt_pack_f32_gemm_8,
  .gemm = q8rt_f32gemm_ukernel_8x8__aarch64_neon, .gemm1 = q8rt_f32gemm_ukernel_1x8__aarch64_neon,
  .igemm = q8rt_f32conv_ukernel_8x8__aarch64_neon,
};
#else
static const struct q8rt_f32_gemm_config f32gemm_neon = {
  .name = "4x8", .mr = 4, .nr = 8, .packed_size = q8rt_packed_size_f32_gemm_8, .pack = q8rt_pack_f32_gemm_8,
  .gemm = Q8RT_NEON_UKERNEL(f32gemm, 4x8), .gemm1 = Q8RT_NEON_UKERNEL(f32gemm, 1x8),
  .igemm = Q8RT_NEON_UKERNEL(f32conv, 4x8),
};
#endif
static const struct q8rt_f32_dwconv_config f32dwconv_neon = {
#if defined(__aarch64__)
  /* up16x9 with stride-1 and stride-2 output pixels in pairs (same tiles, same results) */
  .name = "up16x9p", .packed_size = q8rt_packed_size_f32_dw, .pack = q8rt_pack_f32_dw_src,
  .ukernel = q8rt_f32dwconv_ukernel_up16x9p__aarch64_neon,
#else
  .name = "up16x9", .packed_size = q8rt_packed_size_f32_dw, .pack = q8rt_pack_f32_dw_src,
  .ukernel = Q8RT_NEON_UKERNEL(f32dwconv, up16x9),
#endif
};
/* The roles the neon, neondot and neoni8mm tables share (elementwise add, average pool, and every fp32 kernel). */
#define Q8RT_NEON_SHARED_ROLES                                                                                  \
  .vadd = Q8RT_NEON_UKERNEL0(q8vadd), .vadd_tflite = Q8RT_NEON_UKERNEL0(q8vadd_tflite),                        \
  .avgpool = Q8RT_NEON_UKERNEL0(q8avgpool), .avgpool_tflite = q8rt_q8avgpool_tflite_ukernel__scalar,             \
  .f32gemm = &f32gemm_neon, .f32dwconv = &f32dwconv_neon, .f32vadd = Q8RT_NEON_UKERNEL0(f32vadd),                \
  .f32avgpool = Q8RT_NEON_UKERNEL0(f32avgpool)
static const struct q8rt_kernels neon_kernels = {
  .name = "neon",
  .isa = Q8RT_ISA_NEON,
#if defined(__aarch64__)
  .gemm = &gemm_8x8n_neon,
  .conv = &gemm_8x8_neon,
#else
  .gemm = &gemm_4x8w16_neon,
  .conv = &conv_4x8_neon,
#endif
  .dwconv = &dwconv_up16x9_neon,
  Q8RT_NEON_SHARED_ROLES,
};
#if defined(__aarch64__)
#define Q8RT_HAVE_NEONDOT 1
/* The neon table with the dot-product GEMM and convolution configuration and the udot depthwise kernel (ARMv8.2
 * cores with the dot product extension: Cortex-A55/A76 and newer). */
static const struct q8rt_kernels neondot_kernels = {
  .name = "neondot",
  .isa = Q8RT_ISA_NEONDOT,
  .gemm = &gemm_4x16c4_neondot,
  .dwconv = &dwconv_up16x9dot_neondot,
  Q8RT_NEON_SHARED_ROLES,
};
#define Q8RT_HAVE_NEONI8MM 1
/* The neondot table with the i8mm GEMM and convolution configuration and the i8mm tap-pair configuration for
 * convolutions with kc <= 4 (ARMv8.6 i8mm: Cortex-A510/A710, Neoverse N2/V1 and newer). */
static const struct q8rt_kernels neoni8mm_kernels = {
  .name = "neoni8mm",
  .isa = Q8RT_ISA_NEONI8MM,
  .gemm = &gemm_4x16c8_neoni8mm,
  .conv_small_kc = &gemm_4x16c8tp_neoni8mm,
  .dwconv = &dwconv_up16x9dot_neondot,
  Q8RT_NEON_SHARED_ROLES,
};

/* i8mm. cpuinfo as packaged by Debian 12 (2022-06) has no cpuinfo_has_arm_i8mm, so the kernel's answer is read
 * directly: HWCAP2_I8MM (bit 13 of AT_HWCAP2 on aarch64 Linux and Android; defined here when the libc headers
 * predate it). Other systems report no i8mm (the neondot table is used). The dot product is required as well
 * (the i8mm kernels compute their row sums with `udot`); every core with i8mm has it. */
static bool cpu_has_arm_i8mm(void) {
#if defined(__linux__) || defined(__ANDROID__)
  return (getauxval(AT_HWCAP2) & HWCAP2_I8MM) != 0;
#else
  return false;
#endif
}
#endif
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
#ifdef Q8RT_HAVE_NEONDOT
    case Q8RT_ISA_NEONDOT: return cpuinfo_initialize() && cpuinfo_has_arm_neon() && cpuinfo_has_arm_neon_dot();
#endif
#ifdef Q8RT_HAVE_NEONI8MM
    case Q8RT_ISA_NEONI8MM: return cpu_has(Q8RT_ISA_NEONDOT) && cpu_has_arm_i8mm();
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
#ifdef Q8RT_HAVE_NEONDOT
    case Q8RT_ISA_NEONDOT: return &neondot_kernels;
#endif
#ifdef Q8RT_HAVE_NEONI8MM
    case Q8RT_ISA_NEONI8MM: return &neoni8mm_kernels;
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
    case Q8RT_ISA_NEONDOT: return "neondot";
    case Q8RT_ISA_NEONI8MM: return "neoni8mm";
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
      else if (strcmp(env, "neondot") == 0) requested = Q8RT_ISA_NEONDOT;
      else if (strcmp(env, "neoni8mm") == 0) requested = Q8RT_ISA_NEONI8MM;
      else return q8rt_error(Q8RT_ERROR_UNSUPPORTED,
                             "Q8RT_ISA=%s: expected auto, scalar, sse41, avx2, avx512, avx512vnni, neon, neondot or "
                             "neoni8mm", env);
    }
  }
  if (requested == Q8RT_ISA_AUTO) {
    static const q8rt_isa preference[] = {Q8RT_ISA_AVX512VNNI, Q8RT_ISA_AVX512, Q8RT_ISA_AVX2, Q8RT_ISA_SSE41,
                                          Q8RT_ISA_NEONI8MM, Q8RT_ISA_NEONDOT, Q8RT_ISA_NEON, Q8RT_ISA_SCALAR};
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
