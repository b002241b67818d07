/* q8conv 4x16c8tp scalar micro-kernel: the twin of the aarch64 i8mm tap-pair indirect convolution kernel on
 * Q8RT_LAYOUT_GEMM_I8MM_TAP_PAIRS panels (kernels/layout.h): MR = 16 pixels (16 pointers per tap), kc <= 4, any ks
 * and nc; channel k of tap t is k index 4 * t + k of the panel. */
#include <stddef.h>
#include <stdint.h>

#include "../layout.h"
#include "../params.h"
#include "../q8gemm/4x16c8-scalar.h"
#include "q8conv.h"

void q8rt_q8conv_ukernel_4x16c8tp__scalar(size_t mr, size_t nc, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const size_t panel_bytes = q8rt_i8mm_tp_panel_bytes(ks);
  const uint8_t* panel = (const uint8_t*) packed_w;
  for (size_t n0 = 0; n0 < nc; n0 += Q8RT_GEMMI8MM_NR) {
    const size_t nr = nc - n0 < Q8RT_GEMMI8MM_NR ? nc - n0 : Q8RT_GEMMI8MM_NR;
    q8rt_i8mm_scalar_panel_taps(mr, nr, kc, ks, a, Q8RT_Q8CONV_I8MMTP_MR, Q8RT_I8MMTP_TAP_K, panel, c + n0, c_stride,
                                params);
    panel += panel_bytes;
  }
}
