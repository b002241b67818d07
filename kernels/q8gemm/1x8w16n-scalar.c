/* q8gemm 1x8w16n scalar micro-kernel on Q8RT_LAYOUT_GEMM_8X8_W16 panels (kernels/layout.h: folded int32 bias, then
 * int16 w - kernel_zero_point k-major, 8 columns): any mr >= 1 rows x any nc >= 1 columns over consecutive panels,
 * the twin of the armv7 NEON 4x8w16n and 1x8w16n kernels (the same int32 sums with wrap-around, the same Q31
 * requantization). */
#include <stddef.h>
#include <stdint.h>

#include "../layout.h"
#include "../params.h"
#include "../requantize.h"
#include "q8gemm.h"

void q8rt_q8gemm_ukernel_1x8w16n__scalar(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const size_t kc8 = (k + Q8RT_GEMM8_KR - 1) / Q8RT_GEMM8_KR * Q8RT_GEMM8_KR;
  const size_t panel_bytes = Q8RT_GEMM8_NR * sizeof(int32_t) + kc8 * Q8RT_GEMM8_NR * sizeof(int16_t);
  for (size_t m = 0; m < mr; m++) {
    const uint8_t* am = a + m * a_stride;
    for (size_t n0 = 0; n0 < nc; n0 += Q8RT_GEMM8_NR) {
      const uint8_t* panel = (const uint8_t*) packed_w + (n0 / Q8RT_GEMM8_NR) * panel_bytes;
      const size_t nr = nc - n0 < Q8RT_GEMM8_NR ? nc - n0 : Q8RT_GEMM8_NR;
      const int32_t* bias = (const int32_t*) panel;
      const int16_t* w = (const int16_t*) (panel + Q8RT_GEMM8_NR * sizeof(int32_t));
      for (size_t n = 0; n < nr; n++) {
        uint32_t acc = (uint32_t) bias[n]; /* 32-bit accumulator with wrap-around, like the vector kernels */
        for (size_t kk = 0; kk < k; kk++) acc += (uint32_t) ((int32_t) am[kk] * (int32_t) w[kk * Q8RT_GEMM8_NR + n]);
        c[m * c_stride + n0 + n] = q8rt_requantize_q31((int32_t) acc, params);
      }
    }
  }
}
