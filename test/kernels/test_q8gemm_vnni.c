/* q8gemm AVX-512 VNNI kernels (8x32c4n, 1x64c4n) on Q8RT_LAYOUT_GEMM_VNNI weights repacked from Q8RT_LAYOUT_GEMM
 * (src/pack/pack_vnni.h): the scalar twin 8x32c4n vs a naive reference and vs the scalar 3x4c8n on the original
 * layout, the AVX-512 VNNI kernels vs the scalar twin (bit-exact), over row counts, column counts (panel and
 * 32/64-column step tails), k (including k % 4 != 0 and k > 64), zero points (including kernel zero points 0,
 * 128, 255), scales, output strides, large accumulators (int32 wrap-around) and requantization edges (ties,
 * shifts 0 and 31, INT32_MIN / INT32_MAX accumulators: run_requant_edges). Skipped (with a message) when
 * the CPU lacks AVX-512 F/BW/VL/VNNI. */
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
#include "../../src/pack/pack_vnni.h"
#include "../../src/quant/qparams.h"



static size_t round_up_kr(size_t x) { return (x + Q8RT_GEMM_KR - 1) / Q8RT_GEMM_KR * Q8RT_GEMM_KR; }

/* kind 0: 8x32c4n (mr <= 8), kind 1: 1x64c4n (any mr); kzp_mode: 0 random, 1: 0, 2: 128, 3: 255 */
static void run_case(int kind, size_t mr, size_t nc, size_t k, bool vnni, int mode, int kzp_mode) {
  const size_t a_stride = k + test_rand_range(0, 3) * (test_rand_range(0, 1) ? 1 : 17);
  const size_t c_stride = nc + test_rand_range(0, 1) * test_rand_range(1, 9);
  const uint8_t izp = (uint8_t) test_rand_range(0, 255);
  static const uint8_t fixed_kzp[4] = {0, 0, 128, 255};
  const uint8_t kzp = kzp_mode == 0 ? (uint8_t) test_rand_range(0, 255) : fixed_kzp[kzp_mode];

  /* A rows: readable up to round_up(k, 8) + Q8RT_EXTRA_BYTES, the bytes past k random */
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
  if (!q8rt_pack_gemm(nc, k, 1, izp, kzp, w, bias, packed)) {
    /* folded bias overflow: not a valid model; skip */
    free(a);
    free(w);
    free(bias);
    free(packed);
    return;
  }
  void* vpacked = NULL;
  CHECK(posix_memalign(&vpacked, 64, q8rt_vnni_packed_bytes(nc, k, 1)) == 0);
  memset(vpacked, 0xCC, q8rt_vnni_packed_bytes(nc, k, 1));
  q8rt_repack_vnni(nc, k, 1, kzp, packed, vpacked);

  int64_t* acc = malloc(mr * nc * sizeof(int64_t));
  int64_t maxabs = 1;
  for (size_t m = 0; m < mr; m++) {
    for (size_t n = 0; n < nc; n++) {
      int64_t s = bias[n];
      for (size_t kk = 0; kk < k; kk++) s += ((int64_t) a[m * a_stride + kk] - izp) * ((int64_t) w[n * k + kk] - kzp);
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
  const size_t c_size = rows * c_stride + 64;
  uint8_t* c_ref = malloc(c_size);
  uint8_t* c_scalar = malloc(c_size);
  uint8_t* c_vnni = malloc(c_size);
  memset(c_ref, 0xA5, c_size);
  memset(c_scalar, 0xA5, c_size);
  memset(c_vnni, 0xA5, c_size);

  q8rt_q8gemm_ukernel_8x32c4n__scalar(mr, nc, k, a, a_stride, vpacked, c_scalar, c_stride, &params);
  bool ok = true;
  for (size_t m = 0; m < rows; m++) {
    for (size_t n = 0; n < c_stride; n++) {
      const uint8_t got = c_scalar[m * c_stride + n];
      const uint8_t want = (m < mr && n < nc) ? ref_requantize(acc[m * nc + n], &params) : 0xA5;
      if (got != want) ok = false;
    }
  }
  CHECKF(ok, "8x32c4n scalar vs reference: mr=%zu nc=%zu k=%zu kzp=%u mode=%d", mr, nc, k, kzp, mode);
  /* the original layout's scalar kernel (3 rows at a time) */
  for (size_t m0 = 0; m0 < mr; m0 += 3) {
    q8rt_q8gemm_ukernel_3x4c8n__scalar(mr - m0 < 3 ? mr - m0 : 3, nc, k, a + m0 * a_stride, a_stride, packed,
                                       c_ref + m0 * c_stride, c_stride, &params);
  }
  CHECKF(memcmp(c_ref, c_scalar, c_size) == 0, "8x32c4n scalar vs 3x4c8n scalar: mr=%zu nc=%zu k=%zu", mr, nc, k);

#if HAVE_X86
  if (vnni) {
    const struct q8rt_conv_params vparams = vnni_plan_params(&params, test_rand_u32());
    if (kind == 0) {
      q8rt_q8gemm_ukernel_8x32c4n__avx512vnni(mr, nc, k, a, a_stride, vpacked, c_vnni, c_stride, &vparams);
    } else {
      q8rt_q8gemm_ukernel_1x64c4n__avx512vnni(mr, nc, k, a, a_stride, vpacked, c_vnni, c_stride, &vparams);
    }
    CHECKF(memcmp(c_scalar, c_vnni, c_size) == 0,
           "kind %d avx512vnni vs scalar: mr=%zu nc=%zu k=%zu kzp=%u a_stride=%zu c_stride=%zu mode=%d", kind, mr, nc,
           k, kzp, a_stride, c_stride, mode);
  }
#else
  (void) vnni;
  (void) kind;
#endif
  free(a);
  free(w);
  free(bias);
  free(acc);
  free(packed);
  free(vpacked);
  free(c_ref);
  free(c_scalar);
  free(c_vnni);
}

/* Requantization edges (the rounding shift sign(q31) * ((|q31| + 2^(shift-1)) >> shift) of avx512vnni-common.h):
 * weights equal to the kernel zero point make every accumulator its column's bias, so the bias sets it exactly.
 * With multiplier 2^30, q31 = floor((acc + 1) / 2), so acc = 2t gives q31 = t: exact ties +-(j 2^shift +
 * 2^(shift-1)) and their neighbours, +-2^(shift-1), small negative accumulators rounding to q31 = 0, and
 * |q31| near 2^30; also multiplier 2^31 - 1 with INT32_MIN / INT32_MAX / -1 accumulators. Shifts 0, 1, 2, 7, 16,
 * 30, 31; output zero point 128 and no clamp, so the rounded values stay visible. */
static void run_requant_edges(bool vnni) {
  (void) vnni; /* the AVX-512 kernels are compiled on x86 only */
  const size_t nc = 64, k = 4, mr = 8;
  static const uint32_t shifts[] = {0, 1, 2, 7, 16, 30, 31};
  for (size_t si = 0; si < sizeof shifts / sizeof shifts[0]; si++) {
    for (int mi = 0; mi < 2; mi++) {
      const uint32_t shift = shifts[si];
      const int32_t multiplier = mi == 0 ? INT32_C(0x40000000) : INT32_MAX;
      const int64_t half = shift == 0 ? 0 : INT64_C(1) << (shift - 1);
      int32_t bias[64];
      for (size_t n = 0; n < nc; n++) {
        const int64_t sign = (n & 1) ? -1 : 1;
        int64_t t;
        switch ((n / 2) % 8) {
          case 0: t = half; break;
          case 1: t = half - 1; break;
          case 2: t = half + 1; break;
          case 3: t = ((int64_t) test_rand_range(0, 5) << shift) + half; break;
          case 4: t = (INT64_C(1) << 30) - 1 - (int64_t) test_rand_range(0, 3); break;
          case 5: t = (int64_t) test_rand_range(0, 300); break;
          default: t = (int64_t) (test_rand_u32() & 0x3FFFFFFF); break;
        }
        if (t >= (INT64_C(1) << 30)) t = (INT64_C(1) << 30) - 1;
        bias[n] = (int32_t) (2 * sign * t);
        if (n >= 56) bias[n] = n == 56 ? INT32_MIN : n == 57 ? INT32_MAX : n == 58 ? -1 : n == 59 ? 1 : -(int32_t) n;
      }
      const uint8_t izp = (uint8_t) test_rand_range(0, 255), kzp = (uint8_t) test_rand_range(0, 255);
      uint8_t w[64 * 4], a[8 * 4 + 64];
      memset(w, kzp, sizeof w);
      for (size_t i = 0; i < sizeof a; i++) a[i] = (uint8_t) test_rand_u32();
      void* packed = NULL;
      void* vpacked = NULL;
      CHECK(posix_memalign(&packed, 64, q8rt_pack_gemm_size(nc, k, 1)) == 0);
      CHECK(posix_memalign(&vpacked, 64, q8rt_vnni_packed_bytes(nc, k, 1)) == 0);
      CHECK(q8rt_pack_gemm(nc, k, 1, izp, kzp, w, bias, packed));
      q8rt_repack_vnni(nc, k, 1, kzp, packed, vpacked);
      struct q8rt_conv_params params;
      CHECK(q8rt_conv_params_init(&params, 0.5f, 1.0f, 1.0f, kzp, 128, 0, 255));
      params.multiplier = multiplier;
      params.shift = shift;
      params.remainder_mask = (int32_t) ((UINT32_C(1) << shift) - 1);
      params.remainder_threshold = (int32_t) ((uint32_t) params.remainder_mask >> 1);
      uint8_t want[8 * 64], got[8 * 64];
      for (size_t m = 0; m < mr; m++) {
        for (size_t n = 0; n < nc; n++) want[m * nc + n] = ref_requantize(bias[n], &params);
      }
      memset(got, 0xA5, sizeof got);
      q8rt_q8gemm_ukernel_8x32c4n__scalar(mr, nc, k, a, k, vpacked, got, nc, &params);
      CHECKF(memcmp(want, got, sizeof got) == 0, "requant edges, scalar 8x32c4n: shift %u multiplier %d", shift,
             multiplier);
#if HAVE_X86
      if (vnni) {
        memset(got, 0xA5, sizeof got);
        q8rt_q8gemm_ukernel_8x32c4n__avx512vnni(mr, nc, k, a, k, vpacked, got, nc, &params);
        CHECKF(memcmp(want, got, sizeof got) == 0, "requant edges, 8x32c4n avx512vnni: shift %u multiplier %d",
               shift, multiplier);
        memset(got, 0xA5, sizeof got);
        q8rt_q8gemm_ukernel_1x64c4n__avx512vnni(1, nc, k, a, k, vpacked, got, nc, &params);
        CHECKF(memcmp(want, got, nc) == 0, "requant edges, 1x64c4n avx512vnni: shift %u multiplier %d", shift,
               multiplier);
      }
#endif
      free(packed);
      free(vpacked);
    }
  }
}

int main(void) {
  test_rng_seed(0x7A11);
  const bool vnni = has_vnni();
  if (!vnni) printf("test_q8gemm_vnni: AVX-512 F/BW/VL/VNNI/VBMI not available, skipping the AVX-512 VNNI kernel checks\n");

  for (int kind = 0; kind < 2; kind++) {
    const size_t max_mr = kind == 0 ? 8 : 3;
    for (size_t mr = 1; mr <= max_mr; mr++) {
      for (size_t nc = 1; nc <= 70; nc += (nc < 34 ? 1 : 5)) {
        for (size_t k = 1; k <= 13; k++) run_case(kind, mr, nc, k, vnni, 0, (int) ((mr + nc + k) % 4));
      }
    }
    for (int z = 0; z < 4; z++) {
      for (size_t k = 1; k <= 70; k++) run_case(kind, max_mr, test_rand_range(1, 80), k, vnni, 1, z);
    }
    for (int i = 0; i < 200; i++) {
      run_case(kind, test_rand_range(1, max_mr), test_rand_range(1, 80), test_rand_range(1, 140), vnni, 2,
               (int) test_rand_range(0, 3));
    }
    for (int i = 0; i < 300; i++) {
      const unsigned r = test_rand_range(0, 9);
      const size_t k = r == 0 ? test_rand_range(900, 1400) : r < 4 ? test_rand_range(1, 512) : test_rand_range(1, 96);
      run_case(kind, test_rand_range(1, max_mr), test_rand_range(1, r == 0 ? 40 : 140), k, vnni, 0,
               (int) test_rand_range(0, 3));
    }
  }
  run_requant_edges(vnni);
  return test_summary("test_q8gemm_vnni");
}
