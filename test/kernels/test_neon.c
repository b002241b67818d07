/*
 * ARM NEON micro-kernels vs their scalar twins, bit for bit (q8gemm, q8conv, q8dwconv up16x9p, q8vadd, q8avgpool),
 * and proof that the NEON path is the one taken: cpuinfo's answer and the kernel table that run-time dispatch
 * (q8rt_kernels_select) picks are printed and checked, for the int8 and the fp32 fields (the fp32 NEON
 * kernels are compared with their scalar twins, within a tolerance, in test_f32gemm / _f32dwconv / _f32vadd).
 *
 * The scalar twins are themselves checked against naive references in test_q8*.c.
 * Environment:
 *   Q8RT_TEST_EXPECT_ISA=neoni8mm|neondot|neon|scalar   what dispatch must pick on this CPU (the Makefile sets
 *                                      it per QEMU_CPU model: neoni8mm for aarch64 models with i8mm, neondot for
 *                                      those with the dot product only, neon for the others, scalar for a CPU
 *                                      without NEON)
 * The NEON checks below run on the neon table (forced when dispatch picks neondot or neoni8mm); the neondot table
 * must be the neon table with the dot-product GEMM configuration (its kernels are tested in test_q8gemm_dot), the
 * neoni8mm table the same with the i8mm configuration (kernels tested in test_q8gemm_i8mm).
 *   Q8RT_TEST_QUICK=1                  fewer random cases (cross builds under qemu-user)
 * On other architectures the test only checks that dispatch never reports "neon".
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cpuinfo.h>

#include "../common/test.h"
#include "../common/tflite_params.h"
#include "../../kernels/layout.h"
#include "../../kernels/params.h"
#include "../../src/pack/pack.h"
#include "../../src/pack/packers.h"
#include "../../src/quant/qparams.h"
#include "../../src/runtime/isa.h"

#if defined(__aarch64__)
#define HAVE_NEON_KERNELS 1
#define NEON(family, tile) q8rt_##family##_ukernel_##tile##__aarch64_neon
#define NEON0(family) q8rt_##family##_ukernel__aarch64_neon
#define NEON_NAME "aarch64_neon"
#elif defined(__arm__)
#define HAVE_NEON_KERNELS 1
#define NEON(family, tile) q8rt_##family##_ukernel_##tile##__aarch32_neon
#define NEON0(family) q8rt_##family##_ukernel__aarch32_neon
#define NEON_NAME "aarch32_neon"
#else
#define HAVE_NEON_KERNELS 0
#endif

#if HAVE_NEON_KERNELS
static size_t round_up(size_t x, size_t q) { return (x + q - 1) / q * q; }

static float pick_scale(int64_t maxabs, bool extreme) {
  if (extreme) {
    const unsigned pick = test_rand_range(0, 3);
    return pick == 0 ? 0.5f : pick == 1 ? 0.99999994f : pick == 2 ? exp2f(-32.0f) : exp2f(-31.0f) * 1.5f;
  }
  if (test_rand_range(0, 2) != 0) {
    float s = (float) (test_rand_uniform(20.0f, 400.0f) / (double) (maxabs > 0 ? maxabs : 1));
    if (s >= 0.99f) s = 0.99f;
    if (s < 0x1.0p-32f) s = 0x1.0p-32f;
    return s;
  }
  return exp2f(-test_rand_uniform(0.0f, 20.0f)) * 0.99f;
}

static void conv_params(struct q8rt_conv_params* p, uint8_t kzp, int64_t maxabs, bool extreme) {
  /* the three output stages of the NEON kernels (kernels/requantize-neon.h): a clamp, the full range with a zero
   * point, the full range with zero point 0 */
  uint8_t omin = (uint8_t) test_rand_range(0, 80), omax = (uint8_t) test_rand_range(170, 255);
  uint8_t ozp = (uint8_t) test_rand_range(0, 255);
  const unsigned stage = test_rand_range(0, 3);
  if (stage >= 2) {
    omin = 0;
    omax = 255;
    if (stage == 3) ozp = 0;
  }
  CHECK(test_conv_params(p, pick_scale(maxabs, extreme), kzp, ozp, omin, omax));
}

