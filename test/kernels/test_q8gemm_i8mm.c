/* i8mm kernels on Q8RT_LAYOUT_GEMM_I8MM (kernels/layout.h, packed by q8rt_pack_gemm_16x8_i8mm): q8gemm 4x16c8n
 * (MR = 4, any rows per call: 1..13 tested) and 2x16c8n (GEMV-style, rows in pairs), q8conv 4x16c8 (indirect
 * convolution, 4 pointers per tap), with the cases of gemm_dot_cases.h (k up to 40 one by one to 20, then by 3: all
 * remainders of 8 and 16): the scalar twins against a plain reference everywhere, and on aarch64 CPUs with i8mm and
 * the dot product (the neoni8mm table is selectable: HWCAP2_I8MM, see src/runtime/isa.c) the aarch64_neoni8mm
 * kernels against the scalar twins, byte for byte; elsewhere they are skipped with a message. */
#include <stdbool.h>
#include <stdio.h>

#include "../../kernels/layout.h"
#include "../../kernels/q8conv/q8conv.h"
#include "../../kernels/q8gemm/q8gemm.h"
#include "../../src/pack/packers.h"
#include "../../src/runtime/isa.h"
#include "gemm_dot_cases.h"

#if defined(__aarch64__)
#define HAVE_I8MM_KERNELS 1
#else
#define HAVE_I8MM_KERNELS 0
#endif

/* The kernels run where dispatch can select the neoni8mm table (its detection is the one under test). */
static bool has_i8mm(void) {
  const struct q8rt_kernels* k = NULL;
  return HAVE_I8MM_KERNELS && q8rt_kernels_select(Q8RT_ISA_NEONI8MM, &k) == Q8RT_OK && k != NULL;
}

int main(void) {
  test_rng_seed(0x18AA18);
  struct gemm_dot_suite s = {
    .test = "test_q8gemm_i8mm", .isa = "neoni8mm",
    .packed_size = q8rt_packed_size_gemm_16x8_i8mm, .pack = q8rt_pack_gemm_16x8_i8mm,
    .mr = Q8RT_GEMMI8MM_MR, .nr = Q8RT_GEMMI8MM_NR, .kr = Q8RT_GEMMI8MM_KR, .bias_bytes = Q8RT_GEMMI8MM_BIAS_BYTES,
    .gemm_rows = 13, /* 4x16c8n takes any rows per call: 1..3 blocks of 4 and every remainder */
    .k_max = 40, .gemm_name = "4x16c8n", .gemv_name = "2x16c8n", .conv_name = "q8conv 4x16c8",
    .gemm_scalar = q8rt_q8gemm_ukernel_4x16c8n__scalar, .gemv_scalar = q8rt_q8gemm_ukernel_2x16c8n__scalar,
    .conv_scalar = q8rt_q8conv_ukernel_4x16c8__scalar,
#if HAVE_I8MM_KERNELS
    .gemm_neon = q8rt_q8gemm_ukernel_4x16c8n__aarch64_neoni8mm,
    .gemv_neon = q8rt_q8gemm_ukernel_2x16c8n__aarch64_neoni8mm,
    .conv_neon = q8rt_q8conv_ukernel_4x16c8__aarch64_neoni8mm,
#endif
    .neon = has_i8mm(),
  };
  if (!s.neon) {
    printf("test_q8gemm_i8mm: no i8mm (or no dot product) on this CPU/build, skipping the aarch64_neoni8mm kernel "
           "checks (scalar twins only)\n");
  }
  return gemm_dot_run_all(&s);
}
