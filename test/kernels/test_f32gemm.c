/* f32gemm and f32conv: every kernel against a double-precision reference on unpacked weights (tolerance in
 * f32_test_util.h: FMA kernels round differently from mul+add ones), SIMD kernels against their scalar twins
 * (same tolerance), and no writes outside the mr x nr tile. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../common/test.h"
#include "../../kernels/f32conv/f32conv.h"
#include "../../kernels/f32gemm/f32gemm.h"
#include "../../src/pack/pack_f32.h"
#include "f32_test_util.h"

struct variant {
  const char* name;
  size_t mr, nr;
  q8rt_f32gemm_ukernel_fn gemm, gemm_twin;
  q8rt_f32conv_ukernel_fn conv, conv_twin;
  bool available;
};

static float rnd(void) { return test_rand_uniform(-1.0f, 1.0f); }

static struct q8rt_f32_minmax_params random_clamp(void) {
  struct q8rt_f32_minmax_params p = {-INFINITY, INFINITY};
  const unsigned mode = test_rand_range(0, 2);
  if (mode == 1) p.min = 0.0f;
  if (mode == 2) p.min = test_rand_uniform(-2.0f, 0.0f), p.max = test_rand_uniform(0.0f, 2.0f);
  return p;
}

static double clampd(double v, const struct q8rt_f32_minmax_params* p) {
  return v < p->min ? p->min : v > p->max ? p->max : v;
}

/* GEMM (ks = 1, rows a_stride apart) or conv (ks taps through an indirection buffer). */
static void run_case(const struct variant* v, size_t mr, size_t nr, size_t kc, size_t ks, bool conv) {
  const size_t MR = v->mr, NR = v->nr;
  if (!conv) ks = 1;
  const size_t a_stride = kc + test_rand_range(0, 5);
  const size_t c_stride = nr + test_rand_range(0, 3);
  /* inputs: MR * ks distinct rows (conv: some of them the zero buffer) */
  const size_t rows = MR * ks;
  float* a = malloc(sizeof(float) * (rows * a_stride + Q8RT_F32_EXTRA_FLOATS));
  for (size_t i = 0; i < rows * a_stride + Q8RT_F32_EXTRA_FLOATS; i++) a[i] = rnd();
  float* zero = calloc(kc + Q8RT_F32_EXTRA_FLOATS, sizeof(float));
  const float** ind = malloc(sizeof(float*) * rows);
  for (size_t t = 0; t < ks; t++) {
    for (size_t m = 0; m < MR; m++) {
      ind[t * MR + m] = test_rand_range(0, 5) == 0 ? zero : a + (t * MR + m) * a_stride;
    }
  }
  float* w = malloc(sizeof(float) * nr * ks * kc);
  float bias[32];
  for (size_t i = 0; i < nr * ks * kc; i++) w[i] = rnd();
  for (size_t n = 0; n < nr; n++) bias[n] = rnd();
  float* packed = malloc(sizeof(float) * q8rt_pack_f32_gemm_floats(nr, kc, ks, NR));
  q8rt_pack_f32_gemm(nr, kc, ks, NR, w, bias, packed);
  const struct q8rt_f32_minmax_params params = random_clamp();

  const size_t c_size = MR * c_stride + 8;
  float* c1 = malloc(sizeof(float) * c_size);
  float* c2 = malloc(sizeof(float) * c_size);
  for (size_t i = 0; i < c_size; i++) c1[i] = c2[i] = F32_SENTINEL;
  if (conv) {
    v->conv(mr, nr, kc, ks, ind, packed, c1, c_stride, &params);
    if (v->conv_twin != NULL) v->conv_twin(mr, nr, kc, ks, ind, packed, c2, c_stride, &params);
  } else {
    v->gemm(mr, nr, kc, a, a_stride, packed, c1, c_stride, &params);
    if (v->gemm_twin != NULL) v->gemm_twin(mr, nr, kc, a, a_stride, packed, c2, c_stride, &params);
  }
  size_t bad_ref = 0, bad_twin = 0, bad_outside = 0;
  for (size_t m = 0; m < MR; m++) {
    for (size_t n = 0; n < c_stride; n++) {
      const float got = c1[m * c_stride + n];
      if (m >= mr || n >= nr) {
        bad_outside += got != F32_SENTINEL;
        continue;
      }
      double sum = bias[n], abs_terms = fabs((double) bias[n]);
      for (size_t t = 0; t < ks; t++) {
        const float* row = conv ? ind[t * MR + m] : a + m * a_stride;
        for (size_t k = 0; k < kc; k++) {
          const double p = (double) row[k] * w[(n * ks + t) * kc + k];
          sum += p;
          abs_terms += fabs(p);
        }
      }
      bad_ref += !f32_close(got, clampd(sum, &params), abs_terms);
      if ((conv ? (void*) v->conv_twin : (void*) v->gemm_twin) != NULL) {
        bad_twin += !f32_close(got, c2[m * c_stride + n], abs_terms);
      }
    }
  }
  CHECKF(bad_ref == 0 && bad_twin == 0 && bad_outside == 0,
         "%s %s: mr=%zu nr=%zu kc=%zu ks=%zu: %zu vs reference, %zu vs scalar twin, %zu outside the tile", v->name,
         conv ? "conv" : "gemm", mr, nr, kc, ks, bad_ref, bad_twin, bad_outside);
  free(a), free(zero), free(ind), free(w), free(packed), free(c1), free(c2);
}

