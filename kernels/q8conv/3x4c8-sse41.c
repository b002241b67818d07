/*
 * q8conv 3x4c8 SSE4.1 micro-kernel (indirect convolution; same inner loop as q8gemm 3x4c8).
 * Weights are pre-subtracted int16 in rotated c8 blocks (kernels/layout.h): per tap and 8 k, 3 A loads
 * widened with pmovzxbw, then 12 pmaddwd + 12 paddd into 12 int32 accumulators acc[m][r] whose lane j
 * holds the k-pair j of column (j + r) % 4; at the end each row's accumulators are rotated into place
 * (3 pshufd + 3 paddd per row).
 */
#include <stddef.h>
#include <stdint.h>

#include <smmintrin.h>

#include "../layout.h"
#include "../params.h"
#include "../requantize.h"
#include "q8conv.h"
#include "../q8gemm/3x4c8-sse41-step.h"

void q8rt_q8conv_ukernel_3x4c8__sse41(size_t mr, size_t nr, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const int16_t* w = (const int16_t*) ((const uint8_t*) packed_w + Q8RT_GEMM_NR * sizeof(int32_t));
  __m128i vacc0x0 = _mm_loadu_si128((const __m128i*) packed_w);
  __m128i vacc0x1 = _mm_setzero_si128();
  __m128i vacc0x2 = _mm_setzero_si128();
  __m128i vacc0x3 = _mm_setzero_si128();
  __m128i vacc1x0 = vacc0x0;
  __m128i vacc1x1 = _mm_setzero_si128();
  __m128i vacc1x2 = _mm_setzero_si128();
  __m128i vacc1x3 = _mm_setzero_si128();
  __m128i vacc2x0 = vacc0x0;
  __m128i vacc2x1 = _mm_setzero_si128();
  __m128i vacc2x2 = _mm_setzero_si128();
  __m128i vacc2x3 = _mm_setzero_si128();

  for (; ks != 0; ks--) {
    /* Rows past mr may point at any valid pixel: their results are never stored. Each pointer is
     * readable up to round_up(kc, 8): the padded weights are 0. */
    const uint8_t* a0 = a[0];
    const uint8_t* a1 = a[1];
    const uint8_t* a2 = a[2];
    a += 3;

    for (size_t kk = 0; kk < kc; kk += 8) {
      q8rt_3x4c8_sse41_step(a0, a1, a2, w, &vacc0x0, &vacc0x1, &vacc0x2, &vacc0x3, &vacc1x0, &vacc1x1, &vacc1x2,
                          &vacc1x3, &vacc2x0, &vacc2x1, &vacc2x2, &vacc2x3);
      a0 += 8;
      a1 += 8;
      a2 += 8;
      w += 32;
    }
  }

  q8rt_3x4c8_sse41_store(vacc0x0, vacc0x1, vacc0x2, vacc0x3, vacc1x0, vacc1x1, vacc1x2, vacc1x3, vacc2x0, vacc2x1,
                         vacc2x2, vacc2x3, mr, nr, c, c_stride, params);
}
