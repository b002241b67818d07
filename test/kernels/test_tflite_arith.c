/*
 * TensorFlow Lite uint8 arithmetic (docs/arithmetic.md, "TFLite requantization" and the sections after it),
 * against references written here from TFLite's and gemmlowp's formulas (never from q8rt's code):
 *  - QuantizeMultiplier / GetQuantizedConvolutionMultipler: values of TFLite's own unit test
 *    (quantization_util_test.cc, QuantizeMultiplierSmallerThanOneExp), the carry to 2^31, the flush below 2^-31,
 *    the refusals; q8rt_tflite_conv_params_init on random scales vs the reference.
 *  - MultiplyByQuantizedMultiplier (SaturatingRoundingDoublingHighMul with its nudge and int64 division, then
 *    RoundingDivideByPOT with mask and threshold) vs q8rt_q31_mul_shift and q8rt_requantize_q31, for every shift
 *    0..31 and multipliers 2^30, 2^31 - 1 and random 31-bit ones: accumulators at every boundary of both
 *    roundings (ties of the first rounding, outputs -300..300 and their neighbours, found by bisection),
 *    INT32_MIN / INT32_MAX, random.
 *  - TFLITE_SINGLE_ROUNDING (Q8RT_RULE_TFLITE_SINGLE): MultiplyByQuantizedMultiplier of that build,
 *    ((int64) x * M + 2^(total_shift - 1)) >> total_shift with total_shift = 31 - shift, vs q8rt_single_mul_shift
 *    and q8rt_requantize_q31 with single-rounding parameters, at the same boundaries (every output -300..300 and
 *    its neighbours, every exact tie of the one rounding for M = 2^30, negative ties included), for every shift;
 *    its parameters (QuantizeMultiplier's clamp of shifts above 30, softmax's cap at 2^30 - 1), ADD (parameters,
 *    every tier vs the reference) and SOFTMAX (vs a reference with the single-rounding input scaling).
 *  - ADD (add.cc Prepare, reference/add.h): parameters vs the reference, hand-checked sums, scalar kernel vs the
 *    reference, every kernel tier on this CPU (SSE4.1, AVX2, NEON) vs scalar byte for byte, n = 1..80 and
 *    random, y == a and y == b.
 *  - AVERAGE_POOL_2D (reference/pooling.h): hand-checked values and a reference.
 *  - Fused activation ranges (kernel_util.cc CalculateActivationRangeQuantized): hand-checked values.
 *  - SOFTMAX (reference/softmax.h, gemmlowp fixedpoint.h): parameters (hand-checked), a reference written from
 *    gemmlowp's generic templates (constants recomputed from exp()), equal inputs, and the float softmax.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <cpuinfo.h>

#include "../common/kernel_ref.h"
#include "../common/test.h"
#include "../../kernels/params.h"
#include "../../kernels/requantize.h"
#include "../../kernels/q8avgpool/q8avgpool.h"
#include "../../kernels/q8softmax/q8softmax.h"
#include "../../kernels/q8vadd/q8vadd.h"
#include "../../src/quant/qparams.h"

/* ---- references from TFLite / gemmlowp ------------------------------------------------------------------ */

/* gemmlowp SaturatingRoundingDoublingHighMul: nudge, then int64 division truncating toward zero. */
static int32_t ref_srdhm(int32_t a, int32_t b) {
  const bool overflow = a == b && a == INT32_MIN;
  const int64_t ab = (int64_t) a * (int64_t) b;
  const int32_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
  const int32_t high = (int32_t) ((ab + nudge) / (INT64_C(1) << 31));
  return overflow ? INT32_MAX : high;
}

