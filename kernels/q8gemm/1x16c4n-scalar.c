/* q8gemm 1x16c4n scalar micro-kernel: the twin of the aarch64 dot-product GEMV-style 1x16c4n kernel on
 * Q8RT_LAYOUT_GEMM_DOT panels (kernels/layout.h): any mr >= 1 rows, one at a time, x any nc columns. */
#include <stddef.h>
#include <stdint.h>

#include "../layout.h"
#include "../params.h"
#include "4x16c4-scalar.h"
#include "q8gemm.h"

void q8rt_q8gemm_ukernel_1x16c4n__scalar(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const size_t kc4 = (k + Q8RT_GEMMDOT_KR - 1) / Q8RT_GEMMDOT_KR * Q8RT_GEMMDOT_KR;
  const size_t panel_bytes = Q8RT_GEMMDOT_NR * sizeof(int32_t) + kc4 * Q8RT_GEMMDOT_NR;
  for (size_t m = 0; m < mr; m++) {
    const uint8_t* row = a + m * a_stride;
    const uint8_t* panel = (const uint8_t*) packed_w;
    for (size_t n0 = 0; n0 < nc; n0 += Q8RT_GEMMDOT_NR) {
      const size_t nr = nc - n0 < Q8RT_GEMMDOT_NR ? nc - n0 : Q8RT_GEMMDOT_NR;
      q8rt_dot_scalar_panel(1, nr, k, 1, &row, 1, panel, c + m * c_stride + n0, c_stride, params);
      panel += panel_bytes;
    }
  }
}
