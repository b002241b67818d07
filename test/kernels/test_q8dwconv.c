/* q8dwconv: up16x9 scalar vs a naive reference on unpacked weights; SSE4.1 and AVX2 up16x9 vs scalar; on the
 * Q8RT_LAYOUT_DWCONV_VNNI repack (src/pack/pack_dw_vnni.h) the up64x9 scalar twin vs the up16x9 scalar, and the
 * AVX-512 VNNI up64x9 vs its scalar twin (bit-exact). Channel counts around the 16-channel tiles, the 64-channel
 * blocks and the output stage's 4-tile groups; kernel zero points 0 (no blocks), 1 and 255 (correction +-127). */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../common/kernel_ref.h"
#include "../common/test.h"
#include "../common/tflite_params.h"
#include "../../kernels/layout.h"
#include "../../kernels/params.h"
#include "../../kernels/q8dwconv/q8dwconv.h"
#include "../../src/pack/pack.h"
#include "../../src/pack/pack_dw_vnni.h"
#include "../../src/quant/qparams.h"


/* Extreme cases: biases near the int32 limits and scales at the ends of the range (shift 0 and 31). */
static bool g_extreme = false;

#if defined(__x86_64__) || defined(__i386__)
static bool g_vnni = false; /* AVX-512 VNNI kernel checked too */
#endif
static bool g_avx2 = false; /* AVX2 kernel checked too */

static void run_case(size_t channels, size_t output_width, size_t input_stride, bool sse41) {
  const uint8_t izp = (uint8_t) test_rand_range(0, 255);
  static const uint8_t edge_kzp[3] = {0, 1, 255};
  const uint8_t kzp = test_rand_range(0, 5) == 0 ? edge_kzp[test_rand_range(0, 2)] : (uint8_t) test_rand_range(0, 255);
  const size_t output_increment = test_rand_range(0, 1) * test_rand_range(1, 7);

  const size_t npix = test_rand_range(1, 16);
  const size_t in_size = npix * channels + Q8RT_EXTRA_BYTES;
  uint8_t* in = malloc(in_size);
  for (size_t i = 0; i < in_size; i++) in[i] = (uint8_t) test_rand_u32();
  uint8_t* zb = malloc(channels + Q8RT_EXTRA_BYTES);
  memset(zb, izp, channels + Q8RT_EXTRA_BYTES);

  const size_t nptr = (output_width - 1) * input_stride + 9;
  const uint8_t** ind = malloc(nptr * sizeof(uint8_t*));
  for (size_t i = 0; i < nptr; i++) {
    ind[i] = test_rand_range(0, 4) == 0 ? zb : in + test_rand_range(0, (unsigned) npix - 1) * channels;
  }

  uint8_t* w = malloc(channels * 9); /* [c][ky][kx] */
  for (size_t i = 0; i < channels * 9; i++) w[i] = (uint8_t) test_rand_u32();
  int32_t* bias = malloc(channels * sizeof(int32_t));
  for (size_t c = 0; c < channels; c++) bias[c] = (int32_t) test_rand_range(0, 100000) - 50000;
  if (g_extreme) {
    for (size_t c = 0; c < channels; c++) {
      const int32_t big = INT32_MAX - (1 << 20) - (int32_t) test_rand_range(0, 1000);
      if (test_rand_range(0, 2) != 0) bias[c] = test_rand_range(0, 1) ? big : -big;
    }
  }
  void* packed = NULL; /* the SSE4.1 kernel needs 16-byte aligned packed weights */
  CHECK(posix_memalign(&packed, 64, q8rt_pack_dw_size(channels)) == 0);
  CHECK(q8rt_pack_dw(channels, izp, kzp, w, bias, packed));

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
  if (g_extreme) {
    const unsigned pick = test_rand_range(0, 3);
    scale = pick == 0 ? 0.5f : pick == 1 ? 0.99999994f : pick == 2 ? exp2f(-32.0f) : exp2f(-31.0f) * 1.5f;
  } else if (test_rand_range(0, 2) != 0) {
    scale = (float) (test_rand_uniform(20.0f, 400.0f) / (double) maxabs);
    if (scale >= 0.99f) scale = 0.99f;
  } else {
    scale = exp2f(-test_rand_uniform(0.0f, 20.0f)) * 0.99f;
  }
  struct q8rt_conv_params params;
  CHECK(test_conv_params(&params, scale, kzp, (uint8_t) test_rand_range(0, 255),
                              (uint8_t) test_rand_range(0, 60), (uint8_t) test_rand_range(190, 255)));

  const size_t out_size = output_width * (channels + output_increment) + 16;
  uint8_t* o_scalar = malloc(out_size);
  uint8_t* o_sse = malloc(out_size);
  memset(o_scalar, 0xA5, out_size);
  memset(o_sse, 0xA5, out_size);
  q8rt_q8dwconv_ukernel_up16x9__scalar(channels, output_width, ind, input_stride, packed, o_scalar,
                                      output_increment, &params);
  bool ok = true;
  for (size_t i = 0; i < out_size; i++) {
    const size_t x = i / (channels + output_increment), c = i % (channels + output_increment);
    const uint8_t want = (x < output_width && c < channels) ? ref_requantize(acc[x * channels + c], &params) : 0xA5;
    if (o_scalar[i] != want) ok = false;
  }
  CHECKF(ok, "scalar vs reference: channels=%zu width=%zu stride=%zu", channels, output_width, input_stride);
#if HAVE_X86
  if (sse41) {
    q8rt_q8dwconv_ukernel_up16x9__sse41(channels, output_width, ind, input_stride, packed, o_sse,
                                       output_increment, &params);
    CHECKF(memcmp(o_scalar, o_sse, out_size) == 0, "sse41 vs scalar: channels=%zu width=%zu stride=%zu inc=%zu",
           channels, output_width, input_stride, output_increment);
  }
  if (g_avx2) {
    uint8_t* o_avx2 = malloc(out_size);
    memset(o_avx2, 0xA5, out_size);
    q8rt_q8dwconv_ukernel_up16x9__avx2(channels, output_width, ind, input_stride, packed, o_avx2, output_increment,
                                      &params);
    CHECKF(memcmp(o_scalar, o_avx2, out_size) == 0, "avx2 vs scalar: channels=%zu width=%zu stride=%zu inc=%zu",
           channels, output_width, input_stride, output_increment);
    free(o_avx2);
  }
#else
  (void) sse41;
#endif
  /* Q8RT_LAYOUT_DWCONV_VNNI: the up64x9 scalar twin equals up16x9 (the same sums), the AVX-512 kernel its twin */
  const size_t vbytes = q8rt_dw_vnni_packed_bytes(channels, kzp);
  void* vpacked = NULL;
  CHECK(posix_memalign(&vpacked, 64, vbytes) == 0);
  memset(vpacked, 0xCC, vbytes);
  q8rt_repack_dw_vnni(channels, kzp, packed, vpacked);
  uint8_t* o_twin = malloc(out_size);
  memset(o_twin, 0xA5, out_size);
  q8rt_q8dwconv_ukernel_up64x9__scalar(channels, output_width, ind, input_stride, vpacked, o_twin, output_increment,
                                       &params);
  CHECKF(memcmp(o_scalar, o_twin, out_size) == 0, "up64x9 scalar vs up16x9 scalar: channels=%zu width=%zu kzp=%u",
         channels, output_width, kzp);
#if HAVE_X86
  if (g_vnni) {
    uint8_t* o_vnni = malloc(out_size);
    memset(o_vnni, 0xA5, out_size);
    const struct q8rt_conv_params vparams = vnni_plan_params(&params, test_rand_u32());
    q8rt_q8dwconv_ukernel_up64x9__avx512vnni(channels, output_width, ind, input_stride, vpacked, o_vnni,
                                             output_increment, &vparams);
    CHECKF(memcmp(o_twin, o_vnni, out_size) == 0,
           "up64x9 avx512vnni vs scalar: channels=%zu width=%zu stride=%zu inc=%zu kzp=%u", channels, output_width,
           input_stride, output_increment, kzp);
    free(o_vnni);
  }
#endif
  free(vpacked);
  free(o_twin);
  free(in);
  free(zb);
  free(ind);
  free(w);
  free(bias);
  free(packed);
  free(acc);
  free(o_scalar);
  free(o_sse);
}

