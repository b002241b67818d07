/* q8avgpool: scalar vs a reference written from the QNNPACK formula (and vs float), SSE4.1 vs scalar. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../common/test.h"
#include "../../kernels/layout.h"
#include "../../kernels/params.h"
#include "../../kernels/q8avgpool/q8avgpool.h"
#include "../../src/quant/qparams.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuinfo.h>
#define HAVE_X86 1
#else
#define HAVE_X86 0
#endif

static bool has_sse41(void) {
#if HAVE_X86
  return cpuinfo_initialize() && cpuinfo_has_x86_sse4_1();
#else
  return false;
#endif
}


static void run_case(size_t ks, size_t channels, bool sse41) {
  struct q8rt_avgpool_params p;
  uint8_t izp, ozp;
  float is, os;
  do {
    izp = (uint8_t) test_rand_range(0, 255);
    ozp = (uint8_t) test_rand_range(0, 255);
    is = exp2f(test_rand_uniform(-10.0f, 2.0f));
    os = is * exp2f(test_rand_uniform(-8.0f, 8.0f));
  } while (!q8rt_avgpool_params_init(&p, (uint32_t) ks, izp, is, ozp, os, 0, 255));
  if (test_rand_range(0, 1)) {
    p.output_min = (uint8_t) test_rand_range(0, 100);
    p.output_max = (uint8_t) test_rand_range(150, 255);
  }
  const size_t npix = test_rand_range(1, 10);
  uint8_t* in = malloc(npix * channels + Q8RT_EXTRA_BYTES);
  for (size_t i = 0; i < npix * channels + Q8RT_EXTRA_BYTES; i++) in[i] = (uint8_t) test_rand_u32();
  if (test_rand_range(0, 3) == 0) memset(in, test_rand_range(0, 1) ? 255 : 0, npix * channels + Q8RT_EXTRA_BYTES);
  uint8_t* zb = malloc(channels + Q8RT_EXTRA_BYTES);
  memset(zb, izp, channels + Q8RT_EXTRA_BYTES);
  const uint8_t** ptr = malloc(ks * sizeof(uint8_t*));
  for (size_t t = 0; t < ks; t++) ptr[t] = test_rand_range(0, 5) == 0 ? zb : in + test_rand_range(0, (unsigned) npix - 1) * channels;

  uint8_t* y0 = malloc(channels + 16);
  uint8_t* y1 = malloc(channels + 16);
  memset(y0, 0xA5, channels + 16);
  memset(y1, 0xA5, channels + 16);
  q8rt_q8avgpool_ukernel__scalar(ks, channels, ptr, y0, &p);
  bool ok = true, close = true;
  for (size_t c = 0; c < channels; c++) {
    int64_t sum = 0;
    for (size_t t = 0; t < ks; t++) sum += ptr[t][c];
    const int64_t n = sum - (int64_t) ks * izp;
    /* y = n * multiplier / 2^shift rounded half away from zero */
    const int64_t mag = (n < 0 ? -n : n) * (int64_t) p.multiplier;
    const int64_t r = (mag + (INT64_C(1) << (p.shift - 1))) >> p.shift;
    int64_t y = n < 0 ? -r : r;
    const double real = (double) n * is / ((double) os * (double) ks);
    if (fabs((double) y - real) > 0.5 + 1e-3 * fabs(real) + 1e-6) close = false;
    y += ozp;
    if (y < p.output_min) y = p.output_min;
    if (y > p.output_max) y = p.output_max;
    if (y0[c] != (uint8_t) y) ok = false;
  }
  for (size_t c = channels; c < channels + 16; c++) {
    if (y0[c] != 0xA5) ok = false;
  }
  CHECKF(ok, "scalar vs reference ks=%zu channels=%zu", ks, channels);
  CHECKF(close, "fixed point vs real ks=%zu channels=%zu", ks, channels);
#if HAVE_X86
  if (sse41) {
    q8rt_q8avgpool_ukernel__sse41(ks, channels, ptr, y1, &p);
    CHECKF(memcmp(y0, y1, channels + 16) == 0, "sse41 vs scalar ks=%zu channels=%zu", ks, channels);
  }
#else
  (void) sse41;
#endif
  free(in);
  free(zb);
  free(ptr);
  free(y0);
  free(y1);
}

int main(void) {
  test_rng_seed(0xA7);
  const bool sse41 = has_sse41();
  if (!sse41) printf("test_q8avgpool: SSE4.1 not available, skipping SSE4.1 kernel checks\n");
  for (size_t ks = 1; ks <= 12; ks++) {
    for (size_t channels = 1; channels <= 40; channels++) run_case(ks, channels, sse41);
  }
  run_case(49, 1280, sse41);
  for (int i = 0; i < 300; i++) run_case(test_rand_range(1, 100), test_rand_range(1, 300), sse41);
  return test_summary("test_q8avgpool");
}
