/* f32dwconv up16x9, AVX-512F: one zmm accumulator per 16-channel tile, taps t = 0..8 in order; the partial
 * last tile uses masked loads and stores. */
#include <immintrin.h>

#include "f32dwconv.h"

void q8rt_f32dwconv_ukernel_up16x9__avx512(size_t channels, size_t output_width, const float* const* input,
                                           size_t input_stride, const float* packed_w, float* output,
                                           size_t output_increment, const struct q8rt_f32_minmax_params* params) {
  const __m512 lo = _mm512_set1_ps(params->min);
  const __m512 hi = _mm512_set1_ps(params->max);
  const __mmask16 tail = (__mmask16) ((1u << (channels & 15)) - 1u);
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
      __m512 acc = _mm512_loadu_ps(w);
      acc = _mm512_fmadd_ps(_mm512_loadu_ps(i0), _mm512_loadu_ps(w + 16), acc);
      acc = _mm512_fmadd_ps(_mm512_loadu_ps(i1), _mm512_loadu_ps(w + 32), acc);
      acc = _mm512_fmadd_ps(_mm512_loadu_ps(i2), _mm512_loadu_ps(w + 48), acc);
      acc = _mm512_fmadd_ps(_mm512_loadu_ps(i3), _mm512_loadu_ps(w + 64), acc);
      acc = _mm512_fmadd_ps(_mm512_loadu_ps(i4), _mm512_loadu_ps(w + 80), acc);
      acc = _mm512_fmadd_ps(_mm512_loadu_ps(i5), _mm512_loadu_ps(w + 96), acc);
      acc = _mm512_fmadd_ps(_mm512_loadu_ps(i6), _mm512_loadu_ps(w + 112), acc);
      acc = _mm512_fmadd_ps(_mm512_loadu_ps(i7), _mm512_loadu_ps(w + 128), acc);
      acc = _mm512_fmadd_ps(_mm512_loadu_ps(i8), _mm512_loadu_ps(w + 144), acc);
      i0 += 16, i1 += 16, i2 += 16, i3 += 16, i4 += 16, i5 += 16, i6 += 16, i7 += 16, i8 += 16;
      w += 160;
      _mm512_storeu_ps(output, _mm512_min_ps(_mm512_max_ps(acc, lo), hi));
      output += 16;
    }
    if (c != 0) {
      __m512 acc = _mm512_loadu_ps(w);
      acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, i0), _mm512_loadu_ps(w + 16), acc);
      acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, i1), _mm512_loadu_ps(w + 32), acc);
      acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, i2), _mm512_loadu_ps(w + 48), acc);
      acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, i3), _mm512_loadu_ps(w + 64), acc);
      acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, i4), _mm512_loadu_ps(w + 80), acc);
      acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, i5), _mm512_loadu_ps(w + 96), acc);
      acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, i6), _mm512_loadu_ps(w + 112), acc);
      acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, i7), _mm512_loadu_ps(w + 128), acc);
      acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, i8), _mm512_loadu_ps(w + 144), acc);
      _mm512_mask_storeu_ps(output, tail, _mm512_min_ps(_mm512_max_ps(acc, lo), hi));
      output += c;
    }
    output += output_increment;
  } while (--output_width != 0);
}
