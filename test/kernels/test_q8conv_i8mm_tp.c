/* q8conv 4x16c8tp (tap pairs on i8mm, kc <= 4) on Q8RT_LAYOUT_GEMM_I8MM_TAP_PAIRS (kernels/layout.h, packed by
 * q8rt_pack_gemm_16x8_i8mm_tp): the scalar twin against a plain reference (sum((x - x_zp)(w - w_zp)) + bias over
 * every tap, wrapped to int32, q8rt_requantize_q31) everywhere, and on aarch64 CPUs with i8mm and the dot product
 * (the neoni8mm table is selectable) the aarch64_neoni8mm kernel against the twin, byte for byte over whole output
 * buffers (guard bytes included); elsewhere the NEON checks are skipped with a message.
 * Cases: kc 1..4, ks 1..20 (odd, even, 1; 9 and 10 are the kernel's gathered-once body), mr 1..16 (4-pixel tiles
 * and a partial last one; pointers of pixels mr..15 repeat pixel mr - 1's, as the planner's), nc 1..40 (partial
 * panels, last panels of at most 8 columns), padding pointers (the zero buffer of input zero points), zero points
 * 0 / 1 / 128 / 255 and random, saturated inputs, QNNPACK / TFLite / TFLite single-rounding parameters, every
 * requantization mode (shift 0, shift >= 1, single rounding) with every output stage (plain, zero point, clamp),
 * requantization edges (rounding ties, INT32_MIN / INT32_MAX). The kernel reads exactly 4 bytes
 * per pointer: the input pixels (kc bytes apart, as an NHWC row) end 4 - kc bytes before a PROT_NONE page and the
 * zero buffer is the 4 bytes before another one, so a read past them faults.
 * Q8RT_TEST_QUICK=1: fewer random cases (qemu-user). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/mman.h>
#include <unistd.h>

#include "../../kernels/layout.h"
#include "../../kernels/params.h"
#include "../../kernels/q8conv/q8conv.h"
#include "../../src/pack/packers.h"
#include "../../src/runtime/isa.h"
#include "gemm_dot_cases.h"

#if defined(__aarch64__)
#define HAVE_I8MM_KERNELS 1
#else
#define HAVE_I8MM_KERNELS 0
#endif

#define MR Q8RT_Q8CONV_I8MMTP_MR
#define MAX_KS 20

/* The kernel runs where dispatch can select the neoni8mm table (as test_q8gemm_i8mm). */
static bool has_i8mm(void) {
  const struct q8rt_kernels* k = NULL;
  return HAVE_I8MM_KERNELS && q8rt_kernels_select(Q8RT_ISA_NEONI8MM, &k) == Q8RT_OK && k != NULL;
}

static bool g_neon;
static int g_cases_scalar, g_cases_neon;
static int g_stage_mode[3][3]; /* NEON (or scalar) cases per requantization mode x output stage */

/* A page-aligned block of one readable page followed by a PROT_NONE page: the readable page's end is guarded. */
struct guarded {
  uint8_t* base;
  size_t page;
};

static bool guarded_init(struct guarded* g) {
  g->page = (size_t) sysconf(_SC_PAGESIZE);
  void* p = NULL;
  if (posix_memalign(&p, g->page, 2 * g->page) != 0) return false;
  g->base = p;
  return mprotect(g->base + g->page, g->page, PROT_NONE) == 0;
}

static void guarded_free(struct guarded* g) {
  CHECK(mprotect(g->base + g->page, g->page, PROT_READ | PROT_WRITE) == 0);
  free(g->base);
}

/* The last n bytes before the guard page. */
static uint8_t* guarded_tail(const struct guarded* g, size_t n) { return g->base + g->page - n; }

static struct guarded g_pixels, g_zero;

/* The requantization mode and output stage a NEON kernel picks for params (kernels/requantize-neon.h). */
static int mode_of(const struct q8rt_conv_params* p) { return p->shift == 0 ? 1 : p->single_rounding ? 2 : 0; }
static int stage_of(const struct q8rt_conv_params* p) {
  if (p->output_min != 0 || p->output_max != 255) return 2;
  return p->output_zero_point == 0 ? 0 : 1;
}

/* stage: -1 as gemm_dot_random_params draws it, 0 plain (zero point 0, full range), 1 zero point, 2 clamp.
 * mode 1: saturated inputs and alternating 0 / 255 weights. */
