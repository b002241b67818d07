/* Scalar f32conv body, instantiated by <MR>x<NR>-scalar.c with F32CONV_MR, F32CONV_NR, F32CONV_NAME. */
#include "f32conv.h"

void F32CONV_NAME(size_t mr, size_t nr, size_t kc, size_t ks, const float* const* a, const float* w, float* c,
                  size_t c_stride, const struct q8rt_f32_minmax_params* params) {
  float acc[F32CONV_MR][F32CONV_NR];
  for (size_t m = 0; m < F32CONV_MR; m++) {
    for (size_t n = 0; n < F32CONV_NR; n++) acc[m][n] = w[n];
  }
  w += F32CONV_NR;
  for (size_t t = 0; t < ks; t++) {
    for (size_t kk = 0; kk < kc; kk++) {
      for (size_t m = 0; m < mr; m++) {
        const float va = a[m][kk];
        for (size_t n = 0; n < F32CONV_NR; n++) acc[m][n] += va * w[n];
      }
      w += F32CONV_NR;
    }
    a += F32CONV_MR;
  }
  const float lo = params->min, hi = params->max;
  for (size_t m = 0; m < mr; m++) {
    for (size_t n = 0; n < nr; n++) {
      float v = acc[m][n];
      v = v < lo ? lo : v;
      v = v > hi ? hi : v;
      c[m * c_stride + n] = v;
    }
  }
}
