/*
 * q8gemm 3x4c8 SSE4.1 micro-kernel.
 * Weights are pre-subtracted int16 in rotated c8 blocks (kernels/layout.h): per 8 k, 3 A loads widened
 * with pmovzxbw, then 12 pmaddwd (A row x weight vector r, a memory operand) + 12 paddd into 12 int32
 * accumulators acc[m][r] whose lane j holds the k-pair j of column (j + r) % 4. At the end, each row's 4
 * accumulators are rotated into place with pshufd and summed (3 pshufd + 3 paddd per row).
 * 96 MACs per 27 vector ALU uops.
 */
#include <stddef.h>
#include <stdint.h>

#include <smmintrin.h>

#include "../layout.h"
#include "../params.h"
#include "../requantize.h"
#include "3x4c8-sse41-step.h"
#include "q8gemm.h"

void q8rt_q8gemm_ukernel_3x4c8__sse41(size_t mr, size_t nr, size_t k, const uint8_t* a, size_t a_stride,
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

  const uint8_t* a0 = a;
  const uint8_t* a1 = mr < 2 ? a0 : a0 + a_stride;
  const uint8_t* a2 = mr <= 2 ? a1 : a1 + a_stride;

  /* A rows are readable up to round_up(k, 8): the padded weights are 0. */
  for (size_t kk = 0; kk < k; kk += 8) {
    Q8RT_3X4C8_STEP(a0, a1, a2, w);
    a0 += 8;
    a1 += 8;
    a2 += 8;
    w += 32;
  }

  /* out[n] = sum_r acc[r][(n - r) % 4]: rotate accumulator r up by r lanes. */
  __m128i vacc0 = _mm_add_epi32(
      _mm_add_epi32(vacc0x0, _mm_shuffle_epi32(vacc0x2, _MM_SHUFFLE(1, 0, 3, 2))),
      _mm_shuffle_epi32(_mm_add_epi32(vacc0x1, _mm_shuffle_epi32(vacc0x3, _MM_SHUFFLE(1, 0, 3, 2))),
                        _MM_SHUFFLE(2, 1, 0, 3)));
  __m128i vacc1 = _mm_add_epi32(
      _mm_add_epi32(vacc1x0, _mm_shuffle_epi32(vacc1x2, _MM_SHUFFLE(1, 0, 3, 2))),
      _mm_shuffle_epi32(_mm_add_epi32(vacc1x1, _mm_shuffle_epi32(vacc1x3, _MM_SHUFFLE(1, 0, 3, 2))),
                        _MM_SHUFFLE(2, 1, 0, 3)));
  __m128i vacc2 = _mm_add_epi32(
      _mm_add_epi32(vacc2x0, _mm_shuffle_epi32(vacc2x2, _MM_SHUFFLE(1, 0, 3, 2))),
      _mm_shuffle_epi32(_mm_add_epi32(vacc2x1, _mm_shuffle_epi32(vacc2x3, _MM_SHUFFLE(1, 0, 3, 2))),
                        _MM_SHUFFLE(2, 1, 0, 3)));

  const __m128i vmultiplier = _mm_set1_epi32(params->multiplier);
  const __m128i vrounding = _mm_set1_epi64x(INT64_C(0x40000000));
  const __m128i vremainder_mask = _mm_set1_epi32(params->remainder_mask);
  const __m128i vremainder_threshold = _mm_set1_epi32(params->remainder_threshold);
  const __m128i vshift = _mm_cvtsi32_si128((int) params->shift);
  vacc0 = q8rt_sse41_q31_requantize(vacc0, vmultiplier, vrounding, vremainder_mask, vremainder_threshold, vshift);
  vacc1 = q8rt_sse41_q31_requantize(vacc1, vmultiplier, vrounding, vremainder_mask, vremainder_threshold, vshift);
  vacc2 = q8rt_sse41_q31_requantize(vacc2, vmultiplier, vrounding, vremainder_mask, vremainder_threshold, vshift);

  const __m128i voutput_zero_point = _mm_set1_epi16((short) params->output_zero_point);
  const __m128i vout01 = _mm_adds_epi16(_mm_packs_epi32(vacc0, vacc1), voutput_zero_point);
  const __m128i vout22 = _mm_adds_epi16(_mm_packs_epi32(vacc2, vacc2), voutput_zero_point);
  const __m128i voutput_min = _mm_set1_epi8((char) params->output_min);
  const __m128i voutput_max = _mm_set1_epi8((char) params->output_max);
  /* bytes 0-3: row 0, 4-7: row 1, 8-11: row 2 */
  __m128i vout = _mm_min_epu8(_mm_max_epu8(_mm_packus_epi16(vout01, vout22), voutput_min), voutput_max);

  /* Rows past mr alias the previous row (same values); store from row 2 down to row 0. */
  uint8_t* c0 = c;
  uint8_t* c1 = mr < 2 ? c0 : c0 + c_stride;
  uint8_t* c2 = mr <= 2 ? c1 : c1 + c_stride;
  if (nr == 4) {
    const uint32_t v2 = (uint32_t) _mm_extract_epi32(vout, 2);
    const uint32_t v1 = (uint32_t) _mm_extract_epi32(vout, 1);
    const uint32_t v0 = (uint32_t) _mm_cvtsi128_si32(vout);
    __builtin_memcpy(c2, &v2, 4);
    __builtin_memcpy(c1, &v1, 4);
    __builtin_memcpy(c0, &v0, 4);
  } else {
    if (nr & 2) {
      const uint16_t v2 = (uint16_t) _mm_extract_epi16(vout, 4);
      const uint16_t v1 = (uint16_t) _mm_extract_epi16(vout, 2);
      const uint16_t v0 = (uint16_t) _mm_extract_epi16(vout, 0);
      __builtin_memcpy(c2, &v2, 2);
      __builtin_memcpy(c1, &v1, 2);
      __builtin_memcpy(c0, &v0, 2);
      c0 += 2;
      c1 += 2;
      c2 += 2;
      vout = _mm_srli_epi32(vout, 16);
    }
    if (nr & 1) {
      *c2 = (uint8_t) _mm_extract_epi8(vout, 8);
      *c1 = (uint8_t) _mm_extract_epi8(vout, 4);
      *c0 = (uint8_t) _mm_extract_epi8(vout, 0);
    }
  }
}
