/* f32dwconv up16x9, AVX2 + FMA: two ymm accumulators per 16-channel tile, taps t = 0..8 in order. */
#include <immintrin.h>

#include "f32dwconv.h"

/* One tap of a 16-channel tile: (*al, *ah) += 16 inputs at *p times 16 weights at w; *p advances by 16. */
static inline __attribute__((always_inline)) void q8rt_f32dw_avx2_tap(const float** p, const float* w, __m256* al,
                                                                       __m256* ah) {
  *al = _mm256_fmadd_ps(_mm256_loadu_ps(*p), _mm256_loadu_ps(w), *al);
  *ah = _mm256_fmadd_ps(_mm256_loadu_ps(*p + 8), _mm256_loadu_ps(w + 8), *ah);
  *p += 16;
}

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
      q8rt_f32dw_avx2_tap(&i0, w + 16 * 1, &al, &ah);
      q8rt_f32dw_avx2_tap(&i1, w + 16 * 2, &al, &ah);
      q8rt_f32dw_avx2_tap(&i2, w + 16 * 3, &al, &ah);
      q8rt_f32dw_avx2_tap(&i3, w + 16 * 4, &al, &ah);
      q8rt_f32dw_avx2_tap(&i4, w + 16 * 5, &al, &ah);
      q8rt_f32dw_avx2_tap(&i5, w + 16 * 6, &al, &ah);
      q8rt_f32dw_avx2_tap(&i6, w + 16 * 7, &al, &ah);
      q8rt_f32dw_avx2_tap(&i7, w + 16 * 8, &al, &ah);
      q8rt_f32dw_avx2_tap(&i8, w + 16 * 9, &al, &ah);
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
      q8rt_f32dw_avx2_tap(&i0, w + 16 * 1, &al, &ah);
      q8rt_f32dw_avx2_tap(&i1, w + 16 * 2, &al, &ah);
      q8rt_f32dw_avx2_tap(&i2, w + 16 * 3, &al, &ah);
      q8rt_f32dw_avx2_tap(&i3, w + 16 * 4, &al, &ah);
      q8rt_f32dw_avx2_tap(&i4, w + 16 * 5, &al, &ah);
      q8rt_f32dw_avx2_tap(&i5, w + 16 * 6, &al, &ah);
      q8rt_f32dw_avx2_tap(&i6, w + 16 * 7, &al, &ah);
      q8rt_f32dw_avx2_tap(&i7, w + 16 * 8, &al, &ah);
      q8rt_f32dw_avx2_tap(&i8, w + 16 * 9, &al, &ah);
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
