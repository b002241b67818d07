/* f32gemm 8x32, AVX-512F: 16 zmm accumulators (two per row), A broadcast. Panels of 32 floats. */
#include <immintrin.h>

#include "f32gemm.h"

void q8rt_f32gemm_ukernel_8x32__avx512(size_t mr, size_t nr, size_t k, const float* a, size_t a_stride,
                                       const float* w, float* c, size_t c_stride,
                                       const struct q8rt_f32_minmax_params* params) {
  /* Rows past mr alias the previous row: computed twice, stored to the same place (highest row first). */
  const float* a0 = a;
  float* c0 = c;
  const float* a1 = a0 + a_stride;
  float* c1 = c0 + c_stride;
  if (mr < 2) a1 = a0, c1 = c0;
  const float* a2 = a1 + a_stride;
  float* c2 = c1 + c_stride;
  if (mr <= 2) a2 = a1, c2 = c1;
  const float* a3 = a2 + a_stride;
  float* c3 = c2 + c_stride;
  if (mr < 4) a3 = a2, c3 = c2;
  const float* a4 = a3 + a_stride;
  float* c4 = c3 + c_stride;
  if (mr <= 4) a4 = a3, c4 = c3;
  const float* a5 = a4 + a_stride;
  float* c5 = c4 + c_stride;
  if (mr < 6) a5 = a4, c5 = c4;
  const float* a6 = a5 + a_stride;
  float* c6 = c5 + c_stride;
  if (mr <= 6) a6 = a5, c6 = c5;
  const float* a7 = a6 + a_stride;
  float* c7 = c6 + c_stride;
  if (mr != 8) a7 = a6, c7 = c6;

  __m512 acc0 = _mm512_loadu_ps(w), bcc0 = _mm512_loadu_ps(w + 16);
  __m512 acc1 = acc0, acc2 = acc0, acc3 = acc0, acc4 = acc0, acc5 = acc0, acc6 = acc0, acc7 = acc0;
  __m512 bcc1 = bcc0, bcc2 = bcc0, bcc3 = bcc0, bcc4 = bcc0, bcc5 = bcc0, bcc6 = bcc0, bcc7 = bcc0;
  w += 32;
  for (size_t kk = 0; kk < k; kk++) {
    const __m512 b = _mm512_loadu_ps(w);
    const __m512 b2 = _mm512_loadu_ps(w + 16);
    w += 32;
    const __m512 va0 = _mm512_set1_ps(a0[kk]);
    acc0 = _mm512_fmadd_ps(va0, b, acc0);
    bcc0 = _mm512_fmadd_ps(va0, b2, bcc0);
    const __m512 va1 = _mm512_set1_ps(a1[kk]);
    acc1 = _mm512_fmadd_ps(va1, b, acc1);
    bcc1 = _mm512_fmadd_ps(va1, b2, bcc1);
    const __m512 va2 = _mm512_set1_ps(a2[kk]);
    acc2 = _mm512_fmadd_ps(va2, b, acc2);
    bcc2 = _mm512_fmadd_ps(va2, b2, bcc2);
    const __m512 va3 = _mm512_set1_ps(a3[kk]);
    acc3 = _mm512_fmadd_ps(va3, b, acc3);
    bcc3 = _mm512_fmadd_ps(va3, b2, bcc3);
    const __m512 va4 = _mm512_set1_ps(a4[kk]);
    acc4 = _mm512_fmadd_ps(va4, b, acc4);
    bcc4 = _mm512_fmadd_ps(va4, b2, bcc4);
    const __m512 va5 = _mm512_set1_ps(a5[kk]);
    acc5 = _mm512_fmadd_ps(va5, b, acc5);
    bcc5 = _mm512_fmadd_ps(va5, b2, bcc5);
    const __m512 va6 = _mm512_set1_ps(a6[kk]);
    acc6 = _mm512_fmadd_ps(va6, b, acc6);
    bcc6 = _mm512_fmadd_ps(va6, b2, bcc6);
    const __m512 va7 = _mm512_set1_ps(a7[kk]);
    acc7 = _mm512_fmadd_ps(va7, b, acc7);
    bcc7 = _mm512_fmadd_ps(va7, b2, bcc7);
  }
  const __m512 lo = _mm512_set1_ps(params->min);
  const __m512 hi = _mm512_set1_ps(params->max);
  acc0 = _mm512_min_ps(_mm512_max_ps(acc0, lo), hi);
  bcc0 = _mm512_min_ps(_mm512_max_ps(bcc0, lo), hi);
  acc1 = _mm512_min_ps(_mm512_max_ps(acc1, lo), hi);
  bcc1 = _mm512_min_ps(_mm512_max_ps(bcc1, lo), hi);
  acc2 = _mm512_min_ps(_mm512_max_ps(acc2, lo), hi);
  bcc2 = _mm512_min_ps(_mm512_max_ps(bcc2, lo), hi);
  acc3 = _mm512_min_ps(_mm512_max_ps(acc3, lo), hi);
  bcc3 = _mm512_min_ps(_mm512_max_ps(bcc3, lo), hi);
  acc4 = _mm512_min_ps(_mm512_max_ps(acc4, lo), hi);
  bcc4 = _mm512_min_ps(_mm512_max_ps(bcc4, lo), hi);
  acc5 = _mm512_min_ps(_mm512_max_ps(acc5, lo), hi);
  bcc5 = _mm512_min_ps(_mm512_max_ps(bcc5, lo), hi);
  acc6 = _mm512_min_ps(_mm512_max_ps(acc6, lo), hi);
  bcc6 = _mm512_min_ps(_mm512_max_ps(bcc6, lo), hi);
  acc7 = _mm512_min_ps(_mm512_max_ps(acc7, lo), hi);
  bcc7 = _mm512_min_ps(_mm512_max_ps(bcc7, lo), hi);
  const __mmask16 mask = (__mmask16) ((1u << (nr < 16 ? nr : 16)) - 1u);
  const __mmask16 mask2 = (__mmask16) (nr > 16 ? (1u << (nr - 16)) - 1u : 0u);
  _mm512_mask_storeu_ps(c7 + 16, mask2, bcc7);
  _mm512_mask_storeu_ps(c7, mask, acc7);
  _mm512_mask_storeu_ps(c6 + 16, mask2, bcc6);
  _mm512_mask_storeu_ps(c6, mask, acc6);
  _mm512_mask_storeu_ps(c5 + 16, mask2, bcc5);
  _mm512_mask_storeu_ps(c5, mask, acc5);
  _mm512_mask_storeu_ps(c4 + 16, mask2, bcc4);
  _mm512_mask_storeu_ps(c4, mask, acc4);
  _mm512_mask_storeu_ps(c3 + 16, mask2, bcc3);
  _mm512_mask_storeu_ps(c3, mask, acc3);
  _mm512_mask_storeu_ps(c2 + 16, mask2, bcc2);
  _mm512_mask_storeu_ps(c2, mask, acc2);
  _mm512_mask_storeu_ps(c1 + 16, mask2, bcc1);
  _mm512_mask_storeu_ps(c1, mask, acc1);
  _mm512_mask_storeu_ps(c0 + 16, mask2, bcc0);
  _mm512_mask_storeu_ps(c0, mask, acc0);
}
