/* q8dwconv up16x9dot on Q8RT_LAYOUT_DWCONV_DOT (src/pack/pack_dw_dot.c): the scalar twin vs a plain reference on
 * unpacked weights (sum (x - xzp)(w - wzp) + bias, Q31 requantization) and vs the up16x9p scalar kernel on
 * Q8RT_LAYOUT_DWCONV_16P (same int32 accumulator mod 2^32, so the same bytes even where the folded bias does not
 * fit), and on aarch64 CPUs with the dot product the udot kernel vs the scalar twin, byte for byte over whole
 * output buffers (guard bytes included). Channel counts around the 16-channel tiles, widths 1..20 (the aarch64
 * kernel reuses columns in groups of 3 pixels for input_stride 3 and 2 pixels for input_stride 6), input strides
 * 3, 6, 9 and others, padding pointers, zero points 0 / 1 / 128 / 255, random and extreme scales and biases;
 * QNNPACK and TFLite (two roundings or TFLITE_SINGLE_ROUNDING) requantization parameters (test_conv_params), output
 * ranges [0, 255] with zero point 0 or another in two cases of three (the kernel's output stages without the clamp).
 * Then every requantization sequence (two roundings with shift >= 1, TFLITE_SINGLE_ROUNDING, shift 0) times every
 * output stage (PLAIN, ZP, CLAMP) on the aarch64 kernel's assembly loops: 1 to 3 full tiles with and without a
 * partial tile, input strides 3 and 6, widths 1..9 (every remainder of the 3-pixel and 2-pixel loops).
 * Q8RT_TEST_QUICK=1: fewer random cases (qemu-user). */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cpuinfo.h>

#include "../common/kernel_ref.h"
#include "../common/test.h"
#include "../common/tflite_params.h"
#include "../../kernels/layout.h"
#include "../../kernels/params.h"
#include "../../kernels/q8dwconv/q8dwconv.h"
#include "../../src/pack/packers.h"
#include "../../src/quant/qparams.h"

#if defined(__aarch64__)
#define NEON_DWDOT q8rt_q8dwconv_ukernel_up16x9dot__aarch64_neondot
#endif

static bool g_neon = false;

/* The kernel's requantization sequences: two roundings with shift >= 1, TFLITE_SINGLE_ROUNDING, shift 0; -1 for
 * test_conv_params' random pick. */
enum { MODE_RANDOM = -1, MODE_SHIFTED, MODE_SINGLE, MODE_DOUBLE };

/* Parameters in the sequence `mode` (scale adjusted into its range), checked to take that path. */
static void conv_params_mode(struct q8rt_conv_params* p, int mode, float scale, uint8_t kzp, uint8_t ozp,
                             uint8_t omin, uint8_t omax) {
  if (mode == MODE_DOUBLE) {
    CHECK(q8rt_conv_params_init(p, test_rand_uniform(0.5f, 0.99f), 1.0f, 1.0f, kzp, ozp, omin, omax));
    CHECK(p->shift == 0);
    return;
  }
  if (scale >= 0.49f) scale = 0.49f;
  if (mode == MODE_SINGLE) {
    if (scale < 0x1.8p-31f) scale = 0x1.8p-31f; /* TFLite flushes multipliers below about 2^-32 to 0 */
    const float kernel_scale = test_rand_uniform(1.0f, 2.0f);
    const float output_scale = kernel_scale * (1.0f + test_rand_uniform(0x1.0p-20f, 0x1.0p-8f));
    CHECK(q8rt_tflite_conv_params_init(p, scale, kernel_scale, output_scale, kzp, ozp, omin, omax,
                                       Q8RT_RULE_TFLITE_SINGLE));
    CHECK(p->shift >= 1 && p->single_rounding);
    return;
  }
  CHECK(q8rt_conv_params_init(p, scale, 1.0f, 1.0f, kzp, ozp, omin, omax));
  CHECK(p->shift >= 1 && !p->single_rounding);
}

