/* f32conv 6x16, AVX2 + FMA: indirect convolution, 12 ymm accumulators, A broadcast, B panel rows of 16 floats. */
#include <immintrin.h>

#include "f32conv.h"

/* min(max(v, lo), hi) */
static inline __m256 q8rt_f32_clamp_avx(__m256 v, __m256 lo, __m256 hi) { return _mm256_min_ps(_mm256_max_ps(v, lo), hi); }

void q8rt_f32conv_ukernel_6x16__avx2(size_t mr, size_t nr, size_t kc, size_t ks, const float* const* a,
                                     const float* w, float* c, size_t c_stride,
                                     const struct q8rt_f32_minmax_params* params) {
  /* Rows past mr alias the previous row for the stores (their pointers are valid, their sums discarded). */
  float* c0 = c;
  float* c1 = c0 + c_stride;
  if (mr < 2) c1 = c0;
  float* c2 = c1 + c_stride;
  if (mr <= 2) c2 = c1;
  float* c3 = c2 + c_stride;
  if (mr < 4) c3 = c2;
  float* c4 = c3 + c_stride;
  if (mr <= 4) c4 = c3;
  float* c5 = c4 + c_stride;
  if (mr != 6) c5 = c4;

  __m256 acc0l = _mm256_loadu_ps(w), acc0h = _mm256_loadu_ps(w + 8);
  __m256 acc1l = acc0l, acc1h = acc0h, acc2l = acc0l, acc2h = acc0h;
  __m256 acc3l = acc0l, acc3h = acc0h, acc4l = acc0l, acc4h = acc0h, acc5l = acc0l, acc5h = acc0h;
  w += 16;
  do {
    const float* a0 = a[0];
    const float* a1 = a[1];
    const float* a2 = a[2];
    const float* a3 = a[3];
    const float* a4 = a[4];
    const float* a5 = a[5];
    a += 6;
    for (size_t kk = 0; kk < kc; kk++) {
      const __m256 bl = _mm256_loadu_ps(w);
      const __m256 bh = _mm256_loadu_ps(w + 8);
      w += 16;
      const __m256 va0 = _mm256_broadcast_ss(a0 + kk);
      acc0l = _mm256_fmadd_ps(va0, bl, acc0l);
      acc0h = _mm256_fmadd_ps(va0, bh, acc0h);
      const __m256 va1 = _mm256_broadcast_ss(a1 + kk);
      acc1l = _mm256_fmadd_ps(va1, bl, acc1l);
      acc1h = _mm256_fmadd_ps(va1, bh, acc1h);
      const __m256 va2 = _mm256_broadcast_ss(a2 + kk);
      acc2l = _mm256_fmadd_ps(va2, bl, acc2l);
      acc2h = _mm256_fmadd_ps(va2, bh, acc2h);
      const __m256 va3 = _mm256_broadcast_ss(a3 + kk);
      acc3l = _mm256_fmadd_ps(va3, bl, acc3l);
      acc3h = _mm256_fmadd_ps(va3, bh, acc3h);
      const __m256 va4 = _mm256_broadcast_ss(a4 + kk);
      acc4l = _mm256_fmadd_ps(va4, bl, acc4l);
      acc4h = _mm256_fmadd_ps(va4, bh, acc4h);
      const __m256 va5 = _mm256_broadcast_ss(a5 + kk);
      acc5l = _mm256_fmadd_ps(va5, bl, acc5l);
      acc5h = _mm256_fmadd_ps(va5, bh, acc5h);
    }
  } while (--ks != 0);
  const __m256 lo = _mm256_broadcast_ss(&params->min);
  const __m256 hi = _mm256_broadcast_ss(&params->max);
  acc0l = q8rt_f32_clamp_avx(acc0l, lo, hi);
  acc0h = q8rt_f32_clamp_avx(acc0h, lo, hi);
  acc1l = q8rt_f32_clamp_avx(acc1l, lo, hi);
  acc1h = q8rt_f32_clamp_avx(acc1h, lo, hi);
  acc2l = q8rt_f32_clamp_avx(acc2l, lo, hi);
  acc2h = q8rt_f32_clamp_avx(acc2h, lo, hi);
  acc3l = q8rt_f32_clamp_avx(acc3l, lo, hi);
  acc3h = q8rt_f32_clamp_avx(acc3h, lo, hi);
  acc4l = q8rt_f32_clamp_avx(acc4l, lo, hi);
  acc4h = q8rt_f32_clamp_avx(acc4h, lo, hi);
  acc5l = q8rt_f32_clamp_avx(acc5l, lo, hi);
  acc5h = q8rt_f32_clamp_avx(acc5h, lo, hi);
  if (nr == 16) {
    _mm256_storeu_ps(c5, acc5l), _mm256_storeu_ps(c5 + 8, acc5h);
    _mm256_storeu_ps(c4, acc4l), _mm256_storeu_ps(c4 + 8, acc4h);
    _mm256_storeu_ps(c3, acc3l), _mm256_storeu_ps(c3 + 8, acc3h);
    _mm256_storeu_ps(c2, acc2l), _mm256_storeu_ps(c2 + 8, acc2h);
    _mm256_storeu_ps(c1, acc1l), _mm256_storeu_ps(c1 + 8, acc1h);
    _mm256_storeu_ps(c0, acc0l), _mm256_storeu_ps(c0 + 8, acc0h);
    return;
  }
  if (nr & 8) {
    _mm256_storeu_ps(c5, acc5l), _mm256_storeu_ps(c4, acc4l), _mm256_storeu_ps(c3, acc3l);
    _mm256_storeu_ps(c2, acc2l), _mm256_storeu_ps(c1, acc1l), _mm256_storeu_ps(c0, acc0l);
    acc0l = acc0h, acc1l = acc1h, acc2l = acc2h, acc3l = acc3h, acc4l = acc4h, acc5l = acc5h;
    c0 += 8, c1 += 8, c2 += 8, c3 += 8, c4 += 8, c5 += 8;
  }
  __m128 v0 = _mm256_castps256_ps128(acc0l), v1 = _mm256_castps256_ps128(acc1l);
  __m128 v2 = _mm256_castps256_ps128(acc2l), v3 = _mm256_castps256_ps128(acc3l);
  __m128 v4 = _mm256_castps256_ps128(acc4l), v5 = _mm256_castps256_ps128(acc5l);
  if (nr & 4) {
    _mm_storeu_ps(c5, v5), _mm_storeu_ps(c4, v4), _mm_storeu_ps(c3, v3);
    _mm_storeu_ps(c2, v2), _mm_storeu_ps(c1, v1), _mm_storeu_ps(c0, v0);
    v0 = _mm256_extractf128_ps(acc0l, 1), v1 = _mm256_extractf128_ps(acc1l, 1);
    v2 = _mm256_extractf128_ps(acc2l, 1), v3 = _mm256_extractf128_ps(acc3l, 1);
    v4 = _mm256_extractf128_ps(acc4l, 1), v5 = _mm256_extractf128_ps(acc5l, 1);
    c0 += 4, c1 += 4, c2 += 4, c3 += 4, c4 += 4, c5 += 4;
  }
  if (nr & 2) {
    _mm_storel_pi((__m64*) c5, v5), _mm_storel_pi((__m64*) c4, v4), _mm_storel_pi((__m64*) c3, v3);
    _mm_storel_pi((__m64*) c2, v2), _mm_storel_pi((__m64*) c1, v1), _mm_storel_pi((__m64*) c0, v0);
    v0 = _mm_movehl_ps(v0, v0), v1 = _mm_movehl_ps(v1, v1), v2 = _mm_movehl_ps(v2, v2);
    v3 = _mm_movehl_ps(v3, v3), v4 = _mm_movehl_ps(v4, v4), v5 = _mm_movehl_ps(v5, v5);
    c0 += 2, c1 += 2, c2 += 2, c3 += 2, c4 += 2, c5 += 2;
  }
  if (nr & 1) {
    _mm_store_ss(c5, v5), _mm_store_ss(c4, v4), _mm_store_ss(c3, v3);
    _mm_store_ss(c2, v2), _mm_store_ss(c1, v1), _mm_store_ss(c0, v0);
  }
}
