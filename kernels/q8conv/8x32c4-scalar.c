/* q8conv 8x32c4 scalar micro-kernel: reference twin of the AVX-512 VNNI kernel on Q8RT_LAYOUT_GEMM_VNNI panels:
 * acc = bias' + sum_{t, k < kc} a * (w - 128) + (128 - kernel_zero_point) * sum_{t, k < kc} a (uint32 wrap-around),
 * then Q31 requantization. MR = 8 pointers per tap in the indirection buffer; mr <= 8, nc >= 1. */
#include <stddef.h>
#include <stdint.h>

#include "../layout.h"
#include "../params.h"
#include "../requantize.h"
#include "q8conv.h"

void q8rt_q8conv_ukernel_8x32c4__scalar(size_t mr, size_t nc, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const size_t kc4 = (kc + Q8RT_VNNI_KR - 1) / Q8RT_VNNI_KR * Q8RT_VNNI_KR;
  const size_t panel_bytes = Q8RT_VNNI_NR * sizeof(int32_t) + ks * kc4 * Q8RT_VNNI_NR;
  const uint32_t zp_delta = (uint32_t) (128 - (int32_t) params->kernel_zero_point);
  for (size_t m = 0; m < mr; m++) {
    uint32_t asum = 0;
    for (size_t t = 0; t < ks; t++) {
      for (size_t k = 0; k < kc; k++) asum += a[t * 8 + m][k];
    }
    for (size_t n = 0; n < nc; n++) {
      const uint8_t* panel = (const uint8_t*) packed_w + (n / Q8RT_VNNI_NR) * panel_bytes;
      const size_t lane = n % Q8RT_VNNI_NR;
      int32_t bias;
      __builtin_memcpy(&bias, panel + lane * sizeof(int32_t), sizeof bias);
      const int8_t* w = (const int8_t*) (panel + Q8RT_VNNI_NR * sizeof(int32_t));
      uint32_t acc = (uint32_t) bias + zp_delta * asum;
      for (size_t t = 0; t < ks; t++) {
        for (size_t k = 0; k < kc; k++) {
          const int32_t wv = w[(t * kc4 + k - k % Q8RT_VNNI_KR) * Q8RT_VNNI_NR + lane * Q8RT_VNNI_KR + k % Q8RT_VNNI_KR];
          acc += (uint32_t) ((int32_t) a[t * 8 + m][k] * wv);
        }
      }
      c[m * c_stride + n] = q8rt_requantize_q31((int32_t) acc, params);
    }
  }
}
