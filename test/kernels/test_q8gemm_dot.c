/* Dot-product kernels on Q8RT_LAYOUT_GEMM_DOT (kernels/layout.h, packed by q8rt_pack_gemm_16x4_dot): q8gemm 4x16c4n
 * (MR = 4, any rows per call: 1..13 tested) and 1x16c4n (GEMV-style), q8conv 4x16c4 (indirect convolution, 4
 * pointers per tap), with the cases of gemm_dot_cases.h: the scalar twins against a plain reference everywhere, and
 * on aarch64 CPUs with the dot product (cpuinfo_has_arm_neon_dot) the aarch64_neondot kernels against the scalar
 * twins, byte for byte; elsewhere they are skipped with a message. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../../kernels/layout.h"
#include "../../kernels/q8conv/q8conv.h"
#include "../../kernels/q8gemm/q8gemm.h"
#include "../../src/pack/packers.h"
#include "gemm_dot_cases.h"

#if defined(__aarch64__)
#include <cpuinfo.h>
#define HAVE_DOT_KERNELS 1
#else
#define HAVE_DOT_KERNELS 0
#endif

static bool has_dot(void) {
#if HAVE_DOT_KERNELS
  return cpuinfo_initialize() && cpuinfo_has_arm_neon() && cpuinfo_has_arm_neon_dot();
#else
  return false;
#endif
}

int main(void) {
  test_rng_seed(0xD07D07);
  struct gemm_dot_suite s = {
    .test = "test_q8gemm_dot", .isa = "neondot",
    .packed_size = q8rt_packed_size_gemm_16x4_dot, .pack = q8rt_pack_gemm_16x4_dot,
    .mr = Q8RT_GEMMDOT_MR, .nr = Q8RT_GEMMDOT_NR, .kr = Q8RT_GEMMDOT_KR,
    .gemm_rows = 13, /* 4x16c4n takes any rows per call: 1..3 blocks of 4 and every remainder */
    .bias_bytes = Q8RT_GEMMDOT_NR * sizeof(int32_t),
    .k_max = 20, .gemm_name = "4x16c4n", .gemv_name = "1x16c4n", .conv_name = "q8conv 4x16c4",
    .gemm_scalar = q8rt_q8gemm_ukernel_4x16c4n__scalar, .gemv_scalar = q8rt_q8gemm_ukernel_1x16c4n__scalar,
    .conv_scalar = q8rt_q8conv_ukernel_4x16c4__scalar,
#if HAVE_DOT_KERNELS
    .gemm_neon = q8rt_q8gemm_ukernel_4x16c4n__aarch64_neondot,
    .gemv_neon = q8rt_q8gemm_ukernel_1x16c4n__aarch64_neondot,
    .conv_neon = q8rt_q8conv_ukernel_4x16c4__aarch64_neondot,
#endif
    .neon = has_dot(),
  };
  if (!s.neon) {
    printf("test_q8gemm_dot: no ARMv8.2 dot product on this CPU/build, skipping the aarch64_neondot kernel checks "
           "(scalar twins only)\n");
  }
  return gemm_dot_run_all(&s);
}