/* gemmlowp RoundingDivideByPOT, exponent in [0, 31]. */
static int32_t ref_rdbpot(int32_t x, int exponent) {
  const int32_t mask = (int32_t) ((INT64_C(1) << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* common.h MultiplyByQuantizedMultiplier (double rounding): shift > 0 is a left shift. */
static int32_t ref_mbqm(int32_t x, int32_t multiplier, int shift) {
  const int left_shift = shift > 0 ? shift : 0;
  const int right_shift = shift > 0 ? 0 : -shift;
  return ref_rdbpot(ref_srdhm((int32_t) ((int64_t) x * (INT64_C(1) << left_shift)), multiplier), right_shift);
}

/* quantization_util.cc QuantizeMultiplier. */
/* common.h MultiplyByQuantizedMultiplier under TFLITE_SINGLE_ROUNDING (shift in [-31, 30], > 0 a left shift). */
static int32_t ref_mbqm_single(int32_t x, int32_t multiplier, int shift) {
  const int total_shift = 31 - shift;
  const int64_t round = INT64_C(1) << (total_shift - 1);
  const int64_t result = ((int64_t) x * (int64_t) multiplier + round) >> total_shift;
  return (int32_t) result;
}

static void ref_quantize_multiplier(double d, int32_t* multiplier, int* shift) {
  if (d == 0.0) {
    *multiplier = 0;
    *shift = 0;
    return;
  }
  const double q = frexp(d, shift);
  int64_t q_fixed = (int64_t) round(q * (double) (INT64_C(1) << 31));
  if (q_fixed == (INT64_C(1) << 31)) {
    q_fixed /= 2;
    ++*shift;
  }
  if (*shift < -31) {
    *shift = 0;
    q_fixed = 0;
  }
  *multiplier = (int32_t) q_fixed;
}

static bool has_neon(void) {
#if defined(__aarch64__) || defined(__arm__)
  return cpuinfo_initialize() && cpuinfo_has_arm_neon();
#else
  return false;
#endif
}

/* ---- QuantizeMultiplier and the conv parameters ------------------------------------------------------------ */

static void check_quantize(double d, int32_t want_m, int want_e) {
  int32_t m = -1;
  int e = 99;
  CHECKF(q8rt_tflite_quantize_multiplier(d, &m, &e) && m == want_m && e == want_e, "QuantizeMultiplier(%.17g) = (%d, %d), want (%d, %d)",
         d, m, e, want_m, want_e);
}

static void test_quantize_multiplier(void) {
  /* quantization_util_test.cc, QuantizeMultiplierSmallerThanOneExp (exponent = TFLite's left shift) */
  check_quantize(0.25, 1073741824, -1);
  check_quantize(0.50 - 5e-9, 2147483627, -1);
  check_quantize(0.50 - 1e-10, 1073741824, 0);
  check_quantize(0.50, 1073741824, 0);
  check_quantize(0.75, 1610612736, 0);
  check_quantize(1 - 1e-9, 2147483646, 0);
  /* by hand: 1 - 1e-15 rounds to 2^31, carried to 2^30 * 2^1 (TFLite then refuses it as >= 1) */
  check_quantize(1 - 1e-15, 1073741824, 1);
  check_quantize(0.1, 1717986918, -3);           /* 0.8 * 2^31 = 1717986918.4 */
  check_quantize(0x1.0p-32, 1073741824, -31);    /* the smallest exponent kept */
  check_quantize(0x1.0p-33, 0, 0);               /* flushed to zero */
  check_quantize(0x1.fffffffffffp-33, 1073741824, -31); /* carry out of the flush range */
  check_quantize(3.0, 1610612736, 2);
  int32_t m;
  int e;
  CHECK(!q8rt_tflite_quantize_multiplier(0.0, &m, &e));
  CHECK(!q8rt_tflite_quantize_multiplier(-0.5, &m, &e));
  CHECK(!q8rt_tflite_quantize_multiplier(NAN, &m, &e));

  struct q8rt_conv_params p;
  /* GetQuantizedConvolutionMultipler multiplies the scales in float: 0.1f * 0.3f = 0.030000001f (float) */
  CHECK(q8rt_tflite_conv_params_init(&p, 0.1f, 0.3f, 0.2f, 3, 4, 5, 250, Q8RT_RULE_TFLITE));
  ref_quantize_multiplier((double) (0.1f * 0.3f) / (double) 0.2f, &m, &e);
  CHECK(p.multiplier == m && (int) p.shift == -e && p.kernel_zero_point == 3 && p.output_zero_point == 4 &&
        p.output_min == 5 && p.output_max == 250);
  CHECK(p.remainder_mask == (int32_t) ((UINT32_C(1) << p.shift) - 1) && p.remainder_threshold == p.remainder_mask >> 1);
  /* hand-checked: 0.5 * 0.5 / 1 = 0.25 -> (2^30, right shift 1) */
  CHECK(q8rt_tflite_conv_params_init(&p, 0.5f, 0.5f, 1.0f, 0, 0, 0, 255, Q8RT_RULE_TFLITE) &&
        p.multiplier == 1073741824 && p.shift == 1);
  /* refused: a left shift (>= 1, or rounding up to 1), a flush to zero, other rules, bad scales */
  CHECK(!q8rt_tflite_conv_params_init(&p, 1.0f, 1.0f, 1.0f, 0, 0, 0, 255, Q8RT_RULE_TFLITE));
  CHECK(!q8rt_tflite_conv_params_init(&p, 1.0f, 0x1.fffffep-1f, 0x1.fffffep-1f, 0, 0, 0, 255, Q8RT_RULE_TFLITE));
  CHECK(q8rt_tflite_conv_params_init(&p, 0x1.fffffep-1f, 1.0f, 1.0f, 0, 0, 0, 255, Q8RT_RULE_TFLITE) && p.shift == 0);
  CHECK(!q8rt_tflite_conv_params_init(&p, 0x1.0p-17f, 0x1.0p-17f, 1.0f, 0, 0, 0, 255, Q8RT_RULE_TFLITE));
  CHECK(q8rt_tflite_conv_params_init(&p, 0x1.0p-16f, 0x1.0p-16f, 1.0f, 0, 0, 0, 255, Q8RT_RULE_TFLITE) && p.shift == 31);
  CHECK(!q8rt_tflite_conv_params_init(&p, 0.5f, 0.5f, 1.0f, 0, 0, 0, 255, Q8RT_RULE_QNNPACK));
  CHECK(q8rt_tflite_conv_params_init(&p, 0.5f, 0.5f, 1.0f, 0, 0, 0, 255, Q8RT_RULE_TFLITE_SINGLE) && p.single_rounding == 1 &&
        p.multiplier == 1073741824 && p.shift == 1);
  /* shift 0: the one rounding is the rounded Q31 product, single_rounding stays 0 */
  CHECK(q8rt_tflite_conv_params_init(&p, 0x1.fffffep-1f, 1.0f, 1.0f, 0, 0, 0, 255, Q8RT_RULE_TFLITE_SINGLE) &&
        p.shift == 0 && p.single_rounding == 0);
  CHECK(!q8rt_tflite_conv_params_init(&p, 0.5f, 0.5f, 0.0f, 0, 0, 0, 255, Q8RT_RULE_TFLITE));
  CHECK(!q8rt_tflite_conv_params_init(&p, -0.5f, 0.5f, 1.0f, 0, 0, 0, 255, Q8RT_RULE_TFLITE));
  CHECK(!q8rt_tflite_conv_params_init(&p, NAN, 0.5f, 1.0f, 0, 0, 0, 255, Q8RT_RULE_TFLITE));

  /* random scales: the parameters are the reference's, and low bits are nonzero */
  int low_bits = 0, ok = 0, total = 0;
  for (int i = 0; i < 20000; i++) {
    const float is = exp2f(test_rand_uniform(-12.0f, 0.0f));
    const float ks = exp2f(test_rand_uniform(-12.0f, 0.0f));
    const float os = exp2f(test_rand_uniform(-12.0f, 4.0f));
    ref_quantize_multiplier((double) (is * ks) / (double) os, &m, &e);
    const bool want = m != 0 && e <= 0;
    const bool got = q8rt_tflite_conv_params_init(&p, is, ks, os, 0, 0, 0, 255, Q8RT_RULE_TFLITE);
    total++;
    if (got == want && (!got || (p.multiplier == m && (int) p.shift == -e))) ok++;
    if (got && (p.multiplier & 0x7F) != 0) low_bits++;
  }
  CHECKF(ok == total, "conv params vs reference: %d of %d", ok, total);
  CHECKF(low_bits > total / 2, "multipliers with nonzero low 7 bits: %d of %d", low_bits, total);
}

/* ---- fused activation ranges (CalculateActivationRangeQuantized) -------------------------------------------- */

static void check_range(enum q8rt_tflite_activation act, float scale, uint8_t zp, int want_lo, int want_hi) {
  uint8_t lo = 0xEE, hi = 0xEE;
  const bool ok = q8rt_tflite_activation_range(act, scale, zp, &lo, &hi);
  if (want_lo < 0) {
    CHECKF(!ok, "activation %d scale %g zp %u: accepted, want refused", (int) act, scale, zp);
  } else {
    CHECKF(ok && lo == want_lo && hi == want_hi, "activation %d scale %g zp %u: [%u, %u], want [%d, %d]", (int) act,
           scale, zp, lo, hi, want_lo, want_hi);
  }
}

static void test_activation_range(void) {
  /* by hand: q(f) = zp + roundf(f / scale), std::round (half away from zero) */
  check_range(Q8RT_TFLITE_ACT_NONE, 0.1f, 10, 0, 255);
  check_range(Q8RT_TFLITE_ACT_RELU, 0.1f, 10, 10, 255);
  check_range(Q8RT_TFLITE_ACT_RELU6, 0.05f, 20, 20, 140);   /* 6 / 0.05f = 119.99999... */
  check_range(Q8RT_TFLITE_ACT_RELU6, 0.01f, 0, 0, 255);     /* 600 clamped */
  check_range(Q8RT_TFLITE_ACT_RELU6, 4.0f, 0, 0, 2);        /* 1.5 rounds to 2 */
  check_range(Q8RT_TFLITE_ACT_RELU_N1_TO_1, 0.02f, 100, 50, 150);
  check_range(Q8RT_TFLITE_ACT_RELU_N1_TO_1, 0.0078125f, 128, 0, 255);
  check_range(Q8RT_TFLITE_ACT_RELU_N1_TO_1, 2.0f, 10, 9, 11); /* -0.5 rounds to -1, 0.5 to 1 (not to even) */
  check_range(Q8RT_TFLITE_ACT_RELU, 0.0f, 10, -1, -1);          /* 0 / 0 */
  check_range(Q8RT_TFLITE_ACT_RELU6, NAN, 10, -1, -1);
  check_range(Q8RT_TFLITE_ACT_RELU6, 0x1.0p-126f, 0, -1, -1);   /* 6 / scale beyond int32 */
  check_range((enum q8rt_tflite_activation) 7, 1.0f, 0, -1, -1);
}

/* ---- requantization: MultiplyByQuantizedMultiplier vs the Q31 helpers ------------------------------------- */

static int g_requant_values;

/* The reference of the rule p selects: two roundings, or TFLITE_SINGLE_ROUNDING when p->single_rounding. */
static int32_t ref_rule(int32_t acc, const struct q8rt_conv_params* p) {
  return p->single_rounding ? ref_mbqm_single(acc, p->multiplier, -(int) p->shift)
                            : ref_mbqm(acc, p->multiplier, -(int) p->shift);
}

static void check_acc(int32_t acc, const struct q8rt_conv_params* p, bool* ok) {
  const int32_t want = ref_rule(acc, p);
  const int32_t got = p->single_rounding ? q8rt_single_mul_shift(acc, p->multiplier, p->shift)
                                         : q8rt_q31_mul_shift(acc, p->multiplier, p->shift);
  int64_t out = (int64_t) want + p->output_zero_point;
  out = out < p->output_min ? p->output_min : out > p->output_max ? p->output_max : out;
  const uint8_t got8 = q8rt_requantize_q31(acc, p);
  g_requant_values++;
  if (got != want || got8 != (uint8_t) out) {
    if (*ok) fprintf(stderr, "acc %d multiplier %d shift %u: q8rt %d / %u, TFLite %d / %lld\n", acc, p->multiplier, p->shift,
                     got, got8, want, (long long) out);
    *ok = false;
  }
}

/* the smallest int32 acc with ref_mbqm(acc) >= t (ref_mbqm is nondecreasing in acc for M > 0) */
static int64_t first_acc_at_least(int64_t t, const struct q8rt_conv_params* p) {
  int64_t lo = INT32_MIN, hi = INT32_MAX;
  if (ref_rule(INT32_MAX, p) < t) return INT64_C(1) << 40;
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (ref_rule((int32_t) mid, p) >= t) hi = mid; else lo = mid + 1;
  }
  return lo;
}

static void check_near(int64_t acc, const struct q8rt_conv_params* p, bool* ok) {
  for (int64_t d = -2; d <= 2; d++) {
    if (acc + d >= INT32_MIN && acc + d <= INT32_MAX) check_acc((int32_t) (acc + d), p, ok);
  }
}

static void run_requant(int32_t multiplier, uint32_t shift, bool single) {
  struct q8rt_conv_params p;
  memset(&p, 0, sizeof p);
  p.multiplier = multiplier;
  p.shift = shift;
  p.single_rounding = single ? 1 : 0;
  p.remainder_mask = (int32_t) ((UINT32_C(1) << shift) - 1);
  p.remainder_threshold = p.remainder_mask >> 1;
  p.output_zero_point = 128;
  p.output_min = 0;
  p.output_max = 255;
  if (test_rand_range(0, 1)) {
    p.output_zero_point = (uint8_t) test_rand_range(0, 255);
    p.output_min = (uint8_t) test_rand_range(0, 100);
    p.output_max = (uint8_t) test_rand_range(150, 255);
  }
  bool ok = true;
  /* boundaries of the second rounding: outputs -300..300 */
  for (int64_t t = -300; t <= 300; t++) check_near(first_acc_at_least(t, &p), &p, &ok);
  /* ties of the first rounding: acc * M = 2^30 (mod 2^31), i.e. acc * M / 2^31 at k + 1/2, for acc near
   * (k + 1/2) * 2^31 / M; the exact tie exists when M divides it; checked around it either way */
  for (int i = 0; i < 200; i++) {
    const int64_t k = (int64_t) (int32_t) test_rand_u32() >> test_rand_range(0, 31);
    const double a = ((double) k + 0.5) * 2147483648.0 / (double) multiplier;
    if (fabs(a) < 2147483000.0) check_near((int64_t) llround(a), &p, &ok);
  }
  if (single) {
    /* ties of the one rounding: acc * M = (k + 1/2) * 2^(31 + shift), for acc near it; for M = 2^30 every
     * acc = (2k + 1) * 2^shift is an exact tie, of either sign */
    for (int i = 0; i < 200; i++) {
      const int64_t k = (int64_t) (int32_t) test_rand_u32() >> test_rand_range(0, 31);
      const double a = ((double) k + 0.5) * 2147483648.0 * (double) (INT64_C(1) << shift) / (double) multiplier;
      if (fabs(a) < 2147483000.0) check_near((int64_t) llround(a), &p, &ok);
      const int64_t tie = (2 * k + 1) * (INT64_C(1) << shift);
      if (multiplier == INT32_C(1) << 30 && tie >= INT32_MIN && tie <= INT32_MAX) check_near(tie, &p, &ok);
      if (multiplier == INT32_C(1) << 30 && -tie >= INT32_MIN && -tie <= INT32_MAX) check_near(-tie, &p, &ok);
    }
  }
  /* multiples of 2^s near ties of the second rounding, in the q31 domain: acc = 2^31 / M * (j * 2^s + 2^(s-1)) */
  static const int64_t fixed[] = {INT32_MIN, INT32_MIN + 1, INT32_MAX, INT32_MAX - 1, 0, 1, -1};
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) check_acc((int32_t) fixed[i], &p, &ok);
  for (int i = 0; i < 300; i++) {
    const int32_t r = (int32_t) test_rand_u32();
    check_acc(i & 1 ? r : r >> test_rand_range(0, 31), &p, &ok);
  }
  CHECKF(ok, "MultiplyByQuantizedMultiplier (%s rounding) vs q8rt: multiplier %d shift %u", single ? "single" : "double",
         multiplier, shift);
}

static void test_requant(void) {
  for (int single = 0; single <= 1; single++) {
    for (uint32_t shift = 0; shift < 32; shift++) {
      run_requant(INT32_C(1) << 30, shift, single);
      run_requant(INT32_MAX, shift, single);
      for (int i = 0; i < 6; i++) {
        run_requant((int32_t) (UINT32_C(0x40000000) | (test_rand_u32() & UINT32_C(0x3FFFFFFF)) | 1u), shift, single);
      }
    }
  }
  /* by hand, single rounding, M = 2^30 (x / 2^(shift + 1) rounded half up): shift 1, -2 / 4 = -0.5 -> 0 and
   * -6 / 4 = -1.5 -> -1 (two roundings: -1 and -2); shift 0, -1 / 2 -> 0, -3 / 2 -> -1 */
  CHECK(q8rt_single_mul_shift(-2, INT32_C(1) << 30, 1) == 0 && q8rt_q31_mul_shift(-2, INT32_C(1) << 30, 1) == -1);
  CHECK(q8rt_single_mul_shift(-6, INT32_C(1) << 30, 1) == -1 && q8rt_q31_mul_shift(-6, INT32_C(1) << 30, 1) == -2);
  CHECK(q8rt_single_mul_shift(-1, INT32_C(1) << 30, 0) == 0 && q8rt_single_mul_shift(-3, INT32_C(1) << 30, 0) == -1);
  CHECK(q8rt_single_mul_shift(6, INT32_C(1) << 30, 1) == 2 && q8rt_single_mul_shift(INT32_MIN, INT32_MAX, 31) == -1);
  /* parameters from random scales */
  for (int i = 0; i < 64; i++) {
    struct q8rt_conv_params p;
    const float is = exp2f(test_rand_uniform(-10.0f, 0.0f));
    const float ks = exp2f(test_rand_uniform(-10.0f, 0.0f));
    const float os = exp2f(test_rand_uniform(-10.0f, 0.0f));
    if (!q8rt_tflite_conv_params_init(&p, is, ks, os, 0, 0, 0, 255, Q8RT_RULE_TFLITE)) continue;
    run_requant(p.multiplier, p.shift, false);
    struct q8rt_conv_params ps;
    CHECK(q8rt_tflite_conv_params_init(&ps, is, ks, os, 0, 0, 0, 255, Q8RT_RULE_TFLITE_SINGLE) &&
          ps.multiplier == p.multiplier && ps.shift == p.shift && ps.single_rounding == (ps.shift != 0) &&
          p.single_rounding == 0);
    run_requant(ps.multiplier, ps.shift, true);
  }
  printf("test_tflite_arith: %d accumulators requantized\n", g_requant_values);
}

/* ---- ADD ------------------------------------------------------------------------------------------------ */

struct ref_add {
  int32_t m1, m2, mo;
  int s1, s2, so; /* TFLite's (non-positive) shifts */
  int32_t off1, off2, off_out, act_min, act_max;
};

static bool ref_add_prepare(struct ref_add* r, uint8_t zp1, float s1, uint8_t zp2, float s2, uint8_t zpo, float so,
                            uint8_t act_min, uint8_t act_max) {
  const int left_shift = 20;
  const double twice_max_input_scale = 2 * (double) (s1 > s2 ? s1 : s2);
  const double real1 = (double) s1 / twice_max_input_scale;
  const double real2 = (double) s2 / twice_max_input_scale;
  const double realo = twice_max_input_scale / ((1 << left_shift) * (double) so);
  if (!(realo < 1.0)) return false; /* QuantizeMultiplierSmallerThanOneExp: CHECK_LT(., 1) */
  ref_quantize_multiplier(real1, &r->m1, &r->s1);
  ref_quantize_multiplier(real2, &r->m2, &r->s2);
  ref_quantize_multiplier(realo, &r->mo, &r->so);
  r->off1 = -zp1;
  r->off2 = -zp2;
  r->off_out = zpo;
  r->act_min = act_min;
  r->act_max = act_max;
  return r->s1 <= 0 && r->s2 <= 0 && r->so <= 0;
}

static bool g_add_single; /* the reference follows TFLITE_SINGLE_ROUNDING */

static uint8_t ref_add(uint8_t x1, uint8_t x2, const struct ref_add* r) {
  const int32_t v1 = r->off1 + x1, v2 = r->off2 + x2;
  const int32_t sh1 = v1 * (1 << 20), sh2 = v2 * (1 << 20);
  int32_t raw;
  if (g_add_single) { /* MultiplyByQuantizedMultiplierSmallerThanOneExp = MultiplyByQuantizedMultiplier */
    const int32_t sc1 = ref_mbqm_single(sh1, r->m1, r->s1);
    const int32_t sc2 = ref_mbqm_single(sh2, r->m2, r->s2);
    raw = ref_mbqm_single(sc1 + sc2, r->mo, r->so) + r->off_out;
  } else {
    const int32_t sc1 = ref_rdbpot(ref_srdhm(sh1, r->m1), -r->s1);
    const int32_t sc2 = ref_rdbpot(ref_srdhm(sh2, r->m2), -r->s2);
    raw = ref_rdbpot(ref_srdhm(sc1 + sc2, r->mo), -r->so) + r->off_out;
  }
  const int32_t c = raw < r->act_min ? r->act_min : raw > r->act_max ? r->act_max : raw;
  return (uint8_t) c;
}

static bool g_sse41, g_avx2, g_vnni, g_neon;

static void run_add_tiers(size_t n, const uint8_t* a, const uint8_t* b, const uint8_t* want,
                          const struct q8rt_tflite_add_params* p, bool alias) {
  struct tier {
    const char* name;
    q8rt_q8vadd_tflite_ukernel_fn fn;
    bool on;
  } tiers[5] = {{"scalar", q8rt_q8vadd_tflite_ukernel__scalar, true}};
  size_t nt = 1;
#if HAVE_X86
  tiers[nt++] = (struct tier) {"sse41", q8rt_q8vadd_tflite_ukernel__sse41, g_sse41};
  tiers[nt++] = (struct tier) {"avx2", q8rt_q8vadd_tflite_ukernel__avx2, g_avx2};
  tiers[nt++] = (struct tier) {"avx512vnni", q8rt_q8vadd_tflite_ukernel__avx512vnni, g_vnni};
#elif defined(__aarch64__)
  tiers[nt++] = (struct tier) {"aarch64_neon", q8rt_q8vadd_tflite_ukernel__aarch64_neon, g_neon};
#elif defined(__arm__)
  tiers[nt++] = (struct tier) {"aarch32_neon", q8rt_q8vadd_tflite_ukernel__aarch32_neon, g_neon};
#endif
  uint8_t* y = malloc(n + 16);
  uint8_t* buf = malloc(n + Q8RT_EXTRA_BYTES);
  for (size_t t = 0; t < nt; t++) {
    if (!tiers[t].on) continue;
    memset(y, 0xA5, n + 16);
    tiers[t].fn(n, a, b, y, p);
    bool ok = memcmp(y, want, n) == 0;
    for (size_t i = n; i < n + 16; i++) ok = ok && y[i] == 0xA5;
    CHECKF(ok, "tflite vadd %s vs reference: n=%zu", tiers[t].name, n);
#if HAVE_X86
    if (tiers[t].fn == q8rt_q8vadd_tflite_ukernel__avx512vnni) {
      /* the same kernel on its prepared state (as a session plan runs it) */
      void* state = aligned_alloc(64, Q8RT_Q8VADD_TFLITE_AVX512VNNI_STATE_BYTES);
      struct q8rt_tflite_add_params prepared = *p;
      q8rt_q8vadd_tflite_prepare__avx512vnni(p, state);
      prepared.prepared = state;
      memset(y, 0xA5, n + 16);
      tiers[t].fn(n, a, b, y, &prepared);
      ok = memcmp(y, want, n) == 0;
      for (size_t i = n; i < n + 16; i++) ok = ok && y[i] == 0xA5;
      CHECKF(ok, "tflite vadd avx512vnni, prepared, vs reference: n=%zu", n);
      free(state);
    }
#endif
    if (alias) {
      memcpy(buf, a, n + Q8RT_EXTRA_BYTES);
      tiers[t].fn(n, buf, b, buf, p);
      CHECKF(memcmp(buf, want, n) == 0, "tflite vadd %s in place (y == a): n=%zu", tiers[t].name, n);
      memcpy(buf, b, n + Q8RT_EXTRA_BYTES);
      tiers[t].fn(n, a, buf, buf, p);
      CHECKF(memcmp(buf, want, n) == 0, "tflite vadd %s in place (y == b): n=%zu", tiers[t].name, n);
    }
  }
  free(y);
  free(buf);
}

static void run_add_case(size_t n, bool alias) {
  struct q8rt_tflite_add_params p;
  struct ref_add r;
  uint8_t zp1, zp2, zpo, lo = 0, hi = 255;
  float s1, s2, so;
  for (;;) {
    zp1 = (uint8_t) test_rand_range(0, 255);
    zp2 = (uint8_t) test_rand_range(0, 255);
    zpo = (uint8_t) test_rand_range(0, 255);
    s1 = exp2f(test_rand_uniform(-10.0f, 0.0f));
    s2 = test_rand_range(0, 3) == 0 ? s1 : exp2f(test_rand_uniform(-10.0f, 0.0f));
    so = exp2f(test_rand_uniform(-10.0f, 1.0f));
    if (test_rand_range(0, 1)) {
      lo = (uint8_t) test_rand_range(0, 100);
      hi = (uint8_t) test_rand_range(150, 255);
    }
    const bool want = ref_add_prepare(&r, zp1, s1, zp2, s2, zpo, so, lo, hi) && r.m1 != 0 && r.m2 != 0 && r.mo != 0;
    const bool got = q8rt_tflite_add_params_init(&p, zp1, s1, zp2, s2, zpo, so, lo, hi,
                                                 g_add_single ? Q8RT_RULE_TFLITE_SINGLE : Q8RT_RULE_TFLITE);
    CHECKF(want == got, "add params accepted: TFLite %d q8rt %d", want, got);
    if (got) break;
  }
  CHECK(p.a_multiplier == r.m1 && (int) p.a_shift == -r.s1 && p.b_multiplier == r.m2 && (int) p.b_shift == -r.s2 &&
        p.output_multiplier == r.mo && (int) p.output_shift == -r.so && p.a_offset == r.off1 && p.b_offset == r.off2 &&
        p.left_shift == 20 && p.output_zero_point == zpo && p.output_min == lo && p.output_max == hi &&
        p.single_rounding == (g_add_single ? 1 : 0));
  uint8_t* a = malloc(n + Q8RT_EXTRA_BYTES);
  uint8_t* b = malloc(n + Q8RT_EXTRA_BYTES);
  uint8_t* want = malloc(n);
  bool close = true;
  for (size_t i = 0; i < n + Q8RT_EXTRA_BYTES; i++) {
    a[i] = (uint8_t) test_rand_u32();
    b[i] = (uint8_t) test_rand_u32();
  }
  for (size_t i = 0; i < n; i++) {
    want[i] = ref_add(a[i], b[i], &r);
    const double real = zpo + ((double) a[i] - zp1) * ((double) s1 / so) + ((double) b[i] - zp2) * ((double) s2 / so);
    const double c = real < lo ? lo : real > hi ? hi : real;
    if (fabs(c - want[i]) > 1.0) close = false;
  }
  CHECKF(close, "tflite add vs the real sum (within one step)");
  run_add_tiers(n, a, b, want, &p, alias);
  free(a);
  free(b);
  free(want);
}

static uint8_t add1(uint8_t a, uint8_t za, float sa, uint8_t b, uint8_t zb, float sb, uint8_t zy, float sy) {
  struct q8rt_tflite_add_params p;
  uint8_t in_a[1 + Q8RT_EXTRA_BYTES] = {a}, in_b[1 + Q8RT_EXTRA_BYTES] = {b}, y = 0;
  if (!q8rt_tflite_add_params_init(&p, za, sa, zb, sb, zy, sy, 0, 255, Q8RT_RULE_TFLITE)) return 0xEE;
  q8rt_q8vadd_tflite_ukernel__scalar(1, in_a, in_b, &y, &p);
  return y;
}

static void test_add(void) {
  /* by hand: equal scales give (a - za) + (b - zb) + zy exactly (input multipliers 2^30 with shift 0 halve
   * a << 20 exactly; the output multiplier 2^-19 = 2^30 * 2^-31 * 2^-18 restores it) */
  CHECK(add1(100, 0, 0.5f, 27, 0, 0.5f, 0, 0.5f) == 127);
  CHECK(add1(200, 0, 0.5f, 100, 0, 0.5f, 0, 0.5f) == 255);
  CHECK(add1(10, 20, 0.5f, 3, 0, 0.5f, 50, 0.5f) == 43);
  CHECK(add1(10, 20, 0.5f, 3, 0, 0.5f, 5, 0.5f) == 0);
  /* by hand: output scale twice the inputs': (a - za + b - zb) / 2 rounded half away from zero */
  CHECK(add1(3, 0, 0.25f, 0, 0, 0.25f, 0, 0.5f) == 2);   /* 1.5 -> 2 */
  CHECK(add1(1, 4, 0.25f, 0, 0, 0.25f, 10, 0.5f) == 8);  /* 10 + round(-1.5) = 10 - 2 */
  CHECK(add1(2, 4, 0.25f, 0, 0, 0.25f, 10, 0.5f) == 9);  /* 10 + (-1) */
  /* by hand: b's scale half of a's: a + b / 2, b's term rounded in the 2^20 domain */
  CHECK(add1(10, 0, 1.0f, 3, 0, 0.5f, 0, 1.0f) == 12); /* 10 + 1.5 -> 12 (half away from zero) */
  /* refused: output multiplier >= 1 (output scale tiny), bad scales, rules other than TFLITE */
  struct q8rt_tflite_add_params p;
  CHECK(!q8rt_tflite_add_params_init(&p, 0, 1.0f, 0, 1.0f, 0, 0x1.0p-20f, 0, 255, Q8RT_RULE_TFLITE));
  CHECK(!q8rt_tflite_add_params_init(&p, 0, 0.0f, 0, 1.0f, 0, 1.0f, 0, 255, Q8RT_RULE_TFLITE));
  CHECK(!q8rt_tflite_add_params_init(&p, 0, 1.0f, 0, 1.0f, 0, 1.0f, 0, 255, Q8RT_RULE_QNNPACK));

  /* by hand, single rounding: equal input scales (M = 2^30, shift 0: x / 2 exact), output twice the inputs' scale
   * (M = 2^30, right shift 19): (a - 4 + b) / 2 = -1.5 rounds half up to -1 (two roundings: half away, -2) */
  CHECK(q8rt_tflite_add_params_init(&p, 0, 0.25f, 0, 0.25f, 10, 0.5f, 0, 255, Q8RT_RULE_TFLITE_SINGLE) &&
        p.single_rounding == 1);
  {
    uint8_t in_a[1 + Q8RT_EXTRA_BYTES] = {1}, in_b[1 + Q8RT_EXTRA_BYTES] = {0}, y = 0;
    p.a_offset = -4; /* (1 - 4 + 0) / 2 = -1.5: half up gives -1 (two roundings: -2) */
    q8rt_q8vadd_tflite_ukernel__scalar(1, in_a, in_b, &y, &p);
    CHECK(y == 9);
  }
  for (int single = 0; single <= 1; single++) {
    g_add_single = single;
    for (size_t n = 1; n <= 80; n++) {
      for (int r = 0; r < 6; r++) run_add_case(n, r < 2);
    }
    for (int i = 0; i < 100; i++) run_add_case(test_rand_range(1, 3000), i % 4 == 0);
  }
  g_add_single = false;
  /* every (a, b) pair once, for a few parameter sets */
  for (int k = 0; k < 8; k++) {
    g_add_single = k >= 4;
    struct q8rt_tflite_add_params q;
    struct ref_add r;
    const float s1 = exp2f(test_rand_uniform(-8.0f, 0.0f)), s2 = exp2f(test_rand_uniform(-8.0f, 0.0f));
    const float so = (s1 > s2 ? s1 : s2) * test_rand_uniform(0.6f, 3.0f);
    const uint8_t z1 = (uint8_t) test_rand_u32(), z2 = (uint8_t) test_rand_u32(), zo = (uint8_t) test_rand_u32();
    if (!q8rt_tflite_add_params_init(&q, z1, s1, z2, s2, zo, so, 0, 255,
                                     g_add_single ? Q8RT_RULE_TFLITE_SINGLE : Q8RT_RULE_TFLITE)) {
      continue;
    }
    CHECK(ref_add_prepare(&r, z1, s1, z2, s2, zo, so, 0, 255));
    static uint8_t a[65536 + Q8RT_EXTRA_BYTES], b[65536 + Q8RT_EXTRA_BYTES], want[65536];
    for (uint32_t i = 0; i < 65536; i++) {
      a[i] = (uint8_t) (i >> 8);
      b[i] = (uint8_t) i;
      want[i] = ref_add(a[i], b[i], &r);
    }
    run_add_tiers(65536, a, b, want, &q, false);
  }
  g_add_single = false;
}

/* ---- AVERAGE_POOL_2D ------------------------------------------------------------------------------------ */

/* The vector AVERAGE_POOL_2D kernels vs the scalar twin's output want[channels] (nothing written past it). */
static void check_avgpool_tiers(size_t n, size_t channels, const uint8_t* const* rows, const uint8_t* want, uint8_t lo,
                                uint8_t hi) {
#if HAVE_X86
  if (g_sse41) {
    uint8_t* got = malloc(channels + 1);
    got[channels] = 0xA5;
    q8rt_q8avgpool_tflite_ukernel__sse41(n, channels, rows, got, lo, hi);
    CHECKF(memcmp(got, want, channels) == 0 && got[channels] == 0xA5, "avgpool sse41 vs scalar: n=%zu channels=%zu",
           n, channels);
    free(got);
  }
#else
  (void) n, (void) channels, (void) rows, (void) want, (void) lo, (void) hi;
#endif
}

/* Sums at every rounding step: channel c of n rows sums to k * n - n / 2 - 1 + (c & 1) (N = sum + n / 2 just below
 * and at a multiple of n), for quotients k of 1, 2, 128, 255 and n from 1 to 600 and a few larger. */
static void test_avgpool_steps(void) {
  static const size_t big[] = {1000, 4095, 4096, 20000, 65535, 65536, 70000};
  static const uint32_t ks[] = {1, 2, 128, 255};
  for (size_t i = 0; i < 600 + sizeof big / sizeof big[0]; i++) {
    const size_t n = i < 600 ? i + 1 : big[i - 600];
    const size_t channels = 2 * sizeof ks / sizeof ks[0];
    uint8_t* data = calloc(n * channels, 1);
    const uint8_t** rows = malloc(n * sizeof *rows);
    uint8_t want[2 * sizeof ks / sizeof ks[0] + 1], got[2 * sizeof ks / sizeof ks[0] + 1];
    for (size_t c = 0; c < channels; c++) {
      int64_t sum = (int64_t) ks[c / 2] * (int64_t) n - (int64_t) (n / 2) - 1 + (int64_t) (c & 1);
      if (sum < 0) sum = 0;
      if (sum > 255 * (int64_t) n) sum = 255 * (int64_t) n;
      for (size_t r = 0; r < n && sum > 0; r++) {
        const int64_t v = sum < 255 ? sum : 255;
        data[r * channels + c] = (uint8_t) v;
        sum -= v;
      }
    }
    for (size_t r = 0; r < n; r++) rows[r] = data + r * channels;
    q8rt_q8avgpool_tflite_ukernel__scalar(n, channels, rows, want, 0, 255);
    for (size_t c = 0; c < channels; c++) {
      int64_t sum = 0;
      for (size_t r = 0; r < n; r++) sum += data[r * channels + c];
      got[c] = (uint8_t) ((sum + (int64_t) (n / 2)) / (int64_t) n);
    }
    CHECKF(memcmp(want, got, channels) == 0, "avgpool steps, scalar vs reference: n=%zu", n);
    check_avgpool_tiers(n, channels, rows, want, 0, 255);
    free(data);
    free(rows);
  }
}

static void test_avgpool(void) {
  test_avgpool_steps();
  static const struct {
    uint8_t v[4];
    size_t n;
    uint8_t lo, hi, want;
  } cases[] = {
      {{1, 2}, 2, 0, 255, 2},         /* (3 + 1) / 2 */
      {{1, 1, 2}, 3, 0, 255, 1},      /* (4 + 1) / 3 */
      {{0, 1}, 2, 0, 255, 1},         /* half rounds up */
      {{1, 2, 2, 2}, 4, 0, 255, 2},   /* (7 + 2) / 4 */
      {{255, 255, 255}, 3, 0, 255, 255},
      {{7}, 1, 0, 255, 7},
      {{7}, 1, 10, 255, 10},          /* activation range */
      {{200, 250}, 2, 0, 220, 220},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const uint8_t* rows[4];
    uint8_t px[4][1];
    for (size_t r = 0; r < cases[i].n; r++) {
      px[r][0] = cases[i].v[r];
      rows[r] = px[r];
    }
    uint8_t y = 0;
    q8rt_q8avgpool_tflite_ukernel__scalar(cases[i].n, 1, rows, &y, cases[i].lo, cases[i].hi);
    CHECKF(y == cases[i].want, "avgpool case %zu: %u, want %u", i, y, cases[i].want);
  }
  for (int t = 0; t < 400; t++) {
    /* a quarter with more rows than the SSE4.1 kernel sums in 16 bits (257) */
    const size_t n = t % 4 == 3 ? test_rand_range(200, 1200) : test_rand_range(1, 60);
    const size_t channels = test_rand_range(1, 100);
    const uint8_t lo = (uint8_t) test_rand_range(0, 60), hi = (uint8_t) test_rand_range(180, 255);
    uint8_t* data = malloc(n * channels);
    const uint8_t** rows = malloc(n * sizeof *rows);
    uint8_t* y = malloc(channels + 1);
    for (size_t i = 0; i < n * channels; i++) data[i] = (uint8_t) (t & 1 ? test_rand_u32() : test_rand_range(250, 255));
    for (size_t r = 0; r < n; r++) rows[r] = data + (n - 1 - r) * channels;
    y[channels] = 0xA5;
    q8rt_q8avgpool_tflite_ukernel__scalar(n, channels, rows, y, lo, hi);
    bool ok = y[channels] == 0xA5;
    for (size_t c = 0; c < channels; c++) {
      int32_t acc = 0;
      int filter_count = 0;
      for (size_t r = 0; r < n; r++) {
        acc += data[r * channels + c];
        filter_count++;
      }
      acc = (acc + filter_count / 2) / filter_count;
      acc = acc < lo ? lo : acc > hi ? hi : acc;
      ok = ok && y[c] == (uint8_t) acc;
    }
    CHECKF(ok, "avgpool vs reference: n=%zu channels=%zu", n, channels);
    check_avgpool_tiers(n, channels, rows, y, lo, hi);
    free(data);
    free(rows);
    free(y);
  }
}

/* ---- SOFTMAX: gemmlowp's generic templates, FixedPoint<int32_t, integer_bits> as (raw, integer bits) ------ */

/* SaturatingRoundingMultiplyByPOT<e>: e > 0 saturating x * 2^e, e < 0 RoundingDivideByPOT(x, -e). */
static int32_t ref_srmpot(int32_t x, int e) {
  if (e == 0) return x;
  if (e < 0) return ref_rdbpot(x, -e);
  const int64_t v = (int64_t) x * (INT64_C(1) << e);
  return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int32_t) v;
}
/* Rescale<dst_bits>(x of src_bits) */
static int32_t ref_rescale(int32_t x, int src_bits, int dst_bits) { return ref_srmpot(x, src_bits - dst_bits); }
static int32_t ref_wrap(int64_t v) { return (int32_t) (uint32_t) (uint64_t) v; }
/* the fixed-point constant of a double with `bits` integer bits (GEMMLOWP_CHECKED_FIXEDPOINT_CONSTANT checks
 * its literals against this) */
