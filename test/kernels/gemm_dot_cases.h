/* The randomized byte-for-byte cases shared by the tests of the aarch64 4x16 GEMM configurations whose kernels take
 * raw uint8 products and the kernel zero point row sums per call (test_q8gemm_dot: 4x16c4 `udot`, test_q8gemm_i8mm:
 * 4x16c8 `ummla`). A struct gemm_dot_suite names the packer, the panel geometry and the kernels (a GEMM with
 * MR = 4, a GEMV-style GEMM for any number of rows, an indirect convolution with 4 pointers per tap; each as the
 * scalar twin and the NEON kernel); gemm_dot_run_all runs every case on it:
 *   - the scalar twins (compiled everywhere) against a plain reference: sum((x - x_zp)(w - w_zp)) + bias over
 *     every tap (padding taps read the zero buffer, filled with x_zp), wrapped to int32, requantized with
 *     q8rt_requantize_q31; every byte of the output buffer is checked (nothing written outside the tile);
 *   - where the suite's `neon` flag is set (the test file's CPU check), the NEON kernels against the scalar twins,
 *     byte for byte.
 * Requantization parameters follow QNNPACK's rule or TFLite's (two roundings or TFLITE_SINGLE_ROUNDING), with an
 * output zero point of 0 in half of the full-range cases (the kernels' plain output stage: no zero point, no clamp).
 * Cases: k (and kc per tap) not a multiple of 4, 8 or 16 and up to 1400, GEMM rows 1..gemm_rows (GEMV: 1..6),
 * columns 1..16 and several panels, last panels of at most 8 columns (the kernels' half tile), A row strides and
 * output strides, zero points 0 / 1 / 128 / 255 and random, random requantization scales, saturated inputs (int32
 * wrap-around of the accumulators), padding pointers, 1..12 taps, the rounding ties and saturation edges of every
 * requantization path. Q8RT_TEST_QUICK=1: fewer random cases (qemu-user). */
#pragma once

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/test.h"
#include "../common/tflite_params.h"
#include "../../kernels/layout.h"
#include "../../kernels/params.h"
#include "../../kernels/q8conv/q8conv.h"
#include "../../kernels/q8gemm/q8gemm.h"
#include "../../kernels/requantize.h"
#include "../../src/pack/packers.h"
#include "../../src/quant/qparams.h"

struct gemm_dot_suite {
  const char* test;   /* the test's name, for the messages and test_summary */
  const char* isa;    /* "neondot", "neoni8mm" */
  size_t (*packed_size)(const struct q8rt_pack_src* src);
  void (*pack)(const struct q8rt_pack_src* src, void* out);
  size_t mr, nr, kr;  /* the panel geometry: MR rows (pointers per tap), NR columns, k padded to KR */
  size_t gemm_rows;   /* the GEMM kernel's rows per call: MR, or more for a kernel that loops over MR-row blocks
                         (rows 1..gemm_rows tested: every remainder of MR, several blocks) */
  size_t bias_bytes;  /* bytes of a panel before its weights */
  size_t k_max;       /* the exhaustive GEMM cases: k = 1..20 one by one, then by 3 up to k_max */
  const char* gemm_name;
  const char* gemv_name;
  const char* conv_name;
  q8rt_q8gemm_ukernel_fn gemm_scalar, gemv_scalar, gemm_neon, gemv_neon; /* the NEON ones: NULL off aarch64 */
  q8rt_q8conv_ukernel_fn conv_scalar, conv_neon;
  bool neon; /* run the NEON kernels (the CPU has the extension) */
  int cases_scalar, cases_neon;
};

static inline uint8_t gemm_dot_pick_zp(int mode) {
  static const uint8_t fixed[4] = {0, 1, 128, 255};
  return mode < 4 ? fixed[mode] : (uint8_t) test_rand_range(0, 255);
}

