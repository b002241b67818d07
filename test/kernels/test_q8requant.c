/* q8requant: the scalar twin vs the reference written from the math (test/common/kernel_ref.h), and the AVX-512
 * VNNI requantization (its fp32 form where q8rt_vnni_rq_init takes it, else the Q31 form) vs the scalar twin, bit
 * for bit. Accumulators: every rounding boundary of y in [-300, 300] (the first accumulator of each output value,
 * found by bisection on the reference, and its neighbours), +-2^24 and around (where int32 -> fp32 stops being
 * exact), INT32_MIN, INT32_MAX, 0, +-1, and random ones (small and full range). Parameters: scales 2^-32..1 through
 * q8rt_conv_params_init (every shift), multipliers 2^30 and 2^31 - 2^7 at every shift, and multipliers with
 * nonzero low 7 bits (not of q8rt_conv_params_init: the Q31 form), as those of q8rt_tflite_conv_params_init
 * (also tested, random scales), and the same with single_rounding (TFLITE_SINGLE_ROUNDING, every shift, the
 * reference's one-rounding form); output zero point 128 with no clamp (y visible) or random zero points and ranges. Array lengths cover the masked tail. Skipped (with a message) when the CPU
 * lacks AVX-512 F/BW/VL/VNNI/VBMI. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../common/kernel_ref.h"
#include "../common/test.h"
#include "../../kernels/params.h"
#include "../../kernels/q8requant/q8requant.h"
#include "../../src/quant/qparams.h"

#define MAX_VALUES 2048

/* Smallest accumulator whose (unclamped) reference output is >= t, or INT32_MAX + 1 if none. */
static int64_t first_acc_at_least(int64_t t, const struct q8rt_conv_params* p) {
  int64_t lo = INT32_MIN, hi = (int64_t) INT32_MAX + 1; /* answer in [lo, hi] */
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (ref_requantize_y(mid, p) >= t) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

static void add_value(int32_t* v, size_t* n, int64_t acc) {
  if (*n < MAX_VALUES && acc >= INT32_MIN && acc <= INT32_MAX) v[(*n)++] = (int32_t) acc;
}

/* The accumulators of the header comment for p; returns their number. */
static size_t build_accs(const struct q8rt_conv_params* p, int32_t* acc) {
  size_t n = 0;
  for (int64_t t = -300; t <= 300; t++) {
    const int64_t a = first_acc_at_least(t, p);
    for (int64_t d = -1; d <= 1; d++) add_value(acc, &n, a + d);
  }
  static const int64_t fixed[] = {INT32_MIN, INT32_MIN + 1, INT32_MAX, INT32_MAX - 1, 0, 1, -1};
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) add_value(acc, &n, fixed[i]);
  for (int64_t d = -3; d <= 3; d++) {
    add_value(acc, &n, (INT64_C(1) << 24) + d);
    add_value(acc, &n, -(INT64_C(1) << 24) + d);
  }
  const uint32_t small = p->shift + 10 < 31 ? p->shift + 10 : 31;
  while (n < MAX_VALUES - 16) {
    const uint32_t r = test_rand_u32();
    const int64_t small_acc = (int64_t) (r >> (32 - small)) - (INT64_C(1) << (small - 1));
    add_value(acc, &n, (n & 1) ? (int64_t) (int32_t) r : small_acc);
  }
  n -= test_rand_range(0, 15); /* a masked tail of 0..15 accumulators */
  return n;
}

