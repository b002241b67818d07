/* q8conv 3x4c8 scalar micro-kernel (reference twin of the SSE4.1 kernel). */
#include <stddef.h>
#include <stdint.h>

#include "../layout.h"
#include "../params.h"
#include "../requantize.h"
#include "q8conv.h"

void q8rt_q8conv_ukernel_3x4c8__scalar(size_t mr, size_t nr, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const int32_t* bias = (const int32_t*) packed_w;
  const int16_t* w = (const int16_t*) ((const uint8_t*) packed_w + Q8RT_GEMM_NR * sizeof(int32_t));
  const size_t kcp = (kc + (Q8RT_GEMM_KR - 1)) & ~(size_t) (Q8RT_GEMM_KR - 1);

  uint32_t acc[3][Q8RT_GEMM_NR];
  for (size_t m = 0; m < mr; m++) {
    for (size_t n = 0; n < Q8RT_GEMM_NR; n++) acc[m][n] = (uint32_t) bias[n];
  }
  for (size_t t = 0; t < ks; t++) {
    const int16_t* wt = w + t * kcp * Q8RT_GEMM_NR;
    for (size_t kk = 0; kk < kc; kk++) {
      /* column n, k-pair j of a block sits in vector (n - j) % NR, lanes 2j, 2j+1 (kernels/layout.h) */
      const int16_t* wb = wt + (kk / Q8RT_GEMM_KR) * (Q8RT_GEMM_NR * Q8RT_GEMM_KR);
      const size_t i = kk % Q8RT_GEMM_KR, j = i / 2;
      for (size_t m = 0; m < mr; m++) {
        const int32_t av = (int32_t) a[t * 3 + m][kk];
        for (size_t n = 0; n < nr; n++) {
          const int32_t wv = (int32_t) wb[((n + Q8RT_GEMM_NR - j) % Q8RT_GEMM_NR) * Q8RT_GEMM_KR + i];
          acc[m][n] += (uint32_t) (av * wv);
        }
      }
    }
  }
  for (size_t m = 0; m < mr; m++) {
    uint8_t* cm = c + m * c_stride;
    for (size_t n = 0; n < nr; n++) cm[n] = q8rt_requantize_q31((int32_t) acc[m][n], params);
  }
}
