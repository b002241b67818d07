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

#define Q8RT_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)

/* One step: rows 0..7 (aliased past mr) x 16 * npanels columns; stores nc_step (<= 16 * npanels) columns. */
Q8RT_VNNI_INLINE void q8rt_8x32c4n_step(const int npanels, size_t k, const uint8_t* const* ar, const uint8_t* w0,
                                       const uint8_t* w1, const int32_t* corr, uint8_t* const* cr, size_t nc_step,
                                       const struct q8rt_vnni_rq* rq) {
  const __m512i vb0 = _mm512_load_si512((const void*) w0);
  const __m512i vb1 = npanels == 2 ? _mm512_load_si512((const void*) w1) : _mm512_setzero_si512();
  const uint8_t* a0 = ar[0];
  const uint8_t* a1 = ar[1];
  const uint8_t* a2 = ar[2];
  const uint8_t* a3 = ar[3];
  const uint8_t* a4 = ar[4];
  const uint8_t* a5 = ar[5];
  const uint8_t* a6 = ar[6];
  const uint8_t* a7 = ar[7];
#define Q8RT_INIT(m)                                                         \
  __m512i vacc##m##x0 = _mm512_add_epi32(vb0, _mm512_set1_epi32(corr[m])); \
  __m512i vacc##m##x1 = _mm512_add_epi32(vb1, _mm512_set1_epi32(corr[m]));
  Q8RT_ROWS(Q8RT_INIT)
#undef Q8RT_INIT
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
#define Q8RT_STEP(m)                                              \
  {                                                               \
    const __m512i va = q8rt_vnni_bcast4(a##m + kk);               \
    vacc##m##x0 = q8rt_vnni_dpbusd(vacc##m##x0, va, vw0);      \
    if (npanels == 2) vacc##m##x1 = q8rt_vnni_dpbusd(vacc##m##x1, va, vw1); \
  }
    Q8RT_ROWS(Q8RT_STEP)
#undef Q8RT_STEP
  }
  /* Rows past mr alias the previous row (same values): store from row 7 down to row 0. */
  if (npanels == 2) {
    const __mmask32 vmask = nc_step >= 32 ? (__mmask32) 0xFFFFFFFF : _cvtu32_mask32((UINT32_C(1) << nc_step) - 1);
    q8rt_vnni_store_2x32(cr[6], cr[7], vmask, vacc6x0, vacc6x1, vacc7x0, vacc7x1, rq);
    q8rt_vnni_store_2x32(cr[4], cr[5], vmask, vacc4x0, vacc4x1, vacc5x0, vacc5x1, rq);
    q8rt_vnni_store_2x32(cr[2], cr[3], vmask, vacc2x0, vacc2x1, vacc3x0, vacc3x1, rq);
    q8rt_vnni_store_2x32(cr[0], cr[1], vmask, vacc0x0, vacc0x1, vacc1x0, vacc1x1, rq);
  } else {
    const __mmask16 vmask = _cvtu32_mask16((UINT32_C(1) << nc_step) - 1);
    q8rt_vnni_store_1x16(cr[7], vmask, vacc7x0, rq);
    q8rt_vnni_store_1x16(cr[6], vmask, vacc6x0, rq);
    q8rt_vnni_store_1x16(cr[5], vmask, vacc5x0, rq);
    q8rt_vnni_store_1x16(cr[4], vmask, vacc4x0, rq);
    q8rt_vnni_store_1x16(cr[3], vmask, vacc3x0, rq);
    q8rt_vnni_store_1x16(cr[2], vmask, vacc2x0, rq);
    q8rt_vnni_store_1x16(cr[1], vmask, vacc1x0, rq);
    q8rt_vnni_store_1x16(cr[0], vmask, vacc0x0, rq);
    (void) vacc0x1; (void) vacc1x1; (void) vacc2x1; (void) vacc3x1;
    (void) vacc4x1; (void) vacc5x1; (void) vacc6x1; (void) vacc7x1;
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