static void run_params(const struct q8rt_conv_params* p, bool vnni) {
  static int32_t acc[MAX_VALUES];
  const size_t n = build_accs(p, acc);

  static uint8_t want[MAX_VALUES], got_scalar[MAX_VALUES + 1], got_vnni[MAX_VALUES + 1];
  for (size_t i = 0; i < n; i++) want[i] = ref_requantize(acc[i], p);
  got_scalar[n] = 0xA5;
  q8rt_q8requant_ukernel_q31__scalar(n, acc, got_scalar, p);
  CHECKF(memcmp(want, got_scalar, n) == 0 && got_scalar[n] == 0xA5, "scalar vs reference: multiplier %d shift %u",
         p->multiplier, p->shift);
#if HAVE_X86
  if (vnni) {
    got_vnni[n] = 0xA5;
    q8rt_q8requant_ukernel_q31__avx512vnni(n, acc, got_vnni, p);
    size_t bad = 0;
    while (bad < n && got_vnni[bad] == got_scalar[bad]) bad++;
    CHECKF(bad == n && got_vnni[n] == 0xA5,
           "avx512vnni vs scalar: multiplier %d shift %u zero point %u [%u, %u]: acc %d gives %u, want %u",
           p->multiplier, p->shift, p->output_zero_point, p->output_min, p->output_max, bad < n ? acc[bad] : 0,
           bad < n ? got_vnni[bad] : got_vnni[n], bad < n ? got_scalar[bad] : 0xA5);
  }
#else
  (void) vnni;
  (void) got_vnni;
#endif
}

static void set_output(struct q8rt_conv_params* p, bool clamp) {
  p->output_zero_point = clamp ? (uint8_t) test_rand_range(0, 255) : 128;
  p->output_min = clamp ? (uint8_t) test_rand_range(0, 100) : 0;
  p->output_max = clamp ? (uint8_t) test_rand_range(150, 255) : 255;
}

static void set_multiplier(struct q8rt_conv_params* p, int32_t multiplier, uint32_t shift) {
  p->multiplier = multiplier;
  p->shift = shift;
  p->remainder_mask = (int32_t) ((UINT32_C(1) << shift) - 1);
  p->remainder_threshold = (int32_t) ((uint32_t) p->remainder_mask >> 1);
}