int main(void) {
  test_rng_seed(0xD3);
#if HAVE_X86
  g_vnni = cpuinfo_initialize() && cpuinfo_has_x86_avx512f() && cpuinfo_has_x86_avx512bw() &&
           cpuinfo_has_x86_avx512vl() && cpuinfo_has_x86_avx512vnni() && cpuinfo_has_x86_avx512vbmi();
  if (!g_vnni) printf("test_q8dwconv: AVX-512 BW/VL/VNNI/VBMI not available, skipping the AVX-512 VNNI kernel checks\n");
#endif
  const bool sse41 = has_sse41();
  if (!sse41) printf("test_q8dwconv: SSE4.1 not available, skipping SSE4.1 kernel checks\n");
  g_avx2 = has_avx2();
  if (!g_avx2) printf("test_q8dwconv: AVX2 + FMA not available, skipping AVX2 kernel checks\n");
  for (size_t channels = 1; channels <= 40; channels++) {
    for (size_t width = 1; width <= 5; width++) {
      run_case(channels, width, 3, sse41);
      run_case(channels, width, 6, sse41);
    }
  }
  /* around the 64-channel blocks and the 64- / 32- / 16-channel groups of the AVX-512 kernel's tile output stage */
  static const size_t block_edges[] = {47, 48, 49, 63, 64, 65, 79, 80, 81, 95, 96, 97, 111, 112, 113, 127, 128,
                                       129, 143, 144, 145, 191, 192, 193};
  for (size_t i = 0; i < sizeof block_edges / sizeof block_edges[0]; i++) {
    run_case(block_edges[i], 3, 3, sse41);
  }
  for (int i = 0; i < 300; i++) {
    run_case(test_rand_range(1, 200), test_rand_range(1, 20), test_rand_range(0, 1) ? 3 : 6, sse41);
  }
  g_extreme = true;
  for (int i = 0; i < 300; i++) {
    run_case(test_rand_range(1, 140), test_rand_range(1, 6), test_rand_range(0, 1) ? 3 : 6, sse41);
  }
  return test_summary("test_q8dwconv");
}
