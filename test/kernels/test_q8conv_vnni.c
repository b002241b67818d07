/* q8conv 8x32c4 (indirect convolution, AVX-512 VNNI) on Q8RT_LAYOUT_GEMM_VNNI weights repacked from
 * Q8RT_LAYOUT_GEMM (src/pack/pack_vnni.h): the scalar twin vs a naive reference and vs the scalar 3x4c8 on the
 * original layout, the AVX-512 VNNI kernel vs the scalar twin (bit-exact), over pixel counts, column counts
 * (panel and 32-column step tails, several steps), kc (1..70, including kc % 4 != 0), ks, padding taps on the
 * zero buffer, zero points (including kernel zero points 0, 128, 255) and scales. Skipped (with a message) when
 * the CPU lacks AVX-512 F/BW/VL/VNNI/VBMI. */
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
#include "../../src/pack/pack_vnni.h"
#include "../../src/quant/qparams.h"



static size_t round_up_kr(size_t x) { return (x + Q8RT_GEMM_KR - 1) / Q8RT_GEMM_KR * Q8RT_GEMM_KR; }


static void run_case(size_t mr, size_t nc, size_t kc, size_t ks, bool vnni, int mode, int kzp_mode) {
  const size_t c_stride = nc + test_rand_range(0, 1) * test_rand_range(1, 9);
  const uint8_t izp = (uint8_t) test_rand_range(0, 255);
  static const uint8_t fixed_kzp[4] = {0, 0, 128, 255};
  const uint8_t kzp = kzp_mode == 0 ? (uint8_t) test_rand_range(0, 255) : fixed_kzp[kzp_mode];

  const size_t npix = test_rand_range(1, 12);
  const size_t in_size = npix * kc + round_up_kr(kc) + Q8RT_EXTRA_BYTES;
  uint8_t* in = malloc(in_size);
  for (size_t i = 0; i < in_size; i++) in[i] = (uint8_t) test_rand_u32();
  if (mode == 1) memset(in, 255, in_size);
  const size_t zb_size = round_up_kr(kc) + Q8RT_EXTRA_BYTES;
  uint8_t* zb = malloc(zb_size);
  memset(zb, izp, zb_size);

  const uint8_t** ind = malloc(ks * 8 * sizeof(uint8_t*));
  for (size_t i = 0; i < ks * 8; i++) {
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
  void* vp = NULL;
  const size_t vbytes = q8rt_vnni_packed_bytes(nc, kc, ks);
  CHECK(posix_memalign(&vp, 64, vbytes) == 0);
  memset(vp, 0x5A, vbytes);
  q8rt_repack_vnni(nc, kc, ks, kzp, packed, vp);

  int64_t* acc = malloc(mr * nc * sizeof(int64_t));
  int64_t maxabs = 1;
  for (size_t m = 0; m < mr; m++) {
    for (size_t n = 0; n < nc; n++) {
      int64_t s = bias[n];
      for (size_t t = 0; t < ks; t++) {
        for (size_t k = 0; k < kc; k++) {
          s += ((int64_t) ind[t * 8 + m][k] - izp) * ((int64_t) w[(n * ks + t) * kc + k] - kzp);
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

  const size_t c_size = 9 * c_stride + 64;
  uint8_t* c_ref = malloc(c_size);
  uint8_t* c_scalar = malloc(c_size);
  uint8_t* c_vnni = malloc(c_size);
  memset(c_ref, 0xA5, c_size);
  memset(c_scalar, 0xA5, c_size);
  memset(c_vnni, 0xA5, c_size);

  q8rt_q8conv_ukernel_8x32c4__scalar(mr, nc, kc, ks, ind, vp, c_scalar, c_stride, &params);
  bool ok = true;
  for (size_t m = 0; m < 9; m++) {
    for (size_t n = 0; n < c_stride; n++) {
      const uint8_t want = (m < mr && n < nc) ? ref_requantize(acc[m * nc + n], &params) : 0xA5;
      if (c_scalar[m * c_stride + n] != want) ok = false;
    }
  }
  CHECKF(ok, "scalar vs reference: mr=%zu nc=%zu kc=%zu ks=%zu kzp=%u", mr, nc, kc, ks, kzp);
  /* the same outputs as the 3x4c8 kernel on the original layout (3 pixels, one panel of 4 at a time) */
  const uint8_t** ind3 = malloc(ks * 3 * sizeof(uint8_t*));
  for (size_t m0 = 0; m0 < mr; m0 += 3) {
    for (size_t t = 0; t < ks; t++) {
      for (size_t i = 0; i < 3; i++) ind3[t * 3 + i] = ind[t * 8 + (m0 + i < mr ? m0 + i : mr - 1)];
    }
    for (size_t j = 0; j < nc; j += Q8RT_GEMM_NR) {
      q8rt_q8conv_ukernel_3x4c8__scalar(mr - m0 < 3 ? mr - m0 : 3, nc - j < 4 ? nc - j : 4, kc, ks, ind3,
                                        (const uint8_t*) packed + j / 4 * q8rt_pack_gemm_size(4, kc, ks),
                                        c_ref + m0 * c_stride + j, c_stride, &params);
    }
  }
  free(ind3);
  CHECKF(memcmp(c_ref, c_scalar, c_size) == 0, "8x32c4 scalar vs 3x4c8: mr=%zu nc=%zu kc=%zu ks=%zu", mr, nc, kc, ks);
#if HAVE_X86
  if (vnni) {
    const struct q8rt_conv_params vparams = vnni_plan_params(&params, test_rand_u32());
    q8rt_q8conv_ukernel_8x32c4__avx512vnni(mr, nc, kc, ks, ind, vp, c_vnni, c_stride, &vparams);
    CHECKF(memcmp(c_scalar, c_vnni, c_size) == 0, "avx512vnni vs scalar: mr=%zu nc=%zu kc=%zu ks=%zu kzp=%u", mr, nc,
           kc, ks, kzp);
  }
#else
  (void) vnni;
#endif
  free(in);
  free(zb);
  free(ind);
  free(w);
  free(bias);
  free(acc);
  free(packed);
  free(vp);
  free(c_ref);
  free(c_scalar);
  free(c_vnni);
}

int main(void) {
  test_rng_seed(0xC8);
  const bool vnni = has_vnni();
  if (!vnni) printf("test_q8conv_vnni: AVX-512 F/BW/VL/VNNI/VBMI not available, skipping the AVX-512 VNNI kernel checks\n");
  for (size_t mr = 1; mr <= 8; mr++) {
    for (size_t nc = 1; nc <= 70; nc += (nc < 34 ? 1 : 7)) {
      for (size_t kc = 1; kc <= 9; kc++) run_case(mr, nc, kc, test_rand_range(1, 10), vnni, 0, (int) ((mr + nc + kc) % 4));
    }
  }
  for (int z = 0; z < 4; z++) {
    for (size_t ks = 1; ks <= 12; ks++) run_case(8, test_rand_range(1, 70), test_rand_range(1, 40), ks, vnni, 1, z);
  }
  for (int i = 0; i < 400; i++) {
    run_case(test_rand_range(1, 8), test_rand_range(1, 100), test_rand_range(1, 70), test_rand_range(1, 25), vnni, 0,
             (int) test_rand_range(0, 3));
  }
  return test_summary("test_q8conv_vnni");
}