/* weights and biases: random, or the extremes (all 255 / 0 alternating, biases near the int32 limits) */
static void fill(uint8_t* w, size_t n, int32_t* bias, size_t nb, bool extreme) {
  for (size_t i = 0; i < n; i++) w[i] = extreme ? ((i & 1) ? 0 : 255) : (uint8_t) test_rand_u32();
  for (size_t i = 0; i < nb; i++) {
    bias[i] = (int32_t) test_rand_range(0, 200000) - 100000;
    if (extreme && test_rand_range(0, 1)) {
      const int32_t big = INT32_MAX - (1 << 22) - (int32_t) test_rand_range(0, 1000);
      bias[i] = test_rand_range(0, 1) ? big : -big;
    }
  }
}

static void gemm_case(size_t mr, size_t nr, size_t k, bool extreme) {
  const size_t a_stride = k + test_rand_range(0, 3) * (test_rand_range(0, 1) ? 1 : 17);
  const size_t c_stride = nr + test_rand_range(0, 1) * test_rand_range(1, 9);
  const uint8_t izp = (uint8_t) test_rand_range(0, 255), kzp = extreme ? 0 : (uint8_t) test_rand_range(0, 255);
  const size_t a_size = (mr - 1) * a_stride + round_up(k, Q8RT_GEMM_KR) + Q8RT_EXTRA_BYTES;
  uint8_t* a = malloc(a_size);
  for (size_t i = 0; i < a_size; i++) a[i] = extreme ? 255 : (uint8_t) test_rand_u32();
  uint8_t* w = malloc(nr * k);
  int32_t bias[4];
  fill(w, nr * k, bias, nr, extreme);
  void* packed = NULL;
  CHECK(posix_memalign(&packed, 64, q8rt_pack_gemm_size(nr, k, 1)) == 0);
  if (!q8rt_pack_gemm(nr, k, 1, izp, kzp, w, bias, packed)) { /* folded bias overflowed int32: milder biases */
    for (size_t n = 0; n < nr; n++) bias[n] /= 4;
    CHECK(q8rt_pack_gemm(nr, k, 1, izp, kzp, w, bias, packed));
  }
  struct q8rt_conv_params params;
  conv_params(&params, kzp, (int64_t) k * 255 * 255 + 100000, extreme);
  const size_t c_size = 4 * c_stride + 16;
  uint8_t* c0 = malloc(c_size);
  uint8_t* c1 = malloc(c_size);
  memset(c0, 0xA5, c_size);
  memset(c1, 0xA5, c_size);
  q8rt_q8gemm_ukernel_3x4c8__scalar(mr, nr, k, a, a_stride, packed, c0, c_stride, &params);
  NEON(q8gemm, 3x4c8)(mr, nr, k, a, a_stride, packed, c1, c_stride, &params);
  CHECKF(memcmp(c0, c1, c_size) == 0, "q8gemm neon vs scalar: mr=%zu nr=%zu k=%zu a_stride=%zu c_stride=%zu extreme=%d",
         mr, nr, k, a_stride, c_stride, (int) extreme);
  free(a);
  free(w);
  free(packed);
  free(c0);
  free(c1);
}

