/*
 * q8conv 3x4c8 AVX2 micro-kernel (indirect convolution; same inner step as q8gemm 3x4c8 AVX2), on the same
 * Q8RT_LAYOUT_GEMM panels as the SSE4.1 kernel. Per tap and 8 k: the rotated c8 block is read as two ymm
 * ([vector 0 | vector 1], [vector 2 | vector 3]), each of the 3 A rows is widened to int16 and duplicated into
 * both lanes, then 2 vpmaddwd + 2 vpaddd per row (6 ymm accumulators). Reduction, Q31 requantization
 * (bit-identical to QNNPACK) and stores in ../q8gemm/3x4c8-avx2-common.h.
 */
#include <stddef.h>
#include <stdint.h>

#include <immintrin.h>

#include "../layout.h"
#include "../params.h"
#include "../q8gemm/3x4c8-avx2-common.h"
#include "q8conv.h"

void q8rt_q8conv_ukernel_3x4c8__avx2(size_t mr, size_t nr, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const int16_t* w = (const int16_t*) ((const uint8_t*) packed_w + Q8RT_GEMM_NR * sizeof(int32_t));
  struct q8rt_3x4c8_avx2_acc acc = q8rt_3x4c8_avx2_init(packed_w);

  for (; ks != 0; ks--) {
    /* Rows past mr may point at any valid pixel: their results are never stored. Each pointer is
     * readable up to round_up(kc, 8): the padded weights are 0. */
    const uint8_t* a0 = a[0];
    const uint8_t* a1 = a[1];
    const uint8_t* a2 = a[2];
    a += 3;

    for (size_t kk = 0; kk < kc; kk += 8) {
      q8rt_3x4c8_avx2_step(&acc, a0, a1, a2, w);
      a0 += 8;
      a1 += 8;
      a2 += 8;
      w += 32;
    }
  }

  q8rt_3x4c8_avx2_output(&acc, params, mr, nr, c, c_stride);
}
