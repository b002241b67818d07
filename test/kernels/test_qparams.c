/* Parameter computation (QNNPACK formulas): known values, validity limits, and real-valued accuracy. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../common/test.h"
#include "../../kernels/params.h"
#include "../../kernels/requantize.h"
#include "../../src/quant/qparams.h"

static void test_conv(void) {
  struct q8rt_conv_params p;
  /* 0.5 = 1.0 * 2^-1: multiplier 2^30, shift 0 */
  CHECK(q8rt_conv_params_init(&p, 0.5f, 1.0f, 1.0f, 3, 4, 5, 250));
  CHECK(p.multiplier == 0x40000000 && p.shift == 0 && p.remainder_mask == 0 && p.remainder_threshold == 0);
  CHECK(p.kernel_zero_point == 3 && p.output_zero_point == 4 && p.output_min == 5 && p.output_max == 250);
  /* 0.75 * 2^-10: mantissa 0xC00000 << 7, shift = 126 - (127 - 11) = 10 */
  CHECK(q8rt_conv_params_init(&p, 0.75f * 0x1.0p-10f, 1.0f, 1.0f, 0, 0, 0, 255));
  CHECK(p.multiplier == (int32_t) (0xC00000u << 7) && p.shift == 10 && p.remainder_mask == 1023 &&
        p.remainder_threshold == 511);
  /* scale = (0.5 * 0.25) / 0.125 = 1.0: invalid; limits */
  CHECK(!q8rt_conv_params_init(&p, 0.5f, 0.25f, 0.125f, 0, 0, 0, 255));
  CHECK(q8rt_conv_params_init(&p, 0.99f, 1.0f, 1.0f, 0, 0, 0, 255));
  CHECK(q8rt_conv_params_init(&p, 0x1.0p-32f, 1.0f, 1.0f, 0, 0, 0, 255) && p.shift == 31);
  CHECK(!q8rt_conv_params_init(&p, 0x1.0p-33f, 1.0f, 1.0f, 0, 0, 0, 255));
  CHECK(!q8rt_conv_params_init(&p, -0.5f, 1.0f, 1.0f, 0, 0, 0, 255));
  CHECK(!q8rt_conv_params_init(&p, NAN, 1.0f, 1.0f, 0, 0, 0, 255));
  CHECK(!q8rt_conv_params_init(&p, 1.0f, 1.0f, 0.0f, 0, 0, 0, 255));
  CHECK(q8rt_conv_scale(0.5f, 0.25f, 0.125f) == 1.0f);

  /* requantization approximates acc * scale + zp: QNNPACK rounds twice (to Q31, then by the shift), so
   * the error is at most 0.5 + 2^-(shift + 1) */
  bool close = true, exact_ties = true;
  for (int i = 0; i < 20000; i++) {
    const float scale = exp2f(-test_rand_uniform(0.0f, 20.0f)) * 0.99f;
    const uint8_t zp = (uint8_t) test_rand_range(0, 255);
    if (!q8rt_conv_params_init(&p, scale, 1.0f, 1.0f, 0, zp, 0, 255)) {
      close = false;
      continue;
    }
    const int32_t acc = (int32_t) test_rand_range(0, 2000000) - 1000000;
    const double real = (double) acc * (double) scale + zp;
    const double clamped = real < 0 ? 0 : real > 255 ? 255 : real;
    if (fabs((double) q8rt_requantize_q31(acc, &p) - clamped) > 0.5 + ldexp(0.5, -(int) p.shift) + 1e-9) close = false;
  }
  CHECK(close);
  /* exact halves round away from zero: scale 2^-4, acc = +-8 -> +-0.5 -> +-1; acc = +-24 -> +-2 */
  CHECK(q8rt_conv_params_init(&p, 0x1.0p-4f, 1.0f, 1.0f, 0, 100, 0, 255));
  if (q8rt_requantize_q31(8, &p) != 101 || q8rt_requantize_q31(-8, &p) != 99) exact_ties = false;
  if (q8rt_requantize_q31(24, &p) != 102 || q8rt_requantize_q31(-24, &p) != 98) exact_ties = false;
  if (q8rt_requantize_q31(6, &p) != 100 || q8rt_requantize_q31(-6, &p) != 100) exact_ties = false;
  /* double rounding: 7/16 -> Q31 step 3.5 -> 4 -> 4/8 = 0.5 -> 1; -7/16 -> -3 -> 0 */
  if (q8rt_requantize_q31(7, &p) != 101 || q8rt_requantize_q31(-7, &p) != 100) exact_ties = false;
  CHECK(exact_ties);
  /* clamping, large accumulators (no overflow) */
  CHECK(q8rt_conv_params_init(&p, 0.99f, 1.0f, 1.0f, 0, 255, 10, 200));
  CHECK(q8rt_requantize_q31(INT32_MAX, &p) == 200);
  CHECK(q8rt_requantize_q31(INT32_MIN, &p) == 10);
}