static void conv_case(size_t mr, size_t nr, size_t kc, size_t ks, bool extreme) {
  const uint8_t izp = (uint8_t) test_rand_range(0, 255), kzp = extreme ? 0 : (uint8_t) test_rand_range(0, 255);
  const size_t npix = test_rand_range(1, 8);
  const size_t in_size = npix * kc + round_up(kc, Q8RT_GEMM_KR) + Q8RT_EXTRA_BYTES;
  uint8_t* in = malloc(in_size);
  for (size_t i = 0; i < in_size; i++) in[i] = extreme ? 255 : (uint8_t) test_rand_u32();
  uint8_t* zb = malloc(round_up(kc, Q8RT_GEMM_KR) + Q8RT_EXTRA_BYTES);
  memset(zb, izp, round_up(kc, Q8RT_GEMM_KR) + Q8RT_EXTRA_BYTES);
  const uint8_t** ind = malloc(ks * 3 * sizeof(uint8_t*));
  for (size_t i = 0; i < ks * 3; i++) {
    ind[i] = test_rand_range(0, 4) == 0 ? zb : in + test_rand_range(0, (unsigned) npix - 1) * kc;
  }
  uint8_t* w = malloc(nr * ks * kc);
  int32_t bias[4];
  fill(w, nr * ks * kc, bias, nr, extreme);
  void* packed = NULL;
  CHECK(posix_memalign(&packed, 64, q8rt_pack_gemm_size(nr, kc, ks)) == 0);
  if (!q8rt_pack_gemm(nr, kc, ks, izp, kzp, w, bias, packed)) { /* folded bias overflowed int32: milder biases */
    for (size_t n = 0; n < nr; n++) bias[n] /= 4;
    CHECK(q8rt_pack_gemm(nr, kc, ks, izp, kzp, w, bias, packed));
  }
  struct q8rt_conv_params params;
  conv_params(&params, kzp, (int64_t) ks * kc * 255 * 255 + 100000, extreme);
  const size_t c_stride = nr + test_rand_range(0, 5);
  const size_t c_size = 4 * c_stride + 16;
  uint8_t* c0 = malloc(c_size);
  uint8_t* c1 = malloc(c_size);
  memset(c0, 0xA5, c_size);
  memset(c1, 0xA5, c_size);
  q8rt_q8conv_ukernel_3x4c8__scalar(mr, nr, kc, ks, ind, packed, c0, c_stride, &params);
  NEON(q8conv, 3x4c8)(mr, nr, kc, ks, ind, packed, c1, c_stride, &params);
  CHECKF(memcmp(c0, c1, c_size) == 0, "q8conv neon vs scalar: mr=%zu nr=%zu kc=%zu ks=%zu extreme=%d", mr, nr, kc, ks,
         (int) extreme);
  free(in);
  free(zb);
  free(ind);
  free(w);
  free(packed);
  free(c0);
  free(c1);
}

static void dwconv_case(size_t channels, size_t output_width, size_t input_stride, bool extreme) {
  const uint8_t izp = (uint8_t) test_rand_range(0, 255), kzp = extreme ? 0 : (uint8_t) test_rand_range(0, 255);
  const size_t output_increment = test_rand_range(0, 1) * test_rand_range(1, 7);
  const size_t npix = test_rand_range(1, 16);
  const size_t in_size = npix * channels + Q8RT_EXTRA_BYTES;
  uint8_t* in = malloc(in_size);
  for (size_t i = 0; i < in_size; i++) in[i] = extreme ? 255 : (uint8_t) test_rand_u32();
  uint8_t* zb = malloc(channels + Q8RT_EXTRA_BYTES);
  memset(zb, izp, channels + Q8RT_EXTRA_BYTES);
  const size_t nptr = (output_width - 1) * input_stride + 9;
  const uint8_t** ind = malloc(nptr * sizeof(uint8_t*));
  for (size_t i = 0; i < nptr; i++) {
    ind[i] = test_rand_range(0, 4) == 0 ? zb : in + test_rand_range(0, (unsigned) npix - 1) * channels;
  }
  uint8_t* w = malloc(channels * 9);
  int32_t* bias = malloc(channels * sizeof(int32_t));
  fill(w, channels * 9, bias, channels, extreme);
  const struct q8rt_pack_src src = {
    .n = channels, .kc = 1, .ks = 9, .input_zero_point = izp, .kernel_zero_point = kzp, .w = w, .bias = bias,
  };
  void* packed = NULL;
  CHECK(posix_memalign(&packed, 64, q8rt_packed_size_dw_16p(&src)) == 0);
  q8rt_pack_dw_16p(&src, packed);
  struct q8rt_conv_params params;
  conv_params(&params, kzp, 9 * 255 * 255 + 100000, extreme);
  const size_t out_size = output_width * (channels + output_increment) + 16;
  uint8_t* o0 = malloc(out_size);
  uint8_t* o1 = malloc(out_size);
  memset(o0, 0xA5, out_size);
  memset(o1, 0xA5, out_size);
  q8rt_q8dwconv_ukernel_up16x9p__scalar(channels, output_width, ind, input_stride, packed, o0, output_increment,
                                        &params);
  NEON(q8dwconv, up16x9p)(channels, output_width, ind, input_stride, packed, o1, output_increment, &params);
  CHECKF(memcmp(o0, o1, out_size) == 0, "q8dwconv neon vs scalar: channels=%zu width=%zu stride=%zu extreme=%d",
         channels, output_width, input_stride, (int) extreme);
  free(in);
  free(zb);
  free(ind);
  free(w);
  free(bias);
  free(packed);
  free(o0);
  free(o1);
}

