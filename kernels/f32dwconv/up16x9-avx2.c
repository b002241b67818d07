/* f32dwconv up16x9, AVX2 + FMA: two ymm accumulators per 16-channel tile, taps t = 0..8 in order. */
#include <immintrin.h>

#include "f32dwconv.h"

void q8rt_f32dwconv_ukernel_up16x9__avx2(size_t channels, size_t output_width, const float* const* input,
                                         size_t input_stride, const float* packed_w, float* output,
                                         size_t output_increment, const struct q8rt_f32_minmax_params* params) {
  const __m256 lo = _mm256_broadcast_ss(&params->min);
  const __m256 hi = _mm256_broadcast_ss(&params->max);
  do {
    const float* i0 = input[0];
    const float* i1 = input[1];
    const float* i2 = input[2];
    const float* i3 = input[3];
    const float* i4 = input[4];
    const float* i5 = input[5];
    const float* i6 = input[6];
    const float* i7 = input[7];
    const float* i8 = input[8];
    input += input_stride;
    const float* w = packed_w;
    size_t c = channels;
    for (; c >= 16; c -= 16) {
      __m256 al = _mm256_loadu_ps(w), ah = _mm256_loadu_ps(w + 8);
#define TAP(t, p)                                                        \
  al = _mm256_fmadd_ps(_mm256_loadu_ps(p), _mm256_loadu_ps(w + 16 * (t + 1)), al);     \
  ah = _mm256_fmadd_ps(_mm256_loadu_ps(p + 8), _mm256_loadu_ps(w + 16 * (t + 1) + 8), ah); \
  p += 16;
      TAP(0, i0) TAP(1, i1) TAP(2, i2) TAP(3, i3) TAP(4, i4) TAP(5, i5) TAP(6, i6) TAP(7, i7) TAP(8, i8)
      w += 160;
      al = _mm256_min_ps(_mm256_max_ps(al, lo), hi);
      ah = _mm256_min_ps(_mm256_max_ps(ah, lo), hi);
      _mm256_storeu_ps(output, al);
      _mm256_storeu_ps(output + 8, ah);
      output += 16;
    }
    if (c != 0) {
      /* A partial tile: inputs are readable for 16 floats (activation slack); padded weights are 0. */
      __m256 al = _mm256_loadu_ps(w), ah = _mm256_loadu_ps(w + 8);
      TAP(0, i0) TAP(1, i1) TAP(2, i2) TAP(3, i3) TAP(4, i4) TAP(5, i5) TAP(6, i6) TAP(7, i7) TAP(8, i8)
#undef TAP
      al = _mm256_min_ps(_mm256_max_ps(al, lo), hi);
      ah = _mm256_min_ps(_mm256_max_ps(ah, lo), hi);
      if (c & 8) {
        _mm256_storeu_ps(output, al);
        al = ah;
        output += 8;
      }
      __m128 v = _mm256_castps256_ps128(al);
      if (c & 4) {
        _mm_storeu_ps(output, v);
        v = _mm256_extractf128_ps(al, 1);
        output += 4;
      }
      if (c & 2) {
        _mm_storel_pi((__m64*) output, v);
        v = _mm_movehl_ps(v, v);
        output += 2;
      }
      if (c & 1) {
        _mm_store_ss(output, v);
        output += 1;
      }
    }
    output += output_increment;
  } while (--output_width != 0);
}
