/*
 * q8gemm 8x32c4n AVX-512 VNNI micro-kernel on Q8RT_LAYOUT_GEMM_VNNI panels (kernels/layout.h).
 * An 8-row tile against nc columns, 32 columns (two 16-column panels) per step, 16 zmm accumulators.
 * Per group of 4 k: 2 weight loads (64 bytes each), 8 A broadcasts (4 bytes) and 16 vpdpbusd (uint8 A x int8
 * w - 128, exact int32 accumulation; not the saturating vpdpbusds). The kernel zero point is corrected once per
 * row: acc starts at bias' + (128 - kernel_zero_point) * sum_k a, the row sums taken once per call (psadbw on
 * masked loads of exactly k bytes) and reused for every column step. Then QNNPACK Q31 requantization
 * (q8rt_vnni_requant: its exact 5-operation fp32 form, or the integer form).
 */
#include <stddef.h>
#include <stdint.h>

#include <immintrin.h>

#include "../layout.h"
#include "../params.h"
#include "avx512vnni-common.h"
#include "q8gemm.h"

/* The 16 accumulators of a step: rows 0..7 x columns 0-15 (x0) and 16-31 (x1). Loops over the rows have constant
 * trip counts and are fully unrolled, so after inlining the arrays live in zmm registers. */
struct q8rt_8x32c4n_acc {
  __m512i x0[8];
  __m512i x1[8];
};

/* acc = bias (vb0, vb1) + the row's zero point correction corr[m]. */
Q8RT_VNNI_INLINE void q8rt_8x32c4n_init(struct q8rt_8x32c4n_acc* acc, __m512i vb0, __m512i vb1,
                                       const int32_t* corr) {
#pragma GCC unroll 8
  for (int m = 0; m < 8; m++) {
    acc->x0[m] = _mm512_add_epi32(vb0, _mm512_set1_epi32(corr[m]));
    acc->x1[m] = _mm512_add_epi32(vb1, _mm512_set1_epi32(corr[m]));
  }
}

/* One group of 4 k: each row's 4 bytes at a[m] + kk against the weights vw0 (and vw1 with two panels). */
Q8RT_VNNI_INLINE void q8rt_8x32c4n_k4(const int npanels, struct q8rt_8x32c4n_acc* acc, const uint8_t* const* a,
                                     size_t kk, __m512i vw0, __m512i vw1) {
#pragma GCC unroll 8
  for (int m = 0; m < 8; m++) {
    const __m512i va = q8rt_vnni_bcast4(a[m] + kk);
    acc->x0[m] = q8rt_vnni_dpbusd(acc->x0[m], va, vw0);
    if (npanels == 2) acc->x1[m] = q8rt_vnni_dpbusd(acc->x1[m], va, vw1);
  }
}

/* One step: rows 0..7 (aliased past mr) x 16 * npanels columns; stores nc_step (<= 16 * npanels) columns. */
Q8RT_VNNI_INLINE void q8rt_8x32c4n_step(const int npanels, size_t k, const uint8_t* const* ar, const uint8_t* w0,
                                       const uint8_t* w1, const int32_t* corr, uint8_t* const* cr, size_t nc_step,
                                       const struct q8rt_vnni_rq* rq) {
  const __m512i vb0 = _mm512_load_si512((const void*) w0);
  const __m512i vb1 = npanels == 2 ? _mm512_load_si512((const void*) w1) : _mm512_setzero_si512();
  const uint8_t* a[8];
#pragma GCC unroll 8
  for (int m = 0; m < 8; m++) a[m] = ar[m];
  struct q8rt_8x32c4n_acc acc;
  q8rt_8x32c4n_init(&acc, vb0, vb1, corr);
  w0 += 64;
  w1 += 64;
  for (size_t kk = 0; kk < k; kk += 4) {
    const __m512i vw0 = _mm512_load_si512((const void*) w0);
    w0 += 64;
    __m512i vw1 = _mm512_setzero_si512();
    if (npanels == 2) {
      vw1 = _mm512_load_si512((const void*) w1);
      w1 += 64;
    }
    q8rt_8x32c4n_k4(npanels, &acc, a, kk, vw0, vw1);
  }
  /* Rows past mr alias the previous row (same values): store from row 7 down to row 0. */
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

void q8rt_q8gemm_ukernel_8x32c4n__avx512vnni(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const size_t k4 = (k + Q8RT_VNNI_KR - 1) / Q8RT_VNNI_KR * Q8RT_VNNI_KR;
  const size_t panel_bytes = Q8RT_VNNI_NR * sizeof(int32_t) + k4 * Q8RT_VNNI_NR;

  const uint8_t* ar[8];
  uint8_t* cr[8];
  int32_t corr[8];
  const uint32_t zp_delta = (uint32_t) (128 - (int32_t) params->kernel_zero_point);
  ar[0] = a;
  cr[0] = c;
  corr[0] = (int32_t) (zp_delta * q8rt_vnni_row_sum(a, k));
  for (size_t m = 1; m < 8; m++) {
    if (m < mr) {
      ar[m] = ar[m - 1] + a_stride;
      cr[m] = cr[m - 1] + c_stride;
      corr[m] = (int32_t) (zp_delta * q8rt_vnni_row_sum(ar[m], k));
    } else {
      ar[m] = ar[m - 1];
      cr[m] = cr[m - 1];
      corr[m] = corr[m - 1];
    }
  }
  struct q8rt_vnni_rq rq;
  q8rt_vnni_rq_init(&rq, params);

  const uint8_t* w = (const uint8_t*) packed_w;
  while (nc > 16) {
    const size_t step = nc < 32 ? nc : 32;
    q8rt_8x32c4n_step(2, k, ar, w, w + panel_bytes, corr, cr, step, &rq);
    w += 2 * panel_bytes;
    for (size_t m = 0; m < 8; m++) cr[m] += 32;
    nc -= step;
  }
  if (nc != 0) q8rt_8x32c4n_step(1, k, ar, w, w, corr, cr, nc, &rq);
}