/* stage: the kernel's output stage (0 CLAMP, 1 PLAIN, 2 ZP) or -1 (random); mode: MODE_*. */
static void run_case(size_t channels, size_t output_width, size_t input_stride, bool extreme, int mode, int stage) {
  static const uint8_t edge_zp[4] = {0, 1, 128, 255};
  const uint8_t izp = test_rand_range(0, 3) == 0 ? edge_zp[test_rand_range(0, 3)] : (uint8_t) test_rand_range(0, 255);
  const uint8_t kzp = test_rand_range(0, 3) == 0 ? edge_zp[test_rand_range(0, 3)] : (uint8_t) test_rand_range(0, 255);
  const size_t output_increment = test_rand_range(0, 1) * test_rand_range(1, 7);

  const size_t npix = test_rand_range(1, 16);
  const size_t in_size = npix * channels + Q8RT_EXTRA_BYTES;
  uint8_t* in = malloc(in_size);
  for (size_t i = 0; i < in_size; i++) in[i] = extreme && test_rand_range(0, 1) ? 255 : (uint8_t) test_rand_u32();
  uint8_t* zb = malloc(channels + Q8RT_EXTRA_BYTES);
  memset(zb, izp, channels + Q8RT_EXTRA_BYTES);
  const size_t nptr = (output_width - 1) * input_stride + 9;
  const uint8_t** ind = malloc(nptr * sizeof(uint8_t*));
  for (size_t i = 0; i < nptr; i++) {
    ind[i] = test_rand_range(0, 4) == 0 ? zb : in + test_rand_range(0, (unsigned) npix - 1) * channels;
  }
  uint8_t* w = malloc(channels * 9); /* [c][ky][kx] */
  for (size_t i = 0; i < channels * 9; i++) {
    w[i] = extreme && test_rand_range(0, 1) ? (kzp < 128 ? 255 : 0) : (uint8_t) test_rand_u32();
  }
  int32_t* bias = malloc(channels * sizeof(int32_t));
  for (size_t c = 0; c < channels; c++) bias[c] = (int32_t) test_rand_range(0, 100000) - 50000;
  if (extreme) {
    for (size_t c = 0; c < channels; c++) {
      const int32_t big = INT32_MAX - (1 << 20) - (int32_t) test_rand_range(0, 1000);
      if (test_rand_range(0, 2) != 0) bias[c] = test_rand_range(0, 1) ? big : -big;
    }
  }
  const struct q8rt_pack_src src = {
    .n = channels, .kc = 1, .ks = 9, .input_zero_point = izp, .kernel_zero_point = kzp, .w = w, .bias = bias,
  };
  const bool fits = q8rt_pack_bias_fits(&src);
  void* packed = NULL;
  CHECK(posix_memalign(&packed, 64, q8rt_packed_size_dw_dot(&src)) == 0);
  memset(packed, 0xCC, q8rt_packed_size_dw_dot(&src));
  q8rt_pack_dw_dot(&src, packed);
  void* packed16 = NULL;
  CHECK(posix_memalign(&packed16, 64, q8rt_packed_size_dw_16p(&src)) == 0);
  q8rt_pack_dw_16p(&src, packed16);

  int64_t* acc = malloc(output_width * channels * sizeof(int64_t));
  int64_t maxabs = 1;
  for (size_t x = 0; x < output_width; x++) {
    for (size_t c = 0; c < channels; c++) {
      int64_t s = bias[c];
      for (size_t ky = 0; ky < 3; ky++) {
        for (size_t kx = 0; kx < 3; kx++) {
          const uint8_t* px = ind[x * input_stride + kx * 3 + ky];
          s += ((int64_t) px[c] - izp) * ((int64_t) w[c * 9 + ky * 3 + kx] - kzp);
        }
      }
      acc[x * channels + c] = s;
      if (llabs(s) > maxabs) maxabs = llabs(s);
    }
  }
  float scale;
  if (extreme) {
    const unsigned pick = test_rand_range(0, 3);
    scale = pick == 0 ? 0.5f : pick == 1 ? 0.99999994f : pick == 2 ? exp2f(-32.0f) : exp2f(-31.0f) * 1.5f;
  } else if (test_rand_range(0, 2) != 0) {
    scale = (float) (test_rand_uniform(20.0f, 400.0f) / (double) maxabs);
    if (scale >= 0.99f) scale = 0.99f;
  } else {
    scale = exp2f(-test_rand_uniform(0.0f, 20.0f)) * 0.99f;
  }
  struct q8rt_conv_params params;
  uint8_t ozp = (uint8_t) test_rand_range(0, 255);
  uint8_t omin = (uint8_t) test_rand_range(0, 60), omax = (uint8_t) test_rand_range(190, 255);
  if (stage < 0) stage = (int) test_rand_range(0, 2); /* the kernel's output stages: 0 CLAMP, 1 PLAIN, 2 ZP */
  if (stage != 0) {
    omin = 0;
    omax = 255;
    if (stage == 1) ozp = 0;
  }
  if (mode == MODE_RANDOM) {
    CHECK(test_conv_params(&params, scale, kzp, ozp, omin, omax));
  } else {
    conv_params_mode(&params, mode, scale, kzp, ozp, omin, omax);
  }

  const size_t out_size = output_width * (channels + output_increment) + 16;
  uint8_t* o_scalar = malloc(out_size);
  memset(o_scalar, 0xA5, out_size);
  q8rt_q8dwconv_ukernel_up16x9dot__scalar(channels, output_width, ind, input_stride, packed, o_scalar,
                                          output_increment, &params);
  uint8_t* o_16p = malloc(out_size);
  memset(o_16p, 0xA5, out_size);
  q8rt_q8dwconv_ukernel_up16x9p__scalar(channels, output_width, ind, input_stride, packed16, o_16p,
                                        output_increment, &params);
  CHECKF(memcmp(o_scalar, o_16p, out_size) == 0,
         "up16x9dot scalar vs up16x9p scalar: channels=%zu width=%zu stride=%zu izp=%u kzp=%u extreme=%d", channels,
         output_width, input_stride, izp, kzp, (int) extreme);
  free(o_16p);
  free(packed16);
  if (fits) { /* the reference's int64 sum equals the kernels' int32 sum when the folded bias fits */
    bool ok = true;
    for (size_t i = 0; i < out_size; i++) {
      const size_t x = i / (channels + output_increment), c = i % (channels + output_increment);
      const uint8_t want =
          (x < output_width && c < channels) ? ref_requantize(acc[x * channels + c], &params) : 0xA5;
      if (o_scalar[i] != want) ok = false;
    }
    CHECKF(ok, "up16x9dot scalar vs reference: channels=%zu width=%zu stride=%zu izp=%u kzp=%u", channels,
           output_width, input_stride, izp, kzp);
  }
#if defined(NEON_DWDOT)
  if (g_neon) {
    uint8_t* o_neon = malloc(out_size);
    memset(o_neon, 0xA5, out_size);
    NEON_DWDOT(channels, output_width, ind, input_stride, packed, o_neon, output_increment, &params);
    CHECKF(memcmp(o_scalar, o_neon, out_size) == 0,
           "up16x9dot neondot vs scalar: channels=%zu width=%zu stride=%zu inc=%zu izp=%u kzp=%u extreme=%d", channels,
           output_width, input_stride, output_increment, izp, kzp, (int) extreme);
    free(o_neon);
  }
#endif
  free(in);
  free(zb);
  free(ind);
  free(w);
  free(bias);
  free(packed);
  free(acc);
  free(o_scalar);
}

