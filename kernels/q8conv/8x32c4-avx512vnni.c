/*
 * q8conv 8x32c4 AVX-512 VNNI micro-kernel (indirect convolution) on Q8RT_LAYOUT_GEMM_VNNI panels (kernels/layout.h).
 * 8 output pixels x 32 columns (two 16-column panels) per step, 16 zmm accumulators. Per tap and group of 4 input
 * channels: 2 weight loads, 8 A broadcasts (4 bytes from each pixel's pointer) and 16 vpdpbusd (exact). The
 * per-pixel input sums of the kernel zero point correction are accumulated in the first column step with one more
 * vpdpbusd per pixel against a vector of ones (zero in the byte lanes past kc, so bytes read past kc count neither
 * in the products, whose weights are 0, nor in the sums); padding taps read the zero buffer (the input zero
 * point) and count like any input, as the folded bias expects. Then QNNPACK Q31 requantization
 * (q8rt_vnni_requant: its exact 5-operation fp32 form, or the integer form).
 */
#include <stddef.h>
#include <stdint.h>

#include <immintrin.h>

#include "../layout.h"
#include "../params.h"
#include "../q8gemm/avx512vnni-common.h"
#include "q8conv.h"

/* The accumulators of a step: pixels 0..7 x columns 0-15 (x0) and 16-31 (x1), and the pixels' input sums (sum: all
 * lanes equal). Loops over the pixels have constant trip counts and are fully unrolled, so after inlining the
 * arrays live in zmm registers. */
struct q8rt_conv8x32_acc {
  __m512i x0[8];
  __m512i x1[8];
  __m512i sum[8];
};

Q8RT_VNNI_INLINE void q8rt_conv8x32_init(struct q8rt_conv8x32_acc* acc, __m512i vb0, __m512i vb1) {
#pragma GCC unroll 8
  for (int m = 0; m < 8; m++) {
    acc->x0[m] = vb0;
    acc->x1[m] = vb1;
    acc->sum[m] = _mm512_setzero_si512();
  }
}

/* One group of 4 input channels: each pixel's 4 bytes at a[m] + k against the weights vw0 (and vw1 with two
 * panels), and (with_sum) against vo into the pixel's input sum. */
Q8RT_VNNI_INLINE void q8rt_conv8x32_k4(const int npanels, const int with_sum, struct q8rt_conv8x32_acc* acc,
                                      const uint8_t* const* a, size_t k, __m512i vw0, __m512i vw1, __m512i vo) {
#pragma GCC unroll 8
  for (int m = 0; m < 8; m++) {
    const __m512i va = q8rt_vnni_bcast4(a[m] + k);
    acc->x0[m] = q8rt_vnni_dpbusd(acc->x0[m], va, vw0);
    if (npanels == 2) acc->x1[m] = q8rt_vnni_dpbusd(acc->x1[m], va, vw1);
    if (with_sum) acc->sum[m] = q8rt_vnni_dpbusd(acc->sum[m], va, vo);
  }
}

/* Adds (128 - kernel_zero_point) * input sum to each pixel's accumulators: computed from the sums (with_sum, and
 * kept in corr for the later column steps) or taken from corr. */
Q8RT_VNNI_INLINE void q8rt_conv8x32_correct(const int with_sum, struct q8rt_conv8x32_acc* acc, int32_t* corr,
                                           __m512i vdelta) {
#pragma GCC unroll 8
  for (int m = 0; m < 8; m++) {
    const __m512i vcorr = with_sum ? _mm512_mullo_epi32(acc->sum[m], vdelta) : _mm512_set1_epi32(corr[m]);
    if (with_sum) corr[m] = _mm_cvtsi128_si32(_mm512_castsi512_si128(vcorr));
    acc->x0[m] = _mm512_add_epi32(acc->x0[m], vcorr);
    acc->x1[m] = _mm512_add_epi32(acc->x1[m], vcorr);
  }
}

