/* f32dwconv up16x9: every kernel against a double-precision reference (tolerance in f32_test_util.h: FMA
 * kernels round differently), SIMD kernels against the scalar twin (same tolerance); channel remainders,
 * strides (input_stride 3 and 6), output increments, zero-buffer padding, no writes past each pixel. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../common/test.h"
#include "../../kernels/f32dwconv/f32dwconv.h"
#include "../../src/pack/pack_f32.h"
#include "f32_test_util.h"

static void run_case(const char* name, q8rt_f32dwconv_ukernel_fn kernel, size_t channels, size_t width,
                     size_t step) {
  const size_t inc = test_rand_range(0, 1) * test_rand_range(1, 5);
  const size_t slots = (width - 1) * (step / 3) + 3;
  const size_t pixels = slots * 3;
  float* x = malloc(sizeof(float) * (pixels * channels + Q8RT_F32_EXTRA_FLOATS));
  for (size_t i = 0; i < pixels * channels + Q8RT_F32_EXTRA_FLOATS; i++) x[i] = test_rand_uniform(-1.0f, 1.0f);
  float* zero = calloc(channels + Q8RT_F32_EXTRA_FLOATS, sizeof(float));
  const float** ind = malloc(sizeof(float*) * pixels);
  for (size_t i = 0; i < pixels; i++) ind[i] = test_rand_range(0, 6) == 0 ? zero : x + i * channels;
  float* w = malloc(sizeof(float) * channels * 9);
  float* bias = malloc(sizeof(float) * channels);
  for (size_t i = 0; i < channels * 9; i++) w[i] = test_rand_uniform(-1.0f, 1.0f);
  for (size_t i = 0; i < channels; i++) bias[i] = test_rand_uniform(-1.0f, 1.0f);
  float* packed = malloc(sizeof(float) * q8rt_pack_f32_dw_floats(channels));
  q8rt_pack_f32_dw(channels, w, bias, packed);
  struct q8rt_f32_minmax_params params = {-INFINITY, INFINITY};
  if (test_rand_range(0, 1)) params.min = 0.0f;
  const size_t out_size = width * (channels + inc) + 4;
  float* y = malloc(sizeof(float) * out_size);
  float* y2 = malloc(sizeof(float) * out_size);
  for (size_t i = 0; i < out_size; i++) y[i] = y2[i] = F32_SENTINEL;
  kernel(channels, width, ind, step, packed, y, inc, &params);
  q8rt_f32dwconv_ukernel_up16x9__scalar(channels, width, ind, step, packed, y2, inc, &params);
  size_t bad_ref = 0, bad_twin = 0, bad_outside = 0;
  for (size_t px = 0; px < width; px++) {
    for (size_t c = 0; c < channels + inc; c++) {
      const float got = y[px * (channels + inc) + c];
      if (c >= channels) {
        bad_outside += got != F32_SENTINEL;
        continue;
      }
      double sum = bias[c], abs_terms = fabs((double) bias[c]);
      for (size_t kx = 0; kx < 3; kx++) {
        for (size_t ky = 0; ky < 3; ky++) {
          const double p = (double) ind[px * step + kx * 3 + ky][c] * w[c * 9 + ky * 3 + kx];
          sum += p;
          abs_terms += fabs(p);
        }
      }
      if (sum < params.min) sum = params.min;
      bad_ref += !f32_close(got, sum, abs_terms);
      bad_twin += !f32_close(got, y2[px * (channels + inc) + c], abs_terms);
    }
  }
  for (size_t i = width * (channels + inc); i < out_size; i++) bad_outside += y[i] != F32_SENTINEL;
  CHECKF(bad_ref == 0 && bad_twin == 0 && bad_outside == 0,
         "%s: channels=%zu width=%zu step=%zu inc=%zu: %zu vs reference, %zu vs scalar, %zu outside", name, channels,
         width, step, inc, bad_ref, bad_twin, bad_outside);
  free(x), free(zero), free(ind), free(w), free(bias), free(packed), free(y), free(y2);
}

int main(void) {
  test_rng_seed(0xD3C);
  struct {
    const char* name;
    q8rt_f32dwconv_ukernel_fn fn;
    bool available;
  } kernels[] = {
    {"up16x9 scalar", q8rt_f32dwconv_ukernel_up16x9__scalar, true},
#if F32_HAVE_X86
    {"up16x9 sse", q8rt_f32dwconv_ukernel_up16x9__sse, f32_has_sse()},
    {"up16x9 avx2", q8rt_f32dwconv_ukernel_up16x9__avx2, f32_has_avx2()},
    {"up16x9 avx512", q8rt_f32dwconv_ukernel_up16x9__avx512, f32_has_avx512()},
#endif
#if F32_HAVE_NEON
    {"up16x9 " F32_NEON_NAME, F32_NEON(f32dwconv, up16x9), f32_has_neon()},
#endif
#if F32_HAVE_NEON && defined(__aarch64__)
    {"up16x9p aarch64_neon", q8rt_f32dwconv_ukernel_up16x9p__aarch64_neon, f32_has_neon()},
#endif
  };
  for (size_t i = 0; i < sizeof kernels / sizeof kernels[0]; i++) {
    if (!kernels[i].available) {
      printf("test_f32dwconv: %s not available on this CPU, skipped\n", kernels[i].name);
      continue;
    }
    for (size_t c = 1; c <= 48; c++) run_case(kernels[i].name, kernels[i].fn, c, test_rand_range(1, 4), 3);
    for (int r = 0; r < 300; r++) {
      run_case(kernels[i].name, kernels[i].fn, test_rand_range(1, 200), test_rand_range(1, 20),
               test_rand_range(0, 1) ? 3 : 6);
    }
  }
  return test_summary("test_f32dwconv");
}
