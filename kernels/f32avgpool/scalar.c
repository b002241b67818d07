/* f32avgpool, portable C. */
#include "f32avgpool.h"

void q8rt_f32avgpool_ukernel__scalar(size_t ks, size_t channels, const float* const* input, float* output,
                                     const struct q8rt_f32_avgpool_params* params) {
  for (size_t c = 0; c < channels; c++) {
    float sum = 0.0f;
    for (size_t t = 0; t < ks; t++) sum += input[t][c];
    float v = sum * params->multiplier;
    v = v < params->min ? params->min : v;
    v = v > params->max ? params->max : v;
    output[c] = v;
  }
}
