/* q8conv 3x4c8tp (tap pairs, kc <= 4, multi-panel) on weights repacked from Q8RT_LAYOUT_GEMM:
 * scalar vs a naive reference and vs 3x4c8 on the original layout, SSE4.1 and AVX2 vs scalar (bit-exact). */
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
#include "../../src/pack/pack_tap_pairs.h"
#include "../../src/quant/qparams.h"

static size_t round_up_kr(size_t x) { return (x + Q8RT_GEMM_KR - 1) / Q8RT_GEMM_KR * Q8RT_GEMM_KR; }
static bool g_avx2; /* AVX2 kernel checked too */


static void run_case(size_t mr, size_t nc, size_t kc, size_t ks, bool sse41, int mode) {
  const size_t c_stride = nc + test_rand_range(0, 1) * test_rand_range(1, 9);
  const uint8_t izp = (uint8_t) test_rand_range(0, 255);
  const uint8_t kzp = (uint8_t) test_rand_range(0, 255);

  const size_t npix = test_rand_range(1, 12);
  const size_t in_size = npix * kc + round_up_kr(kc) + Q8RT_EXTRA_BYTES;
  uint8_t* in = malloc(in_size);
  for (size_t i = 0; i < in_size; i++) in[i] = (uint8_t) test_rand_u32();
  if (mode == 1) memset(in, 255, in_size);
  const size_t zb_size = round_up_kr(kc) + Q8RT_EXTRA_BYTES;
  uint8_t* zb = malloc(zb_size);
  memset(zb, izp, zb_size);

  const uint8_t** ind = malloc(ks * 3 * sizeof(uint8_t*));
  for (size_t i = 0; i < ks * 3; i++) {
    ind[i] = test_rand_range(0, 4) == 0 ? zb : in + test_rand_range(0, (unsigned) npix - 1) * kc;
  }

  uint8_t* w = malloc(nc * ks * kc); /* [n][t][k] */
  for (size_t i = 0; i < nc * ks * kc; i++) w[i] = (uint8_t) test_rand_u32();
  if (mode == 1) {
    for (size_t i = 0; i < nc * ks * kc; i++) w[i] = (i & 1) ? 0 : 255;
  }
  int32_t* bias = malloc(nc * sizeof(int32_t));
  for (size_t n = 0; n < nc; n++) bias[n] = (int32_t) test_rand_range(0, 200000) - 100000;
  void* packed = malloc(q8rt_pack_gemm_size(nc, kc, ks));
  CHECK(q8rt_pack_gemm(nc, kc, ks, izp, kzp, w, bias, packed));
  void* tp = NULL;
  const size_t panels = (nc + Q8RT_GEMM_NR - 1) / Q8RT_GEMM_NR;
  CHECK(posix_memalign(&tp, 64, panels * q8rt_tap_pairs_panel_bytes(ks)) == 0);
  memset(tp, 0x5A, panels * q8rt_tap_pairs_panel_bytes(ks));
  q8rt_repack_tap_pairs(nc, kc, ks, packed, tp);

  int64_t* acc = malloc(mr * nc * sizeof(int64_t));
  int64_t maxabs = 1;
  for (size_t m = 0; m < mr; m++) {
    for (size_t n = 0; n < nc; n++) {
      int64_t s = bias[n];
      for (size_t t = 0; t < ks; t++) {
        for (size_t k = 0; k < kc; k++) {
          s += ((int64_t) ind[t * 3 + m][k] - izp) * ((int64_t) w[(n * ks + t) * kc + k] - kzp);
        }
      }
      acc[m * nc + n] = s;
      if (llabs(s) > maxabs) maxabs = llabs(s);
    }
  }
  float scale;
  if (test_rand_range(0, 2) != 0) {
    scale = (float) (test_rand_uniform(20.0f, 400.0f) / (double) maxabs);
    if (scale >= 0.99f) scale = 0.99f;
  } else {
    scale = exp2f(-test_rand_uniform(0.0f, 24.0f)) * 0.99f;
  }
  struct q8rt_conv_params params;
  CHECK(test_conv_params(&params, scale, kzp, (uint8_t) test_rand_range(0, 255),
                              (uint8_t) test_rand_range(0, 60), (uint8_t) test_rand_range(190, 255)));

  const size_t c_size = 4 * c_stride + 16;
  uint8_t* c_ref = malloc(c_size);
  uint8_t* c_scalar = malloc(c_size);
  uint8_t* c_sse = malloc(c_size);
  memset(c_ref, 0xA5, c_size);
  memset(c_scalar, 0xA5, c_size);
  memset(c_sse, 0xA5, c_size);

  q8rt_q8conv_ukernel_3x4c8tp__scalar(mr, nc, kc, ks, ind, tp, c_scalar, c_stride, &params);
  bool ok = true;
  for (size_t m = 0; m < 4; m++) {
    for (size_t n = 0; n < c_stride; n++) {
      const uint8_t want = (m < mr && n < nc) ? ref_requantize(acc[m * nc + n], &params) : 0xA5;
      if (c_scalar[m * c_stride + n] != want) ok = false;
    }
  }
  CHECKF(ok, "scalar vs reference: mr=%zu nc=%zu kc=%zu ks=%zu", mr, nc, kc, ks);
  /* the same outputs as the 3x4c8 kernel on the original layout, panel by panel */
  for (size_t j = 0; j < nc; j += Q8RT_GEMM_NR) {
    q8rt_q8conv_ukernel_3x4c8__scalar(mr, nc - j < 4 ? nc - j : 4, kc, ks, ind,
                                      (const uint8_t*) packed + j / 4 * q8rt_pack_gemm_size(4, kc, ks), c_ref + j,
                                      c_stride, &params);
  }
  CHECKF(memcmp(c_ref, c_scalar, c_size) == 0, "3x4c8tp vs 3x4c8: mr=%zu nc=%zu kc=%zu ks=%zu", mr, nc, kc, ks);
#if HAVE_X86
  if (sse41) {
    q8rt_q8conv_ukernel_3x4c8tp__sse41(mr, nc, kc, ks, ind, tp, c_sse, c_stride, &params);
    CHECKF(memcmp(c_scalar, c_sse, c_size) == 0, "sse41 vs scalar: mr=%zu nc=%zu kc=%zu ks=%zu", mr, nc, kc, ks);
  }
  if (g_avx2) {
    memset(c_sse, 0xA5, c_size);
    q8rt_q8conv_ukernel_3x4c8tp__avx2(mr, nc, kc, ks, ind, tp, c_sse, c_stride, &params);
    CHECKF(memcmp(c_scalar, c_sse, c_size) == 0, "avx2 vs scalar: mr=%zu nc=%zu kc=%zu ks=%zu", mr, nc, kc, ks);
  }
#else
  (void) sse41;
#endif
  free(in);
  free(zb);
  free(ind);
  free(w);
  free(bias);
  free(acc);
  free(packed);
  free(tp);
  free(c_ref);
  free(c_scalar);
  free(c_sse);
}

