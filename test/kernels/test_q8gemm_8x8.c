/* q8gemm 8x8 and 1x8n (Q8RT_LAYOUT_GEMM_8X8, packed by q8rt_pack_gemm_8x8): the scalar twins vs a naive reference
 * on the unpacked weights, and on aarch64 the NEON kernel vs the scalar twin, byte for byte (whole output buffers,
 * so bytes outside the mr x nr tile must be left alone). Shapes: every mr 1..8 x nr 1..8 with k 1..20, k not a
 * multiple of 8, row and output strides larger than the tile, zero points 0 / 1 / 255 / random, scales from 2^-32
 * to just below 1, extreme weights / activations / biases. Every platform: 1x8w16n scalar
 * (Q8RT_LAYOUT_GEMM_8X8_W16) vs the reference, and on armv7 the NEON 4x8w16n / 1x8w16n vs it (w16_case).
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
#include "../../kernels/q8gemm/q8gemm.h"
#include "../../src/pack/packers.h"
#include "../../src/quant/qparams.h"

#if defined(__aarch64__)
#define HAVE_NEON_8X8 1
#else
#define HAVE_NEON_8X8 0
#endif
#if defined(__arm__) && !defined(__aarch64__)
#define HAVE_NEON_4X8 1 /* armv7: q8gemm 4x8w16n / 1x8w16n */
#else
#define HAVE_NEON_4X8 0
#endif

static size_t round_up8(size_t x) { return (x + 7) / 8 * 8; }

static uint8_t pick_zero_point(void) {
  switch (test_rand_range(0, 4)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return 255;
    default: return (uint8_t) test_rand_range(0, 255);
  }
}

static float pick_scale(int64_t maxabs) {
  switch (test_rand_range(0, 5)) {
    case 0: return 0.99999994f;
    case 1: return exp2f(-32.0f);
    case 2: return exp2f(-test_rand_uniform(0.0f, 31.0f)) * test_rand_uniform(0.5f, 0.999f);
    default: {
      float s = (float) (test_rand_uniform(20.0f, 400.0f) / (double) (maxabs > 0 ? maxabs : 1));
      if (s >= 0.99f) s = 0.99f;
      if (s < 0x1.0p-32f) s = 0x1.0p-32f;
      return s;
    }
  }
}

/* The inputs of gemm_case and gemmn_case, packed as Q8RT_LAYOUT_GEMM_8X8: mr rows of k bytes a_stride apart, nc x k
 * weights, nc biases (a tenth of the cases without bias), random zero points and strides larger than the tile, the
 * exact int64 sums acc[m * nc + n], and Q31 parameters for a scale fitted to the largest sum with a random or full
 * output range. extreme: activations 255, weights alternating 0 / 255, kernel zero point 0, biases near the int32
 * limits (the exact sums may leave int32, where the kernels wrap and the int64 sums do not). */
struct gemm8_case {
  size_t a_stride, c_stride;
  uint8_t izp, kzp;
  uint8_t* a;
  uint8_t* w;
  int32_t* bias;
  void* packed;
  int64_t* acc;
  int64_t maxabs;
  struct q8rt_conv_params params;
};

