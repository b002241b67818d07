/* f32vadd, SSE. */
#include <xmmintrin.h>

#include "f32vadd.h"

void q8rt_f32vadd_ukernel__sse(size_t n, const float* a, const float* b, float* y,
                               const struct q8rt_f32_minmax_params* params) {
  const __m128 lo = _mm_load1_ps(&params->min);
  const __m128 hi = _mm_load1_ps(&params->max);
  for (; n >= 8; n -= 8) {
    const __m128 v0 = _mm_add_ps(_mm_loadu_ps(a), _mm_loadu_ps(b));
    const __m128 v1 = _mm_add_ps(_mm_loadu_ps(a + 4), _mm_loadu_ps(b + 4));
    _mm_storeu_ps(y, _mm_min_ps(_mm_max_ps(v0, lo), hi));
    _mm_storeu_ps(y + 4, _mm_min_ps(_mm_max_ps(v1, lo), hi));
    a += 8, b += 8, y += 8;
  }
  for (; n != 0; n--) {
    const __m128 v = _mm_add_ss(_mm_load_ss(a++), _mm_load_ss(b++));
    _mm_store_ss(y++, _mm_min_ss(_mm_max_ss(v, lo), hi));
  }
}
