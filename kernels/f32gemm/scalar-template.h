/* Scalar f32gemm body, instantiated by <MR>x<NR>-scalar.c with F32GEMM_MR, F32GEMM_NR, F32GEMM_NAME. */
#include "f32gemm.h"

void F32GEMM_NAME(size_t mr, size_t nr, size_t k, const float* a, size_t a_stride, const float* w, float* c,
                  size_t c_stride, const struct q8rt_f32_minmax_params* params) {
  float acc[F32GEMM_MR][F32GEMM_NR];
  for (size_t m = 0; m < F32GEMM_MR; m++) {
    for (size_t n = 0; n < F32GEMM_NR; n++) acc[m][n] = w[n];
  }
  w += F32GEMM_NR;
  for (size_t kk = 0; kk < k; kk++) {
    for (size_t m = 0; m < mr; m++) {
      const float va = a[m * a_stride + kk];
      for (size_t n = 0; n < F32GEMM_NR; n++) acc[m][n] += va * w[n];
    }
    w += F32GEMM_NR;
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