static void test_add(void) {
  struct q8rt_add_params p;
  CHECK(q8rt_add_params_init(&p, 10, 1.0f, 20, 1.0f, 30, 1.0f, 0, 255));
  CHECK(p.shift == 21 && p.a_multiplier == (1u << 21) && p.b_multiplier == (1u << 21));
  CHECK(p.zero_point_product == -(int32_t) ((1u << 21) * 30u));
  CHECK(p.remainder_mask == (1 << 21) - 1 && p.remainder_threshold == (1 << 20) - 1);
  CHECK(q8rt_add_quantize(10, 20, &p) == 30);
  CHECK(q8rt_add_quantize(11, 25, &p) == 36);
  /* a/y = 0.5, b/y = 0.25: exponent -1 -> shift 22, multipliers 2^21, 2^20 */
  CHECK(q8rt_add_params_init(&p, 0, 0.5f, 0, 0.25f, 0, 1.0f, 0, 255));
  CHECK(p.shift == 22 && p.a_multiplier == (1u << 21) && p.b_multiplier == (1u << 20));
  CHECK(q8rt_add_quantize(3, 2, &p) == 2);  /* 1.5 + 0.5 = 2 */
  CHECK(q8rt_add_quantize(1, 0, &p) == 1);  /* 0.5 rounds away from zero */
  /* limits */
  CHECK(!q8rt_add_params_init(&p, 0, 256.0f, 0, 1.0f, 0, 1.0f, 0, 255));
  CHECK(q8rt_add_params_init(&p, 0, 255.0f, 0, 1.0f, 0, 1.0f, 0, 255) && p.shift == 14);
  CHECK(!q8rt_add_params_init(&p, 0, 0x1.0p-15f, 0, 1.0f, 0, 1.0f, 0, 255));
  /* max(a/y, b/y) < 2^-10 would need a shift > 31 (QNNPACK asserts): rejected */
  CHECK(!q8rt_add_params_init(&p, 0, 0x1.0p-14f, 0, 0x1.0p-14f, 0, 1.0f, 0, 255));
  CHECK(q8rt_add_params_init(&p, 0, 0x1.0p-14f, 0, 0x1.0p-10f, 0, 1.0f, 0, 255) && p.shift == 31);
  CHECK(!q8rt_add_params_init(&p, 0, NAN, 0, 1.0f, 0, 1.0f, 0, 255));
}

static void test_avgpool(void) {
  struct q8rt_avgpool_params p;
  CHECK(q8rt_avgpool_params_init(&p, 4, 10, 1.0f, 5, 1.0f, 0, 255));
  /* scale 0.25: multiplier 2^23, shift 150 - 125 = 25 */
  CHECK(p.bias == -40 && p.multiplier == (1 << 23) && p.shift == 25 && p.rounding == (INT64_C(1) << 24));
  CHECK(q8rt_avgpool_quantize(4 * 13 - 40, &p) == 5 + 3);
  CHECK(q8rt_avgpool_quantize(2, &p) == 6);   /* 0.5 -> 1 */
  CHECK(q8rt_avgpool_quantize(-2, &p) == 4);  /* -0.5 -> -1 */
  CHECK(q8rt_avgpool_quantize(1, &p) == 5);   /* 0.25 -> 0 */
  CHECK(q8rt_avgpool_params_init(&p, 9, 0, 1.0f, 0, 1.0f, 0, 255));
  {
    const double approx = (double) p.multiplier / ldexp(1.0, (int) p.shift);
    CHECK(fabs(approx - 1.0 / 9.0) < 1e-7 && p.shift >= 16 && p.shift < 64);
  }
  CHECK(!q8rt_avgpool_params_init(&p, 9, 0, 256.0f, 0, 1.0f, 0, 255));
  CHECK(!q8rt_avgpool_params_init(&p, 9, 0, 1.0f, 0, 257.0f, 0, 255));
  CHECK(q8rt_avgpool_params_init(&p, 9, 0, 1.0f, 0, 255.0f, 0, 255));
  CHECK(!q8rt_avgpool_params_init(&p, 0, 0, 1.0f, 0, 1.0f, 0, 255));
  CHECK(q8rt_avgpool_params_init(&p, 49, 128, 0.02f, 3, 0.01f, 0, 255) && p.bias == -49 * 128);
}

static void test_softmax_table(void) {
  uint32_t t[256];
  q8rt_softmax_table_init(t, 1000, 0.1f);
  CHECK(t[255] == 4294967u); /* lrint(UINT32_MAX / 1000) */
  CHECK(t[254] == (uint32_t) lrint(4294967.295 * exp(-(double) 0.1f)));
  q8rt_softmax_table_init(t, 10, 0.1f);
  CHECK(t[255] == 8388607u);
  CHECK(t[0] == (uint32_t) lrint(8388607.0 * exp(-255.0 * (double) 0.1f)));
}

int main(void) {
  test_rng_seed(0x9A);
  test_conv();
  test_add();
  test_avgpool();
  test_softmax_table();
  return test_summary("test_qparams");
}