/* Random requantization parameters for accumulators up to maxabs in magnitude (as test_q8gemm_vnni). */
static inline bool gemm_dot_random_params(int64_t maxabs, uint8_t kzp, struct q8rt_conv_params* params) {
  float scale;
  if (test_rand_range(0, 2) != 0) {
    scale = (float) (test_rand_uniform(20.0f, 400.0f) / (double) maxabs);
    if (scale >= 0.99f) scale = 0.99f;
    if (scale < 0x1.0p-32f) scale = 0x1.0p-32f;
  } else {
    scale = exp2f(-test_rand_uniform(0.0f, 31.0f)) * 0.99f;
  }
  uint8_t ozp = (uint8_t) test_rand_range(0, 255);
  uint8_t omin = (uint8_t) test_rand_range(0, 80), omax = (uint8_t) test_rand_range(170, 255);
  if (test_rand_range(0, 3) == 0) {
    omin = 0;
    omax = 255;
    if (test_rand_range(0, 1) == 0) ozp = 0; /* the kernels' plain output stage (no zero point, no clamp) */
  }
  /* QNNPACK's rule, or TFLite's with two roundings or TFLITE_SINGLE_ROUNDING (tflite_params.h) */
  return test_conv_params(params, scale, kzp, ozp, omin, omax);
}

/* The suite's packing of n columns of ks taps x kc (NULL when the folded bias overflows: not a valid model). */
static inline void* gemm_dot_packed_weights(const struct gemm_dot_suite* s, size_t n, size_t kc, size_t ks,
                                            uint8_t izp, uint8_t kzp, const uint8_t* w, const int32_t* bias) {
  const struct q8rt_pack_src src = {
    .n = n, .kc = kc, .ks = ks, .input_zero_point = izp, .kernel_zero_point = kzp, .w = w, .bias = bias,
  };
  if (!q8rt_pack_bias_fits(&src)) return NULL;
  const size_t size = s->packed_size(&src);
  const size_t panel = s->bias_bytes + ks * ((kc + s->kr - 1) / s->kr * s->kr) * s->nr;
  CHECK(size == (n + s->nr - 1) / s->nr * panel && size % 64 == 0);
  void* packed = NULL;
  CHECK(posix_memalign(&packed, 64, size) == 0);
  memset(packed, 0xCC, size);
  s->pack(&src, packed);
  return packed;
}

/* kind 0: the GEMM (mr <= gemm_rows), kind 1: the GEMV-style one (any mr). mode 1: saturated inputs, mode 2: large
 * biases. */
