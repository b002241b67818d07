/* f32avgpool, AVX: 8 channels per vector, taps summed in order. */
#include <immintrin.h>

#include "f32avgpool.h"

void q8rt_f32avgpool_ukernel__avx2(size_t ks, size_t channels, const float* const* input, float* output,
                                   const struct q8rt_f32_avgpool_params* params) {
  const __m256 mult = _mm256_broadcast_ss(&params->multiplier);
  const __m256 lo = _mm256_broadcast_ss(&params->min);
  const __m256 hi = _mm256_broadcast_ss(&params->max);
  size_t c = 0;
  for (; c + 8 <= channels; c += 8) {
    __m256 sum = _mm256_setzero_ps();
    for (size_t t = 0; t < ks; t++) sum = _mm256_add_ps(sum, _mm256_loadu_ps(input[t] + c));
    _mm256_storeu_ps(output + c, _mm256_min_ps(_mm256_max_ps(_mm256_mul_ps(sum, mult), lo), hi));
  }
  const __m128 mult1 = _mm256_castps256_ps128(mult);
  const __m128 lo1 = _mm256_castps256_ps128(lo), hi1 = _mm256_castps256_ps128(hi);
  for (; c < channels; c++) {
    __m128 sum = _mm_setzero_ps();
    for (size_t t = 0; t < ks; t++) sum = _mm_add_ss(sum, _mm_load_ss(input[t] + c));
    _mm_store_ss(output + c, _mm_min_ss(_mm_max_ss(_mm_mul_ss(sum, mult1), lo1), hi1));
  }
}
