/* q8gemm multi-panel kernels (3x4c8n, 1x4c8n): scalar twins vs a naive reference on unpacked weights,
 * SSE4.1 and AVX2 vs scalar (bit-exact), over row counts, column counts spanning several panels, k (including the
 * pre-widened and the direct paths of 3x4c8n), zero points, scales and output strides. */
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


static bool g_avx2; /* AVX2 kernels checked too */


static size_t round_up_kr(size_t x) { return (x + Q8RT_GEMM_KR - 1) / Q8RT_GEMM_KR * Q8RT_GEMM_KR; }

/* kind 0: 3x4c8n (mr <= 3), kind 1: 1x4c8n (any mr) */
static void run_case(int kind, size_t mr, size_t nc, size_t k, bool sse41, int mode) {
  const size_t a_stride = k + test_rand_range(0, 3) * (test_rand_range(0, 1) ? 1 : 17);
  const size_t c_stride = nc + test_rand_range(0, 1) * test_rand_range(1, 9);
  const uint8_t izp = (uint8_t) test_rand_range(0, 255);
  const uint8_t kzp = (uint8_t) test_rand_range(0, 255);

  const size_t a_size = (mr - 1) * a_stride + round_up_kr(k) + Q8RT_EXTRA_BYTES;
  uint8_t* a = malloc(a_size);
  for (size_t i = 0; i < a_size; i++) a[i] = (uint8_t) test_rand_u32();
  if (mode == 1) memset(a, 255, a_size);
  uint8_t* w = malloc(nc * k);
  for (size_t i = 0; i < nc * k; i++) w[i] = (uint8_t) test_rand_u32();
  if (mode == 1) {
    for (size_t i = 0; i < nc * k; i++) w[i] = (i & 1) ? 0 : 255;
  }
  int32_t* bias = malloc(nc * sizeof(int32_t));
  for (size_t n = 0; n < nc; n++) bias[n] = (int32_t) test_rand_range(0, 200000) - 100000;
  if (mode == 2) {
    for (size_t n = 0; n < nc; n++) bias[n] = (int32_t) (test_rand_u32() & 0x7FFFFFFF) - 0x40000000;
  }

  void* packed = NULL;
  CHECK(posix_memalign(&packed, 64, q8rt_pack_gemm_size(nc, k, 1)) == 0);
  CHECK(q8rt_pack_gemm(nc, k, 1, izp, kzp, w, bias, packed));

  int64_t* acc = malloc(mr * nc * sizeof(int64_t));
  int64_t maxabs = 1;
  for (size_t m = 0; m < mr; m++) {
    for (size_t n = 0; n < nc; n++) {
      int64_t s = bias[n];
      for (size_t kk = 0; kk < k; kk++) s += ((int64_t) a[m * a_stride + kk] - izp) * ((int64_t) w[n * k + kk] - kzp);
      /* the kernels accumulate in int32 with wrap-around */
      acc[m * nc + n] = (int64_t) (int32_t) (uint32_t) (uint64_t) s;
      if (llabs(s) > maxabs) maxabs = llabs(s);
    }
  }

  float scale;
  if (test_rand_range(0, 2) != 0) {
    scale = (float) (test_rand_uniform(20.0f, 400.0f) / (double) maxabs);
    if (scale >= 0.99f) scale = 0.99f;
    if (scale < 0x1.0p-32f) scale = 0x1.0p-32f;
  } else {
    scale = exp2f(-test_rand_uniform(0.0f, 31.0f)) * 0.99f;
  }
  uint8_t omin = (uint8_t) test_rand_range(0, 80), omax = (uint8_t) test_rand_range(170, 255);
  if (test_rand_range(0, 3) == 0) {
    omin = 0;
    omax = 255;
  }
  struct q8rt_conv_params params;
  CHECK(test_conv_params(&params, scale, kzp, (uint8_t) test_rand_range(0, 255), omin, omax));

  const size_t rows = mr + 1;
  const size_t c_size = rows * c_stride + 16;
  uint8_t* c_scalar = malloc(c_size);
  uint8_t* c_sse = malloc(c_size);
  memset(c_scalar, 0xA5, c_size);
  memset(c_sse, 0xA5, c_size);

  if (kind == 0) {
    q8rt_q8gemm_ukernel_3x4c8n__scalar(mr, nc, k, a, a_stride, packed, c_scalar, c_stride, &params);
  } else {
    q8rt_q8gemm_ukernel_1x4c8n__scalar(mr, nc, k, a, a_stride, packed, c_scalar, c_stride, &params);
  }
  bool ok = true;
  for (size_t m = 0; m < rows; m++) {
    for (size_t n = 0; n < c_stride; n++) {
      const uint8_t got = c_scalar[m * c_stride + n];
      const uint8_t want = (m < mr && n < nc) ? ref_requantize(acc[m * nc + n], &params) : 0xA5;
      if (got != want) ok = false;
    }
  }
  CHECKF(ok, "kind %d scalar vs reference: mr=%zu nc=%zu k=%zu mode=%d", kind, mr, nc, k, mode);

#if HAVE_X86
  /* the optimized variants of the kind: 3x4c8n (kind 0) or 1x4c8n (kind 1), SSE4.1 then AVX2 */
  const struct {
    const char* name;
    bool on;
    q8rt_q8gemm_ukernel_fn fn;
  } variants[] = {
    {"sse41", sse41, kind == 0 ? q8rt_q8gemm_ukernel_3x4c8n__sse41 : q8rt_q8gemm_ukernel_1x4c8n__sse41},
    {"avx2", g_avx2, kind == 0 ? q8rt_q8gemm_ukernel_3x4c8n__avx2 : q8rt_q8gemm_ukernel_1x4c8n__avx2},
  };
  for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) {
    if (!variants[v].on) continue;
    memset(c_sse, 0xA5, c_size);
    variants[v].fn(mr, nc, k, a, a_stride, packed, c_sse, c_stride, &params);
    CHECKF(memcmp(c_scalar, c_sse, c_size) == 0, "kind %d %s vs scalar: mr=%zu nc=%zu k=%zu a_stride=%zu c_stride=%zu",
           kind, variants[v].name, mr, nc, k, a_stride, c_stride);
  }
