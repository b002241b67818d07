/* f32vadd, AVX. */
#include <immintrin.h>

#include "f32vadd.h"

void q8rt_f32vadd_ukernel__avx2(size_t n, const float* a, const float* b, float* y,
                                const struct q8rt_f32_minmax_params* params) {
  const __m256 lo = _mm256_broadcast_ss(&params->min);
  const __m256 hi = _mm256_broadcast_ss(&params->max);
  for (; n >= 16; n -= 16) {
    const __m256 v0 = _mm256_add_ps(_mm256_loadu_ps(a), _mm256_loadu_ps(b));
    const __m256 v1 = _mm256_add_ps(_mm256_loadu_ps(a + 8), _mm256_loadu_ps(b + 8));
    _mm256_storeu_ps(y, _mm256_min_ps(_mm256_max_ps(v0, lo), hi));
    _mm256_storeu_ps(y + 8, _mm256_min_ps(_mm256_max_ps(v1, lo), hi));
    a += 16, b += 16, y += 16;
  }
  const __m128 lo1 = _mm256_castps256_ps128(lo), hi1 = _mm256_castps256_ps128(hi);
  for (; n != 0; n--) {
    const __m128 v = _mm_add_ss(_mm_load_ss(a++), _mm_load_ss(b++));
    _mm_store_ss(y++, _mm_min_ss(_mm_max_ss(v, lo1), hi1));
  }
}
