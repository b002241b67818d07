/* q8gemm 8x8 scalar micro-kernel: the reference twin of the aarch64 NEON 8x8 kernel, on the same packed
 * Q8RT_LAYOUT_GEMM_8X8 panel (kernels/layout.h: folded int32 bias, then uint8 weights k-major, 8 columns). */
#include <stddef.h>
#include <stdint.h>

#include "../layout.h"
#include "../params.h"
#include "../requantize.h"
#include "q8gemm.h"

void q8rt_q8gemm_ukernel_8x8__scalar(size_t mr, size_t nr, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const int32_t* bias = (const int32_t*) packed_w;
  const uint8_t* w = (const uint8_t*) packed_w + Q8RT_GEMM8_NR * sizeof(int32_t);
  const int32_t kzp = (int32_t) params->kernel_zero_point;

  /* 32-bit accumulators with wrap-around, like the vector kernel. */
  uint32_t acc[Q8RT_GEMM8_MR][Q8RT_GEMM8_NR];
  for (size_t m = 0; m < mr; m++) {
    for (size_t n = 0; n < Q8RT_GEMM8_NR; n++) acc[m][n] = (uint32_t) bias[n];
  }
  for (size_t kk = 0; kk < k; kk++) {
    const uint8_t* wk = w + kk * Q8RT_GEMM8_NR;
    for (size_t m = 0; m < mr; m++) {
      const int32_t av = (int32_t) a[m * a_stride + kk];
      for (size_t n = 0; n < nr; n++) acc[m][n] += (uint32_t) (av * ((int32_t) wk[n] - kzp));
    }
  }
  for (size_t m = 0; m < mr; m++) {
    uint8_t* cm = c + m * c_stride;
    for (size_t n = 0; n < nr; n++) cm[n] = q8rt_requantize_q31((int32_t) acc[m][n], params);
  }
}