static int32_t ref_constant(double v, int bits) { return (int32_t) llround(v * (double) (INT64_C(1) << (31 - bits))); }

static int32_t ref_exp_quarter(int32_t a) {
  const int32_t constant_term = ref_constant(exp(-1.0 / 8.0), 0);
  const int32_t constant_1_over_3 = ref_constant(1.0 / 3.0, 0);
  const int32_t x = ref_wrap((int64_t) a + (1 << 28));
  const int32_t x2 = ref_srdhm(x, x), x3 = ref_srdhm(x2, x), x4 = ref_srdhm(x2, x2);
  const int32_t x4_over_4 = ref_srmpot(x4, -2);
  const int32_t t = ref_srmpot(ref_wrap((int64_t) ref_srdhm(ref_wrap((int64_t) x4_over_4 + x3), constant_1_over_3) + x2), -1);
  return ref_wrap((int64_t) constant_term + ref_srdhm(constant_term, ref_wrap((int64_t) x + t)));
}

static int32_t ref_exp_on_negative_values(int32_t a, int integer_bits) {
  const int fractional_bits = 31 - integer_bits;
  const int32_t one_quarter = INT32_C(1) << (fractional_bits - 2);
  const int32_t mask = one_quarter - 1;
  const int32_t a_mod = ref_wrap((int64_t) (a & mask) - one_quarter);
  int32_t result = ref_exp_quarter(ref_rescale(a_mod, integer_bits, 0));
  const int32_t remainder = ref_wrap((int64_t) a_mod - a);
  for (int exponent = -2; exponent <= 4; exponent++) {
    if (integer_bits > exponent) {
      const int32_t multiplier = ref_constant(exp(-ldexp(1.0, exponent)), 0);
      if (remainder & (INT32_C(1) << (fractional_bits + exponent))) result = ref_srdhm(result, multiplier);
    }
  }
  if (integer_bits > 5) {
    const int32_t clamp = -(INT32_C(1) << (36 - integer_bits));
    if (a < clamp) result = 0;
  }
  if (a == 0) result = INT32_MAX;
  return result;
}

