/* q8conv 4x8 scalar micro-kernel: the reference twin of the armv7 NEON q8conv 4x8 kernel, on the same
 * Q8RT_LAYOUT_GEMM_8X8 panel and the same indirection buffer of 4 row pointers per tap (body: gemm8-scalar.h). */
#include <stddef.h>
#include <stdint.h>

#include "../params.h"
#include "gemm8-scalar.h"
#include "q8conv.h"

void q8rt_q8conv_ukernel_4x8__scalar(size_t mr, size_t nr, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  q8rt_q8conv_gemm8_scalar(4, mr, nr, kc, ks, a, packed_w, c, c_stride, params);
}
