/* f32dwconv up16x9, SSE: four xmm accumulators per 16-channel tile, taps t = 0..8 in order. */
#include <xmmintrin.h>

#include "f32dwconv.h"

void q8rt_f32dwconv_ukernel_up16x9__sse(size_t channels, size_t output_width, const float* const* input,
                                        size_t input_stride, const float* packed_w, float* output,
                                        size_t output_increment, const struct q8rt_f32_minmax_params* params) {
  const __m128 lo = _mm_load1_ps(&params->min);
  const __m128 hi = _mm_load1_ps(&params->max);
  do {
    const float* in[9];
    for (int t = 0; t < 9; t++) in[t] = input[t];
    input += input_stride;
    const float* w = packed_w;
    for (size_t c0 = 0; c0 < channels; c0 += 16) {
      __m128 a0 = _mm_loadu_ps(w), a1 = _mm_loadu_ps(w + 4), a2 = _mm_loadu_ps(w + 8), a3 = _mm_loadu_ps(w + 12);
      for (int t = 0; t < 9; t++) {
        const float* p = in[t] + c0;
        const float* wt = w + 16 * (t + 1);
        a0 = _mm_add_ps(a0, _mm_mul_ps(_mm_loadu_ps(p), _mm_loadu_ps(wt)));
        a1 = _mm_add_ps(a1, _mm_mul_ps(_mm_loadu_ps(p + 4), _mm_loadu_ps(wt + 4)));
        a2 = _mm_add_ps(a2, _mm_mul_ps(_mm_loadu_ps(p + 8), _mm_loadu_ps(wt + 8)));
        a3 = _mm_add_ps(a3, _mm_mul_ps(_mm_loadu_ps(p + 12), _mm_loadu_ps(wt + 12)));
      }
      w += 160;
      a0 = _mm_min_ps(_mm_max_ps(a0, lo), hi);
      a1 = _mm_min_ps(_mm_max_ps(a1, lo), hi);
      a2 = _mm_min_ps(_mm_max_ps(a2, lo), hi);
      a3 = _mm_min_ps(_mm_max_ps(a3, lo), hi);
      const size_t c = channels - c0;
      if (c >= 16) {
        _mm_storeu_ps(output, a0), _mm_storeu_ps(output + 4, a1);
        _mm_storeu_ps(output + 8, a2), _mm_storeu_ps(output + 12, a3);
        output += 16;
        continue;
      }
      if (c & 8) {
        _mm_storeu_ps(output, a0), _mm_storeu_ps(output + 4, a1);
        a0 = a2, a1 = a3;
        output += 8;
      }
      if (c & 4) {
        _mm_storeu_ps(output, a0);
        a0 = a1;
        output += 4;
      }
      if (c & 2) {
        _mm_storel_pi((__m64*) output, a0);
        a0 = _mm_movehl_ps(a0, a0);
        output += 2;
      }
      if (c & 1) {
        _mm_store_ss(output, a0);
        output += 1;
      }
    }
    output += output_increment;
  } while (--output_width != 0);
}
