/* q8conv 3x4c8tp scalar micro-kernel (reference twin of the SSE4.1 kernel): tap-pair blocks, nc columns. */
#include <stddef.h>
#include <stdint.h>

#include "../layout.h"
#include "../params.h"
#include "../requantize.h"
#include "q8conv.h"

void q8rt_q8conv_ukernel_3x4c8tp__scalar(size_t mr, size_t nc, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const size_t pairs = (ks + 1) / 2;
  const size_t panel_bytes = Q8RT_GEMM_NR * sizeof(int32_t) + pairs * Q8RT_GEMM_NR * Q8RT_GEMM_KR * sizeof(int16_t);
  for (size_t j0 = 0; j0 < nc; j0 += Q8RT_GEMM_NR) {
    const uint8_t* panel = (const uint8_t*) packed_w + (j0 / Q8RT_GEMM_NR) * panel_bytes;
    const int32_t* bias = (const int32_t*) panel;
    const int16_t* w = (const int16_t*) (panel + Q8RT_GEMM_NR * sizeof(int32_t));
    const size_t nr = nc - j0 < Q8RT_GEMM_NR ? nc - j0 : Q8RT_GEMM_NR;
    uint32_t acc[3][Q8RT_GEMM_NR];
    for (size_t m = 0; m < mr; m++) {
      for (size_t n = 0; n < Q8RT_GEMM_NR; n++) acc[m][n] = (uint32_t) bias[n];
    }
    for (size_t t = 0; t < ks; t++) {
      /* tap t: block t / 2, k indices 4 * (t % 2) + channel */
      const int16_t* wb = w + (t / 2) * (Q8RT_GEMM_NR * Q8RT_GEMM_KR);
      for (size_t kk = 0; kk < kc; kk++) {
        const size_t i = 4 * (t % 2) + kk, j = i / 2;
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
      uint8_t* cm = c + m * c_stride + j0;
      for (size_t n = 0; n < nr; n++) cm[n] = q8rt_requantize_q31((int32_t) acc[m][n], params);
    }
  }
}
