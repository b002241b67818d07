/* f32conv 4x8, SSE: indirect convolution, 8 xmm accumulators, A broadcast, B panel rows of 8 floats. */
#include <xmmintrin.h>

#include "f32conv.h"

/* min(max(v, lo), hi) */
static inline __m128 q8rt_f32_clamp_sse(__m128 v, __m128 lo, __m128 hi) { return _mm_min_ps(_mm_max_ps(v, lo), hi); }

void q8rt_f32conv_ukernel_4x8__sse(size_t mr, size_t nr, size_t kc, size_t ks, const float* const* a, const float* w,
                                   float* c, size_t c_stride, const struct q8rt_f32_minmax_params* params) {
  float* c0 = c;
  float* c1 = c0 + c_stride;
  if (mr < 2) c1 = c0;
  float* c2 = c1 + c_stride;
  if (mr <= 2) c2 = c1;
  float* c3 = c2 + c_stride;
  if (mr != 4) c3 = c2;

  __m128 acc0l = _mm_loadu_ps(w), acc0h = _mm_loadu_ps(w + 4);
  __m128 acc1l = acc0l, acc1h = acc0h, acc2l = acc0l, acc2h = acc0h, acc3l = acc0l, acc3h = acc0h;
  w += 8;
  do {
    const float* a0 = a[0];
    const float* a1 = a[1];
    const float* a2 = a[2];
    const float* a3 = a[3];
    a += 4;
    for (size_t kk = 0; kk < kc; kk++) {
      const __m128 bl = _mm_loadu_ps(w);
      const __m128 bh = _mm_loadu_ps(w + 4);
      w += 8;
      const __m128 va0 = _mm_load1_ps(a0 + kk);
      acc0l = _mm_add_ps(acc0l, _mm_mul_ps(va0, bl));
      acc0h = _mm_add_ps(acc0h, _mm_mul_ps(va0, bh));
      const __m128 va1 = _mm_load1_ps(a1 + kk);
      acc1l = _mm_add_ps(acc1l, _mm_mul_ps(va1, bl));
      acc1h = _mm_add_ps(acc1h, _mm_mul_ps(va1, bh));
      const __m128 va2 = _mm_load1_ps(a2 + kk);
      acc2l = _mm_add_ps(acc2l, _mm_mul_ps(va2, bl));
      acc2h = _mm_add_ps(acc2h, _mm_mul_ps(va2, bh));
      const __m128 va3 = _mm_load1_ps(a3 + kk);
      acc3l = _mm_add_ps(acc3l, _mm_mul_ps(va3, bl));
      acc3h = _mm_add_ps(acc3h, _mm_mul_ps(va3, bh));
    }
  } while (--ks != 0);
  const __m128 lo = _mm_load1_ps(&params->min);
  const __m128 hi = _mm_load1_ps(&params->max);
  acc0l = q8rt_f32_clamp_sse(acc0l, lo, hi);
  acc0h = q8rt_f32_clamp_sse(acc0h, lo, hi);
  acc1l = q8rt_f32_clamp_sse(acc1l, lo, hi);
  acc1h = q8rt_f32_clamp_sse(acc1h, lo, hi);
  acc2l = q8rt_f32_clamp_sse(acc2l, lo, hi);
  acc2h = q8rt_f32_clamp_sse(acc2h, lo, hi);
  acc3l = q8rt_f32_clamp_sse(acc3l, lo, hi);
  acc3h = q8rt_f32_clamp_sse(acc3h, lo, hi);
  if (nr == 8) {
    _mm_storeu_ps(c3, acc3l), _mm_storeu_ps(c3 + 4, acc3h);
    _mm_storeu_ps(c2, acc2l), _mm_storeu_ps(c2 + 4, acc2h);
    _mm_storeu_ps(c1, acc1l), _mm_storeu_ps(c1 + 4, acc1h);
    _mm_storeu_ps(c0, acc0l), _mm_storeu_ps(c0 + 4, acc0h);
    return;
  }
  if (nr & 4) {
    _mm_storeu_ps(c3, acc3l), _mm_storeu_ps(c2, acc2l), _mm_storeu_ps(c1, acc1l), _mm_storeu_ps(c0, acc0l);
    acc0l = acc0h, acc1l = acc1h, acc2l = acc2h, acc3l = acc3h;
    c0 += 4, c1 += 4, c2 += 4, c3 += 4;
  }
  if (nr & 2) {
    _mm_storel_pi((__m64*) c3, acc3l), _mm_storel_pi((__m64*) c2, acc2l);
    _mm_storel_pi((__m64*) c1, acc1l), _mm_storel_pi((__m64*) c0, acc0l);
    acc0l = _mm_movehl_ps(acc0l, acc0l), acc1l = _mm_movehl_ps(acc1l, acc1l);
    acc2l = _mm_movehl_ps(acc2l, acc2l), acc3l = _mm_movehl_ps(acc3l, acc3l);
    c0 += 2, c1 += 2, c2 += 2, c3 += 2;
  }
  if (nr & 1) {
    _mm_store_ss(c3, acc3l), _mm_store_ss(c2, acc2l), _mm_store_ss(c1, acc1l), _mm_store_ss(c0, acc0l);
  }
}