static inline void gemm_dot_gemm_case(struct gemm_dot_suite* s, int kind, size_t mr, size_t nc, size_t k,
                                      int izp_mode, int kzp_mode, int mode) {
  const size_t a_stride = k + test_rand_range(0, 3) * (test_rand_range(0, 1) ? 1 : 17);
  const size_t c_stride = nc + test_rand_range(0, 1) * test_rand_range(1, 9);
  const uint8_t izp = gemm_dot_pick_zp(izp_mode), kzp = gemm_dot_pick_zp(kzp_mode);
  const char* name = kind == 0 ? s->gemm_name : s->gemv_name;

  /* A rows: readable up to k + Q8RT_EXTRA_BYTES (the bytes past k random, outside the tile's sums) */
  const size_t a_size = (mr - 1) * a_stride + k + Q8RT_EXTRA_BYTES;
  uint8_t* a = malloc(a_size);
  for (size_t i = 0; i < a_size; i++) a[i] = (uint8_t) test_rand_u32();
  uint8_t* w = malloc(nc * k);
  for (size_t i = 0; i < nc * k; i++) w[i] = (uint8_t) test_rand_u32();
  if (mode == 1) {
    for (size_t i = 0; i < a_size; i++) a[i] = 255;
    for (size_t i = 0; i < nc * k; i++) w[i] = (i & 1) ? 0 : 255;
  }
  int32_t* bias = malloc(nc * sizeof(int32_t));
  for (size_t n = 0; n < nc; n++) bias[n] = (int32_t) test_rand_range(0, 200000) - 100000;
  if (mode == 2) {
    for (size_t n = 0; n < nc; n++) bias[n] = (int32_t) (test_rand_u32() & 0x7FFFFFFF) - 0x40000000;
  }
  void* packed = gemm_dot_packed_weights(s, nc, k, 1, izp, kzp, w, bias);
  if (packed == NULL) { /* folded bias overflow: not a valid model */
    free(a);
    free(w);
    free(bias);
    return;
  }

  int32_t* acc = malloc(mr * nc * sizeof(int32_t));
  int64_t maxabs = 1;
  for (size_t m = 0; m < mr; m++) {
    for (size_t n = 0; n < nc; n++) {
      int64_t sum = bias[n];
      for (size_t kk = 0; kk < k; kk++) {
        sum += ((int64_t) a[m * a_stride + kk] - izp) * ((int64_t) w[n * k + kk] - kzp);
      }
      acc[m * nc + n] = (int32_t) (uint32_t) (uint64_t) sum;
      if (llabs(sum) > maxabs) maxabs = llabs(sum);
    }
  }
  struct q8rt_conv_params params;
  CHECK(gemm_dot_random_params(maxabs, kzp, &params));

  const size_t c_size = (mr + 1) * c_stride + 64;
  uint8_t* c_ref = malloc(c_size);
  uint8_t* c_scalar = malloc(c_size);
  uint8_t* c_neon = malloc(c_size);
  memset(c_ref, 0xA5, c_size);
  for (size_t m = 0; m < mr; m++) {
    for (size_t n = 0; n < nc; n++) c_ref[m * c_stride + n] = q8rt_requantize_q31(acc[m * nc + n], &params);
  }
  memset(c_scalar, 0xA5, c_size);
  (kind == 0 ? s->gemm_scalar : s->gemv_scalar)(mr, nc, k, a, a_stride, packed, c_scalar, c_stride, &params);
  CHECKF(memcmp(c_ref, c_scalar, c_size) == 0, "%s scalar vs reference: mr=%zu nc=%zu k=%zu izp=%u kzp=%u mode=%d",
         name, mr, nc, k, izp, kzp, mode);
  s->cases_scalar++;
  if (s->neon) {
    memset(c_neon, 0xA5, c_size);
    (kind == 0 ? s->gemm_neon : s->gemv_neon)(mr, nc, k, a, a_stride, packed, c_neon, c_stride, &params);
    CHECKF(memcmp(c_scalar, c_neon, c_size) == 0,
           "%s %s vs scalar: mr=%zu nc=%zu k=%zu izp=%u kzp=%u a_stride=%zu c_stride=%zu mode=%d", name, s->isa, mr,
           nc, k, izp, kzp, a_stride, c_stride, mode);
    s->cases_neon++;
  }
  free(a);
  free(w);
  free(bias);
  free(acc);
  free(packed);
  free(c_ref);
  free(c_scalar);
  free(c_neon);
}

/* The exact accumulators of an indirect convolution, acc[m * nc + n] (mod 2^32): bias[n] plus, over ks taps of kc
 * channels, (x - izp) * (w - kzp), with tap t of pixel m at ind[t * ind_mr + m] and weights w[(n * ks + t) * kc + k].
 * Returns the largest |sum| (at least 1), for picking a scale. */
static inline int64_t gemm_dot_conv_reference(size_t mr, size_t nc, size_t kc, size_t ks, const uint8_t* const* ind,
                                              size_t ind_mr, uint8_t izp, uint8_t kzp, const uint8_t* w,
                                              const int32_t* bias, int32_t* acc) {
  int64_t maxabs = 1;
  for (size_t m = 0; m < mr; m++) {
    for (size_t n = 0; n < nc; n++) {
      int64_t sum = bias[n];
      for (size_t t = 0; t < ks; t++) {
        const uint8_t* x = ind[t * ind_mr + m];
        for (size_t k = 0; k < kc; k++) sum += ((int64_t) x[k] - izp) * ((int64_t) w[(n * ks + t) * kc + k] - kzp);
      }
      acc[m * nc + n] = (int32_t) (uint32_t) (uint64_t) sum;
      if (llabs(sum) > maxabs) maxabs = llabs(sum);
    }
  }
  return maxabs;
}

/* Indirect convolution: mr pixels x nc columns, ks taps of kc channels; each pointer is a real pixel or (with
 * probability about pad_pct %) the zero buffer; pointers of pixels mr..MR-1 repeat pixel mr - 1's, as the
 * planner's. */
