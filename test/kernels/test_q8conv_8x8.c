/* q8conv 8x8 and 4x8 (indirect convolution on Q8RT_LAYOUT_GEMM_8X8 panels, q8rt_pack_gemm_8x8; 8 or 4 row
 * pointers per tap): the scalar twins vs a plain reference on unpacked weights (sum (x - xzp)(w - wzp) + bias, Q31
 * requantization), and the NEON kernel of the build (aarch64 8x8, armv7 4x8) vs its scalar twin, byte for byte
 * over whole output buffers (guard bytes included). mr 1..8 (4x8: 1..4), nr
 * 1..8, kc around the 8-k blocks (1..3 as a first layer, 7..9, 15..17, larger), ks 1..25, padding pointers
 * (the input-zero-point buffer), zero points 0 / 1 / 128 / 255, random and extreme scales and biases; QNNPACK and
 * TFLite (two roundings or TFLITE_SINGLE_ROUNDING) requantization parameters (test_conv_params).
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
#include "../../kernels/q8conv/q8conv.h"
#include "../../src/pack/packers.h"
#include "../../src/quant/qparams.h"

#if defined(__aarch64__)
#define NEON_MR 8
#define NEON_CONV q8rt_q8conv_ukernel_8x8__aarch64_neon
#elif defined(__arm__)
#define NEON_MR 4
#define NEON_CONV q8rt_q8conv_ukernel_4x8__aarch32_neon
#else
#define NEON_MR 0
#endif


/* Requantization parameters for `scale` in one of the three output stages of the NEON kernels
 * (kernels/requantize-neon.h), drawn at random: a clamp, the full range with a zero point, or the full range with
 * zero point 0 (PLAIN: no sign fix, zero point or clamp in the kernels). */
static bool conv_params_any_stage(struct q8rt_conv_params* params, float scale, uint8_t kzp) {
  switch (test_rand_range(0, 2)) {
    case 0: return test_conv_params(params, scale, kzp, 0, 0, 255);
    case 1: return test_conv_params(params, scale, kzp, (uint8_t) test_rand_range(0, 255), 0, 255);
    default:
      return test_conv_params(params, scale, kzp, (uint8_t) test_rand_range(0, 255), (uint8_t) test_rand_range(0, 60),
                              (uint8_t) test_rand_range(190, 255));
  }
}
static bool g_neon = false;

static size_t round_up8(size_t x) { return (x + 7) / 8 * 8; }