static int32_t ref_one_over_one_plus_x(int32_t a) {
  const int64_t sum = (int64_t) a + INT32_MAX;
  const int32_t half_denominator = (int32_t) ((sum + (sum >= 0 ? 1 : -1)) / 2); /* RoundingHalfSum */
  const int32_t c48_17 = ref_constant(48.0 / 17.0, 2), cm32_17 = ref_constant(-32.0 / 17.0, 2);
  int32_t x = ref_wrap((int64_t) c48_17 + ref_srdhm(half_denominator, cm32_17)); /* F2 */
  for (int i = 0; i < 3; i++) {
    const int32_t hdx = ref_srdhm(half_denominator, x); /* F0 * F2 = F2 */
    const int32_t one_minus = ref_wrap((int64_t) (INT32_C(1) << 29) - hdx);
    x = ref_wrap((int64_t) x + ref_rescale(ref_srdhm(x, one_minus), 4, 2));
  }
  /* Rescale<0>(ExactMulByPot<-1>(x)): ExactMulByPot changes the integer bits (2 -> 1), not the raw value */
  return ref_rescale(x, 1, 0);
}

static bool g_softmax_single; /* MultiplyByQuantizedMultiplierGreaterThanOne under TFLITE_SINGLE_ROUNDING */

static int32_t ref_softmax_rescale(int32_t diff, int32_t mult, int left_shift) {
  if (g_softmax_single) return ref_mbqm_single(diff, mult, left_shift);
  return ref_srdhm(diff * (1 << left_shift), mult);
}