static void vadd_case(size_t n, bool alias) {
  struct q8rt_add_params p;
  do {
  } while (!q8rt_add_params_init(&p, (uint8_t) test_rand_range(0, 255), exp2f(test_rand_uniform(-12.0f, 2.0f)),
                                 (uint8_t) test_rand_range(0, 255), exp2f(test_rand_uniform(-12.0f, 2.0f)),
                                 (uint8_t) test_rand_range(0, 255), exp2f(test_rand_uniform(-8.0f, 2.0f)), 0, 255));
  if (test_rand_range(0, 3) == 0) {
    /* rounding ties: a_multiplier an odd multiple of 2^(shift - 1), b_multiplier a multiple of 2^shift, so that
     * every odd a - a_zero_point puts acc exactly halfway (negative ones test the round-away-from-zero fix) */
    const uint32_t shift = test_rand_range(13, 20);
    p.shift = shift;
    p.remainder_mask = (int32_t) ((UINT32_C(1) << shift) - 1);
    p.remainder_threshold = p.remainder_mask >> 1;
    p.a_multiplier = (2 * (uint32_t) test_rand_range(0, (1u << (22 - shift)) - 1) + 1) << (shift - 1);
    p.b_multiplier = (uint32_t) test_rand_range(0, (1u << (22 - shift)) - 1) << shift;
    p.zero_point_product = (int32_t) (0u - (p.a_multiplier * p.a_zero_point + p.b_multiplier * p.b_zero_point));
  }
  /* the three output stages of the NEON kernel: zero point 0 on [0, 255], a zero point on [0, 255], a clamp */
  switch (test_rand_range(0, 2)) {
    case 0: p.output_zero_point = 0; break;
    case 1: break;
    default:
      p.output_min = (uint8_t) test_rand_range(0, 100);
      p.output_max = (uint8_t) test_rand_range(150, 255);
      break;
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
  if (alias) { /* y == a */
    memcpy(y1, a, n + 16); /* n + Q8RT_EXTRA_BYTES readable */
    NEON0(q8vadd)(n, y1, b, y1, &p);
    CHECKF(memcmp(y0, y1, n) == 0, "q8vadd neon (in place) vs scalar: n=%zu", n);
  } else {
    NEON0(q8vadd)(n, a, b, y1, &p);
    CHECKF(memcmp(y0, y1, n + 16) == 0, "q8vadd neon vs scalar: n=%zu", n);
  }
  free(a);
  free(b);
  free(y0);
  free(y1);
}

static void avgpool_case(size_t ks, size_t channels) {
  struct q8rt_avgpool_params p;
  uint8_t izp;
  do {
    izp = (uint8_t) test_rand_range(0, 255);
    const float is = exp2f(test_rand_uniform(-10.0f, 2.0f));
    if (q8rt_avgpool_params_init(&p, (uint32_t) ks, izp, is, (uint8_t) test_rand_range(0, 255),
                                 is * exp2f(test_rand_uniform(-8.0f, 8.0f)), 0, 255)) break;
  } while (1);
  if (test_rand_range(0, 1)) {
    p.output_min = (uint8_t) test_rand_range(0, 100);
    p.output_max = (uint8_t) test_rand_range(150, 255);
  }
  const size_t npix = test_rand_range(1, 10);
  uint8_t* in = malloc(npix * channels + Q8RT_EXTRA_BYTES);
  for (size_t i = 0; i < npix * channels + Q8RT_EXTRA_BYTES; i++) in[i] = (uint8_t) test_rand_u32();
  if (test_rand_range(0, 3) == 0) memset(in, test_rand_range(0, 1) ? 255 : 0, npix * channels + Q8RT_EXTRA_BYTES);
  uint8_t* zb = malloc(channels + Q8RT_EXTRA_BYTES);
  memset(zb, izp, channels + Q8RT_EXTRA_BYTES);
  const uint8_t** ptr = malloc(ks * sizeof(uint8_t*));
  for (size_t t = 0; t < ks; t++) {
    ptr[t] = test_rand_range(0, 5) == 0 ? zb : in + test_rand_range(0, (unsigned) npix - 1) * channels;
  }
  uint8_t* y0 = malloc(channels + 16);
  uint8_t* y1 = malloc(channels + 16);
  memset(y0, 0xA5, channels + 16);
  memset(y1, 0xA5, channels + 16);
  q8rt_q8avgpool_ukernel__scalar(ks, channels, ptr, y0, &p);
  NEON0(q8avgpool)(ks, channels, ptr, y1, &p);
  CHECKF(memcmp(y0, y1, channels + 16) == 0, "q8avgpool neon vs scalar: ks=%zu channels=%zu", ks, channels);
  free(in);
  free(zb);
  free(ptr);
  free(y0);
  free(y1);
}
#endif

int main(void) {
  test_rng_seed(0x4E454F4E);
  const char* expect = getenv("Q8RT_TEST_EXPECT_ISA");
  const bool quick = getenv("Q8RT_TEST_QUICK") != NULL && strcmp(getenv("Q8RT_TEST_QUICK"), "0") != 0;
  const struct q8rt_kernels* kernels = NULL;
  CHECK(q8rt_kernels_select(Q8RT_ISA_AUTO, &kernels) == Q8RT_OK && kernels != NULL);
  const char* picked = kernels != NULL ? kernels->name : "(none)";
#if HAVE_NEON_KERNELS
  /* Every table this CPU can run fills every role the operators call (a missing TFLite ADD kernel once made the
   * neondot table run the Caffe2 ADD on TFLite parameters). */
  for (int isa = Q8RT_ISA_AUTO; isa <= Q8RT_ISA_NEONI8MM; isa++) {
    const struct q8rt_kernels* t = NULL;
    if (q8rt_kernels_select((q8rt_isa) isa, &t) != Q8RT_OK || t == NULL) continue;
    CHECKF(t->gemm != NULL && t->dwconv != NULL && t->vadd != NULL && t->vadd_tflite != NULL && t->avgpool != NULL &&
           t->avgpool_tflite != NULL && t->f32gemm != NULL && t->f32dwconv != NULL && t->f32vadd != NULL &&
               t->f32avgpool != NULL,
           "kernel table %s has an empty role", t->name);
  }
  const bool has_neon = cpuinfo_initialize() && cpuinfo_has_arm_neon();
  printf("test_neon: cpuinfo_has_arm_neon() = %d, dispatch picks \"%s\" (expected: %s)\n", (int) has_neon, picked,
         expect != NULL ? expect : "unset");
#if defined(__aarch64__)
  const bool has_dot = has_neon && cpuinfo_has_arm_neon_dot();
  const struct q8rt_kernels* i8mm_kernels = NULL;
  const bool has_i8mm = q8rt_kernels_select(Q8RT_ISA_NEONI8MM, &i8mm_kernels) == Q8RT_OK;
#else
  const bool has_dot = false;
  const bool has_i8mm = false;
#endif
  printf("test_neon: cpuinfo_has_arm_neon_dot() = %d, i8mm (HWCAP2_I8MM) = %d\n", (int) has_dot, (int) has_i8mm);
  if (expect != NULL && strcmp(expect, "neon") == 0) {
    CHECKF(has_neon, "cpuinfo reports no NEON but Q8RT_TEST_EXPECT_ISA=neon");
    CHECKF(!has_dot && !has_i8mm, "cpuinfo reports the dot product but Q8RT_TEST_EXPECT_ISA=neon");
    CHECKF(strcmp(picked, "neon") == 0, "dispatch picked %s, expected neon", picked);
  } else if (expect != NULL && strcmp(expect, "neondot") == 0) {
    CHECKF(has_dot, "cpuinfo reports no dot product but Q8RT_TEST_EXPECT_ISA=neondot");
    CHECKF(!has_i8mm, "the CPU reports i8mm but Q8RT_TEST_EXPECT_ISA=neondot");
    CHECKF(strcmp(picked, "neondot") == 0, "dispatch picked %s, expected neondot", picked);
  } else if (expect != NULL && strcmp(expect, "neoni8mm") == 0) {
    CHECKF(has_dot && has_i8mm, "the CPU reports no i8mm or no dot product but Q8RT_TEST_EXPECT_ISA=neoni8mm");
    CHECKF(strcmp(picked, "neoni8mm") == 0, "dispatch picked %s, expected neoni8mm", picked);
  } else if (expect != NULL && strcmp(expect, "scalar") == 0) {
    CHECKF(!has_neon, "cpuinfo reports NEON but Q8RT_TEST_EXPECT_ISA=scalar");
    CHECKF(strcmp(picked, "scalar") == 0, "dispatch picked %s, expected scalar", picked);
  }
  if (has_neon) {
    CHECKF(strcmp(picked, has_i8mm ? "neoni8mm" : has_dot ? "neondot" : "neon") == 0, "dispatch picked %s", picked);
    const struct q8rt_kernels* auto_kernels = kernels;
    CHECK(q8rt_kernels_select(Q8RT_ISA_NEON, &kernels) == Q8RT_OK && kernels != NULL);
    if (kernels == NULL) return test_summary("test_neon");
#if defined(__aarch64__)
    const struct q8rt_kernels* dot = NULL;
    if (has_dot) {
      /* the neondot table: the neon table with the 4x16c4 udot configuration for GEMMs and convolutions and the
       * udot depthwise kernel */
      CHECK(q8rt_kernels_select(Q8RT_ISA_NEONDOT, &dot) == Q8RT_OK && (has_i8mm || dot == auto_kernels));
      CHECK(dot != NULL && strcmp(dot->name, "neondot") == 0 && dot->isa == Q8RT_ISA_NEONDOT);
      if (dot != NULL) {
        CHECK(dot->gemm->mr == 4 && dot->gemm->nr == 16 && dot->gemm->kr == 4 && dot->conv == NULL &&
              dot->conv_small_kc == NULL);
        CHECK(dot->gemm->gemmn == q8rt_q8gemm_ukernel_4x16c4n__aarch64_neondot && dot->gemm->gemm == NULL);
        CHECK(dot->gemm->gemv == q8rt_q8gemm_ukernel_1x16c4n__aarch64_neondot && dot->gemm->gemv_nc == 16);
        CHECK(dot->gemm->igemmn == q8rt_q8conv_ukernel_4x16c4__aarch64_neondot && dot->gemm->igemm == NULL);
        CHECK(dot->gemm->pack == q8rt_pack_gemm_16x4_dot && dot->gemm->packed_size == q8rt_packed_size_gemm_16x4_dot);
        /* depthwise: the udot up16x9dot kernel on Q8RT_LAYOUT_DWCONV_DOT (vs its scalar twin: test_q8dwconv_dot) */
        CHECK(dot->dwconv != kernels->dwconv && dot->dwconv->cr == 16 &&
              dot->dwconv->ukernel == q8rt_q8dwconv_ukernel_up16x9dot__aarch64_neondot &&
              dot->dwconv->pack == q8rt_pack_dw_dot && dot->dwconv->packed_size == q8rt_packed_size_dw_dot);
        CHECK(dot->vadd == kernels->vadd &&
              dot->vadd_tflite == kernels->vadd_tflite && dot->vadd_tflite != NULL &&
              dot->avgpool == kernels->avgpool && dot->avgpool_tflite == kernels->avgpool_tflite &&
              dot->f32gemm == kernels->f32gemm && dot->f32dwconv == kernels->f32dwconv &&
              dot->f32vadd == kernels->f32vadd && dot->f32avgpool == kernels->f32avgpool);
      }
    } else {
      CHECK(q8rt_kernels_select(Q8RT_ISA_NEONDOT, &dot) == Q8RT_ERROR_UNSUPPORTED);
      CHECK(auto_kernels == kernels);
    }
    if (has_i8mm) {
      /* the neoni8mm table: the neon table with the 4x16c8 ummla configuration for GEMMs and convolutions and the
       * neondot depthwise kernel */
      const struct q8rt_kernels* mm = i8mm_kernels;
      CHECK(has_dot && mm != NULL && mm == auto_kernels && strcmp(mm->name, "neoni8mm") == 0 &&
            mm->isa == Q8RT_ISA_NEONI8MM);
      if (mm != NULL) {
        CHECK(mm->gemm->mr == 4 && mm->gemm->nr == 16 && mm->gemm->kr == 8 && mm->conv == NULL);
        /* convolutions with kc <= 4 (any ks) on the i8mm tap-pair kernel (vs its scalar twin: test_q8conv_i8mm_tp) */
        CHECK(mm->conv_small_kc != NULL && mm->conv_small_kc->max_kc == 4 && mm->conv_small_kc->min_ks <= 1 &&
              mm->conv_small_kc->max_ks == UINT32_MAX && mm->conv_small_kc->mr == 16 && mm->conv_small_kc->nr == 16 &&
              mm->conv_small_kc->igemmn == q8rt_q8conv_ukernel_4x16c8tp__aarch64_neoni8mm &&
              mm->conv_small_kc->pack == q8rt_pack_gemm_16x8_i8mm_tp &&
              mm->conv_small_kc->packed_size == q8rt_packed_size_gemm_16x8_i8mm_tp);
        CHECK(mm->gemm->gemmn == q8rt_q8gemm_ukernel_4x16c8n__aarch64_neoni8mm && mm->gemm->gemm == NULL);
        CHECK(mm->gemm->gemv == q8rt_q8gemm_ukernel_2x16c8n__aarch64_neoni8mm && mm->gemm->gemv_nc == 16);
        CHECK(mm->gemm->igemmn == q8rt_q8conv_ukernel_4x16c8__aarch64_neoni8mm && mm->gemm->igemm == NULL);
        CHECK(mm->gemm->pack == q8rt_pack_gemm_16x8_i8mm && mm->gemm->packed_size == q8rt_packed_size_gemm_16x8_i8mm);
        CHECK(dot != NULL && mm->dwconv == dot->dwconv && mm->vadd == kernels->vadd &&
              mm->vadd_tflite == kernels->vadd_tflite && mm->vadd_tflite != NULL && mm->avgpool == kernels->avgpool &&
              mm->avgpool_tflite == kernels->avgpool_tflite && mm->f32gemm == kernels->f32gemm &&
              mm->f32dwconv == kernels->f32dwconv && mm->f32vadd == kernels->f32vadd &&
              mm->f32avgpool == kernels->f32avgpool);
      }
    } else {
      const struct q8rt_kernels* mm = NULL;
      CHECK(q8rt_kernels_select(Q8RT_ISA_NEONI8MM, &mm) == Q8RT_ERROR_UNSUPPORTED);
    }
#else
    CHECK(auto_kernels == kernels);
#endif
    /* the neon table holds exactly this file's NEON kernels */
#if defined(__aarch64__)
    /* aarch64: GEMMs on the 8x8n multi-panel kernel in row blocks, indirect convolutions on the 8x8 kernel, on
     * the same panels (compared with their scalar twins in test_q8gemm_8x8 and test_q8conv_8x8) */
    CHECK(kernels->gemm->gemmn == q8rt_q8gemm_ukernel_8x8n__aarch64_neon && kernels->gemm->mr == 8 &&
          kernels->gemm->nr == 8 && kernels->gemm->split == Q8RT_SPLIT_ROW_BLOCKS);
    CHECK(kernels->gemm->pack == kernels->conv->pack && kernels->gemm->packed_size == kernels->conv->packed_size);
    CHECK(kernels->gemm->gemm == NULL && kernels->gemm->gemv == NULL);
    CHECK(kernels->conv != NULL && kernels->conv->mr == 8 && kernels->conv->nr == 8);
    CHECK(kernels->conv->igemm == q8rt_q8conv_ukernel_8x8__aarch64_neon &&
          kernels->conv->igemmn == q8rt_q8conv_ukernel_8x8n__aarch64_neon);
#else
    /* armv7: GEMMs on the 4x8w16n / 1x8w16n kernels (int16 weights), indirect convolutions on the 4x8 / 4x8n
     * kernels (compared with their scalar twins in test_q8gemm_8x8 and test_q8conv_8x8) */
    CHECK(kernels->gemm->gemmn == q8rt_q8gemm_ukernel_4x8w16n__aarch32_neon && kernels->gemm->mr == 4 &&
          kernels->gemm->nr == 8 && kernels->gemm->pack == q8rt_pack_gemm_8x8_w16);
    CHECK(kernels->gemm->gemv == q8rt_q8gemm_ukernel_1x8w16n__aarch32_neon && kernels->gemm->gemv_nc == 8);
    CHECK(kernels->conv != NULL && kernels->conv->mr == 4 && kernels->conv->nr == 8 &&
          kernels->conv->pack == q8rt_pack_gemm_8x8);
    CHECK(kernels->conv->igemm == q8rt_q8conv_ukernel_4x8__aarch32_neon);
    CHECK(kernels->conv->igemmn == q8rt_q8conv_ukernel_4x8n__aarch32_neon);
#endif
    CHECK(kernels->dwconv->ukernel == NEON(q8dwconv, up16x9p));
    CHECK(kernels->vadd == NEON0(q8vadd));
    CHECK(kernels->avgpool == NEON0(q8avgpool));
    /* fp32: the NEON kernels on the 8-float panels, 8x8 tiles on aarch64, 4x8 on armv7 (compared with their
     * scalar twins in test_f32gemm, test_f32dwconv and test_f32vadd, which run them when cpuinfo reports NEON) */
#if defined(__aarch64__)
    CHECK(kernels->f32gemm->mr == 8 && kernels->f32gemm->nr == 8);
    CHECK(kernels->f32gemm->gemm == NEON(f32gemm, 8x8));
    CHECK(kernels->f32gemm->igemm == NEON(f32conv, 8x8));
#else
    CHECK(kernels->f32gemm->mr == 4 && kernels->f32gemm->nr == 8);
    CHECK(kernels->f32gemm->gemm == NEON(f32gemm, 4x8));
    CHECK(kernels->f32gemm->igemm == NEON(f32conv, 4x8));
#endif
    CHECK(kernels->f32gemm->gemm1 == NEON(f32gemm, 1x8));
#if defined(__aarch64__)
    CHECK(kernels->f32dwconv->ukernel == NEON(f32dwconv, up16x9p));
#else
    CHECK(kernels->f32dwconv->ukernel == NEON(f32dwconv, up16x9));
#endif
    CHECK(kernels->f32vadd == NEON0(f32vadd));
    CHECK(kernels->f32avgpool == NEON0(f32avgpool));
    const struct q8rt_kernels* forced = NULL;
    CHECK(q8rt_kernels_select(Q8RT_ISA_NEON, &forced) == Q8RT_OK && forced == kernels);
    CHECK(q8rt_kernels_select(Q8RT_ISA_SCALAR, &forced) == Q8RT_OK && strcmp(forced->name, "scalar") == 0);

    const int scale = quick ? 1 : 4;
    int cases = 0;
    for (size_t mr = 1; mr <= 3; mr++) {
      for (size_t nr = 1; nr <= 4; nr++) {
        for (size_t k = 1; k <= 20; k++, cases++) gemm_case(mr, nr, k, false);
      }
    }
    for (size_t k = 1; k <= 40; k++, cases++) gemm_case(3, 4, k, true);
    for (int i = 0; i < 250 * scale; i++, cases++) {
      const size_t k = test_rand_range(0, 3) == 0 ? test_rand_range(1, 1024) : test_rand_range(1, 96);
      gemm_case(test_rand_range(1, 3), test_rand_range(1, 4), k, test_rand_range(0, 15) == 0);
    }
    for (int i = 0; i < 250 * scale; i++, cases++) {
      conv_case(test_rand_range(1, 3), test_rand_range(1, 4), test_rand_range(1, 64), test_rand_range(1, 10),
                test_rand_range(0, 15) == 0);
    }
    for (size_t c = 1; c <= 40; c++, cases++) dwconv_case(c, test_rand_range(1, 5), test_rand_range(1, 9), false);
    for (int i = 0; i < 100 * scale; i++, cases++) {
      dwconv_case(test_rand_range(1, 200), test_rand_range(1, 9), test_rand_range(1, 9), test_rand_range(0, 7) == 0);
    }
    for (size_t n = 1; n <= 70; n++, cases += 2) {
      vadd_case(n, false);
      vadd_case(n, true);
    }
    for (int i = 0; i < 100 * scale; i++, cases++) vadd_case(test_rand_range(1, 3000), test_rand_range(0, 1));
    for (size_t c = 1; c <= 24; c++, cases++) avgpool_case(test_rand_range(1, 12), c);
    for (int i = 0; i < 100 * scale; i++, cases++) avgpool_case(test_rand_range(1, 400), test_rand_range(1, 300));
    printf("test_neon: NEON kernels (%s) ran %d cases: q8gemm 3x4c8, q8conv 3x4c8, q8dwconv up16x9p, q8vadd, "
           "q8avgpool; table holds the NEON f32gemm 8x8 (aarch64) or 4x8 / 1x8, f32conv 8x8 or 4x8, f32dwconv "
           "up16x9p or up16x9, f32vadd, f32avgpool\n", NEON_NAME, cases);
  }
#else
  printf("test_neon: not an ARM build (dispatch picks \"%s\"); NEON kernels not compiled\n", picked);
  CHECK(strcmp(picked, "neon") != 0);
  (void) expect;
  (void) quick;
#endif
  return test_summary("test_neon");
}