static struct gemm8_case gemm8_case_make(size_t mr, size_t nc, size_t k, bool extreme) {
  struct gemm8_case g;
  g.a_stride = k + test_rand_range(0, 3) * (test_rand_range(0, 1) ? 1 : 17);
  g.c_stride = nc + test_rand_range(0, 1) * test_rand_range(1, 9);
  g.izp = pick_zero_point();
  g.kzp = extreme ? 0 : pick_zero_point();
  const size_t a_size = (mr - 1) * g.a_stride + round_up8(k) + Q8RT_EXTRA_BYTES;
  g.a = malloc(a_size);
  for (size_t i = 0; i < a_size; i++) g.a[i] = extreme ? 255 : (uint8_t) test_rand_u32();
  g.w = malloc(nc * k);
  for (size_t i = 0; i < nc * k; i++) g.w[i] = extreme ? ((i & 1) ? 0 : 255) : (uint8_t) test_rand_u32();
  g.bias = malloc(nc * sizeof(int32_t));
  for (size_t n = 0; n < nc; n++) {
    g.bias[n] = (int32_t) test_rand_range(0, 200000) - 100000;
    if (extreme && test_rand_range(0, 1)) {
      const int32_t big = INT32_MAX - (1 << 22) - (int32_t) test_rand_range(0, 1000);
      g.bias[n] = test_rand_range(0, 1) ? big : -big;
    }
  }
  struct q8rt_pack_src src = {.n = nc, .kc = k, .ks = 1, .input_zero_point = g.izp, .kernel_zero_point = g.kzp,
                              .w = g.w, .bias = test_rand_range(0, 9) == 0 ? NULL : g.bias};
  while (!q8rt_pack_bias_fits(&src)) { /* folded bias overflowed int32: milder biases */
    for (size_t n = 0; n < nc; n++) g.bias[n] /= 4;
  }
  g.packed = NULL;
  CHECK(posix_memalign(&g.packed, 64, q8rt_packed_size_gemm_8x8(&src)) == 0);
  CHECK(q8rt_packed_size_gemm_8x8(&src) == (nc + 7) / 8 * (32 + round_up8(k) * 8));
  q8rt_pack_gemm_8x8(&src, g.packed);
  g.acc = malloc(mr * nc * sizeof(int64_t));
  g.maxabs = 1;
  for (size_t m = 0; m < mr; m++) {
    for (size_t n = 0; n < nc; n++) {
      int64_t sum = src.bias != NULL ? g.bias[n] : 0;
      for (size_t kk = 0; kk < k; kk++) {
        sum += ((int64_t) g.a[m * g.a_stride + kk] - g.izp) * ((int64_t) g.w[n * k + kk] - g.kzp);
      }
      g.acc[m * nc + n] = sum;
      if (llabs(sum) > g.maxabs) g.maxabs = llabs(sum);
    }
  }
  uint8_t omin = (uint8_t) test_rand_range(0, 80), omax = (uint8_t) test_rand_range(170, 255);
  if (test_rand_range(0, 2) == 0) {
    omin = 0;
    omax = 255;
  }
  CHECK(test_conv_params(&g.params, pick_scale(g.maxabs), g.kzp, pick_zero_point(), omin, omax));
  return g;
}

static void gemm8_case_free(struct gemm8_case* g) {
  free(g->a);
  free(g->w);
  free(g->bias);
  free(g->packed);
  free(g->acc);
}

/* q8gemm 8x8: scalar vs the reference (when the sums stay in int32), NEON vs scalar (always). */
static void gemm_case(size_t mr, size_t nr, size_t k, bool extreme, bool neon) {
  struct gemm8_case g = gemm8_case_make(mr, nr, k, extreme);
  const size_t a_stride = g.a_stride, c_stride = g.c_stride;
  const uint8_t izp = g.izp, kzp = g.kzp;
  const uint8_t* a = g.a;
  const void* packed = g.packed;
  const int64_t maxabs = g.maxabs;
  const struct q8rt_conv_params params = g.params;

  const size_t c_size = 8 * c_stride + 16;
  uint8_t* c0 = malloc(c_size);
  uint8_t* c1 = malloc(c_size);
  memset(c0, 0xA5, c_size);
  memset(c1, 0xA5, c_size);
  q8rt_q8gemm_ukernel_8x8__scalar(mr, nr, k, a, a_stride, packed, c0, c_stride, &params);
  const bool exact = maxabs <= INT32_MAX; /* the int32 sums did not wrap */
  if (exact) {
    bool ok = true;
    for (size_t m = 0; m < 8; m++) {
      for (size_t n = 0; n < c_stride; n++) {
        const uint8_t want = m < mr && n < nr ? ref_requantize(g.acc[m * nr + n], &params) : 0xA5;
        if (c0[m * c_stride + n] != want) ok = false;
      }
    }
    CHECKF(ok, "8x8 scalar vs reference: mr=%zu nr=%zu k=%zu izp=%u kzp=%u", mr, nr, k, izp, kzp);
  }
#if HAVE_NEON_8X8
  if (neon) {
    q8rt_q8gemm_ukernel_8x8__aarch64_neon(mr, nr, k, a, a_stride, packed, c1, c_stride, &params);
    CHECKF(memcmp(c0, c1, c_size) == 0,
           "8x8 neon vs scalar: mr=%zu nr=%zu k=%zu a_stride=%zu c_stride=%zu izp=%u kzp=%u extreme=%d", mr, nr, k,
           a_stride, c_stride, izp, kzp, (int) extreme);
  }
#else
  (void) neon;
#endif
  gemm8_case_free(&g);
  free(c0);
  free(c1);
}

/* 1x8n (GEMV-style, any rows one at a time, any columns over consecutive panels): scalar vs reference, NEON vs
 * scalar. */
