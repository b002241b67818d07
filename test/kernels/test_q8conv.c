/* q8conv 3x4c8 (indirect): scalar vs a naive reference on unpacked weights, SSE4.1 and AVX2 vs scalar
 * (bit-exact). */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../common/kernel_ref.h"
#include "../common/test.h"
#include "../common/tflite_params.h"
#include "../../kernels/layout.h"
#include "../../kernels/params.h"
#include "../../kernels/q8conv/q8conv.h"
#include "../../src/pack/pack.h"
#include "../../src/quant/qparams.h"

static size_t round_up_kr(size_t x) { return (x + Q8RT_GEMM_KR - 1) / Q8RT_GEMM_KR * Q8RT_GEMM_KR; }
static bool g_avx2; /* AVX2 kernel checked too */


static void run_case(size_t mr, size_t nr, size_t kc, size_t ks, bool sse41) {
  const size_t c_stride = nr + test_rand_range(0, 1) * test_rand_range(1, 9);
  const uint8_t izp = (uint8_t) test_rand_range(0, 255);
  const uint8_t kzp = (uint8_t) test_rand_range(0, 255);

  /* input pixels, kc channels each, consecutive; plus a zero buffer holding the input zero point */
  const size_t npix = test_rand_range(1, 12);
  const size_t in_size = npix * kc + round_up_kr(kc) + Q8RT_EXTRA_BYTES;
  uint8_t* in = malloc(in_size);
  for (size_t i = 0; i < in_size; i++) in[i] = (uint8_t) test_rand_u32();
  const size_t zb_size = round_up_kr(kc) + Q8RT_EXTRA_BYTES;
  uint8_t* zb = malloc(zb_size);
  memset(zb, izp, zb_size);

  const uint8_t** ind = malloc(ks * 3 * sizeof(uint8_t*));
  for (size_t i = 0; i < ks * 3; i++) {
    ind[i] = test_rand_range(0, 4) == 0 ? zb : in + test_rand_range(0, (unsigned) npix - 1) * kc;
  }

  uint8_t* w = malloc(nr * ks * kc); /* [n][t][k] */
  for (size_t i = 0; i < nr * ks * kc; i++) w[i] = (uint8_t) test_rand_u32();
  int32_t bias[8];
  for (size_t n = 0; n < nr; n++) bias[n] = (int32_t) test_rand_range(0, 200000) - 100000;
  void* packed = malloc(q8rt_pack_gemm_size(nr, kc, ks));
  CHECK(q8rt_pack_gemm(nr, kc, ks, izp, kzp, w, bias, packed));

  int64_t acc[4][8];
  int64_t maxabs = 1;
  for (size_t m = 0; m < mr; m++) {
    for (size_t n = 0; n < nr; n++) {
      int64_t s = bias[n];
      for (size_t t = 0; t < ks; t++) {
        for (size_t k = 0; k < kc; k++) {
          s += ((int64_t) ind[t * 3 + m][k] - izp) * ((int64_t) w[(n * ks + t) * kc + k] - kzp);
        }
      }
      acc[m][n] = s;
      if (llabs(s) > maxabs) maxabs = llabs(s);
    }
  }
  float scale;
  if (test_rand_range(0, 2) != 0) {
    scale = (float) (test_rand_uniform(20.0f, 400.0f) / (double) maxabs);
    if (scale >= 0.99f) scale = 0.99f;
  } else {
    scale = exp2f(-test_rand_uniform(0.0f, 20.0f)) * 0.99f;
  }
  struct q8rt_conv_params params;
  CHECK(test_conv_params(&params, scale, kzp, (uint8_t) test_rand_range(0, 255),
                              (uint8_t) test_rand_range(0, 60), (uint8_t) test_rand_range(190, 255)));

  const size_t c_size = 4 * c_stride + 16;
  uint8_t* c_scalar = malloc(c_size);
  uint8_t* c_sse = malloc(c_size);
  memset(c_scalar, 0xA5, c_size);
  memset(c_sse, 0xA5, c_size);

  q8rt_q8conv_ukernel_3x4c8__scalar(mr, nr, kc, ks, ind, packed, c_scalar, c_stride, &params);
  bool ok = true;
  for (size_t m = 0; m < 4; m++) {
    for (size_t n = 0; n < c_stride; n++) {
      const uint8_t want = (m < mr && n < nr) ? ref_requantize(acc[m][n], &params) : 0xA5;
      if (c_scalar[m * c_stride + n] != want) ok = false;
    }
  }
  CHECKF(ok, "scalar vs reference: mr=%zu nr=%zu kc=%zu ks=%zu", mr, nr, kc, ks);
#if HAVE_X86
  if (sse41) {
    q8rt_q8conv_ukernel_3x4c8__sse41(mr, nr, kc, ks, ind, packed, c_sse, c_stride, &params);
    CHECKF(memcmp(c_scalar, c_sse, c_size) == 0, "sse41 vs scalar: mr=%zu nr=%zu kc=%zu ks=%zu", mr, nr, kc, ks);
  }
  if (g_avx2) {
    memset(c_sse, 0xA5, c_size);
    q8rt_q8conv_ukernel_3x4c8__avx2(mr, nr, kc, ks, ind, packed, c_sse, c_stride, &params);
    CHECKF(memcmp(c_scalar, c_sse, c_size) == 0, "avx2 vs scalar: mr=%zu nr=%zu kc=%zu ks=%zu", mr, nr, kc, ks);
  }
#else
  (void) sse41;
#endif
  free(in);
  free(zb);
  free(ind);
  free(w);
  free(packed);
  free(c_scalar);
  free(c_sse);
}

int main(void) {
  test_rng_seed(0xC0);
  const bool sse41 = has_sse41();
  if (!sse41) printf("test_q8conv: SSE4.1 not available, skipping SSE4.1 kernel checks\n");
  g_avx2 = has_avx2();
  if (!g_avx2) printf("test_q8conv: AVX2 + FMA not available, skipping AVX2 kernel checks\n");
  for (size_t mr = 1; mr <= 3; mr++) {
    for (size_t nr = 1; nr <= 4; nr++) {
      for (size_t kc = 1; kc <= 17; kc++) run_case(mr, nr, kc, test_rand_range(1, 9), sse41);
    }
  }
  for (size_t ks = 1; ks <= 9; ks++) {
    for (size_t kc = 1; kc <= 40; kc++) run_case(test_rand_range(1, 3), test_rand_range(1, 4), kc, ks, sse41);
  }
  for (int i = 0; i < 600; i++) {
    run_case(test_rand_range(1, 3), test_rand_range(1, 4), test_rand_range(1, 160), test_rand_range(1, 9), sse41);
  }
  return test_summary("test_q8conv");
}
