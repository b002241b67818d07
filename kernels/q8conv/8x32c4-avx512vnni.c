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

#define Q8RT_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)

Q8RT_VNNI_INLINE void q8rt_conv8x32_step(const int npanels, const int with_sum, size_t kc, size_t ks,
                                        const uint8_t* const* a, const uint8_t* w0, const uint8_t* w1, int32_t* corr,
                                        uint8_t* const* cr, size_t nc_step, const struct q8rt_vnni_rq* rq,
                                        __m512i vdelta) {
  const __m512i vb0 = _mm512_load_si512((const void*) w0);
  const __m512i vb1 = npanels == 2 ? _mm512_load_si512((const void*) w1) : _mm512_setzero_si512();
#define Q8RT_INIT(m)          \
  __m512i vacc##m##x0 = vb0; \
  __m512i vacc##m##x1 = vb1; \
  __m512i vsum##m = _mm512_setzero_si512();
  Q8RT_ROWS(Q8RT_INIT)
#undef Q8RT_INIT
  w0 += 64;
  w1 += 64;
  const __m512i vones = _mm512_set1_epi8(1);
  const __m512i vones_last =
      _mm512_set1_epi32((int32_t) (kc % 4 == 0 ? UINT32_C(0x01010101) : UINT32_C(0x01010101) >> (8 * (4 - kc % 4))));
  for (size_t t = 0; t < ks; t++) {
    const uint8_t* a0 = a[0];
    const uint8_t* a1 = a[1];
    const uint8_t* a2 = a[2];
    const uint8_t* a3 = a[3];
    const uint8_t* a4 = a[4];
    const uint8_t* a5 = a[5];
    const uint8_t* a6 = a[6];
    const uint8_t* a7 = a[7];
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
#define Q8RT_STEP(m)                                                                   \
  {                                                                                    \
    const __m512i va = q8rt_vnni_bcast4(a##m + k);                                     \
    vacc##m##x0 = q8rt_vnni_dpbusd(vacc##m##x0, va, vw0);                              \
    if (npanels == 2) vacc##m##x1 = q8rt_vnni_dpbusd(vacc##m##x1, va, vw1);            \
    if (with_sum) vsum##m = q8rt_vnni_dpbusd(vsum##m, va, vo);                         \
  }
      Q8RT_ROWS(Q8RT_STEP)
#undef Q8RT_STEP
    }
  }
  /* (128 - kernel_zero_point) * input sum, once per pixel (all lanes of vsum are equal) */
#define Q8RT_CORR(m)                                                                             \
  {                                                                                              \
    const __m512i vcorr = with_sum ? _mm512_mullo_epi32(vsum##m, vdelta) : _mm512_set1_epi32(corr[m]); \
    if (with_sum) corr[m] = _mm_cvtsi128_si32(_mm512_castsi512_si128(vcorr));                    \
    vacc##m##x0 = _mm512_add_epi32(vacc##m##x0, vcorr);                                          \
    vacc##m##x1 = _mm512_add_epi32(vacc##m##x1, vcorr);                                          \
  }
  Q8RT_ROWS(Q8RT_CORR)
#undef Q8RT_CORR
  /* Pixels past mr alias the previous pixel's output row (same values): store from row 7 down to row 0. */
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