int main(void) {
  test_rng_seed(0xF32);
  const struct variant variants[] = {
    {"1x8 scalar", 1, 8, q8rt_f32gemm_ukernel_1x8__scalar, NULL, NULL, NULL, true},
    {"1x16 scalar", 1, 16, q8rt_f32gemm_ukernel_1x16__scalar, NULL, NULL, NULL, true},
    {"4x8 scalar", 4, 8, q8rt_f32gemm_ukernel_4x8__scalar, NULL, q8rt_f32conv_ukernel_4x8__scalar, NULL, true},
    {"8x32 scalar", 8, 32, q8rt_f32gemm_ukernel_8x32__scalar, NULL, q8rt_f32conv_ukernel_8x32__scalar, NULL, true},
    {"1x32 scalar", 1, 32, q8rt_f32gemm_ukernel_1x32__scalar, NULL, NULL, NULL, true},
    {"8x8 scalar", 8, 8, q8rt_f32gemm_ukernel_8x8__scalar, NULL, q8rt_f32conv_ukernel_8x8__scalar, NULL, true},
    {"6x16 scalar", 6, 16, q8rt_f32gemm_ukernel_6x16__scalar, NULL, q8rt_f32conv_ukernel_6x16__scalar, NULL, true},
#if F32_HAVE_X86
    {"1x8 sse", 1, 8, q8rt_f32gemm_ukernel_1x8__sse, q8rt_f32gemm_ukernel_1x8__scalar, NULL, NULL, f32_has_sse()},
    {"1x16 avx2", 1, 16, q8rt_f32gemm_ukernel_1x16__avx2, q8rt_f32gemm_ukernel_1x16__scalar, NULL, NULL,
     f32_has_avx2()},
    {"4x8 sse", 4, 8, q8rt_f32gemm_ukernel_4x8__sse, q8rt_f32gemm_ukernel_4x8__scalar, q8rt_f32conv_ukernel_4x8__sse,
     q8rt_f32conv_ukernel_4x8__scalar, f32_has_sse()},
    {"8x32 avx512", 8, 32, q8rt_f32gemm_ukernel_8x32__avx512, q8rt_f32gemm_ukernel_8x32__scalar,
     q8rt_f32conv_ukernel_8x32__avx512, q8rt_f32conv_ukernel_8x32__scalar, f32_has_avx512()},
    {"1x32 avx512", 1, 32, q8rt_f32gemm_ukernel_1x32__avx512, q8rt_f32gemm_ukernel_1x32__scalar, NULL, NULL,
     f32_has_avx512()},
    {"6x16 avx2", 6, 16, q8rt_f32gemm_ukernel_6x16__avx2, q8rt_f32gemm_ukernel_6x16__scalar,
     q8rt_f32conv_ukernel_6x16__avx2, q8rt_f32conv_ukernel_6x16__scalar, f32_has_avx2()},
#endif
#if F32_HAVE_NEON
    {"1x8 " F32_NEON_NAME, 1, 8, F32_NEON(f32gemm, 1x8), q8rt_f32gemm_ukernel_1x8__scalar, NULL, NULL,
     f32_has_neon()},
    {"4x8 " F32_NEON_NAME, 4, 8, F32_NEON(f32gemm, 4x8), q8rt_f32gemm_ukernel_4x8__scalar, F32_NEON(f32conv, 4x8),
     q8rt_f32conv_ukernel_4x8__scalar, f32_has_neon()},
#endif
#if F32_HAVE_NEON && defined(__aarch64__)
    {"8x8 aarch64_neon", 8, 8, q8rt_f32gemm_ukernel_8x8__aarch64_neon, q8rt_f32gemm_ukernel_8x8__scalar,
     q8rt_f32conv_ukernel_8x8__aarch64_neon, q8rt_f32conv_ukernel_8x8__scalar, f32_has_neon()},
#endif
  };
  for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
    const struct variant* v = &variants[i];
    if (!v->available) {
      printf("test_f32gemm: %s not available on this CPU, skipped\n", v->name);
      continue;
    }
    for (int conv = 0; conv <= (v->conv != NULL); conv++) {
      /* every tile shape, small K */
      for (size_t mr = 1; mr <= v->mr; mr++) {
        for (size_t nr = 1; nr <= v->nr; nr++) {
          for (size_t k = 1; k <= 9; k++) run_case(v, mr, nr, k, test_rand_range(1, 4), conv);
        }
      }
      /* random larger shapes */
      for (int r = 0; r < 300; r++) {
        const size_t k = test_rand_range(0, 4) == 0 ? test_rand_range(1, 1300) : test_rand_range(1, 100);
        run_case(v, test_rand_range(1, (unsigned) v->mr), test_rand_range(1, (unsigned) v->nr), k,
                 test_rand_range(1, 9), conv);
      }
    }
  }
  return test_summary("test_f32gemm");
}