static void gemv_case(size_t mr, size_t nc, size_t k, bool neon) {
  const size_t a_stride = k + test_rand_range(0, 3) * (test_rand_range(0, 1) ? 1 : 17);
  const size_t c_stride = nc + test_rand_range(0, 1) * test_rand_range(1, 9);
  const uint8_t izp = pick_zero_point(), kzp = pick_zero_point();
  const size_t a_size = (mr - 1) * a_stride + round_up8(k) + Q8RT_EXTRA_BYTES;
  uint8_t* a = malloc(a_size);
  for (size_t i = 0; i < a_size; i++) a[i] = (uint8_t) test_rand_u32();
  uint8_t* w = malloc(nc * k);
  for (size_t i = 0; i < nc * k; i++) w[i] = (uint8_t) test_rand_u32();
  int32_t* bias = malloc(nc * sizeof(int32_t));
  for (size_t n = 0; n < nc; n++) bias[n] = (int32_t) test_rand_range(0, 200000) - 100000;
  const struct q8rt_pack_src src = {.n = nc, .kc = k, .ks = 1, .input_zero_point = izp, .kernel_zero_point = kzp,
                                    .w = w, .bias = bias};
  void* packed = NULL;
  CHECK(posix_memalign(&packed, 64, q8rt_packed_size_gemm_8x8(&src)) == 0);
  q8rt_pack_gemm_8x8(&src, packed);
  int64_t maxabs = 1;
  int64_t* acc = malloc(mr * nc * sizeof(int64_t));
  for (size_t m = 0; m < mr; m++) {
    for (size_t n = 0; n < nc; n++) {
      int64_t s = bias[n];
      for (size_t kk = 0; kk < k; kk++) s += ((int64_t) a[m * a_stride + kk] - izp) * ((int64_t) w[n * k + kk] - kzp);
      acc[m * nc + n] = s;
      if (llabs(s) > maxabs) maxabs = llabs(s);
    }
  }
  struct q8rt_conv_params params;
  CHECK(test_conv_params(&params, pick_scale(maxabs), kzp, pick_zero_point(),
                              (uint8_t) test_rand_range(0, 60), (uint8_t) test_rand_range(190, 255)));
  const size_t c_size = mr * c_stride + 16;
  uint8_t* c0 = malloc(c_size);
  uint8_t* c1 = malloc(c_size);
  memset(c0, 0xA5, c_size);
  memset(c1, 0xA5, c_size);
  q8rt_q8gemm_ukernel_1x8n__scalar(mr, nc, k, a, a_stride, packed, c0, c_stride, &params);
  bool ok = true;
  for (size_t m = 0; m < mr; m++) {
    for (size_t n = 0; n < c_stride; n++) {
      const uint8_t want = n < nc ? ref_requantize(acc[m * nc + n], &params) : 0xA5;
      if (c0[m * c_stride + n] != want) ok = false;
    }
  }
  CHECKF(ok, "1x8n scalar vs reference: mr=%zu nc=%zu k=%zu", mr, nc, k);
#if HAVE_NEON_8X8
  if (neon) {
    q8rt_q8gemm_ukernel_1x8n__aarch64_neon(mr, nc, k, a, a_stride, packed, c1, c_stride, &params);
    CHECKF(memcmp(c0, c1, c_size) == 0, "1x8n neon vs scalar: mr=%zu nc=%zu k=%zu", mr, nc, k);
  }
#else
  (void) neon;
#endif
  free(a);
  free(w);
  free(bias);
  free(acc);
  free(packed);
  free(c0);
  free(c1);
}

/* The inputs of w16_case: mr rows of k random bytes a_stride apart, nc x k weights (edges: all equal
 * to the kernel zero point) and nc biases (edges: at the rounding ties of the drawn shift, +-1, or random), with
 * random zero points and strides larger than the tile. */
struct edge_case {
  size_t a_stride, c_stride;
  uint8_t izp, kzp;
  uint32_t shift;
  uint8_t* a;
  uint8_t* w;
  int32_t* bias;
};

