/* q8gemm 8x32c4n scalar micro-kernel: reference twin of the AVX-512 VNNI kernels (8x32c4n, 1x64c4n) on
 * Q8RT_LAYOUT_GEMM_VNNI panels: acc = bias' + sum a * (w - 128) + (128 - kernel_zero_point) * sum a, in uint32
 * (wrap-around, like the vector kernels), then Q31 requantization. Any mr >= 1, nc >= 1. */
#include <stddef.h>
#include <stdint.h>

#include "../layout.h"
#include "../params.h"
#include "../requantize.h"
#include "q8gemm.h"

void q8rt_q8gemm_ukernel_8x32c4n__scalar(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const size_t k4 = (k + Q8RT_VNNI_KR - 1) / Q8RT_VNNI_KR * Q8RT_VNNI_KR;
  const size_t panel_bytes = Q8RT_VNNI_NR * sizeof(int32_t) + k4 * Q8RT_VNNI_NR;
  const uint32_t zp_delta = (uint32_t) (128 - (int32_t) params->kernel_zero_point);
  for (size_t m = 0; m < mr; m++) {
    const uint8_t* am = a + m * a_stride;
    uint32_t asum = 0;
    for (size_t kk = 0; kk < k; kk++) asum += am[kk];
    for (size_t n = 0; n < nc; n++) {
      const uint8_t* panel = (const uint8_t*) packed_w + (n / Q8RT_VNNI_NR) * panel_bytes;
      const size_t lane = n % Q8RT_VNNI_NR;
      int32_t bias;
      __builtin_memcpy(&bias, panel + lane * sizeof(int32_t), sizeof bias);
      const int8_t* w = (const int8_t*) (panel + Q8RT_VNNI_NR * sizeof(int32_t));
      uint32_t acc = (uint32_t) bias + zp_delta * asum;
      for (size_t kk = 0; kk < k; kk++) {
        const int32_t wv = w[(kk / Q8RT_VNNI_KR) * (Q8RT_VNNI_NR * Q8RT_VNNI_KR) + lane * Q8RT_VNNI_KR + kk % Q8RT_VNNI_KR];
        acc += (uint32_t) ((int32_t) am[kk] * wv);
      }
      c[m * c_stride + n] = q8rt_requantize_q31((int32_t) acc, params);
    }
  }
}
