/* f32vadd, portable C. */
#include "f32vadd.h"

void q8rt_f32vadd_ukernel__scalar(size_t n, const float* a, const float* b, float* y,
                                  const struct q8rt_f32_minmax_params* params) {
  const float lo = params->min, hi = params->max;
  for (size_t i = 0; i < n; i++) {
    float v = a[i] + b[i];
    v = v < lo ? lo : v;
    v = v > hi ? hi : v;
    y[i] = v;
  }
}