Q8RT_VNNI_INLINE void q8rt_conv8x32_step(const int npanels, const int with_sum, size_t kc, size_t ks,
                                        const uint8_t* const* a, const uint8_t* w0, const uint8_t* w1, int32_t* corr,
                                        uint8_t* const* cr, size_t nc_step, const struct q8rt_vnni_rq* rq,
                                        __m512i vdelta) {
  const __m512i vb0 = _mm512_load_si512((const void*) w0);
  const __m512i vb1 = npanels == 2 ? _mm512_load_si512((const void*) w1) : _mm512_setzero_si512();
  struct q8rt_conv8x32_acc acc;
  q8rt_conv8x32_init(&acc, vb0, vb1);
  w0 += 64;
  w1 += 64;
  const __m512i vones = _mm512_set1_epi8(1);
  const __m512i vones_last =
      _mm512_set1_epi32((int32_t) (kc % 4 == 0 ? UINT32_C(0x01010101) : UINT32_C(0x01010101) >> (8 * (4 - kc % 4))));
  for (size_t t = 0; t < ks; t++) {
    const uint8_t* at[8];
#pragma GCC unroll 8
    for (int m = 0; m < 8; m++) at[m] = a[m];
    a += 8;
    for (size_t k = 0; k < kc; k += 4) {
      const __m512i vw0 = _mm512_load_si512((const void*) w0);
      w0 += 64;
      __m512i vw1 = _mm512_setzero_si512();
      if (npanels == 2) {
        vw1 = _mm512_load_si512((const void*) w1);
        w1 += 64;
      }
      const __m512i vo = k + 4 <= kc ? vones : vones_last;
      q8rt_conv8x32_k4(npanels, with_sum, &acc, at, k, vw0, vw1, vo);
    }
  }
  q8rt_conv8x32_correct(with_sum, &acc, corr, vdelta);
  /* Pixels past mr alias the previous pixel's output row (same values): store from row 7 down to row 0. */
  if (npanels == 2) {
    const __mmask32 vmask = nc_step >= 32 ? (__mmask32) 0xFFFFFFFF : _cvtu32_mask32((UINT32_C(1) << nc_step) - 1);
#pragma GCC unroll 4
    for (int m = 6; m >= 0; m -= 2) {
      q8rt_vnni_store_2x32(cr[m], cr[m + 1], vmask, acc.x0[m], acc.x1[m], acc.x0[m + 1], acc.x1[m + 1], rq);
    }
  } else {
    const __mmask16 vmask = _cvtu32_mask16((UINT32_C(1) << nc_step) - 1);
#pragma GCC unroll 8
    for (int m = 7; m >= 0; m--) q8rt_vnni_store_1x16(cr[m], vmask, acc.x0[m], rq);
  }
}

void q8rt_q8conv_ukernel_8x32c4__avx512vnni(size_t mr, size_t nc, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const size_t kc4 = (kc + Q8RT_VNNI_KR - 1) / Q8RT_VNNI_KR * Q8RT_VNNI_KR;
  const size_t panel_bytes = Q8RT_VNNI_NR * sizeof(int32_t) + ks * kc4 * Q8RT_VNNI_NR;
  uint8_t* cr[8];
  cr[0] = c;
  for (size_t m = 1; m < 8; m++) cr[m] = m < mr ? cr[m - 1] + c_stride : cr[m - 1];
  int32_t corr[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  struct q8rt_vnni_rq rq;
  q8rt_vnni_rq_init(&rq, params);
  const __m512i vdelta = _mm512_set1_epi32(128 - (int32_t) params->kernel_zero_point);

  const uint8_t* w = (const uint8_t*) packed_w;
  int first = 1;
  while (nc != 0) {
    const size_t step = nc < 32 ? nc : 32;
    if (step > 16) {
      if (first) {
        q8rt_conv8x32_step(2, 1, kc, ks, a, w, w + panel_bytes, corr, cr, step, &rq, vdelta);
      } else {
        q8rt_conv8x32_step(2, 0, kc, ks, a, w, w + panel_bytes, corr, cr, step, &rq, vdelta);
      }
    } else if (first) {
      q8rt_conv8x32_step(1, 1, kc, ks, a, w, w, corr, cr, step, &rq, vdelta);
    } else {
      q8rt_conv8x32_step(1, 0, kc, ks, a, w, w, corr, cr, step, &rq, vdelta);
    }
    first = 0;
    w += 2 * panel_bytes;
    for (size_t m = 0; m < 8; m++) cr[m] += 32;
    nc -= step;
  }
}