int main(void) {
  test_rng_seed(0xD0D);
  const bool quick = getenv("Q8RT_TEST_QUICK") != NULL && strcmp(getenv("Q8RT_TEST_QUICK"), "0") != 0;
#if defined(NEON_DWDOT)
  g_neon = cpuinfo_initialize() && cpuinfo_has_arm_neon() && cpuinfo_has_arm_neon_dot();
#endif
  const int scale = quick ? 1 : 4;
  for (size_t channels = 1; channels <= 40; channels++) {
    for (size_t width = 1; width <= 7; width++) {
      run_case(channels, width, 3, false, MODE_RANDOM, -1);
      run_case(channels, width, 6, false, MODE_RANDOM, -1);
      run_case(channels, width, 9, false, MODE_RANDOM, -1);
    }
  }
  /* every requantization sequence and output stage of the assembly loops (full tiles, input_stride 3 and 6), with
   * 1 to 3 full tiles, with and without a partial tile, every loop remainder */
  static const size_t mode_channels[] = {16, 21, 32, 48, 63};
  for (int mode = MODE_SHIFTED; mode <= MODE_DOUBLE; mode++) {
    for (int stage = 0; stage <= 2; stage++) {
      for (size_t width = 1; width <= 9; width++) {
        for (size_t i = 0; i < sizeof(mode_channels) / sizeof(mode_channels[0]); i++) {
          run_case(mode_channels[i], width, 3, false, mode, stage);
          run_case(mode_channels[i], width, 6, false, mode, stage);
        }
        run_case(test_rand_range(16, 80), width, 3, true, mode, stage);
        run_case(test_rand_range(16, 80), width, 6, true, mode, stage);
      }
    }
  }
  for (int i = 0; i < 100 * scale; i++) {
    const unsigned s = test_rand_range(0, 3);
    run_case(test_rand_range(1, 200), test_rand_range(1, 20), s == 0 ? test_rand_range(1, 9) : s == 1 ? 6 : 3,
             false, MODE_RANDOM, -1);
  }
  for (int i = 0; i < 50 * scale; i++) {
    run_case(test_rand_range(1, 140), test_rand_range(1, 8), test_rand_range(0, 1) ? 3 : 6, true, MODE_RANDOM, -1);
  }
  printf("test_q8dwconv_dot: up16x9dot scalar vs reference and up16x9p%s\n",
         g_neon ? ", neondot up16x9dot vs scalar" : " (no neondot kernel run)");
  return test_summary("test_q8dwconv_dot");
}
