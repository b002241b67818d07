/* Softmax pieces: lookup table (QNNPACK softargmax), u8rmax, u8lut32norm vs references and vs float. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../common/test.h"
#include "../../kernels/params.h"
#include "../../kernels/u8lut32norm/u8lut32norm.h"
#include "../../src/quant/qparams.h"

static void run_case(size_t n) {
  const float scale = exp2f(test_rand_uniform(-8.0f, 0.0f));
  uint32_t table[256];
  q8rt_softmax_table_init(table, n, scale);

  /* table reference */
  double qscale = 4294967295.0 / (double) n;
  if (qscale > 8388607.0) qscale = 8388607.0;
  bool tok = true;
  for (int i = 0; i < 256; i++) {
    const double v = qscale * exp((double) (i - 255) * (double) scale);
    if (table[i] != (uint32_t) llrint(v)) tok = false;
  }
  CHECKF(tok, "table n=%zu", n);

  uint8_t* x = malloc(n + Q8RT_EXTRA_BYTES);
  uint8_t* y = malloc(n + 16);
  const unsigned lo = test_rand_range(0, 255), hi = test_rand_range(lo, 255);
  for (size_t i = 0; i < n + Q8RT_EXTRA_BYTES; i++) x[i] = (uint8_t) test_rand_range(lo, hi);
  memset(y, 0xA5, n + 16);

  uint8_t mx = 0;
  for (size_t i = 0; i < n; i++) mx = x[i] > mx ? x[i] : mx;
  const uint8_t got_max = q8rt_u8rmax_ukernel__scalar(n, x);
  CHECKF(got_max == mx, "u8rmax n=%zu", n);

  const uint32_t* t = table + (got_max ^ 255);
  q8rt_u8lut32norm_ukernel__scalar(n, x, t, y);
  uint64_t sum = 0;
  for (size_t i = 0; i < n; i++) sum += t[x[i]];
  /* QNNPACK sums in uint32: when lrint rounds the table up, n * t[255] can exceed 2^32 - 1 and wrap
   * (only when every input equals the maximum). The kernel reproduces that; so does the reference. */
  const bool wrapped = sum > UINT32_MAX;
  sum &= UINT32_MAX;
  double fsum = 0;
  for (size_t i = 0; i < n; i++) fsum += exp(((double) x[i] - mx) * scale);
  bool ok = true, close = true;
  for (size_t i = 0; i < n; i++) {
    uint64_t q = (((uint64_t) t[x[i]] << 8) + sum / 2) / sum;
    if (q > 255) q = 255;
    if (y[i] != (uint8_t) q) ok = false;
    double real = 256.0 * exp(((double) x[i] - mx) * scale) / fsum;
    if (real > 255.0) real = 255.0;
    if (!wrapped && fabs(real - y[i]) > 1.0) close = false;
  }
  for (size_t i = n; i < n + 16; i++) {
    if (y[i] != 0xA5) ok = false;
  }
  CHECKF(ok, "u8lut32norm vs reference n=%zu", n);
  CHECKF(close, "u8lut32norm vs float softmax n=%zu", n);
  free(x);
  free(y);
}

int main(void) {
  test_rng_seed(0x50F7);
  for (size_t n = 1; n <= 64; n++) run_case(n);
  run_case(1000);
  run_case(1001);
  for (int i = 0; i < 100; i++) run_case(test_rand_range(1, 5000));
  /* u8rmax edge cases */
  const uint8_t zeros[4] = {0, 0, 0, 0};
  CHECK(q8rt_u8rmax_ukernel__scalar(4, zeros) == 0);
  const uint8_t last[5] = {1, 2, 3, 4, 255};
  CHECK(q8rt_u8rmax_ukernel__scalar(5, last) == 255);
  return test_summary("test_softmax");
}
