/* q8gemm 4x16c4n scalar micro-kernel: the twin of the aarch64 dot-product 4x16c4n kernel on the same
 * Q8RT_LAYOUT_GEMM_DOT panels (kernels/layout.h): any number of rows (blocks of 4, the last one of 1..4) x any nc
 * columns (consecutive panels). */
#include <stddef.h>
#include <stdint.h>

#include "../layout.h"
#include "../params.h"
#include "4x16c4-scalar.h"
#include "q8gemm.h"

void q8rt_q8gemm_ukernel_4x16c4n__scalar(size_t rows, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const size_t kc4 = (k + Q8RT_GEMMDOT_KR - 1) / Q8RT_GEMMDOT_KR * Q8RT_GEMMDOT_KR;
  const size_t panel_bytes = Q8RT_GEMMDOT_NR * sizeof(int32_t) + kc4 * Q8RT_GEMMDOT_NR;
  for (size_t m0 = 0; m0 < rows; m0 += Q8RT_GEMMDOT_MR) {
    const size_t mr = rows - m0 < Q8RT_GEMMDOT_MR ? rows - m0 : Q8RT_GEMMDOT_MR;
    const uint8_t* rowp[Q8RT_GEMMDOT_MR];
    for (size_t m = 0; m < Q8RT_GEMMDOT_MR; m++) rowp[m] = a + (m0 + (m < mr ? m : mr - 1)) * a_stride;
    const uint8_t* panel = (const uint8_t*) packed_w;
    for (size_t n0 = 0; n0 < nc; n0 += Q8RT_GEMMDOT_NR) {
      const size_t nr = nc - n0 < Q8RT_GEMMDOT_NR ? nc - n0 : Q8RT_GEMMDOT_NR;
      q8rt_dot_scalar_panel(mr, nr, k, 1, rowp, Q8RT_GEMMDOT_MR, panel, c + m0 * c_stride + n0, c_stride, params);
      panel += panel_bytes;
    }
  }
}
