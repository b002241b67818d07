/* q8gemm 1x8n scalar micro-kernel: the twin of the aarch64 NEON 1x8n GEMV kernel on Q8RT_LAYOUT_GEMM_8X8 panels:
 * each row and each panel through the 8x8 scalar kernel (same int32 sums, same requantization). */
#include <stddef.h>
#include <stdint.h>

#include "../layout.h"
#include "../params.h"
#include "q8gemm.h"

void q8rt_q8gemm_ukernel_1x8n__scalar(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const size_t kc8 = (k + Q8RT_GEMM8_KR - 1) / Q8RT_GEMM8_KR * Q8RT_GEMM8_KR;
  const size_t panel_bytes = Q8RT_GEMM8_NR * sizeof(int32_t) + kc8 * Q8RT_GEMM8_NR;
  for (size_t m = 0; m < mr; m++) {
    for (size_t n0 = 0; n0 < nc; n0 += Q8RT_GEMM8_NR) {
      const size_t nr = nc - n0 < Q8RT_GEMM8_NR ? nc - n0 : Q8RT_GEMM8_NR;
      q8rt_q8gemm_ukernel_8x8__scalar(1, nr, k, a + m * a_stride, a_stride,
                                      (const uint8_t*) packed_w + (n0 / Q8RT_GEMM8_NR) * panel_bytes, c + m * c_stride + n0,
                                      c_stride, params);
    }
  }
}