static void conv_case(size_t mr, size_t nc, size_t kc, size_t ks, int izp_mode, int kzp_mode, int mode,
                      unsigned pad_pct, int stage) {
  const uint8_t izp = gemm_dot_pick_zp(izp_mode), kzp = gemm_dot_pick_zp(kzp_mode);
  const size_t npix = test_rand_range(1, (unsigned) (MR * ks));
  /* npix pixels of kc bytes, the last one read up to its 4th byte, which is the page's last */
  uint8_t* pixels = guarded_tail(&g_pixels, npix * kc + (Q8RT_I8MMTP_TAP_K - kc));
  for (size_t i = 0; i < npix * kc + (Q8RT_I8MMTP_TAP_K - kc); i++) {
    pixels[i] = mode == 1 ? 255 : (uint8_t) test_rand_u32();
  }
  uint8_t* zero = guarded_tail(&g_zero, Q8RT_I8MMTP_TAP_K);
  memset(zero, izp, Q8RT_I8MMTP_TAP_K);
  const uint8_t* ind[MAX_KS * MR];
  for (size_t t = 0; t < ks; t++) {
    for (size_t m = 0; m < MR; m++) {
      const size_t pix = test_rand_range(0, (unsigned) npix - 1);
      const uint8_t* p = test_rand_range(0, 99) < pad_pct ? zero : pixels + pix * kc;
      ind[t * MR + m] = m < mr ? p : ind[t * MR + mr - 1];
    }
  }
  /* one real pointer at the last pixel */
  ind[test_rand_range(0, (unsigned) ks - 1) * MR + test_rand_range(0, (unsigned) mr - 1)] = pixels + (npix - 1) * kc;
  for (size_t t = 0; t < ks; t++) {
    for (size_t m = mr; m < MR; m++) ind[t * MR + m] = ind[t * MR + mr - 1];
  }

  uint8_t* w = malloc(nc * ks * kc);
  for (size_t i = 0; i < nc * ks * kc; i++) w[i] = mode == 1 ? ((i & 1) ? 0 : 255) : (uint8_t) test_rand_u32();
  int32_t* bias = malloc(nc * sizeof(int32_t));
  for (size_t n = 0; n < nc; n++) bias[n] = (int32_t) test_rand_range(0, 200000) - 100000;
  const struct q8rt_pack_src src = {
    .n = nc, .kc = kc, .ks = ks, .input_zero_point = izp, .kernel_zero_point = kzp, .w = w, .bias = bias,
  };
  if (!q8rt_pack_bias_fits(&src)) { /* folded bias overflow: not a valid model */
    free(w);
    free(bias);
    return;
  }
  const size_t size = q8rt_packed_size_gemm_16x8_i8mm_tp(&src);
  CHECK(size == (nc + 15) / 16 * q8rt_i8mm_tp_panel_bytes(ks) && size % 64 == 0);
  void* packed = NULL;
  CHECK(posix_memalign(&packed, 64, size) == 0);
  memset(packed, 0xCC, size);
  q8rt_pack_gemm_16x8_i8mm_tp(&src, packed);

  int32_t acc[MR * 40];
  const int64_t maxabs = gemm_dot_conv_reference(mr, nc, kc, ks, ind, MR, izp, kzp, w, bias, acc);
  struct q8rt_conv_params params;
  CHECK(gemm_dot_random_params(maxabs, kzp, &params));
  if (stage == 0) {
    params.output_zero_point = 0;
    params.output_min = 0;
    params.output_max = 255;
  } else if (stage == 1) {
    params.output_zero_point = (uint8_t) test_rand_range(1, 255);
    params.output_min = 0;
    params.output_max = 255;
  } else if (stage == 2) {
    params.output_min = (uint8_t) test_rand_range(0, 100);
    params.output_max = (uint8_t) test_rand_range(150, params.output_min == 0 ? 254 : 255);
  }
  const size_t c_stride = nc + test_rand_range(0, 1) * test_rand_range(1, 9);
  const size_t c_size = (MR + 1) * c_stride + 64;
  uint8_t* c_ref = malloc(c_size);
  uint8_t* c_scalar = malloc(c_size);
  uint8_t* c_neon = malloc(c_size);
  memset(c_ref, 0xA5, c_size);
  for (size_t m = 0; m < mr; m++) {
    for (size_t n = 0; n < nc; n++) c_ref[m * c_stride + n] = q8rt_requantize_q31(acc[m * nc + n], &params);
  }
  memset(c_scalar, 0xA5, c_size);
  q8rt_q8conv_ukernel_4x16c8tp__scalar(mr, nc, kc, ks, ind, packed, c_scalar, c_stride, &params);
  CHECKF(memcmp(c_ref, c_scalar, c_size) == 0,
         "4x16c8tp scalar vs reference: mr=%zu nc=%zu kc=%zu ks=%zu izp=%u kzp=%u", mr, nc, kc, ks, izp, kzp);
  g_cases_scalar++;
  g_stage_mode[mode_of(&params)][stage_of(&params)]++;
#if HAVE_I8MM_KERNELS
  if (g_neon) {
    memset(c_neon, 0xA5, c_size);
    q8rt_q8conv_ukernel_4x16c8tp__aarch64_neoni8mm(mr, nc, kc, ks, ind, packed, c_neon, c_stride, &params);
    CHECKF(memcmp(c_scalar, c_neon, c_size) == 0,
           "4x16c8tp neoni8mm vs scalar: mr=%zu nc=%zu kc=%zu ks=%zu izp=%u kzp=%u mode=%d requant=%d stage=%d", mr, nc,
           kc, ks, izp, kzp, mode, mode_of(&params), stage_of(&params));
    g_cases_neon++;
  }
#endif
  free(w);
  free(bias);
  free(packed);
  free(c_ref);
  free(c_scalar);
  free(c_neon);
}