static struct edge_case edge_case_inputs(size_t mr, size_t nc, size_t k, int edges) {
  struct edge_case e;
  e.a_stride = k + test_rand_range(0, 3) * (test_rand_range(0, 1) ? 1 : 17);
  e.c_stride = nc + test_rand_range(0, 1) * test_rand_range(1, 9);
  e.izp = pick_zero_point();
  e.kzp = pick_zero_point();
  const size_t a_size = (mr - 1) * e.a_stride + round_up8(k) + Q8RT_EXTRA_BYTES;
  e.a = malloc(a_size);
  for (size_t i = 0; i < a_size; i++) e.a[i] = (uint8_t) test_rand_u32();
  e.w = malloc(nc * k);
  for (size_t i = 0; i < nc * k; i++) e.w[i] = edges ? e.kzp : (uint8_t) test_rand_u32();
  e.bias = malloc(nc * sizeof(int32_t));
  e.shift = (uint32_t) test_rand_range(0, 31);
  for (size_t n = 0; n < nc; n++) {
    e.bias[n] = (int32_t) test_rand_range(0, 200000) - 100000;
    if (edges) {
      const int64_t half = e.shift == 0 ? 0 : INT64_C(1) << (e.shift - 1);
      const int64_t t = n % 4 == 0   ? half
                        : n % 4 == 1 ? half - 1
                        : n % 4 == 2 ? half + 1
                                     : (int64_t) (test_rand_u32() & 0x3FFFFFFF);
      e.bias[n] = (int32_t) ((n & 4) ? -2 * t : 2 * t);
    }
  }
  return e;
}

/* Edge parameters: the multiplier 2^30 or INT32_MAX (with single rounding for shift >= 1) at the drawn shift. */
static void edge_case_params(struct q8rt_conv_params* params, uint32_t shift) {
  const bool top = test_rand_range(0, 1) != 0;
  params->multiplier = top ? INT32_MAX : INT32_C(0x40000000);
  params->shift = shift;
  params->remainder_mask = (int32_t) ((UINT32_C(1) << shift) - 1);
  params->remainder_threshold = (int32_t) ((uint32_t) params->remainder_mask >> 1);
  params->single_rounding = (uint8_t) (top && shift != 0 && test_rand_range(0, 1));
}

static void edge_case_free(struct edge_case* e) {
  free(e->a);
  free(e->w);
  free(e->bias);
}

/* Q8RT_LAYOUT_GEMM_8X8_W16 (q8rt_pack_gemm_8x8_w16): the 1x8w16n scalar twin vs the reference (every platform) and
 * on armv7 the NEON 4x8w16n (mr <= 4; mr = 1 and k above 2048 through 1x8w16n) and 1x8w16n vs the twin, byte for
 * byte over the whole output buffer: mr 1..6, nc 1..40, k not a multiple of 8, strides, random zero points,
 * QNNPACK / TFLite / TFLite single-rounding parameters, or (edges) weights equal to the kernel zero point with
 * biases at the rounding ties of every shift. */
