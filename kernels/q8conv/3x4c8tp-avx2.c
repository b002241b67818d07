/*
 * q8conv 3x4c8tp AVX2 micro-kernel: indirect convolution for small kc (<= 4, e.g. a first layer on 3 channels)
 * on the same Q8RT_LAYOUT_GEMM_TAP_PAIRS weights as the SSE4.1 3x4c8tp kernel (kernels/layout.h), an MR = 3
 * pixel tile against nc columns (any number of consecutive panels) in one call.
 * Each 8-k block holds two taps: per row, 4 bytes from each of the two tap pointers are gathered, widened to
 * int16 and duplicated into both lanes once per call into a stack buffer ([pair][row][16 int16]); then the
 * panels run the widened-A loops of q8gemm 3x4c8n AVX2 (../q8gemm/3x4c8-avx2-wide.h): pairs of panels with
 * 12 ymm accumulators and one epilogue per 3 rows x 8 columns, a last single panel alone. Requantization:
 * sign(q31) * ((|q31| + 2^(shift-1)) >> shift), bit-identical to QNNPACK.
 */
#include <stddef.h>
#include <stdint.h>

#include <immintrin.h>

#include "../layout.h"
#include "../params.h"
#include "../q8gemm/3x4c8-avx2-common.h"
#include "../q8gemm/3x4c8-avx2-wide.h"
#include "q8conv.h"

void q8rt_q8conv_ukernel_3x4c8tp__avx2(size_t mr, size_t nc, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  (void) kc;
  const size_t pairs = (ks + 1) / 2;
  const size_t panel_bytes = Q8RT_GEMM_NR * sizeof(int32_t) + pairs * Q8RT_GEMM_NR * Q8RT_GEMM_KR * sizeof(int16_t);

  uint8_t* c0 = c;
  uint8_t* c1 = mr < 2 ? c0 : c0 + c_stride;
  uint8_t* c2 = mr <= 2 ? c1 : c1 + c_stride;

  /* Gather: rows past mr point at valid pixels (their results are never stored); a missing second tap of
   * the last pair re-reads the first one (it meets zero weights). */
  _Alignas(32) int16_t awide[(Q8RT_Q8CONV_TP_MAX_KS + 1) / 2 * 48];
  for (size_t p = 0; p < pairs; p++) {
    const uint8_t* const* lo = a + 2 * p * 3;
    const uint8_t* const* hi = 2 * p + 1 < ks ? lo + 3 : lo;
    for (size_t m = 0; m < 3; m++) {
      uint32_t vlo, vhi;
      __builtin_memcpy(&vlo, lo[m], 4);
      __builtin_memcpy(&vhi, hi[m], 4);
      const int64_t v = (int64_t) ((uint64_t) vlo | (uint64_t) vhi << 32);
      _mm256_store_si256((__m256i*) (awide + p * 48 + m * 16), _mm256_cvtepu8_epi16(_mm_set1_epi64x(v)));
    }
  }

  const struct q8rt_3x4c8_avx2_consts consts = q8rt_3x4c8_avx2_consts_init(params);
  q8rt_3x4c8_avx2_wide_run(awide, pairs, (const uint8_t*) packed_w, panel_bytes, nc, &consts, c0, c1, c2);
}
