/* f32gemm 1x16, AVX2 + FMA: one row; k unrolled by 2 with two accumulator pairs (FMA latency). */
#include <immintrin.h>

#include "f32gemm.h"

void q8rt_f32gemm_ukernel_1x16__avx2(size_t mr, size_t nr, size_t k, const float* a, size_t a_stride,
                                     const float* w, float* c, size_t c_stride,
                                     const struct q8rt_f32_minmax_params* params) {
  (void) mr, (void) a_stride, (void) c_stride;
  __m256 accl = _mm256_loadu_ps(w), acch = _mm256_loadu_ps(w + 8);
  __m256 acc2l = _mm256_setzero_ps(), acc2h = _mm256_setzero_ps();
  w += 16;
  size_t kk = 0;
  for (; kk + 2 <= k; kk += 2) {
    const __m256 va0 = _mm256_broadcast_ss(a + kk);
    const __m256 va1 = _mm256_broadcast_ss(a + kk + 1);
    accl = _mm256_fmadd_ps(va0, _mm256_loadu_ps(w), accl);
    acch = _mm256_fmadd_ps(va0, _mm256_loadu_ps(w + 8), acch);
    acc2l = _mm256_fmadd_ps(va1, _mm256_loadu_ps(w + 16), acc2l);
    acc2h = _mm256_fmadd_ps(va1, _mm256_loadu_ps(w + 24), acc2h);
    w += 32;
  }
  if (kk < k) {
    const __m256 va0 = _mm256_broadcast_ss(a + kk);
    accl = _mm256_fmadd_ps(va0, _mm256_loadu_ps(w), accl);
    acch = _mm256_fmadd_ps(va0, _mm256_loadu_ps(w + 8), acch);
  }
  accl = _mm256_add_ps(accl, acc2l);
  acch = _mm256_add_ps(acch, acc2h);
  const __m256 lo = _mm256_broadcast_ss(&params->min);
  const __m256 hi = _mm256_broadcast_ss(&params->max);
  accl = _mm256_min_ps(_mm256_max_ps(accl, lo), hi);
  acch = _mm256_min_ps(_mm256_max_ps(acch, lo), hi);
  if (nr == 16) {
    _mm256_storeu_ps(c, accl);
    _mm256_storeu_ps(c + 8, acch);
    return;
  }
  if (nr & 8) {
    _mm256_storeu_ps(c, accl);
    accl = acch;
    c += 8;
  }
  __m128 v = _mm256_castps256_ps128(accl);
  if (nr & 4) {
    _mm_storeu_ps(c, v);
    v = _mm256_extractf128_ps(accl, 1);
    c += 4;
  }
  if (nr & 2) {
    _mm_storel_pi((__m64*) c, v);
    v = _mm_movehl_ps(v, v);
    c += 2;
  }
  if (nr & 1) _mm_store_ss(c, v);
}