static void ref_softmax(size_t n, const uint8_t* in, uint8_t* out, int32_t mult, int left_shift, int32_t diff_min) {
  uint8_t max_in_row = 0;
  for (size_t c = 0; c < n; c++) max_in_row = in[c] > max_in_row ? in[c] : max_in_row;
  int32_t sum_of_exps = 0;
  for (size_t c = 0; c < n; c++) {
    const int32_t diff = (int32_t) in[c] - max_in_row;
    if (diff >= diff_min) {
      const int32_t rescaled = ref_softmax_rescale(diff, mult, left_shift); /* ...GreaterThanOne */
      sum_of_exps = ref_wrap((int64_t) sum_of_exps + ref_rescale(ref_exp_on_negative_values(rescaled, 5), 0, 12));
    }
  }
  int headroom_plus_one = 0;
  while (headroom_plus_one < 32 && !(((uint32_t) sum_of_exps << headroom_plus_one) & UINT32_C(0x80000000))) headroom_plus_one++;
  const int num_bits_over_unit = 12 - headroom_plus_one;
  const int32_t shifted_sum_minus_one = (int32_t) (((uint32_t) sum_of_exps << headroom_plus_one) - (UINT32_C(1) << 31));
  const int32_t shifted_scale = ref_one_over_one_plus_x(shifted_sum_minus_one);
  for (size_t c = 0; c < n; c++) {
    const int32_t diff = (int32_t) in[c] - max_in_row;
    if (diff >= diff_min) {
      const int32_t rescaled = ref_softmax_rescale(diff, mult, left_shift);
      const int32_t e = ref_exp_on_negative_values(rescaled, 5);
      const int32_t prod = ref_srdhm(shifted_scale, e);
      const int exponent = num_bits_over_unit + 31 - 8;
      /* exponents above 31 (a sum of exponentials >= 256) are outside gemmlowp's domain: the exact
       * rounding of prod / 2^exponent, |prod| < 2^31, is 0 there */
      const int32_t unsat = exponent <= 31 ? ref_rdbpot(prod, exponent) : 0;
      out[c] = (uint8_t) (unsat > 255 ? 255 : unsat < 0 ? 0 : unsat);
    } else {
      out[c] = 0;
    }
  }
}

