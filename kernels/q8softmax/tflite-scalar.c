/*
 * TFLite uint8 SOFTMAX, reference kernel, scalar (q8softmax.h). The gemmlowp fixed-point operations it uses
 * (gemmlowp/fixedpoint/fixedpoint.h; tensorflow/lite/kernels/internal/common.h GetReciprocal,
 * MultiplyByQuantizedMultiplierGreaterThanOne) are written here as static functions on raw int32 values; a
 * FixedPoint<int32_t, k> is its raw value with 31 - k fractional bits. gemmlowp relies on int32 wrap-around
 * for + and -; here they go through uint32. docs/arithmetic.md, "TFLite SOFTMAX".
 */
#include <stddef.h>
#include <stdint.h>

#include "../params.h"
#include "q8softmax.h"

static inline int32_t tfl_add(int32_t a, int32_t b) { return (int32_t) ((uint32_t) a + (uint32_t) b); }
static inline int32_t tfl_sub(int32_t a, int32_t b) { return (int32_t) ((uint32_t) a - (uint32_t) b); }

/* SaturatingRoundingDoublingHighMul: (a * b + 2^30) >> 31 (floor), INT32_MAX for a = b = INT32_MIN. */
static inline int32_t tfl_srdhm(int32_t a, int32_t b) {
  if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
  return (int32_t) (((int64_t) a * (int64_t) b + INT64_C(0x40000000)) >> 31);
}

/* RoundingDivideByPOT for exponent in [0, 62] on an int32 value (round half away from zero). gemmlowp's
 * domain is [0, 31]; beyond, its result is undefined and this is the exact rounding (0, or -1 for
 * INT32_MIN / 2^32). */
static inline int32_t tfl_rdbpot(int32_t x, uint32_t exponent) {
  const int64_t mask = (int64_t) ((UINT64_C(1) << exponent) - 1);
  const int64_t rem = ((int64_t) x & mask) - (int64_t) (x < 0);
  return (int32_t) (((int64_t) x >> exponent) + (int64_t) (rem > (mask >> 1)));
}

/* SaturatingRoundingMultiplyByPOT<exponent> for exponent in [1, 30]: x * 2^exponent saturated to int32. */
static inline int32_t tfl_sat_shl(int32_t x, uint32_t exponent) {
  const int32_t threshold = (int32_t) ((UINT32_C(1) << (31 - exponent)) - 1);
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return (int32_t) ((uint32_t) x << exponent);
}

/* RoundingHalfSum (int32): (a + b + sign(a + b)) / 2, division truncating toward zero. */
static inline int32_t tfl_rounding_half_sum(int32_t a, int32_t b) {
  const int64_t sum = (int64_t) a + (int64_t) b;
  return (int32_t) ((sum + (sum >= 0 ? 1 : -1)) / 2);
}

/* exp_on_interval_between_negative_one_quarter_and_0_excl: Q0.31 in, Q0.31 out. */
static int32_t tfl_exp_quarter(int32_t a) {
  const int32_t constant_term = 1895147668;    /* exp(-1/8) */
  const int32_t constant_1_over_3 = 715827883; /* 1/3 */
  const int32_t x = tfl_add(a, INT32_C(1) << 28); /* a + 1/8 */
  const int32_t x2 = tfl_srdhm(x, x);
  const int32_t x3 = tfl_srdhm(x2, x);
  const int32_t x4 = tfl_srdhm(x2, x2);
  const int32_t x4_over_4 = tfl_rdbpot(x4, 2);
  const int32_t poly =
      tfl_rdbpot(tfl_add(tfl_srdhm(tfl_add(x4_over_4, x3), constant_1_over_3), x2), 1);
  return tfl_add(constant_term, tfl_srdhm(constant_term, tfl_add(x, poly)));
}

/* exp_on_negative_values for FixedPoint<int32_t, 5> (Q5.26) input a <= 0; Q0.31 result. */
static int32_t tfl_exp_on_negative_values_q5(int32_t a) {
  static const int32_t barrel[7] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
  const int32_t one_quarter = INT32_C(1) << 24;
  const int32_t a_mod_quarter_minus_one_quarter = tfl_sub(a & (one_quarter - 1), one_quarter);
  int32_t result = tfl_exp_quarter(tfl_sat_shl(a_mod_quarter_minus_one_quarter, 5)); /* Rescale<0> */
  const int32_t remainder = tfl_sub(a_mod_quarter_minus_one_quarter, a);
  /* exp(-2^k) for k = -2..4: bit 26 + k of the remainder */
  for (uint32_t k = 0; k < 7; k++) {
    if (remainder & (INT32_C(1) << (24 + k))) result = tfl_srdhm(result, barrel[k]);
  }
  /* kIntegerBits = 5: no clamp below -32 */
  if (a == 0) result = INT32_MAX; /* One() */
  return result;
}