static inline void gemm_dot_conv_case(struct gemm_dot_suite* s, size_t mr, size_t nc, size_t kc, size_t ks,
                                      int izp_mode, int kzp_mode, int mode, unsigned pad_pct) {
  const uint8_t izp = gemm_dot_pick_zp(izp_mode), kzp = gemm_dot_pick_zp(kzp_mode);
  const size_t pixel_bytes = kc + Q8RT_EXTRA_BYTES;
  const size_t npix = mr * ks;
  const size_t pm = s->mr;
  uint8_t* pixels = malloc(npix * pixel_bytes);
  for (size_t i = 0; i < npix * pixel_bytes; i++) pixels[i] = mode == 1 ? 255 : (uint8_t) test_rand_u32();
  uint8_t* zero = malloc(pixel_bytes);
  memset(zero, izp, pixel_bytes);
  const uint8_t** ind = malloc(ks * pm * sizeof(uint8_t*));
  for (size_t t = 0; t < ks; t++) {
    for (size_t m = 0; m < pm; m++) {
      const size_t mm = m < mr ? m : mr - 1;
      const uint8_t* p = test_rand_range(0, 99) < pad_pct ? zero : pixels + (t * mr + mm) * pixel_bytes;
      ind[t * pm + m] = m < mr ? p : ind[t * pm + mr - 1];
    }
  }
  uint8_t* w = malloc(nc * ks * kc);
  for (size_t i = 0; i < nc * ks * kc; i++) w[i] = mode == 1 ? ((i & 1) ? 0 : 255) : (uint8_t) test_rand_u32();
  int32_t* bias = malloc(nc * sizeof(int32_t));
  for (size_t n = 0; n < nc; n++) bias[n] = (int32_t) test_rand_range(0, 200000) - 100000;
  void* packed = gemm_dot_packed_weights(s, nc, kc, ks, izp, kzp, w, bias);
  if (packed == NULL) {
    free(pixels);
    free(zero);
    free(ind);
    free(w);
    free(bias);
    return;
  }
  int32_t* acc = malloc(mr * nc * sizeof(int32_t));
  const int64_t maxabs = gemm_dot_conv_reference(mr, nc, kc, ks, ind, pm, izp, kzp, w, bias, acc);
  struct q8rt_conv_params params;
  CHECK(gemm_dot_random_params(maxabs, kzp, &params));
  const size_t c_stride = nc + test_rand_range(0, 1) * test_rand_range(1, 9);
  const size_t c_size = (mr + 1) * c_stride + 64;
  uint8_t* c_ref = malloc(c_size);
  uint8_t* c_scalar = malloc(c_size);
  uint8_t* c_neon = malloc(c_size);
  memset(c_ref, 0xA5, c_size);
  for (size_t m = 0; m < mr; m++) {
    for (size_t n = 0; n < nc; n++) c_ref[m * c_stride + n] = q8rt_requantize_q31(acc[m * nc + n], &params);
  }
  memset(c_scalar, 0xA5, c_size);
  s->conv_scalar(mr, nc, kc, ks, ind, packed, c_scalar, c_stride, &params);
  CHECKF(memcmp(c_ref, c_scalar, c_size) == 0, "%s scalar vs reference: mr=%zu nc=%zu kc=%zu ks=%zu izp=%u kzp=%u",
         s->conv_name, mr, nc, kc, ks, izp, kzp);
  s->cases_scalar++;
  if (s->neon) {
    memset(c_neon, 0xA5, c_size);
    s->conv_neon(mr, nc, kc, ks, ind, packed, c_neon, c_stride, &params);
    CHECKF(memcmp(c_scalar, c_neon, c_size) == 0, "%s %s vs scalar: mr=%zu nc=%zu kc=%zu ks=%zu izp=%u kzp=%u mode=%d",
           s->conv_name, s->isa, mr, nc, kc, ks, izp, kzp, mode);
    s->cases_neon++;
  }
  free(pixels);
  free(zero);
  free(ind);
  free(w);
  free(bias);
  free(packed);
  free(acc);
  free(c_ref);
  free(c_scalar);
  free(c_neon);
}

/* Requantization edges: weights equal to the kernel zero point make every accumulator its column's folded bias
 * (izp = 0: the bias itself), so the bias sets it exactly: ties of the rounding shift, INT32_MIN / INT32_MAX, for
 * shifts 0 (no rounding shift: the kernels' separate path), 1, 7, 16, 30, 31, two multipliers (the second one with
 * TFLITE_SINGLE_ROUNDING) and output zero points 128 and 0 (the plain output stage: saturation alone), in three full
 * panels (nc = 48) and in a last panel of 8 columns (nc = 40, the kernels' half tile). */