#else
  (void) sse41;
#endif
  free(a);
  free(w);
  free(bias);
  free(acc);
  free(packed);
  free(c_scalar);
  free(c_sse);
}

int main(void) {
  test_rng_seed(0x3A4C);
  const bool sse41 = has_sse41();
  if (!sse41) printf("test_q8gemm_multi: SSE4.1 not available, skipping SSE4.1 kernel checks\n");
  g_avx2 = has_avx2();
  if (!g_avx2) printf("test_q8gemm_multi: AVX2 + FMA not available, skipping AVX2 kernel checks\n");

  for (int kind = 0; kind < 2; kind++) {
    const size_t max_mr = kind == 0 ? 3 : 4;
    /* exhaustive small shapes */
    for (size_t mr = 1; mr <= max_mr; mr++) {
      for (size_t nc = 1; nc <= 17; nc++) {
        for (size_t k = 1; k <= 18; k++) run_case(kind, mr, nc, k, sse41, 0);
      }
    }
    /* extremes and large accumulators (int32 wrap-around included) */
    for (size_t k = 1; k <= 40; k++) run_case(kind, max_mr, test_rand_range(1, 24), k, sse41, 1);
    for (int i = 0; i < 200; i++) run_case(kind, test_rand_range(1, max_mr), test_rand_range(1, 24), test_rand_range(1, 64), sse41, 2);
    /* random larger shapes, including k past the 3x4c8n pre-widened buffer (1536) */
    for (int i = 0; i < 600; i++) {
      const unsigned r = test_rand_range(0, 9);
      const size_t k = r == 0 ? test_rand_range(1400, 1700) : r < 4 ? test_rand_range(1, 1024) : test_rand_range(1, 96);
      run_case(kind, test_rand_range(1, max_mr), test_rand_range(1, 64), k, sse41, 0);
    }
  }
  return test_summary("test_q8gemm_multi");
}
