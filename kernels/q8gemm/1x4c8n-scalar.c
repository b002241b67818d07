/* q8gemm 1x4c8n scalar micro-kernel (reference twin of the SSE4.1 kernel): mr rows, nc columns. */
#include <stddef.h>
#include <stdint.h>

#include "../layout.h"
#include "../params.h"
#include "q8gemm.h"

void q8rt_q8gemm_ukernel_1x4c8n__scalar(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const size_t kp = (k + (Q8RT_GEMM_KR - 1)) & ~(size_t) (Q8RT_GEMM_KR - 1);
  const size_t panel_bytes = Q8RT_GEMM_NR * sizeof(int32_t) + kp * Q8RT_GEMM_NR * sizeof(int16_t);
  for (size_t m = 0; m < mr; m++) {
    for (size_t j = 0; j < nc; j += Q8RT_GEMM_NR) {
      const size_t nr = nc - j < Q8RT_GEMM_NR ? nc - j : Q8RT_GEMM_NR;
      q8rt_q8gemm_ukernel_3x4c8__scalar(1, nr, k, a + m * a_stride, a_stride,
                                        (const uint8_t*) packed_w + (j / Q8RT_GEMM_NR) * panel_bytes,
                                        c + m * c_stride + j, c_stride, params);
    }
  }
}