static inline void gemm_dot_requant_edges(const struct gemm_dot_suite* s) {
  const size_t k = 5;
  static const uint32_t shifts[] = {0, 1, 7, 16, 30, 31};
  for (size_t nc = 40; nc <= 48; nc += 8) {
    for (size_t si = 0; si < sizeof shifts / sizeof shifts[0]; si++) {
      for (int mi = 0; mi < 2; mi++) {
        const uint32_t shift = shifts[si];
        const int64_t half = shift == 0 ? 0 : INT64_C(1) << (shift - 1);
        int32_t bias[48];
        for (size_t n = 0; n < nc; n++) {
          const int64_t sign = (n & 1) ? -1 : 1;
          int64_t t = (n / 2) % 4 == 0 ? half : (n / 2) % 4 == 1 ? half - 1 : (int64_t) (test_rand_u32() & 0x3FFFFFFF);
          bias[n] = (int32_t) (2 * sign * t);
        }
        bias[nc - 8] = INT32_MIN;
        bias[nc - 7] = INT32_MAX;
        bias[nc - 6] = -1;
        bias[nc - 5] = 1;
        const uint8_t kzp = (uint8_t) test_rand_range(0, 255);
        uint8_t w[48 * 5], a[4 * 5 + 32];
        memset(w, kzp, sizeof w);
        for (size_t i = 0; i < sizeof a; i++) a[i] = (uint8_t) test_rand_u32();
        void* packed = gemm_dot_packed_weights(s, nc, k, 1, 0, kzp, w, bias);
        CHECK(packed != NULL);
        if (packed == NULL) continue;
        struct q8rt_conv_params params;
        /* output zero point 128, or 0 (the plain output stage: saturation alone): each shift gets both */
        const uint8_t ozp = (uint8_t) ((si + nc / 8) % 2 == 0 ? 128 : 0);
        CHECK(q8rt_conv_params_init(&params, 0.5f, 1.0f, 1.0f, kzp, ozp, 0, 255));
        params.multiplier = mi == 0 ? INT32_C(0x40000000) : INT32_MAX;
        params.shift = shift;
        params.remainder_mask = (int32_t) ((UINT32_C(1) << shift) - 1);
        params.remainder_threshold = (int32_t) ((uint32_t) params.remainder_mask >> 1);
        params.single_rounding = (uint8_t) (mi == 1 && shift != 0); /* TFLITE_SINGLE_ROUNDING with INT32_MAX */
        uint8_t want[4 * 48], got[4 * 48];
        for (size_t m = 0; m < 4; m++) {
          for (size_t n = 0; n < nc; n++) want[m * nc + n] = q8rt_requantize_q31(bias[n], &params);
        }
        memset(got, 0xA5, sizeof got);
        s->gemm_scalar(4, nc, k, a, k, packed, got, nc, &params);
        CHECKF(memcmp(want, got, 4 * nc) == 0, "requant edges, %s scalar: shift %u", s->gemm_name, shift);
        if (s->neon) {
          memset(got, 0xA5, sizeof got);
          s->gemm_neon(4, nc, k, a, k, packed, got, nc, &params);
          CHECKF(memcmp(want, got, 4 * nc) == 0, "requant edges, %s %s: shift %u", s->gemm_name, s->isa, shift);
          memset(got, 0xA5, sizeof got);
          s->gemv_neon(4, nc, k, a, k, packed, got, nc, &params);
          CHECKF(memcmp(want, got, 4 * nc) == 0, "requant edges, %s %s: shift %u", s->gemv_name, s->isa, shift);
          const uint8_t* ind[4] = {a, a + 5, a + 10, a + 15};
          memset(got, 0xA5, sizeof got);
          s->conv_neon(4, nc, k, 1, ind, packed, got, nc, &params);
          CHECKF(memcmp(want, got, 4 * nc) == 0, "requant edges, %s %s: shift %u", s->conv_name, s->isa, shift);
        }
        free(packed);
      }
    }
  }
}