/* one_over_one_plus_x_for_x_in_0_1: Q0.31 in, Q0.31 out (Newton-Raphson in Q2.29). */
static int32_t tfl_one_over_one_plus_x(int32_t a) {
  const int32_t half_denominator = tfl_rounding_half_sum(a, INT32_MAX);
  const int32_t constant_48_over_17 = 1515870810;
  const int32_t constant_neg_32_over_17 = -1010580540;
  int32_t x = tfl_add(constant_48_over_17, tfl_srdhm(half_denominator, constant_neg_32_over_17));
  for (int i = 0; i < 3; i++) {
    const int32_t half_denominator_times_x = tfl_srdhm(half_denominator, x);
    const int32_t one_minus_half_denominator_times_x = tfl_sub(INT32_C(1) << 29, half_denominator_times_x);
    x = tfl_add(x, tfl_sat_shl(tfl_srdhm(x, one_minus_half_denominator_times_x), 2)); /* Rescale<2> of Q4.27 */
  }
  /* Rescale<0>(ExactMulByPot<-1>(x)): the Q2.29 raw read as Q1.30 (halved), then to Q0.31 */
  return tfl_sat_shl(x, 1);
}

static uint32_t tfl_clz32(uint32_t x) {
  uint32_t n = 0;
  if (x == 0) return 32;
  while (!(x & UINT32_C(0x80000000))) {
    x <<= 1;
    n++;
  }
  return n;
}

/* MultiplyByQuantizedMultiplierGreaterThanOne then exp: the Q0.31 exp of one input difference. */
static int32_t tfl_softmax_exp(int32_t diff, const struct q8rt_tflite_softmax_params* params) {
  if (params->single_rounding) {
    /* TFLITE_SINGLE_ROUNDING: MultiplyByQuantizedMultiplier(diff, M, left_shift), left_shift <= 30 (the real
     * multiplier is capped at 2^30 - 1): (diff * M + 2^(30 - left_shift)) >> (31 - left_shift), in int64 */
    const uint32_t total_shift = 31 - params->input_left_shift;
    const int64_t product = (int64_t) diff * (int64_t) params->input_multiplier;
    const int64_t rounded = product + (int64_t) (UINT64_C(1) << (total_shift - 1));
    return tfl_exp_on_negative_values_q5((int32_t) (rounded >> total_shift));
  }
  /* |diff| <= -diff_min = floor(31 * 2^26 / 2^left_shift): diff * 2^left_shift fits int32 */
  const int32_t shifted = (int32_t) ((uint32_t) diff << params->input_left_shift);
  return tfl_exp_on_negative_values_q5(tfl_srdhm(shifted, params->input_multiplier));
}

/* The exp of each input difference of a row, computed once per distinct difference: a uint8 row has at most
 * 256 of them (diff = x - max in [-255, 0]), so a 1001-class row costs at most 256 exps instead of 2002. */
struct tfl_exp_cache {
  int32_t value[256]; /* by -diff */
  uint8_t known[256];
};

static int32_t tfl_cached_exp(struct tfl_exp_cache* cache, int32_t diff,
                              const struct q8rt_tflite_softmax_params* params) {
  const uint32_t k = (uint32_t) -diff;
  if (!cache->known[k]) {
    cache->value[k] = tfl_softmax_exp(diff, params);
    cache->known[k] = 1;
  }
  return cache->value[k];
}

void q8rt_tflite_softmax_u8(size_t n, const uint8_t* x, uint8_t* y, const struct q8rt_tflite_softmax_params* params) {
  uint8_t max_in_row = 0;
  for (size_t i = 0; i < n; i++) max_in_row = x[i] > max_in_row ? x[i] : max_in_row;

  struct tfl_exp_cache cache;
  for (size_t k = 0; k < 256; k++) cache.known[k] = 0;
  int32_t sum_of_exps = 0; /* Q12.19 */
  for (size_t i = 0; i < n; i++) {
    const int32_t diff = (int32_t) x[i] - (int32_t) max_in_row;
    if (diff >= params->diff_min) {
      sum_of_exps = tfl_add(sum_of_exps, tfl_rdbpot(tfl_cached_exp(&cache, diff, params), 12));
    }
  }

  /* GetReciprocal(sum_of_exps, 12, &num_bits_over_unit) (common.h) */
  const uint32_t headroom_plus_one = tfl_clz32((uint32_t) sum_of_exps);
  const int32_t num_bits_over_unit = 12 - (int32_t) headroom_plus_one;
  const uint32_t shifted_sum = headroom_plus_one < 32 ? (uint32_t) sum_of_exps << headroom_plus_one : 0;
  const int32_t shifted_sum_minus_one = (int32_t) (shifted_sum - UINT32_C(0x80000000));
  const int32_t shifted_scale = tfl_one_over_one_plus_x(shifted_sum_minus_one);

  /* RoundingDivideByPOT(., num_bits_over_unit + 31 - 8): the exponent exceeds 31 when the sum of
   * exponentials is >= 256 (every output then rounds to 0); never negative for n < 4096 */
  const int32_t exponent = num_bits_over_unit + 31 - 8;
  const uint32_t out_exponent = exponent < 0 ? 0 : (uint32_t) exponent;
  for (size_t i = 0; i < n; i++) {
    const int32_t diff = (int32_t) x[i] - (int32_t) max_in_row;
    uint8_t out = 0;
    if (diff >= params->diff_min) {
      const int32_t unsat = tfl_rdbpot(tfl_srdhm(shifted_scale, tfl_cached_exp(&cache, diff, params)), out_exponent);
      out = (uint8_t) (unsat > 255 ? 255 : unsat < 0 ? 0 : unsat);
    }
    y[i] = out;
  }
}
