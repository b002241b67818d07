/*
 * q8gemm 3x4c8 AVX2 micro-kernel, on the same Q8RT_LAYOUT_GEMM panels as the SSE4.1 kernel.
 * Per 8 k: the rotated c8 block is read as two ymm ([vector 0 | vector 1], [vector 2 | vector 3]); each A row
 * is widened to int16 and duplicated into both lanes, so 2 vpmaddwd + 2 vpaddd per row cover the 4 weight
 * vectors (6 ymm accumulators; 15 vector ALU uops per 96 MACs, SSE4.1: 27). Reduction, Q31 requantization
 * (bit-identical to QNNPACK) and stores in 3x4c8-avx2-common.h.
 */
#include <stddef.h>
#include <stdint.h>

#include <immintrin.h>

#include "../layout.h"
#include "../params.h"
#include "3x4c8-avx2-common.h"
#include "q8gemm.h"

void q8rt_q8gemm_ukernel_3x4c8__avx2(size_t mr, size_t nr, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const int16_t* w = (const int16_t*) ((const uint8_t*) packed_w + Q8RT_GEMM_NR * sizeof(int32_t));
  struct q8rt_3x4c8_avx2_acc acc = q8rt_3x4c8_avx2_init(packed_w);

  const uint8_t* a0 = a;
  const uint8_t* a1 = mr < 2 ? a0 : a0 + a_stride;
  const uint8_t* a2 = mr <= 2 ? a1 : a1 + a_stride;

  /* A rows are readable up to round_up(k, 8): the padded weights are 0. */
  for (size_t kk = 0; kk < k; kk += 8) {
    q8rt_3x4c8_avx2_step(&acc, a0, a1, a2, w);
    a0 += 8;
    a1 += 8;
    a2 += 8;
    w += 32;
  }

  q8rt_3x4c8_avx2_output(&acc, params, mr, nr, c, c_stride);
}
