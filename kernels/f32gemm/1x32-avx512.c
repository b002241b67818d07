/* f32gemm 1x32, AVX-512F: one row of the 32-float panels; k unrolled by 2 with two accumulator pairs. */
#include <immintrin.h>

#include "f32gemm.h"

void q8rt_f32gemm_ukernel_1x32__avx512(size_t mr, size_t nr, size_t k, const float* a, size_t a_stride,
                                       const float* w, float* c, size_t c_stride,
                                       const struct q8rt_f32_minmax_params* params) {
  (void) mr, (void) a_stride, (void) c_stride;
  __m512 acc0 = _mm512_loadu_ps(w), acc1 = _mm512_loadu_ps(w + 16);
  __m512 acc2 = _mm512_setzero_ps(), acc3 = _mm512_setzero_ps();
  w += 32;
  size_t kk = 0;
  for (; kk + 2 <= k; kk += 2) {
    const __m512 va0 = _mm512_set1_ps(a[kk]);
    const __m512 va1 = _mm512_set1_ps(a[kk + 1]);
    acc0 = _mm512_fmadd_ps(va0, _mm512_loadu_ps(w), acc0);
    acc1 = _mm512_fmadd_ps(va0, _mm512_loadu_ps(w + 16), acc1);
    acc2 = _mm512_fmadd_ps(va1, _mm512_loadu_ps(w + 32), acc2);
    acc3 = _mm512_fmadd_ps(va1, _mm512_loadu_ps(w + 48), acc3);
    w += 64;
  }
  if (kk < k) {
    const __m512 va0 = _mm512_set1_ps(a[kk]);
    acc0 = _mm512_fmadd_ps(va0, _mm512_loadu_ps(w), acc0);
    acc1 = _mm512_fmadd_ps(va0, _mm512_loadu_ps(w + 16), acc1);
  }
  const __m512 lo = _mm512_set1_ps(params->min);
  const __m512 hi = _mm512_set1_ps(params->max);
  acc0 = _mm512_min_ps(_mm512_max_ps(_mm512_add_ps(acc0, acc2), lo), hi);
  acc1 = _mm512_min_ps(_mm512_max_ps(_mm512_add_ps(acc1, acc3), lo), hi);
  _mm512_mask_storeu_ps(c, (__mmask16) ((1u << (nr < 16 ? nr : 16)) - 1u), acc0);
  _mm512_mask_storeu_ps(c + 16, (__mmask16) (nr > 16 ? (1u << (nr - 16)) - 1u : 0u), acc1);
}
