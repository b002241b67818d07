/* f32vadd and f32avgpool: every kernel against a double-precision reference and the SIMD kernels against
 * their scalar twins, with the tolerance of f32_test_util.h (vadd is one rounding: exact in every variant);
 * sizes around the vector widths, clamps, and no writes past n / channels. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../common/test.h"
#include "../../kernels/f32avgpool/f32avgpool.h"
#include "../../kernels/f32vadd/f32vadd.h"
#include "f32_test_util.h"

static void vadd_case(const char* name, q8rt_f32vadd_ukernel_fn fn, size_t n) {
  float* a = malloc(sizeof(float) * (n + 8));
  float* b = malloc(sizeof(float) * (n + 8));
  float* y = malloc(sizeof(float) * (n + 8));
  for (size_t i = 0; i < n + 8; i++) a[i] = test_rand_uniform(-5, 5), b[i] = test_rand_uniform(-5, 5);
  for (size_t i = 0; i < n + 8; i++) y[i] = F32_SENTINEL;
  struct q8rt_f32_minmax_params p = {-INFINITY, INFINITY};
  if (test_rand_range(0, 1)) p.min = 0.0f;
  fn(n, a, b, y, &p);
  size_t bad = 0;
  for (size_t i = 0; i < n; i++) {
    float want = a[i] + b[i];
    if (want < p.min) want = p.min;
    bad += y[i] != want;
  }
  for (size_t i = n; i < n + 8; i++) bad += y[i] != F32_SENTINEL;
  CHECKF(bad == 0, "%s: n=%zu: %zu bad outputs", name, n, bad);
  /* in place */
  memcpy(y, a, sizeof(float) * n);
  fn(n, y, b, y, &p);
  bad = 0;
  for (size_t i = 0; i < n; i++) {
    float want = a[i] + b[i];
    if (want < p.min) want = p.min;
    bad += y[i] != want;
  }
  CHECKF(bad == 0, "%s in place: n=%zu: %zu bad outputs", name, n, bad);
  free(a), free(b), free(y);
}

static void avgpool_case(const char* name, q8rt_f32avgpool_ukernel_fn fn, size_t ks, size_t channels) {
  float* x = malloc(sizeof(float) * (ks * channels + Q8RT_F32_EXTRA_FLOATS));
  for (size_t i = 0; i < ks * channels + Q8RT_F32_EXTRA_FLOATS; i++) x[i] = test_rand_uniform(-3, 3);
  float* zero = calloc(channels + Q8RT_F32_EXTRA_FLOATS, sizeof(float));
  const float** ind = malloc(sizeof(float*) * ks);
  for (size_t t = 0; t < ks; t++) ind[t] = test_rand_range(0, 4) == 0 ? zero : x + t * channels;
  struct q8rt_f32_avgpool_params p = {1.0f / (float) ks, -INFINITY, INFINITY};
  if (test_rand_range(0, 1)) p.min = 0.0f;
  float* y = malloc(sizeof(float) * (channels + 8));
  float* y2 = malloc(sizeof(float) * (channels + 8));
  for (size_t i = 0; i < channels + 8; i++) y[i] = y2[i] = F32_SENTINEL;
  fn(ks, channels, ind, y, &p);
  q8rt_f32avgpool_ukernel__scalar(ks, channels, ind, y2, &p);
  size_t bad = 0;
  for (size_t c = 0; c < channels; c++) {
    double sum = 0, abs_terms = 0;
    for (size_t t = 0; t < ks; t++) sum += ind[t][c], abs_terms += fabs((double) ind[t][c]);
    double want = sum / (double) ks;
    if (want < p.min) want = p.min;
    bad += !f32_close(y[c], want, abs_terms / (double) ks) || !f32_close(y[c], y2[c], abs_terms / (double) ks);
  }
  for (size_t c = channels; c < channels + 8; c++) bad += y[c] != F32_SENTINEL;
  CHECKF(bad == 0, "%s: ks=%zu channels=%zu: %zu bad outputs", name, ks, channels, bad);
  free(x), free(zero), free(ind), free(y), free(y2);
}

int main(void) {
  test_rng_seed(0xADD);
  struct {
    const char* name;
    q8rt_f32vadd_ukernel_fn vadd;
    q8rt_f32avgpool_ukernel_fn pool;
    bool available;
  } k[] = {
    {"scalar", q8rt_f32vadd_ukernel__scalar, q8rt_f32avgpool_ukernel__scalar, true},
#if F32_HAVE_X86
    {"sse", q8rt_f32vadd_ukernel__sse, q8rt_f32avgpool_ukernel__sse, f32_has_sse()},
    {"avx2", q8rt_f32vadd_ukernel__avx2, q8rt_f32avgpool_ukernel__avx2, f32_has_avx2()},
#endif
#if F32_HAVE_NEON
    {F32_NEON_NAME, F32_NEON0(f32vadd), F32_NEON0(f32avgpool), f32_has_neon()},
#endif
  };
  for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
    if (!k[i].available) {
      printf("test_f32vadd: %s not available on this CPU, skipped\n", k[i].name);
      continue;
    }
    for (size_t n = 1; n <= 70; n++) vadd_case(k[i].name, k[i].vadd, n);
    for (int r = 0; r < 100; r++) vadd_case(k[i].name, k[i].vadd, test_rand_range(1, 20000));
    for (size_t c = 1; c <= 40; c++) avgpool_case(k[i].name, k[i].pool, test_rand_range(1, 12), c);
    for (int r = 0; r < 200; r++) avgpool_case(k[i].name, k[i].pool, test_rand_range(1, 60), test_rand_range(1, 1300));
  }
  return test_summary("test_f32vadd");
}
