/* q8conv 4x16c4 scalar micro-kernel: the twin of the aarch64 dot-product indirect convolution kernel on
 * Q8RT_LAYOUT_GEMM_DOT panels (kernels/layout.h): MR = 4 pixels (4 pointers per tap), any nc columns. */
#include <stddef.h>
#include <stdint.h>

#include "../layout.h"
#include "../params.h"
#include "../q8gemm/4x16c4-scalar.h"
#include "q8conv.h"

void q8rt_q8conv_ukernel_4x16c4__scalar(size_t mr, size_t nc, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const size_t kc4 = (kc + Q8RT_GEMMDOT_KR - 1) / Q8RT_GEMMDOT_KR * Q8RT_GEMMDOT_KR;
  const size_t panel_bytes = Q8RT_GEMMDOT_NR * sizeof(int32_t) + ks * kc4 * Q8RT_GEMMDOT_NR;
  const uint8_t* panel = (const uint8_t*) packed_w;
  for (size_t n0 = 0; n0 < nc; n0 += Q8RT_GEMMDOT_NR) {
    const size_t nr = nc - n0 < Q8RT_GEMMDOT_NR ? nc - n0 : Q8RT_GEMMDOT_NR;
    q8rt_dot_scalar_panel(mr, nr, kc, ks, a, Q8RT_GEMMDOT_MR, panel, c + n0, c_stride, params);
    panel += panel_bytes;
  }
}