static void w16_case(size_t mr, size_t nc, size_t k, int edges, bool neon) {
  struct edge_case e = edge_case_inputs(mr, nc, k, edges);
  const size_t a_stride = e.a_stride, c_stride = e.c_stride;
  const uint8_t izp = e.izp, kzp = e.kzp;
  const uint8_t* a = e.a;
  const uint8_t* w = e.w;
  const int32_t* bias = e.bias;
  const struct q8rt_pack_src src = {.n = nc, .kc = k, .ks = 1, .input_zero_point = izp, .kernel_zero_point = kzp,
                                    .w = w, .bias = bias};
  void* packed = NULL;
  CHECK(q8rt_packed_size_gemm_8x8_w16(&src) == (nc + 7) / 8 * (32 + round_up8(k) * 16));
  CHECK(posix_memalign(&packed, 64, q8rt_packed_size_gemm_8x8_w16(&src)) == 0);
  q8rt_pack_gemm_8x8_w16(&src, packed);
  int64_t maxabs = 1;
  int64_t* acc = malloc(mr * nc * sizeof(int64_t));
  for (size_t m = 0; m < mr; m++) {
    for (size_t n = 0; n < nc; n++) {
      int64_t sum = bias[n];
      for (size_t kk = 0; kk < k; kk++) sum += ((int64_t) a[m * a_stride + kk] - izp) * ((int64_t) w[n * k + kk] - kzp);
      acc[m * nc + n] = sum;
      if (llabs(sum) > maxabs) maxabs = llabs(sum);
    }
  }
  struct q8rt_conv_params params;
  /* the three output stages of the NEON kernels (kernels/requantize-neon.h): PLAIN, ZP, CLAMP */
  const unsigned stage = test_rand_range(0, 2);
  CHECK(test_conv_params(&params, pick_scale(maxabs), kzp, stage == 0 ? 0 : pick_zero_point(),
                         stage == 2 ? (uint8_t) test_rand_range(0, 60) : 0,
                         stage == 2 ? (uint8_t) test_rand_range(190, 255) : 255));
  if (edges) edge_case_params(&params, e.shift);
  const size_t c_size = mr * c_stride + 16;
  uint8_t* c0 = malloc(c_size);
  uint8_t* c1 = malloc(c_size);
  memset(c0, 0xA5, c_size);
  q8rt_q8gemm_ukernel_1x8w16n__scalar(mr, nc, k, a, a_stride, packed, c0, c_stride, &params);
  if (!edges) {
    bool ok = true;
    for (size_t m = 0; m < mr; m++) {
      for (size_t n = 0; n < c_stride; n++) {
        const uint8_t want = n < nc ? ref_requantize(acc[m * nc + n], &params) : 0xA5;
        if (c0[m * c_stride + n] != want) ok = false;
      }
    }
    CHECKF(ok, "1x8w16n scalar vs reference: mr=%zu nc=%zu k=%zu", mr, nc, k);
  }
#if HAVE_NEON_4X8
  if (neon) {
    if (mr <= 4) {
      memset(c1, 0xA5, c_size);
      q8rt_q8gemm_ukernel_4x8w16n__aarch32_neon(mr, nc, k, a, a_stride, packed, c1, c_stride, &params);
      CHECKF(memcmp(c0, c1, c_size) == 0, "4x8w16n neon vs 1x8w16n scalar: mr=%zu nc=%zu k=%zu a_stride=%zu "
             "c_stride=%zu shift=%u single=%u edges=%d", mr, nc, k, a_stride, c_stride, params.shift,
             params.single_rounding, edges);
    }
    memset(c1, 0xA5, c_size);
    q8rt_q8gemm_ukernel_1x8w16n__aarch32_neon(mr, nc, k, a, a_stride, packed, c1, c_stride, &params);
    CHECKF(memcmp(c0, c1, c_size) == 0, "1x8w16n neon vs scalar: mr=%zu nc=%zu k=%zu", mr, nc, k);
  }
#else
  (void) neon;
  (void) c1;
#endif
  edge_case_free(&e);
  free(acc);
  free(packed);
  free(c0);
  free(c1);
}

static int w16_cases(bool quick, bool neon) {
  int cases = 0;
  for (size_t mr = 1; mr <= 4; mr++) {
    for (size_t nc = 1; nc <= 40; nc++) {
      for (size_t k = 1; k <= 20; k += (nc > 17 ? 3 : 1), cases++) w16_case(mr, nc, k, 0, neon);
    }
  }
  for (int i = 0; i < (quick ? 300 : 1500); i++, cases++) {
    const size_t k = test_rand_range(0, 3) == 0 ? test_rand_range(1, 1100) : test_rand_range(1, 100);
    w16_case(test_rand_range(1, 6), test_rand_range(1, 40), k, test_rand_range(0, 3) == 0, neon);
  }
  for (int i = 0; i < (quick ? 8 : 24); i++, cases++) {
    const size_t k = test_rand_range(0, 1) ? test_rand_range(2040, 2056) : test_rand_range(2049, 2300);
    w16_case(test_rand_range(1, 4), test_rand_range(1, 20), k, 0, neon);
  }
  return cases;
}

/* 8x8n (aarch64 NEON: mr <= 8 rows x any nc columns, rows widened once per call; 8-, 4-, 2- and 1-row bodies;
 * beyond its stack buffer each panel through the 8x8 kernel) vs its scalar twin 1x8n scalar (itself checked
 * against the reference by gemv_case), byte for byte over the whole output buffer. extreme: activations 255,
 * weights alternating 0 / 255, kernel zero point 0, biases near the int32 limits (the int32 sums may wrap). */
static void gemmn_case(size_t mr, size_t nc, size_t k, bool extreme, bool neon) {
  struct gemm8_case g = gemm8_case_make(mr, nc, k, extreme);
  const size_t a_stride = g.a_stride, c_stride = g.c_stride;
  const uint8_t* a = g.a;
  const void* packed = g.packed;
  const struct q8rt_conv_params params = g.params;
  const size_t c_size = mr * c_stride + 16;
  uint8_t* c0 = malloc(c_size);
  uint8_t* c1 = malloc(c_size);
  memset(c0, 0xA5, c_size);
  memset(c1, 0xA5, c_size);
  q8rt_q8gemm_ukernel_1x8n__scalar(mr, nc, k, a, a_stride, packed, c0, c_stride, &params);
#if HAVE_NEON_8X8
  if (neon) {
    q8rt_q8gemm_ukernel_8x8n__aarch64_neon(mr, nc, k, a, a_stride, packed, c1, c_stride, &params);
    CHECKF(memcmp(c0, c1, c_size) == 0,
           "8x8n neon vs scalar: mr=%zu nc=%zu k=%zu a_stride=%zu c_stride=%zu izp=%u kzp=%u extreme=%d", mr, nc, k,
           a_stride, c_stride, g.izp, g.kzp, (int) extreme);
  }
#else
  (void) neon;
  (void) c1;
#endif
  gemm8_case_free(&g);
  free(c0);
  free(c1);
}

