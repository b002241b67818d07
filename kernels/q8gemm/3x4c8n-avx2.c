/*
 * q8gemm 3x4c8n AVX2 micro-kernel: an MR = 3 row tile against nc columns (any number of consecutive
 * Q8RT_LAYOUT_GEMM panels) in one call; same panels and arithmetic as the SSE4.1 3x4c8n kernel.
 * Per 8 k, the rotated c8 block is read as two ymm ([vector 0 | vector 1], [vector 2 | vector 3]) and each
 * A row, widened to int16 and duplicated into both lanes, meets both with 2 vpmaddwd + 2 vpaddd
 * (see 3x4c8-avx2-common.h).
 *   - With more than one panel and k <= Q8RT_3X4C8N_AVX2_MAX_K, the 3 A rows are widened (and duplicated) once
 *     per call into a stack buffer, and panels are processed in pairs (12 ymm accumulators, each A row loaded
 *     once for both panels, one epilogue per 3 rows x 8 columns; 3x4c8-avx2-wide.h), a last single panel alone.
 *   - Otherwise (one panel, or k too large for the buffer) each panel widens A itself (3x4c8 AVX2 step).
 *   - Requantization constants are set up once per call; requantization is sign(q31) * ((|q31| +
 *     2^(shift-1)) >> shift), bit-identical to QNNPACK's remainder rule.
 */
#include <stddef.h>
#include <stdint.h>

#include <immintrin.h>

#include "../layout.h"
#include "../params.h"
#include "3x4c8-avx2-common.h"
#include "3x4c8-avx2-wide.h"
#include "q8gemm.h"

/* The pre-widened A buffer holds 3 rows of this many k, duplicated (stack: 3 * 4 * MAX_K bytes). */
#define Q8RT_3X4C8N_AVX2_MAX_K 1536

void q8rt_q8gemm_ukernel_3x4c8n__avx2(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const size_t kp = (k + (Q8RT_GEMM_KR - 1)) & ~(size_t) (Q8RT_GEMM_KR - 1);
  const size_t panel_bytes = Q8RT_GEMM_NR * sizeof(int32_t) + kp * Q8RT_GEMM_NR * sizeof(int16_t);

  const uint8_t* ar0 = a;
  const uint8_t* ar1 = mr < 2 ? ar0 : ar0 + a_stride;
  const uint8_t* ar2 = mr <= 2 ? ar1 : ar1 + a_stride;
  uint8_t* c0 = c;
  uint8_t* c1 = mr < 2 ? c0 : c0 + c_stride;
  uint8_t* c2 = mr <= 2 ? c1 : c1 + c_stride;

  const struct q8rt_3x4c8_avx2_consts consts = q8rt_3x4c8_avx2_consts_init(params);
  const uint8_t* wp = (const uint8_t*) packed_w;
  _Alignas(32) int16_t awide[Q8RT_3X4C8N_AVX2_MAX_K / 8 * 48];
  if (nc > Q8RT_GEMM_NR && kp <= Q8RT_3X4C8N_AVX2_MAX_K) {
    /* Rows are readable up to round_up(k, 8): the padded weights are 0. */
    for (size_t kk = 0; kk < kp; kk += 8) {
      __m256i* dst = (__m256i*) (awide + kk * 6);
      _mm256_store_si256(dst, q8rt_3x4c8_avx2_widen(ar0 + kk));
      _mm256_store_si256(dst + 1, q8rt_3x4c8_avx2_widen(ar1 + kk));
      _mm256_store_si256(dst + 2, q8rt_3x4c8_avx2_widen(ar2 + kk));
    }
    q8rt_3x4c8_avx2_wide_run(awide, kp / 8, wp, panel_bytes, nc, &consts, c0, c1, c2);
    return;
  }

  for (;;) {
    const int16_t* w = (const int16_t*) (wp + Q8RT_GEMM_NR * sizeof(int32_t));
    struct q8rt_3x4c8_avx2_acc acc = q8rt_3x4c8_avx2_init(wp);
    const uint8_t* a0 = ar0;
    const uint8_t* a1 = ar1;
    const uint8_t* a2 = ar2;
    for (size_t kk = 0; kk < kp; kk += 8) {
      q8rt_3x4c8_avx2_step(&acc, a0, a1, a2, w);
      a0 += 8;
      a1 += 8;
      a2 += 8;
      w += 32;
    }
    __m128i vout0, vout1;
    q8rt_3x4c8_avx2_finish(acc.v0x01, acc.v0x23, acc.v1x01, acc.v1x23, acc.v2x01, acc.v2x23, &consts, &vout0, &vout1);
    /* Rows past mr alias the previous row (same values); stored from row 2 down to row 0. */
    q8rt_3x4c8_avx2_store(vout0, vout1, nc, c0, c1, c2);
    if (nc <= Q8RT_GEMM_NR) return;
    nc -= Q8RT_GEMM_NR;
    c0 += Q8RT_GEMM_NR;
    c1 += Q8RT_GEMM_NR;
    c2 += Q8RT_GEMM_NR;
    wp += panel_bytes;
  }
}