int main(void) {
  test_rng_seed(0x5EED);
  const bool vnni = has_vnni();
  if (!vnni) printf("test_q8requant: AVX-512 F/BW/VL/VNNI/VBMI not available, skipping the AVX-512 VNNI checks\n");
  struct q8rt_conv_params p;
  for (int i = 0; i < 400; i++) {
    float scale = exp2f(-test_rand_uniform(0.0f, 32.0f));
    if (scale >= 1.0f) scale = 0x1.fffffep-1f;
    if (scale < 0x1.0p-32f) scale = 0x1.0p-32f;
    CHECK(q8rt_conv_params_init(&p, scale, 1.0f, 1.0f, 0, 0, 0, 255));
    set_output(&p, i & 1);
    run_params(&p, vnni);
  }
  for (uint32_t shift = 0; shift < 32; shift++) {
    for (int m = 0; m < 4; m++) {
      CHECK(q8rt_conv_params_init(&p, 0.5f, 1.0f, 1.0f, 0, 0, 0, 255));
      const uint32_t m24 = m == 0   ? UINT32_C(0x800000)
                           : m == 1 ? UINT32_C(0xFFFFFF)
                                    : (UINT32_C(0x800000) | (test_rand_u32() & 0x7FFFFF));
      /* m == 3: low 7 bits nonzero, as no fp32 scale gives */
      const uint32_t low = m == 3 ? test_rand_range(1, 127) : 0;
      set_multiplier(&p, (int32_t) (m24 << 7 | low), shift);
      set_output(&p, m == 2);
      run_params(&p, vnni);
    }
  }
  /* TFLite multipliers (q8rt_tflite_conv_params_init: 31 significant bits, the integer form) at every shift */
  for (int i = 0; i < 400; i++) {
    const float scale = exp2f(-test_rand_uniform(0.0f, 31.9f));
    const float kernel_scale = test_rand_uniform(1.0f, 2.0f);
    const float output_scale = kernel_scale * (1.0f + test_rand_uniform(0x1.0p-20f, 0x1.0p-8f));
    if (!q8rt_tflite_conv_params_init(&p, scale, kernel_scale, output_scale, 0, 0, 0, 255, Q8RT_RULE_TFLITE)) continue;
    set_output(&p, i & 1);
    run_params(&p, vnni);
  }
  /* TFLITE_SINGLE_ROUNDING (q8rt_vnni_single, never the fp32 form) at every shift: multipliers 2^30 (exact ties,
   * negative ones included), 2^31 - 2^7 (an fp32-form multiplier), random 31-bit ones, and TFLite's own */
  for (uint32_t shift = 0; shift < 32; shift++) {
    for (int m = 0; m < 3; m++) {
      const int32_t multiplier = m == 0   ? INT32_C(1) << 30
                                 : m == 1 ? INT32_MAX - 127
                                          : (int32_t) (UINT32_C(0x40000000) | (test_rand_u32() & 0x3FFFFFFF));
      memset(&p, 0, sizeof p);
      set_multiplier(&p, multiplier, shift);
      p.single_rounding = 1;
      set_output(&p, m == 2);
      run_params(&p, vnni);
    }
  }
  for (int i = 0; i < 200; i++) {
    const float scale = exp2f(-test_rand_uniform(0.0f, 31.9f));
    const float kernel_scale = i & 2 ? 1.0f : test_rand_uniform(1.0f, 2.0f);
    const float output_scale = kernel_scale * (1.0f + test_rand_uniform(0x1.0p-20f, 0x1.0p-8f));
    if (!q8rt_tflite_conv_params_init(&p, scale, kernel_scale, output_scale, 0, 0, 0, 255, Q8RT_RULE_TFLITE_SINGLE)) {
      continue;
    }
    CHECK(p.single_rounding == (p.shift != 0));
    set_output(&p, i & 1);
    run_params(&p, vnni);
  }
  /* The two-FMA fp32 form (31-bit multipliers): q8rt_q8requant_prepare__avx512vnni accepts a parameter set exactly
   * when the form gives the scalar twin's bytes. Accepted sets must pass run_params with the form; for refused
   * ones the form, forced, must differ from the scalar twin somewhere among run_params' accumulators (which hold
   * both sides of every output step), and the kernels' integer form must pass. Shifts 1..23 (the form's range),
   * both rules, random clamps, TFLite's multipliers and random 31-bit ones. */
#if HAVE_X86
  if (vnni) {
    static int32_t acc[MAX_VALUES];
    static uint8_t want[MAX_VALUES], got[MAX_VALUES];
    int accepted = 0, refused = 0;
    for (int i = 0; i < 1200; i++) {
      const uint32_t shift = 1 + (uint32_t) i % 23;
      const int32_t multiplier = (int32_t) (UINT32_C(0x40000000) | (test_rand_u32() & 0x3FFFFFFF) | 1);
      memset(&p, 0, sizeof p);
      set_multiplier(&p, multiplier, shift);
      p.single_rounding = (uint8_t) (i & 1);
      set_output(&p, (i >> 1) & 1);
      q8rt_q8requant_prepare__avx512vnni(&p);
      run_params(&p, vnni);
      if (p.checked_fp32) {
        accepted++;
        continue;
      }
      refused++;
      struct q8rt_conv_params forced = p;
      forced.checked_fp32 = 1;
      const size_t n = build_accs(&forced, acc);
      q8rt_q8requant_ukernel_q31__scalar(n, acc, want, &forced);
      q8rt_q8requant_ukernel_q31__avx512vnni(n, acc, got, &forced);
      CHECKF(memcmp(want, got, n) != 0, "prepare refused multiplier %d shift %u single %u, yet the fp32 form is exact",
             p.multiplier, p.shift, p.single_rounding);
    }
    printf("test_q8requant: two-FMA fp32 form accepted for %d, refused for %d random parameter sets\n", accepted,
           refused);
    CHECK(accepted > 0 && refused > 0);
    /* TFLite's own parameters (MobileNet-like scales) */
    for (int i = 0; i < 400; i++) {
      const float scale = exp2f(-test_rand_uniform(4.0f, 16.0f));
      const float kernel_scale = test_rand_uniform(1.0f, 2.0f);
      const float output_scale = kernel_scale * (1.0f + test_rand_uniform(0x1.0p-20f, 0x1.0p-8f));
      const enum q8rt_requant_rule rule = i & 1 ? Q8RT_RULE_TFLITE_SINGLE : Q8RT_RULE_TFLITE;
      if (!q8rt_tflite_conv_params_init(&p, scale, kernel_scale, output_scale, 0, 0, 0, 255, rule)) continue;
      set_output(&p, i & 2);
      q8rt_q8requant_prepare__avx512vnni(&p);
      run_params(&p, vnni);
    }
  }
#endif
  return test_summary("test_q8requant");
}