/* The 8x8n cases: every mr 1..8 with nc 1..40 on small k, k around the stack buffer's bound for the row count and
 * above it, random shapes. */
static int gemmn_cases(bool neon, bool quick) {
  int cases = 0;
  for (size_t mr = 1; mr <= 8; mr++) {
    for (size_t nc = 1; nc <= 40; nc++, cases++) gemmn_case(mr, nc, test_rand_range(1, 40), false, neon);
  }
  for (size_t mr = 1; mr <= 8; mr++) {
    for (size_t k = 1; k <= 24; k++, cases++) gemmn_case(mr, test_rand_range(1, 24), k, k % 5 == 0, neon);
    /* the stack buffer holds Q8RT_GEMM8N_MAX_KC x 8 int16 for a body of 8, 4, 2 or 1 rows */
    const size_t body_rows = mr > 4 ? 8 : mr > 2 ? 4 : mr;
    const size_t limit = Q8RT_GEMM8N_MAX_KC * 8 / body_rows;
    const size_t big_k[] = {limit - 9, limit - 7, limit, limit + 1, limit + 8, limit + 9, 1500};
    for (size_t i = 0; i < sizeof(big_k) / sizeof(big_k[0]); i++, cases++) {
      gemmn_case(mr, test_rand_range(1, 20), big_k[i], i == 2 && mr == 8, neon);
    }
  }
  const int random_cases = quick ? 300 : 1500;
  for (int i = 0; i < random_cases; i++, cases++) {
    const size_t k = test_rand_range(0, 3) == 0 ? test_rand_range(1, 1200) : test_rand_range(1, 100);
    gemmn_case(test_rand_range(1, 8), test_rand_range(1, 40), k, test_rand_range(0, 15) == 0, neon);
  }
  return cases;
}

int main(void) {
  test_rng_seed(0x38783820);
  const bool quick = getenv("Q8RT_TEST_QUICK") != NULL && strcmp(getenv("Q8RT_TEST_QUICK"), "0") != 0;
#if HAVE_NEON_8X8 || HAVE_NEON_4X8
  const bool neon = cpuinfo_initialize() && cpuinfo_has_arm_neon();
#else
  const bool neon = false;
#endif
  int cases = 0;
  for (size_t mr = 1; mr <= 8; mr++) {
    for (size_t nr = 1; nr <= 8; nr++) {
      for (size_t k = 1; k <= 20; k++, cases++) gemm_case(mr, nr, k, false, neon);
    }
  }
  for (size_t k = 1; k <= 40; k++, cases++) gemm_case(8, 8, k, true, neon);
  const int random_cases = quick ? 400 : 2000;
  for (int i = 0; i < random_cases; i++, cases++) {
    const size_t k = test_rand_range(0, 3) == 0 ? test_rand_range(1, 1024) : test_rand_range(1, 96);
    gemm_case(test_rand_range(1, 8), test_rand_range(1, 8), k, test_rand_range(0, 15) == 0, neon);
  }
  for (size_t nc = 1; nc <= 24; nc++) {
    for (size_t k = 1; k <= 17; k++, cases++) gemv_case(test_rand_range(1, 7), nc, k, neon);
  }
  for (int i = 0; i < random_cases / 4; i++, cases++) {
    gemv_case(test_rand_range(1, 7), test_rand_range(1, 100), test_rand_range(1, 1400), neon);
  }
  cases += w16_cases(quick, neon);
  cases += gemmn_cases(neon, quick);
  printf("test_q8gemm_8x8: %d cases, scalar 8x8 / 1x8n / 1x8w16n vs reference%s\n", cases,
         !neon ? " (no NEON: NEON kernels not run)"
         : HAVE_NEON_8X8 ? ", aarch64 NEON 8x8 / 8x8n / 1x8n vs scalar"
                         : ", armv7 NEON 4x8w16n / 1x8w16n vs scalar");
  return test_summary("test_q8gemm_8x8");
}
