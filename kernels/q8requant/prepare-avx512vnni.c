/* Whether the AVX-512 VNNI kernels may requantize a parameter set with their two-FMA fp32 form
 * (q8rt_vnni_fp32_split, kernels/q8gemm/avx512vnni-common.h): decided by running that form, through
 * q8rt_q8requant_ukernel_q31__avx512vnni, on both sides of every step of the exact output and comparing bytes.
 *
 * Why that is enough: let G(acc) be the exact output byte (q8rt_requantize_q31) and F(acc) the kernel's. Both are
 * monotone non-decreasing in acc (G by its formula, F by every operation of the fp32 form). For each byte value c
 * in (output_min, output_max], let T_c be the smallest int32 accumulator with G(acc) >= c. G is constant between
 * consecutive steps, so if F(T_c - 1) = G(T_c - 1) and F(T_c) = G(T_c) for every step, and F = G at INT32_MIN and
 * INT32_MAX, then F, squeezed between equal values at both ends of each constant stretch, equals G everywhere. At
 * most 2 * 255 + 2 accumulators are tried; finding the steps takes a few evaluations of G each (a bisection inside
 * a bracket around acc = (c - zero_point) * 2^(31 + shift) / multiplier). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../requantize.h"
#include "q8requant.h"

/* Smallest acc in [lo, hi] with G(acc) >= c, given G(hi) >= c (and G(lo - 1) < c, or lo = INT32_MIN). */
static int64_t first_at_least(int64_t lo, int64_t hi, uint8_t c, const struct q8rt_conv_params* p) {
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (q8rt_requantize_q31((int32_t) mid, p) >= c) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

static int64_t clamp_acc(int64_t x) {
  if (x < INT32_MIN) return INT32_MIN;
  if (x > INT32_MAX) return INT32_MAX;
  return x;
}

/* T_c as above, or INT64_MAX when no int32 accumulator reaches c. */
static int64_t step_of(uint8_t c, const struct q8rt_conv_params* p) {
  if (q8rt_requantize_q31(INT32_MAX, p) < c) return INT64_MAX;
  if (q8rt_requantize_q31(INT32_MIN, p) >= c) return INT32_MIN;
  /* |c - zero point| <= 255 and shift <= 23: the product stays below 2^62 */
  const int64_t guess = ((int64_t) c - (int64_t) p->output_zero_point) * (INT64_C(1) << (31 + p->shift)) /
                        (int64_t) p->multiplier;
  const int64_t margin = (INT64_C(1) << (p->shift + 2)) + 4;
  int64_t lo = clamp_acc(guess - margin), hi = clamp_acc(guess + margin);
  if (q8rt_requantize_q31((int32_t) hi, p) < c) hi = INT32_MAX;
  if (lo > INT32_MIN && q8rt_requantize_q31((int32_t) (lo - 1), p) >= c) lo = INT32_MIN;
  return first_at_least(lo, hi, c, p);
}

static void add_acc(int32_t* acc, size_t* n, int64_t a) {
  if (a >= INT32_MIN && a <= INT32_MAX) acc[(*n)++] = (int32_t) a;
}

void q8rt_q8requant_prepare__avx512vnni(struct q8rt_conv_params* params) {
  params->checked_fp32 = 0;
  /* q8rt_vnni_rq_init takes the fp32 split form only for shifts 1..23; 24-bit multipliers with two roundings
   * and shifts 1..13 have the proven one-FMA form already */
  if (params->shift < 1 || params->shift > 23 || params->multiplier < (INT32_C(1) << 30)) return;
  if (!params->single_rounding && (params->multiplier & 0x7F) == 0 && params->shift <= 13) return;

  int32_t acc[2 * 255 + 2];
  size_t n = 0;
  add_acc(acc, &n, INT32_MIN);
  add_acc(acc, &n, INT32_MAX);
  for (unsigned c = (unsigned) params->output_min + 1; c <= params->output_max; c++) {
    const int64_t t = step_of((uint8_t) c, params);
    if (t == INT64_MAX || t == INT32_MIN) continue;
    add_acc(acc, &n, t - 1);
    add_acc(acc, &n, t);
  }
  uint8_t want[sizeof acc / sizeof acc[0]], got[sizeof acc / sizeof acc[0]];
  for (size_t i = 0; i < n; i++) want[i] = q8rt_requantize_q31(acc[i], params);
  struct q8rt_conv_params trial = *params;
  trial.checked_fp32 = 1;
  q8rt_q8requant_ukernel_q31__avx512vnni(n, acc, got, &trial);
  bool equal = true;
  for (size_t i = 0; i < n; i++) equal = equal && got[i] == want[i];
  params->checked_fp32 = equal ? 1 : 0;
}
