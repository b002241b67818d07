/* f32avgpool, SSE: 4 channels per vector, taps summed in order. */
#include <xmmintrin.h>

#include "f32avgpool.h"

void q8rt_f32avgpool_ukernel__sse(size_t ks, size_t channels, const float* const* input, float* output,
                                  const struct q8rt_f32_avgpool_params* params) {
  const __m128 mult = _mm_load1_ps(&params->multiplier);
  const __m128 lo = _mm_load1_ps(&params->min);
  const __m128 hi = _mm_load1_ps(&params->max);
  size_t c = 0;
  for (; c + 4 <= channels; c += 4) {
    __m128 sum = _mm_setzero_ps();
    for (size_t t = 0; t < ks; t++) sum = _mm_add_ps(sum, _mm_loadu_ps(input[t] + c));
    _mm_storeu_ps(output + c, _mm_min_ps(_mm_max_ps(_mm_mul_ps(sum, mult), lo), hi));
  }
  for (; c < channels; c++) {
    __m128 sum = _mm_setzero_ps();
    for (size_t t = 0; t < ks; t++) sum = _mm_add_ss(sum, _mm_load_ss(input[t] + c));
    _mm_store_ss(output + c, _mm_min_ss(_mm_max_ss(_mm_mul_ss(sum, mult), lo), hi));
  }
}