/* Requantization edges: weights equal to the kernel zero point and izp = 0 make every accumulator its column's bias,
 * which sets it exactly: rounding ties and INT32_MIN / INT32_MAX for shifts 0, 1, 7, 16, 30, 31, two multipliers
 * (the second with TFLITE_SINGLE_ROUNDING), each output stage, 2 full panels and a last panel of 8 columns. */
static void requant_edges(void) {
  static const uint32_t shifts[] = {0, 1, 7, 16, 30, 31};
  const size_t kc = 3, ks = 9;
  for (size_t nc = 40; nc <= 48; nc += 8) {
    for (size_t si = 0; si < sizeof shifts / sizeof shifts[0]; si++) {
      for (int mi = 0; mi < 2; mi++) {
        for (int stage = 0; stage < 3; stage++) {
          const uint32_t shift = shifts[si];
          const int64_t half = shift == 0 ? 0 : INT64_C(1) << (shift - 1);
          int32_t bias[48];
          for (size_t n = 0; n < nc; n++) {
            const int64_t sign = (n & 1) ? -1 : 1;
            const int64_t t = (n / 2) % 4 == 0   ? half
                              : (n / 2) % 4 == 1 ? half - 1
                                                 : (int64_t) (test_rand_u32() & 0x3FFFFFFF);
            bias[n] = (int32_t) (2 * sign * t);
          }
          bias[nc - 8] = INT32_MIN;
          bias[nc - 7] = INT32_MAX;
          bias[nc - 6] = -1;
          bias[nc - 5] = 1;
          const uint8_t kzp = (uint8_t) test_rand_range(0, 255);
          uint8_t w[48 * 9 * 3];
          memset(w, kzp, sizeof w);
          const struct q8rt_pack_src src = {
            .n = nc, .kc = kc, .ks = ks, .input_zero_point = 0, .kernel_zero_point = kzp, .w = w, .bias = bias,
          };
          void* packed = NULL;
          CHECK(posix_memalign(&packed, 64, q8rt_packed_size_gemm_16x8_i8mm_tp(&src)) == 0);
          q8rt_pack_gemm_16x8_i8mm_tp(&src, packed);
          uint8_t* pixels = guarded_tail(&g_pixels, MR * 9 * kc + 1);
          for (size_t i = 0; i < MR * 9 * kc + 1; i++) pixels[i] = (uint8_t) test_rand_u32();
          const uint8_t* ind[9 * MR];
          for (size_t i = 0; i < 9 * MR; i++) ind[i] = pixels + i * kc;
          struct q8rt_conv_params params;
          const uint8_t ozp = stage == 0 ? 0 : 128;
          const uint8_t omin = stage == 2 ? 10 : 0, omax = stage == 2 ? 240 : 255;
          CHECK(q8rt_conv_params_init(&params, 0.5f, 1.0f, 1.0f, kzp, ozp, omin, omax));
          params.multiplier = mi == 0 ? INT32_C(0x40000000) : INT32_MAX;
          params.shift = shift;
          params.remainder_mask = (int32_t) ((UINT32_C(1) << shift) - 1);
          params.remainder_threshold = (int32_t) ((uint32_t) params.remainder_mask >> 1);
          params.single_rounding = (uint8_t) (mi == 1 && shift != 0);
          uint8_t want[MR * 48], got[MR * 48];
          for (size_t m = 0; m < MR; m++) {
            for (size_t n = 0; n < nc; n++) want[m * nc + n] = q8rt_requantize_q31(bias[n], &params);
          }
          memset(got, 0xA5, sizeof got);
          q8rt_q8conv_ukernel_4x16c8tp__scalar(MR, nc, kc, ks, ind, packed, got, nc, &params);
          CHECKF(memcmp(want, got, MR * nc) == 0, "requant edges, 4x16c8tp scalar: shift %u stage %d", shift, stage);
          g_stage_mode[mode_of(&params)][stage_of(&params)]++;
#if HAVE_I8MM_KERNELS
          if (g_neon) {
            memset(got, 0xA5, sizeof got);
            q8rt_q8conv_ukernel_4x16c8tp__aarch64_neoni8mm(MR, nc, kc, ks, ind, packed, got, nc, &params);
            CHECKF(memcmp(want, got, MR * nc) == 0, "requant edges, 4x16c8tp neoni8mm: shift %u stage %d", shift,
                   stage);
          }
#endif
          free(packed);
        }
      }
    }
  }
}

