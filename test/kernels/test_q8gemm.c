/* q8gemm 3x4c8: scalar vs a naive reference on unpacked weights, SSE4.1 and AVX2 vs scalar (bit-exact). */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../common/kernel_ref.h"
#include "../common/test.h"
#include "../common/tflite_params.h"
#include "../../kernels/layout.h"
#include "../../kernels/params.h"
#include "../../kernels/q8gemm/q8gemm.h"
#include "../../src/pack/pack.h"
#include "../../src/quant/qparams.h"

static size_t round_up_kr(size_t x) { return (x + Q8RT_GEMM_KR - 1) / Q8RT_GEMM_KR * Q8RT_GEMM_KR; }

static int failures_reported;
static bool g_avx2; /* AVX2 kernel checked too */

static void run_case(size_t mr, size_t nr, size_t k, bool sse41, int mode) {
  const size_t a_stride = k + test_rand_range(0, 3) * (test_rand_range(0, 1) ? 1 : 17);
  const size_t c_stride = nr + test_rand_range(0, 1) * test_rand_range(1, 9);
  const uint8_t izp = (uint8_t) test_rand_range(0, 255);
  const uint8_t kzp = (uint8_t) test_rand_range(0, 255);

  const size_t a_size = (mr - 1) * a_stride + round_up_kr(k) + Q8RT_EXTRA_BYTES;
  uint8_t* a = malloc(a_size);
  for (size_t i = 0; i < a_size; i++) a[i] = (uint8_t) test_rand_u32();
  if (mode == 1) memset(a, 255, a_size); /* extremes */
  uint8_t* w = malloc(nr * k);
  for (size_t i = 0; i < nr * k; i++) w[i] = (uint8_t) test_rand_u32();
  if (mode == 1) {
    for (size_t i = 0; i < nr * k; i++) w[i] = (i & 1) ? 0 : 255;
  }
  int32_t bias[8];
  for (size_t n = 0; n < nr; n++) bias[n] = (int32_t) test_rand_range(0, 200000) - 100000;

  void* packed = malloc(q8rt_pack_gemm_size(nr, k, 1));
  CHECK(q8rt_pack_gemm(nr, k, 1, izp, kzp, w, bias, packed));

  /* reference accumulators */
  int64_t acc[4][8];
  int64_t maxabs = 1;
  for (size_t m = 0; m < mr; m++) {
    for (size_t n = 0; n < nr; n++) {
      int64_t s = bias[n];
      for (size_t kk = 0; kk < k; kk++) {
        s += ((int64_t) a[m * a_stride + kk] - izp) * ((int64_t) w[n * k + kk] - kzp);
      }
      acc[m][n] = s;
      if (llabs(s) > maxabs) maxabs = llabs(s);
    }
  }

  /* requantization scale: either adapted to the accumulator range or random in [2^-20, 0.99] */
  float scale;
  if (test_rand_range(0, 2) != 0) {
    scale = (float) (test_rand_uniform(20.0f, 400.0f) / (double) maxabs);
    if (scale >= 0.99f) scale = 0.99f;
    if (scale < 0x1.0p-32f) scale = 0x1.0p-32f;
  } else {
    scale = exp2f(-test_rand_uniform(0.0f, 20.0f)) * 0.99f;
  }
  uint8_t omin = (uint8_t) test_rand_range(0, 80), omax = (uint8_t) test_rand_range(170, 255);
  if (test_rand_range(0, 3) == 0) {
    omin = 0;
    omax = 255;
  }
  struct q8rt_conv_params params;
  CHECK(test_conv_params(&params, scale, kzp, (uint8_t) test_rand_range(0, 255), omin, omax));

  const size_t c_size = 4 * c_stride + 16;
  uint8_t* c_scalar = malloc(c_size);
  uint8_t* c_sse = malloc(c_size);
  memset(c_scalar, 0xA5, c_size);
  memset(c_sse, 0xA5, c_size);

  q8rt_q8gemm_ukernel_3x4c8__scalar(mr, nr, k, a, a_stride, packed, c_scalar, c_stride, &params);
  bool ok = true;
  for (size_t m = 0; m < 4; m++) {
    for (size_t n = 0; n < c_stride; n++) {
      const uint8_t got = c_scalar[m * c_stride + n];
      const uint8_t want = (m < mr && n < nr) ? ref_requantize(acc[m][n], &params) : 0xA5;
      if (got != want) ok = false;
    }
  }
  CHECKF(ok, "scalar vs reference: mr=%zu nr=%zu k=%zu mode=%d", mr, nr, k, mode);

#if HAVE_X86
  if (sse41) {
    q8rt_q8gemm_ukernel_3x4c8__sse41(mr, nr, k, a, a_stride, packed, c_sse, c_stride, &params);
    CHECKF(memcmp(c_scalar, c_sse, c_size) == 0, "sse41 vs scalar: mr=%zu nr=%zu k=%zu a_stride=%zu c_stride=%zu",
           mr, nr, k, a_stride, c_stride);
  }
  if (g_avx2) {
    memset(c_sse, 0xA5, c_size);
    q8rt_q8gemm_ukernel_3x4c8__avx2(mr, nr, k, a, a_stride, packed, c_sse, c_stride, &params);
    CHECKF(memcmp(c_scalar, c_sse, c_size) == 0, "avx2 vs scalar: mr=%zu nr=%zu k=%zu a_stride=%zu c_stride=%zu",
           mr, nr, k, a_stride, c_stride);
  }
#else
  (void) sse41;
#endif
  free(a);
  free(w);
  free(packed);
  free(c_scalar);
  free(c_sse);
}

int main(void) {
  test_rng_seed(0x6E6D);
  const bool sse41 = has_sse41();
  if (!sse41) printf("test_q8gemm: SSE4.1 not available, skipping SSE4.1 kernel checks\n");
  g_avx2 = has_avx2();
  if (!g_avx2) printf("test_q8gemm: AVX2 + FMA not available, skipping AVX2 kernel checks\n");
  (void) failures_reported;

  /* exhaustive small shapes */
  for (size_t mr = 1; mr <= 3; mr++) {
    for (size_t nr = 1; nr <= 4; nr++) {
      for (size_t k = 1; k <= 20; k++) run_case(mr, nr, k, sse41, 0);
    }
  }
  /* extremes */
  for (size_t k = 1; k <= 40; k++) run_case(3, 4, k, sse41, 1);
  /* random larger shapes */
  for (int i = 0; i < 1500; i++) {
    const size_t k = test_rand_range(0, 3) == 0 ? test_rand_range(1, 1024) : test_rand_range(1, 96);
    run_case(test_rand_range(1, 3), test_rand_range(1, 4), k, sse41, 0);
  }
  return test_summary("test_q8gemm");
}