static void run_case(size_t tile_mr, size_t mr, size_t nr, size_t kc, size_t ks, bool extreme) {
  static const uint8_t edge_zp[4] = {0, 1, 128, 255};
  const uint8_t izp = test_rand_range(0, 3) == 0 ? edge_zp[test_rand_range(0, 3)] : (uint8_t) test_rand_range(0, 255);
  const uint8_t kzp = test_rand_range(0, 3) == 0 ? edge_zp[test_rand_range(0, 3)] : (uint8_t) test_rand_range(0, 255);
  const size_t c_stride = nr + test_rand_range(0, 1) * test_rand_range(1, 9);

  const size_t npix = test_rand_range(1, 12);
  const size_t in_size = npix * kc + round_up8(kc) + Q8RT_EXTRA_BYTES;
  uint8_t* in = malloc(in_size);
  for (size_t i = 0; i < in_size; i++) in[i] = extreme && test_rand_range(0, 1) ? 255 : (uint8_t) test_rand_u32();
  const size_t zb_size = round_up8(kc) + Q8RT_EXTRA_BYTES;
  uint8_t* zb = malloc(zb_size);
  memset(zb, izp, zb_size);
  /* tile_mr pointers per tap; rows m >= mr repeat a real pixel, as the planner does */
  const uint8_t** ind = malloc(ks * tile_mr * sizeof(uint8_t*));
  for (size_t t = 0; t < ks; t++) {
    for (size_t m = 0; m < tile_mr; m++) {
      ind[t * tile_mr + m] = m >= mr ? ind[t * tile_mr + mr - 1]
                       : test_rand_range(0, 4) == 0 ? zb
                                                    : in + test_rand_range(0, (unsigned) npix - 1) * kc;
    }
  }
  uint8_t* w = malloc(nr * ks * kc); /* [n][t][k] */
  for (size_t i = 0; i < nr * ks * kc; i++) {
    w[i] = extreme && test_rand_range(0, 1) ? (kzp < 128 ? 255 : 0) : (uint8_t) test_rand_u32();
  }
  int32_t bias[8];
  for (size_t n = 0; n < nr; n++) bias[n] = (int32_t) test_rand_range(0, 200000) - 100000;
  if (extreme) {
    for (size_t n = 0; n < nr; n++) {
      const int32_t big = INT32_MAX - (1 << 24) - (int32_t) test_rand_range(0, 1000);
      if (test_rand_range(0, 2) != 0) bias[n] = test_rand_range(0, 1) ? big : -big;
    }
  }
  const struct q8rt_pack_src src = {
    .n = nr, .kc = kc, .ks = ks, .input_zero_point = izp, .kernel_zero_point = kzp, .w = w, .bias = bias,
  };
  const bool fits = q8rt_pack_bias_fits(&src);
  void* packed = NULL;
  CHECK(posix_memalign(&packed, 64, q8rt_packed_size_gemm_8x8(&src)) == 0);
  q8rt_pack_gemm_8x8(&src, packed);

  int64_t acc[8][8];
  int64_t maxabs = 1;
  for (size_t m = 0; m < mr; m++) {
    for (size_t n = 0; n < nr; n++) {
      int64_t s = bias[n];
      for (size_t t = 0; t < ks; t++) {
        for (size_t k = 0; k < kc; k++) {
          s += ((int64_t) ind[t * tile_mr + m][k] - izp) * ((int64_t) w[(n * ks + t) * kc + k] - kzp);
        }
      }
      acc[m][n] = s;
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
  CHECK(conv_params_any_stage(&params, scale, kzp));

  const size_t c_size = 8 * c_stride + 16;
  uint8_t* c0 = malloc(c_size);
  memset(c0, 0xA5, c_size);
  if (tile_mr == 8) {
    q8rt_q8conv_ukernel_8x8__scalar(mr, nr, kc, ks, ind, packed, c0, c_stride, &params);
  } else {
    q8rt_q8conv_ukernel_4x8__scalar(mr, nr, kc, ks, ind, packed, c0, c_stride, &params);
  }
  if (fits) {
    bool ok = true;
    for (size_t i = 0; i < c_size; i++) {
      const size_t m = i / c_stride, n = i % c_stride;
      const uint8_t want = m < mr && n < nr ? ref_requantize(acc[m][n], &params) : 0xA5;
      if (c0[i] != want) ok = false;
    }
    CHECKF(ok, "q8conv %zux8 scalar vs reference: mr=%zu nr=%zu kc=%zu ks=%zu izp=%u kzp=%u", tile_mr, mr, nr, kc, ks,
           izp, kzp);
  }
#if defined(__aarch64__) || defined(__arm__)
  if (g_neon && tile_mr == NEON_MR) {
    uint8_t* c1 = malloc(c_size);
    memset(c1, 0xA5, c_size);
    NEON_CONV(mr, nr, kc, ks, ind, packed, c1, c_stride, &params);
    CHECKF(memcmp(c0, c1, c_size) == 0, "q8conv neon vs scalar: mr=%zu nr=%zu kc=%zu ks=%zu izp=%u kzp=%u extreme=%d",
           mr, nr, kc, ks, izp, kzp, (int) extreme);
    free(c1);
  }
#endif
  free(in);
  free(zb);
  free(ind);
  free(w);
  free(packed);
  free(c0);
}

/* The inputs of armv7_multi_case and conv8n_case, packed as Q8RT_LAYOUT_GEMM_8X8: an indirection buffer of ks taps x
 * tile_mr pointers (rows mr..tile_mr - 1 repeat row mr - 1; a fifth of the pointers at a buffer of input zero
 * points, the others at random pixels of kc bytes), nc x ks x kc weights and nc biases, random zero points and an
 * output stride larger than the tile. extreme: activations 255, weights alternating 0 / 255, kernel zero point 0,
 * biases near the int32 limits. */
struct conv8_case {
  uint8_t izp, kzp;
  size_t c_stride;
  uint8_t* in;
  uint8_t* zb;
  const uint8_t** ind;
  uint8_t* w;
  int32_t* bias;
  void* packed;
};

static struct conv8_case conv8_case_make(size_t tile_mr, size_t mr, size_t nc, size_t kc, size_t ks, bool extreme) {
  struct conv8_case g;
  g.izp = (uint8_t) test_rand_range(0, 255);
  g.kzp = extreme ? 0 : (uint8_t) test_rand_range(0, 255);
  g.c_stride = nc + test_rand_range(0, 1) * test_rand_range(1, 9);
  const size_t npix = test_rand_range(1, 12);
  const size_t in_size = npix * kc + round_up8(kc) + Q8RT_EXTRA_BYTES;
  g.in = malloc(in_size);
  for (size_t i = 0; i < in_size; i++) g.in[i] = extreme ? 255 : (uint8_t) test_rand_u32();
  const size_t zb_size = round_up8(kc) + Q8RT_EXTRA_BYTES;
  g.zb = malloc(zb_size);
  memset(g.zb, g.izp, zb_size);
  g.ind = malloc(ks * tile_mr * sizeof(uint8_t*));
  for (size_t t = 0; t < ks; t++) {
    for (size_t m = 0; m < tile_mr; m++) {
      g.ind[t * tile_mr + m] = m >= mr ? g.ind[t * tile_mr + mr - 1]
                               : test_rand_range(0, 4) == 0 ? g.zb
                                                            : g.in + test_rand_range(0, (unsigned) npix - 1) * kc;
    }
  }
  g.w = malloc(nc * ks * kc);
  for (size_t i = 0; i < nc * ks * kc; i++) g.w[i] = extreme ? ((i & 1) ? 0 : 255) : (uint8_t) test_rand_u32();
  g.bias = malloc(nc * sizeof(int32_t));
  for (size_t n = 0; n < nc; n++) {
    g.bias[n] = (int32_t) test_rand_range(0, 200000) - 100000;
    if (extreme && test_rand_range(0, 1)) {
      const int32_t big = INT32_MAX - (1 << 24) - (int32_t) test_rand_range(0, 1000);
      g.bias[n] = test_rand_range(0, 1) ? big : -big;
    }
  }
  const struct q8rt_pack_src src = {
    .n = nc, .kc = kc, .ks = ks, .input_zero_point = g.izp, .kernel_zero_point = g.kzp, .w = g.w, .bias = g.bias,
  };
  g.packed = NULL;
  CHECK(posix_memalign(&g.packed, 64, q8rt_packed_size_gemm_8x8(&src)) == 0);
  q8rt_pack_gemm_8x8(&src, g.packed);
  return g;
}

static void conv8_case_free(struct conv8_case* g) {
  free(g->in);
  free(g->zb);
  free(g->ind);
  free(g->w);
  free(g->bias);
  free(g->packed);
}

#if defined(__arm__) && !defined(__aarch64__)
/* armv7: q8conv 4x8n (multi-panel; kc <= 4 on its own path, other kc and more than 64 taps per panel through
 * 4x8) vs q8conv 4x8 scalar per panel, byte for byte over the whole output buffer: mr 1..4, nc 1..40, padding
 * pointers, random zero points, QNNPACK / TFLite / TFLite single-rounding parameters. */
static void armv7_multi_case(size_t mr, size_t nc, size_t kc, size_t ks) {
  struct conv8_case g = conv8_case_make(4, mr, nc, kc, ks, false);
  const size_t c_stride = g.c_stride;
  const uint8_t** ind = g.ind;
  const void* packed = g.packed;
  const float scale = test_rand_range(0, 3) == 0 ? 0.99999994f
                      : (float) (test_rand_uniform(20.0f, 400.0f) / (double) (ks * kc * 255 * 128 + 100000));
  struct q8rt_conv_params params;
  CHECK(conv_params_any_stage(&params, scale, g.kzp));
  const size_t c_size = 4 * c_stride + 16;
  uint8_t* c0 = malloc(c_size);
  uint8_t* c1 = malloc(c_size);
  memset(c0, 0xA5, c_size);
  memset(c1, 0xA5, c_size);
  const size_t panel_bytes = 32 + ks * round_up8(kc) * 8;
  for (size_t n0 = 0; n0 < nc; n0 += 8) {
    q8rt_q8conv_ukernel_4x8__scalar(mr, nc - n0 < 8 ? nc - n0 : 8, kc, ks, ind,
                                    (const uint8_t*) packed + n0 / 8 * panel_bytes, c0 + n0, c_stride, &params);
  }
  q8rt_q8conv_ukernel_4x8n__aarch32_neon(mr, nc, kc, ks, ind, packed, c1, c_stride, &params);
  CHECKF(memcmp(c0, c1, c_size) == 0, "q8conv 4x8n neon vs 4x8 scalar: mr=%zu nc=%zu kc=%zu ks=%zu shift=%u single=%u",
         mr, nc, kc, ks, params.shift, params.single_rounding);
  conv8_case_free(&g);
  free(c0);
  free(c1);
}

static void armv7_multi_cases(int scale) {
  for (size_t mr = 1; mr <= 4; mr++) {
    for (size_t nc = 1; nc <= 40; nc++) {
      for (size_t kc = 1; kc <= 5; kc++) armv7_multi_case(mr, nc, kc, test_rand_range(1, 12));
    }
  }
  for (int i = 0; i < 50 * scale; i++) {
    const size_t ks = test_rand_range(0, 7) == 0 ? test_rand_range(60, 70) : test_rand_range(1, 25);
    armv7_multi_case(test_rand_range(1, 4), test_rand_range(1, 40), test_rand_range(1, 12), ks);
  }
}
#endif

/* q8conv 8x8n (8 pixels x any nc columns over consecutive panels; aarch64 NEON: every tap's rows widened once,
 * kc a multiple of 8 or kc <= Q8RT_Q8CONV8N_MAX_SMALL_KC, otherwise and beyond its buffer per panel through q8conv
 * 8x8) vs its scalar twin q8conv 8x8n scalar (each panel through q8conv 8x8 scalar, checked against the reference
 * above), byte for byte over the whole output buffer. */
static void conv8n_case(size_t mr, size_t nc, size_t kc, size_t ks, bool extreme) {
  struct conv8_case g = conv8_case_make(8, mr, nc, kc, ks, extreme);
  const size_t c_stride = g.c_stride;
  const uint8_t** ind = g.ind;
  const void* packed = g.packed;
  float scale;
  switch (test_rand_range(0, 4)) {
    case 0: scale = 0.99999994f; break;
    case 1: scale = exp2f(-32.0f); break;
    default: scale = exp2f(-test_rand_uniform(4.0f, 24.0f)) * 0.99f; break;
  }
  struct q8rt_conv_params params;
  CHECK(conv_params_any_stage(&params, scale, g.kzp));
  const size_t c_size = mr * c_stride + 16;
  uint8_t* c0 = malloc(c_size);
  uint8_t* c1 = malloc(c_size);
  memset(c0, 0xA5, c_size);
  memset(c1, 0xA5, c_size);
  q8rt_q8conv_ukernel_8x8n__scalar(mr, nc, kc, ks, ind, packed, c0, c_stride, &params);
#if defined(__aarch64__)
  if (g_neon) {
    q8rt_q8conv_ukernel_8x8n__aarch64_neon(mr, nc, kc, ks, ind, packed, c1, c_stride, &params);
    CHECKF(memcmp(c0, c1, c_size) == 0,
           "q8conv 8x8n neon vs scalar: mr=%zu nc=%zu kc=%zu ks=%zu izp=%u kzp=%u extreme=%d", mr, nc, kc, ks, g.izp,
           g.kzp, (int) extreme);
  }
#endif
  conv8_case_free(&g);
  free(c0);
  free(c1);
}

/* The 8x8n cases: mr 1..8 x nc 1..40 with kc 1..4 / 8 / 16 and other kc, ks 1..25, ks x blocks around the buffer. */
static void conv8n_cases(bool quick) {
  for (size_t mr = 1; mr <= 8; mr++) {
    for (size_t nc = 1; nc <= 40; nc++) {
      static const size_t kcs[] = {1, 2, 3, 4, 5, 8, 9, 16};
      conv8n_case(mr, nc, kcs[nc % 8], test_rand_range(1, 9), nc % 7 == 0);
    }
  }
  for (size_t kc = 1; kc <= 24; kc++) conv8n_case(test_rand_range(1, 8), test_rand_range(1, 40), kc, 9, kc % 5 == 0);
  static const size_t big[][2] = {{8, 16}, {8, 17}, {16, 8}, {16, 9}, {3, 128}, {3, 129}, {24, 42}, {24, 43}};
  for (size_t i = 0; i < sizeof(big) / sizeof(big[0]); i++) {
    conv8n_case(test_rand_range(1, 8), test_rand_range(1, 24), big[i][0], big[i][1], false);
  }
  for (int i = 0; i < (quick ? 150 : 600); i++) {
    const size_t kc = test_rand_range(0, 2) == 0 ? test_rand_range(1, 4) : test_rand_range(1, 40);
    conv8n_case(test_rand_range(1, 8), test_rand_range(1, 40), kc, test_rand_range(1, 25), test_rand_range(0, 9) == 0);
  }
}

int main(void) {
  test_rng_seed(0xC88);
  const bool quick = getenv("Q8RT_TEST_QUICK") != NULL && strcmp(getenv("Q8RT_TEST_QUICK"), "0") != 0;
#if defined(__aarch64__) || defined(__arm__)
  g_neon = cpuinfo_initialize() && cpuinfo_has_arm_neon();
#endif
  const int scale = quick ? 1 : 4;
  static const size_t tiles[2] = {8, 4};
  for (size_t ti = 0; ti < 2; ti++) {
    const size_t tm = tiles[ti];
    for (size_t mr = 1; mr <= tm; mr++) {
      for (size_t nr = 1; nr <= 8; nr++) {
        static const size_t kcs[] = {1, 3, 8, 9};
        for (size_t i = 0; i < 4; i++) run_case(tm, mr, nr, kcs[i], test_rand_range(1, 9), false);
      }
    }
    for (size_t kc = 1; kc <= 40; kc++) run_case(tm, test_rand_range(1, tm), test_rand_range(1, 8), kc, 9, false);
    for (int i = 0; i < 75 * scale; i++) {
      const size_t kc = test_rand_range(0, 3) == 0 ? test_rand_range(1, 300) : test_rand_range(1, 24);
      run_case(tm, test_rand_range(1, tm), test_rand_range(1, 8), kc, test_rand_range(1, 25), false);
    }
    for (int i = 0; i < 25 * scale; i++) {
      run_case(tm, test_rand_range(1, tm), test_rand_range(1, 8), test_rand_range(1, 40), test_rand_range(1, 9), true);
    }
  }
#if defined(__arm__) && !defined(__aarch64__)
  if (g_neon) armv7_multi_cases(scale);
#endif
  conv8n_cases(quick);
  printf("test_q8conv_8x8: q8conv 8x8 / 4x8 scalar vs reference%s\n",
         !g_neon ? " (no NEON: NEON kernels not run)"
         : NEON_MR == 8 ? ", aarch64 NEON 8x8 / 8x8n vs scalar" : ", armv7 NEON 4x8 / 4x8n vs scalar");
  return test_summary("test_q8conv_8x8");
}
