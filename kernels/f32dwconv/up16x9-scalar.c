/* f32dwconv up16x9, portable C. Taps summed in order t = 0..8 onto the bias (as the SIMD kernels do). */
#include "f32dwconv.h"

void q8rt_f32dwconv_ukernel_up16x9__scalar(size_t channels, size_t output_width, const float* const* input,
                                           size_t input_stride, const float* packed_w, float* output,
                                           size_t output_increment, const struct q8rt_f32_minmax_params* params) {
  const float lo = params->min, hi = params->max;
  for (size_t x = 0; x < output_width; x++) {
    const float* const* in = input + x * input_stride;
    const float* w = packed_w;
    for (size_t c0 = 0; c0 < channels; c0 += Q8RT_F32_DW_CR) {
      const size_t cb = channels - c0 < Q8RT_F32_DW_CR ? channels - c0 : Q8RT_F32_DW_CR;
      for (size_t j = 0; j < cb; j++) {
        float acc = w[j];
        for (size_t t = 0; t < Q8RT_F32_DW_TAPS; t++) acc += in[t][c0 + j] * w[(t + 1) * Q8RT_F32_DW_CR + j];
        acc = acc < lo ? lo : acc;
        acc = acc > hi ? hi : acc;
        output[c0 + j] = acc;
      }
      w += (Q8RT_F32_DW_TAPS + 1) * Q8RT_F32_DW_CR;
    }
    output += channels + output_increment;
  }
}
