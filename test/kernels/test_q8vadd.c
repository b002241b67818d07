/* q8vadd: scalar vs a reference written from the QNNPACK formula (and vs float), SSE4.1 and AVX2 vs scalar. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../common/kernel_ref.h"
#include "../common/test.h"
#include "../../kernels/layout.h"
#include "../../kernels/params.h"
#include "../../kernels/q8vadd/q8vadd.h"
#include "../../src/quant/qparams.h"


static bool g_avx2; /* AVX2 kernel checked too */


static int64_t round_shift_away(int64_t v, uint32_t shift) {
  const int64_t mag = v < 0 ? -v : v;
  const int64_t r = (mag + (INT64_C(1) << (shift - 1))) >> shift;
  return v < 0 ? -r : r;
}

static void run_case(size_t n, bool sse41, bool alias) {
  struct q8rt_add_params p;
  uint8_t azp, bzp, yzp;
  float as, bs, ys;
  do {
    azp = (uint8_t) test_rand_range(0, 255);
    bzp = (uint8_t) test_rand_range(0, 255);
    yzp = (uint8_t) test_rand_range(0, 255);
    as = exp2f(test_rand_uniform(-12.0f, 2.0f));
    bs = exp2f(test_rand_uniform(-12.0f, 2.0f));
    ys = exp2f(test_rand_uniform(-8.0f, 2.0f));
  } while (!q8rt_add_params_init(&p, azp, as, bzp, bs, yzp, ys, 0, 255));
  if (test_rand_range(0, 1)) {
    p.output_min = (uint8_t) test_rand_range(0, 100);
    p.output_max = (uint8_t) test_rand_range(150, 255);
  }
  uint8_t* a = malloc(n + Q8RT_EXTRA_BYTES);
  uint8_t* b = malloc(n + Q8RT_EXTRA_BYTES);
  uint8_t* y0 = malloc(n + 16);
  uint8_t* y1 = malloc(n + 16);
  for (size_t i = 0; i < n + Q8RT_EXTRA_BYTES; i++) {
    a[i] = (uint8_t) test_rand_u32();
    b[i] = (uint8_t) test_rand_u32();
  }
  memset(y0, 0xA5, n + 16);
  memset(y1, 0xA5, n + 16);
  q8rt_q8vadd_ukernel__scalar(n, a, b, y0, &p);
  bool ok = true, close = true;
  for (size_t i = 0; i < n; i++) {
    const int64_t acc = (int64_t) p.zero_point_product + (int64_t) a[i] * p.a_multiplier + (int64_t) b[i] * p.b_multiplier;
    int64_t y = round_shift_away(acc, p.shift) + yzp;
    /* the fixed point must agree with the real-valued sum within one step (before clamping) */
    const double real = yzp + ((double) a[i] - azp) * ((double) as / ys) + ((double) b[i] - bzp) * ((double) bs / ys);
    if (fabs((double) y - real) > 1.0) close = false;
    if (y < p.output_min) y = p.output_min;
    if (y > p.output_max) y = p.output_max;
    if (y0[i] != (uint8_t) y) ok = false;
  }
  for (size_t i = n; i < n + 16; i++) {
    if (y0[i] != 0xA5) ok = false;
  }
  CHECKF(ok, "scalar vs reference n=%zu", n);
  CHECKF(close, "fixed point vs real n=%zu", n);
#if HAVE_X86
  if (sse41) {
    q8rt_q8vadd_ukernel__sse41(n, a, b, y1, &p);
    CHECKF(memcmp(y0, y1, n + 16) == 0, "sse41 vs scalar n=%zu", n);
    if (alias) { /* in place: y == a */
      uint8_t* a2 = malloc(n + Q8RT_EXTRA_BYTES);
      memcpy(a2, a, n + Q8RT_EXTRA_BYTES);
      q8rt_q8vadd_ukernel__sse41(n, a2, b, a2, &p);
      CHECKF(memcmp(y0, a2, n) == 0, "sse41 in place n=%zu", n);
      free(a2);
    }
  }
  if (g_avx2) {
    memset(y1, 0xA5, n + 16);
    q8rt_q8vadd_ukernel__avx2(n, a, b, y1, &p);
    CHECKF(memcmp(y0, y1, n + 16) == 0, "avx2 vs scalar n=%zu", n);
    if (alias) { /* in place: y == a, then y == b */
      uint8_t* a2 = malloc(n + Q8RT_EXTRA_BYTES);
      memcpy(a2, a, n + Q8RT_EXTRA_BYTES);
      q8rt_q8vadd_ukernel__avx2(n, a2, b, a2, &p);
      CHECKF(memcmp(y0, a2, n) == 0, "avx2 in place (a) n=%zu", n);
      memcpy(a2, b, n + Q8RT_EXTRA_BYTES);
      q8rt_q8vadd_ukernel__avx2(n, a, a2, a2, &p);
      CHECKF(memcmp(y0, a2, n) == 0, "avx2 in place (b) n=%zu", n);
      free(a2);
    }
  }
#else
  (void) sse41;
#endif
  if (alias) {
    q8rt_q8vadd_ukernel__scalar(n, a, b, b, &p);
    CHECKF(memcmp(y0, b, n) == 0, "scalar in place n=%zu", n);
  }
  free(a);
  free(b);
  free(y0);
  free(y1);
}

int main(void) {
  test_rng_seed(0xADD);
  const bool sse41 = has_sse41();
  if (!sse41) printf("test_q8vadd: SSE4.1 not available, skipping SSE4.1 kernel checks\n");
  g_avx2 = has_avx2();
  if (!g_avx2) printf("test_q8vadd: AVX2 + FMA not available, skipping AVX2 kernel checks\n");
  for (size_t n = 1; n <= 70; n++) {
    for (int r = 0; r < 10; r++) run_case(n, sse41, r == 0);
  }
  for (int i = 0; i < 200; i++) run_case(test_rand_range(1, 5000), sse41, i % 4 == 0);
  return test_summary("test_q8vadd");
}