int main(void) {
  test_rng_seed(0x7A9C8);
  const bool quick = getenv("Q8RT_TEST_QUICK") != NULL && strcmp(getenv("Q8RT_TEST_QUICK"), "0") != 0;
  g_neon = has_i8mm();
  if (!g_neon) {
    printf("test_q8conv_i8mm_tp: no i8mm (or no dot product) on this CPU/build, skipping the aarch64_neoni8mm kernel "
           "checks (scalar twin only)\n");
  }
  CHECK(guarded_init(&g_pixels) && guarded_init(&g_zero));

  /* every mr, kc and ks (1..20), column counts cycling through 1..17, 24, 31..33, 40 */
  static const size_t ncs[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 24, 31, 32, 33, 40};
  const size_t n_ncs = sizeof ncs / sizeof ncs[0];
  size_t i = 0;
  for (size_t mr = 1; mr <= MR; mr++) {
    for (size_t kc = 1; kc <= Q8RT_Q8CONV_TP_MAX_KC; kc++) {
      for (size_t ks = 1; ks <= MAX_KS; ks++, i++) {
        conv_case(mr, ncs[i % n_ncs], kc, ks, (int) ((mr + ks) % 5), (int) ((kc + ks) % 5), 0,
                  test_rand_range(0, 1) ? 30 : 0, (int) (i % 4) - 1);
      }
    }
  }
  /* a first layer (kc 3, 3x3) at every column count, and 10 taps, every output stage */
  for (size_t nc = 1; nc <= 40; nc++) {
    for (int stage = 0; stage < 3; stage++) {
      conv_case(test_rand_range(1, MR), nc, 3, nc % 4 == 0 ? 10 : 9, (int) (nc % 5), (int) ((nc + 2) % 5), 0,
                test_rand_range(0, 40), stage);
    }
  }
  /* all zero point pairs, saturated inputs */
  for (int iz = 0; iz < 5; iz++) {
    for (int kz = 0; kz < 5; kz++) {
      conv_case(MR, test_rand_range(1, 40), test_rand_range(1, 4), test_rand_range(1, MAX_KS), iz, kz, 1, 25, -1);
      conv_case(test_rand_range(1, MR), 32, 3, 9, iz, kz, 0, 40, (iz + kz) % 3);
    }
  }
  for (int r = 0; r < (quick ? 150 : 600); r++) {
    conv_case(test_rand_range(1, MR), test_rand_range(1, 40), test_rand_range(1, 4), test_rand_range(1, MAX_KS),
              (int) test_rand_range(0, 4), (int) test_rand_range(0, 4), 0, test_rand_range(0, 60),
              (int) test_rand_range(0, 3) - 1);
  }
  requant_edges();
  for (int m = 0; m < 3; m++) {
    for (int s = 0; s < 3; s++) {
      CHECKF(g_stage_mode[m][s] > 0, "requantization mode %d, output stage %d untested", m, s);
    }
  }
  guarded_free(&g_pixels);
  guarded_free(&g_zero);
  printf("test_q8conv_i8mm_tp: %d scalar-twin cases vs reference, %d aarch64_neoni8mm cases vs scalar\n",
         g_cases_scalar, g_cases_neon);
  if (g_neon) CHECK(g_cases_neon == g_cases_scalar);
  return test_summary("test_q8conv_i8mm_tp");
}
