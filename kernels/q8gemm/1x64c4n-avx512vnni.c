/*
 * q8gemm 1x64c4n AVX-512 VNNI micro-kernel (GEMV-style, for GEMMs with few rows such as a fully connected
 * layer at batch 1) on Q8RT_LAYOUT_GEMM_VNNI panels (kernels/layout.h). Each of the mr rows (any mr >= 1) is
 * computed against nc columns, 64 columns (four panels) per step: per group of 4 k, one A broadcast and four
 * vpdpbusd (exact) on four weight streams. Kernel zero point correction and requantization as in 8x32c4n.
 */
#include <stddef.h>
#include <stdint.h>

#include <immintrin.h>

#include "../layout.h"
#include "../params.h"
#include "avx512vnni-common.h"
#include "q8gemm.h"

void q8rt_q8gemm_ukernel_1x64c4n__avx512vnni(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const size_t k4 = (k + Q8RT_VNNI_KR - 1) / Q8RT_VNNI_KR * Q8RT_VNNI_KR;
  const size_t panel_bytes = Q8RT_VNNI_NR * sizeof(int32_t) + k4 * Q8RT_VNNI_NR;
  const uint32_t zp_delta = (uint32_t) (128 - (int32_t) params->kernel_zero_point);
  struct q8rt_vnni_rq rq;
  q8rt_vnni_rq_init(&rq, params);

  for (; mr != 0; mr--) {
    const __m512i vcorr = _mm512_set1_epi32((int32_t) (zp_delta * q8rt_vnni_row_sum(a, k)));
    const uint8_t* w = (const uint8_t*) packed_w;
    uint8_t* cp = c;
    size_t n = nc;
    while (n != 0) {
      const size_t panels = n >= 64 ? 4 : (n + 15) / 16;
      const uint8_t* w0 = w;
      const uint8_t* w1 = panels > 1 ? w0 + panel_bytes : w0;
      const uint8_t* w2 = panels > 2 ? w1 + panel_bytes : w1;
      const uint8_t* w3 = panels > 3 ? w2 + panel_bytes : w2;
      __m512i vacc0 = _mm512_add_epi32(_mm512_load_si512((const void*) w0), vcorr);
      __m512i vacc1 = _mm512_add_epi32(_mm512_load_si512((const void*) w1), vcorr);
      __m512i vacc2 = _mm512_add_epi32(_mm512_load_si512((const void*) w2), vcorr);
      __m512i vacc3 = _mm512_add_epi32(_mm512_load_si512((const void*) w3), vcorr);
      /* Fewer than 4 panels: the extra streams repeat the last panel (results discarded). */
      const size_t d1 = (size_t) (w1 - w0), d2 = (size_t) (w2 - w0), d3 = (size_t) (w3 - w0);
      w0 += 64;
      for (size_t kk = 0; kk < k; kk += 4) {
        const __m512i va = q8rt_vnni_bcast4(a + kk);
        vacc0 = q8rt_vnni_dpbusd(vacc0, va, _mm512_load_si512((const void*) w0));
        vacc1 = q8rt_vnni_dpbusd(vacc1, va, _mm512_load_si512((const void*) (w0 + d1)));
        vacc2 = q8rt_vnni_dpbusd(vacc2, va, _mm512_load_si512((const void*) (w0 + d2)));
        vacc3 = q8rt_vnni_dpbusd(vacc3, va, _mm512_load_si512((const void*) (w0 + d3)));
        w0 += 64;
      }
      const size_t step = n < 64 ? n : 64;
      const __m256i vout01 = q8rt_vnni_out32(q8rt_vnni_requant(vacc0, &rq), q8rt_vnni_requant(vacc1, &rq), &rq);
      const __m256i vout23 = q8rt_vnni_out32(q8rt_vnni_requant(vacc2, &rq), q8rt_vnni_requant(vacc3, &rq), &rq);
      const __m512i vout = _mm512_inserti64x4(_mm512_castsi256_si512(vout01), vout23, 1);
      const __mmask64 vmask = step == 64 ? (__mmask64) ~UINT64_C(0) : _cvtu64_mask64((UINT64_C(1) << step) - 1);
      _mm512_mask_storeu_epi8(cp, vmask, vout);
      cp += step;
      n -= step;
      w += 4 * panel_bytes;
    }
    a += a_stride;
    c += c_stride;
  }
}
