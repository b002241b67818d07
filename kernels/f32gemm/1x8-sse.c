/* f32gemm 1x8, SSE: one row of the 4x8 panels. */
#include <xmmintrin.h>

#include "f32gemm.h"

void q8rt_f32gemm_ukernel_1x8__sse(size_t mr, size_t nr, size_t k, const float* a, size_t a_stride, const float* w,
                                   float* c, size_t c_stride, const struct q8rt_f32_minmax_params* params) {
  (void) mr, (void) a_stride, (void) c_stride;
  __m128 accl = _mm_loadu_ps(w), acch = _mm_loadu_ps(w + 4);
  w += 8;
  for (size_t kk = 0; kk < k; kk++) {
    const __m128 va = _mm_load1_ps(a + kk);
    accl = _mm_add_ps(accl, _mm_mul_ps(va, _mm_loadu_ps(w)));
    acch = _mm_add_ps(acch, _mm_mul_ps(va, _mm_loadu_ps(w + 4)));
    w += 8;
  }
  const __m128 lo = _mm_load1_ps(&params->min);
  const __m128 hi = _mm_load1_ps(&params->max);
  accl = _mm_min_ps(_mm_max_ps(accl, lo), hi);
  acch = _mm_min_ps(_mm_max_ps(acch, lo), hi);
  if (nr == 8) {
    _mm_storeu_ps(c, accl);
    _mm_storeu_ps(c + 4, acch);
    return;
  }
  if (nr & 4) {
    _mm_storeu_ps(c, accl);
    accl = acch;
    c += 4;
  }
  if (nr & 2) {
    _mm_storel_pi((__m64*) c, accl);
    accl = _mm_movehl_ps(accl, accl);
    c += 2;
  }
  if (nr & 1) _mm_store_ss(c, accl);
}