/* Every case on the suite; returns test_summary's exit code. */
static inline int gemm_dot_run_all(struct gemm_dot_suite* s) {
  const bool quick = getenv("Q8RT_TEST_QUICK") != NULL && strcmp(getenv("Q8RT_TEST_QUICK"), "0") != 0;
  const int scale = quick ? 1 : 4;

  /* every row count, column count 1..40 (one to three panels, partial; 24: a last panel of 8 columns), k 1..20
   * (all remainders of 4, 8, 16), then by 3 up to k_max */
  for (int kind = 0; kind < 2; kind++) {
    const size_t max_mr = kind == 0 ? s->gemm_rows : 6;
    for (size_t mr = 1; mr <= max_mr; mr++) {
      for (size_t nc = 1; nc <= 40; nc += (nc < 18 ? 1 : nc < 24 ? 6 : 7)) {
        for (size_t k = 1; k <= s->k_max; k += (k < 20 ? 1 : 3)) {
          gemm_dot_gemm_case(s, kind, mr, nc, k, (int) ((mr + k) % 5), (int) ((mr + nc + k) % 5), 0);
        }
      }
    }
    /* all zero point pairs, saturated inputs and large biases */
    for (int iz = 0; iz < 5; iz++) {
      for (int kz = 0; kz < 5; kz++) {
        gemm_dot_gemm_case(s, kind, max_mr, test_rand_range(1, 50), test_rand_range(1, 70), iz, kz, 1);
        gemm_dot_gemm_case(s, kind, test_rand_range(1, max_mr), test_rand_range(1, 50), test_rand_range(1, 70), iz, kz,
                           2);
      }
    }
    for (int i = 0; i < 100 * scale; i++) {
      const unsigned r = test_rand_range(0, 9);
      const size_t k = r == 0 ? test_rand_range(900, 1400) : r < 4 ? test_rand_range(1, 512) : test_rand_range(1, 96);
      gemm_dot_gemm_case(s, kind, test_rand_range(1, max_mr), test_rand_range(1, r == 0 ? 40 : 100), k,
                         (int) test_rand_range(0, 4), (int) test_rand_range(0, 4), 0);
    }
  }

  /* indirect convolution: kc 1..20 with 1..12 taps, padding pointers, every row count */
  for (size_t mr = 1; mr <= s->mr; mr++) {
    for (size_t kc = 1; kc <= 20; kc++) {
      gemm_dot_conv_case(s, mr, test_rand_range(1, 40), kc, test_rand_range(1, 12), (int) (kc % 5),
                         (int) ((kc + mr) % 5), 0, test_rand_range(0, 1) ? 30 : 0);
    }
  }
  /* column counts whose last panel has at most 8 columns (the half tile): 1..8, 24 (MobileNetV2's projections) */
  for (size_t mr = 1; mr <= s->mr; mr++) {
    for (size_t nc = 1; nc <= 24; nc += (nc < 8 ? 1 : 16)) {
      gemm_dot_conv_case(s, mr, nc, test_rand_range(1, 40), test_rand_range(1, 9), (int) (nc % 5),
                         (int) ((nc + mr) % 5), 0, test_rand_range(0, 1) ? 30 : 0);
    }
  }
  for (int iz = 0; iz < 5; iz++) {
    for (int kz = 0; kz < 5; kz++) {
      gemm_dot_conv_case(s, s->mr, test_rand_range(1, 40), test_rand_range(1, 40), 9, iz, kz, 1, 25);
      gemm_dot_conv_case(s, test_rand_range(1, s->mr), 32, 3, 9, iz, kz, 0, 40); /* a first layer: 3 channels */
    }
  }
  for (int i = 0; i < 60 * scale; i++) {
    gemm_dot_conv_case(s, test_rand_range(1, s->mr), test_rand_range(1, 70), test_rand_range(1, 150),
                       test_rand_range(1, 12), (int) test_rand_range(0, 4), (int) test_rand_range(0, 4), 0,
                       (unsigned) test_rand_range(0, 60));
  }
  gemm_dot_requant_edges(s);
  printf("%s: %d scalar-twin cases vs reference, %d aarch64_%s cases vs scalar\n", s->test, s->cases_scalar,
         s->cases_neon, s->isa);
  if (s->neon) CHECK(s->cases_neon == s->cases_scalar);
  return test_summary(s->test);
}
