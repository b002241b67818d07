/* q8conv 8x8n scalar micro-kernel: the twin of the aarch64 NEON q8conv 8x8n kernel: 8 pixels x any nc columns over
 * consecutive Q8RT_LAYOUT_GEMM_8X8 panels, each panel through the q8conv 8x8 scalar kernel (same int32 sums, same
 * requantization). */
#include <stddef.h>
#include <stdint.h>

#include "../layout.h"
#include "../params.h"
#include "q8conv.h"

void q8rt_q8conv_ukernel_8x8n__scalar(size_t mr, size_t nc, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const size_t kc8 = (kc + Q8RT_GEMM8_KR - 1) / Q8RT_GEMM8_KR * Q8RT_GEMM8_KR;
  const size_t panel_bytes = Q8RT_GEMM8_NR * sizeof(int32_t) + ks * kc8 * Q8RT_GEMM8_NR;
  const uint8_t* panel = (const uint8_t*) packed_w;
  for (size_t n0 = 0; n0 < nc; n0 += Q8RT_GEMM8_NR) {
    const size_t nr = nc - n0 < Q8RT_GEMM8_NR ? nc - n0 : Q8RT_GEMM8_NR;
    q8rt_q8conv_ukernel_8x8__scalar(mr, nr, kc, ks, a, panel, c + n0, c_stride, params);
    panel += panel_bytes;
  }
}