static void test_softmax(void) {
  struct q8rt_tflite_softmax_params p;
  /* the gemmlowp literals, recomputed from their doubles */
  CHECK(ref_constant(exp(-1.0 / 8.0), 0) == 1895147668 && ref_constant(1.0 / 3.0, 0) == 715827883);
  CHECK(ref_constant(exp(-0.25), 0) == 1672461947 && ref_constant(exp(-16.0), 0) == 242);
  CHECK(ref_constant(48.0 / 17.0, 2) == 1515870810 && ref_constant(-32.0 / 17.0, 2) == -1010580540);
  /* by hand: beta 1, input scale 1/16: 2^-4 * 2^26 = 2^22 = 0.5 * 2^23 -> (2^30, left shift 23),
   * diff_min = -floor(31 * 2^26 / 2^23) = -248 */
  CHECK(q8rt_tflite_softmax_params_init(&p, 1.0f, 0.0625f, Q8RT_RULE_TFLITE) && p.input_multiplier == 1073741824 &&
        p.input_left_shift == 23 && p.diff_min == -248);
  /* by hand: 0.1f = 13421773 * 2^-27, times 2^26 = 13421773 / 2 = (13421773 * 2^7 / 2^31) * 2^23
   * -> (13421773 << 7 = 1717986944, left shift 23) */
  CHECK(q8rt_tflite_softmax_params_init(&p, 1.0f, 0.1f, Q8RT_RULE_TFLITE) && p.input_multiplier == 1717986944 &&
        p.input_left_shift == 23 && p.diff_min == -248);
  /* capped at 2^31 - 1: (2^31 - 1, 31), radius floor(31 * 2^26 / 2^31) = 0 */
  CHECK(q8rt_tflite_softmax_params_init(&p, 1.0f, 64.0f, Q8RT_RULE_TFLITE) && p.input_multiplier == INT32_MAX &&
        p.input_left_shift == 31 && p.diff_min == 0);
  CHECK(!q8rt_tflite_softmax_params_init(&p, 1.0f, 0x1.0p-26f, Q8RT_RULE_TFLITE)); /* real multiplier 1: not > 1 */
  CHECK(!q8rt_tflite_softmax_params_init(&p, 1.0f, 0.0f, Q8RT_RULE_TFLITE));
  CHECK(!q8rt_tflite_softmax_params_init(&p, 1.0f, NAN, Q8RT_RULE_TFLITE));
  CHECK(!q8rt_tflite_softmax_params_init(&p, 1.0f, 0.1f, Q8RT_RULE_QNNPACK));
  /* single rounding: capped at 2^30 - 1 = (1 - 2^-30) * 2^30 -> (2^31 - 2, left shift 30), radius
   * floor(31 * 2^26 / 2^30) = 1; below the cap the parameters are those of the default build */
  CHECK(q8rt_tflite_softmax_params_init(&p, 1.0f, 64.0f, Q8RT_RULE_TFLITE_SINGLE) &&
        p.input_multiplier == INT32_MAX - 1 && p.input_left_shift == 30 && p.diff_min == -1 && p.single_rounding == 1);
  CHECK(q8rt_tflite_softmax_params_init(&p, 1.0f, 0.1f, Q8RT_RULE_TFLITE_SINGLE) &&
        p.input_multiplier == 1717986944 && p.input_left_shift == 23 && p.diff_min == -248);

  /* by hand: n equal inputs give 256 / n (255 for n = 1, the uint8 clamp) */
  CHECK(q8rt_tflite_softmax_params_init(&p, 1.0f, 0.1f, Q8RT_RULE_TFLITE));
  static const size_t ns[] = {1, 2, 4, 8, 16, 32, 64};
  for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++) {
    uint8_t x[64], y[64];
    memset(x, 77, sizeof x);
    q8rt_tflite_softmax_u8(ns[k], x, y, &p);
    const uint8_t want = ns[k] == 1 ? 255 : (uint8_t) (256 / ns[k]);
    bool ok = true;
    for (size_t i = 0; i < ns[k]; i++) ok = ok && y[i] == want;
    CHECKF(ok, "softmax of %zu equal inputs: %u, want %u", ns[k], y[0], want);
  }

  /* random rows: the kernel vs the reference, and vs the float softmax within 1.5 steps */
  int close_fail = 0;
  for (int t = 0; t < 800; t++) {
    g_softmax_single = t >= 400;
    const size_t n = t < 20 ? 1001 : test_rand_range(1, 300);
    const float beta = t % 5 == 0 ? test_rand_uniform(0.1f, 3.0f) : 1.0f;
    const float scale = exp2f(test_rand_uniform(-8.0f, 1.0f));
    if (!q8rt_tflite_softmax_params_init(&p, beta, scale,
                                         g_softmax_single ? Q8RT_RULE_TFLITE_SINGLE : Q8RT_RULE_TFLITE)) {
      continue;
    }
    int32_t m;
    int e;
    const double cap = g_softmax_single ? 1073741823.0 : 2147483647.0;
    double real = (double) beta * (double) scale * (double) (1 << 26);
    if (real > cap) real = cap;
    ref_quantize_multiplier(real, &m, &e);
    if (g_softmax_single && e > 30) { /* QuantizeMultiplier under TFLITE_SINGLE_ROUNDING */
      e = 30;
      m = INT32_MAX;
    }
    const int32_t diff_min = -(int32_t) floor(31.0 * (double) (INT64_C(1) << 26) / (double) (INT64_C(1) << e));
    CHECK(p.input_multiplier == m && (int) p.input_left_shift == e && p.diff_min == diff_min);
    uint8_t* x = malloc(n);
    uint8_t* y = malloc(n);
    uint8_t* want = malloc(n);
    const uint8_t top = (uint8_t) test_rand_range(0, 255);
    const uint32_t spread = test_rand_range(1, 255);
    for (size_t i = 0; i < n; i++) {
      const uint32_t d = test_rand_u32() % (spread + 1);
      x[i] = (uint8_t) (d > top ? 0 : top - d);
    }
    ref_softmax(n, x, want, m, e, diff_min);
    q8rt_tflite_softmax_u8(n, x, y, &p);
    CHECKF(memcmp(y, want, n) == 0, "softmax (%s rounding) vs reference: n=%zu beta=%g scale=%g",
           g_softmax_single ? "single" : "double", n, beta, scale);
    uint8_t mx = 0;
    for (size_t i = 0; i < n; i++) mx = x[i] > mx ? x[i] : mx;
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) sum += exp((double) beta * scale * ((double) x[i] - mx));
    for (size_t i = 0; i < n; i++) {
      double f = 256.0 * exp((double) beta * scale * ((double) x[i] - mx)) / sum;
      if (f > 255.0) f = 255.0;
      if (fabs(f - y[i]) > 1.5) close_fail++;
    }
    free(x);
    free(y);
    free(want);
  }
  g_softmax_single = false;
  CHECKF(close_fail == 0, "softmax vs float: %d outputs more than 1.5 steps off", close_fail);
}

int main(void) {
  test_rng_seed(0x7F11E);
  g_sse41 = has_sse41();
  g_avx2 = has_avx2();
  g_vnni = has_vnni();
  g_neon = has_neon();
  printf("test_tflite_arith: kernel tiers checked: scalar%s%s%s\n", g_sse41 ? " sse41" : "", g_avx2 ? " avx2" : "",
         g_neon ? " neon" : "");
  test_quantize_multiplier();
  test_activation_range();
  test_requant();
  test_add();
  test_avgpool();
  test_softmax();
  return test_summary("test_tflite_arith");
}