int main(void) {
  test_rng_seed(0xC3);
  const bool sse41 = has_sse41();
  if (!sse41) printf("test_q8conv_tp: SSE4.1 not available, skipping SSE4.1 kernel checks\n");
  g_avx2 = has_avx2();
  if (!g_avx2) printf("test_q8conv_tp: AVX2 + FMA not available, skipping AVX2 kernel checks\n");
  for (size_t mr = 1; mr <= 3; mr++) {
    for (size_t nc = 1; nc <= 13; nc++) {
      for (size_t kc = 1; kc <= Q8RT_Q8CONV_TP_MAX_KC; kc++) {
        for (size_t ks = 1; ks <= 10; ks++) run_case(mr, nc, kc, ks, sse41, 0);
      }
    }
  }
  for (size_t ks = 1; ks <= 30; ks++) run_case(3, test_rand_range(1, 40), test_rand_range(1, 4), ks, sse41, 1);
  for (int i = 0; i < 300; i++) {
    const size_t ks = test_rand_range(0, 9) == 0 ? test_rand_range(100, Q8RT_Q8CONV_TP_MAX_KS) : test_rand_range(1, 49);
    run_case(test_rand_range(1, 3), test_rand_range(1, 40), test_rand_range(1, 4), ks, sse41, 0);
  }
  return test_summary("test_q8conv_tp");
}
