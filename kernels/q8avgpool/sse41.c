/* q8avgpool SSE4.1 micro-kernel: 8 channels per step, sign/magnitude 32x32->64 scaling (pmuludq). */
#include <stddef.h>
#include <stdint.h>

#include <smmintrin.h>

#include "../params.h"
#include "../store-sse41.h"
#include "q8avgpool.h"

static inline __m128i q8rt_avgpool_scale4(__m128i vacc, __m128i vmultiplier, __m128i vrounding, __m128i vshift) {
  const __m128i vneg_mask = _mm_srai_epi32(vacc, 31);
  const __m128i vabs = _mm_abs_epi32(vacc); /* INT32_MIN -> 0x80000000 = 2^31 as unsigned: still exact */
  const __m128i vabs_odd = _mm_shuffle_epi32(vabs, _MM_SHUFFLE(3, 3, 1, 1));
  const __m128i vabs_scaled_even = _mm_srl_epi64(_mm_add_epi64(_mm_mul_epu32(vabs, vmultiplier), vrounding), vshift);
  const __m128i vabs_scaled_odd = _mm_srl_epi64(_mm_add_epi64(_mm_mul_epu32(vabs_odd, vmultiplier), vrounding), vshift);
  const __m128i vabs_scaled = _mm_blend_epi16(vabs_scaled_even, _mm_slli_epi64(vabs_scaled_odd, 32), 0xCC);
  return _mm_sub_epi32(_mm_xor_si128(vabs_scaled, vneg_mask), vneg_mask);
}

void q8rt_q8avgpool_ukernel__sse41(size_t ks, size_t channels, const uint8_t* const* input, uint8_t* output,
    const struct q8rt_avgpool_params* params) {
  const __m128i vbias = _mm_set1_epi32(params->bias);
  const __m128i vmultiplier = _mm_set1_epi32(params->multiplier);
  const __m128i vrounding = _mm_set1_epi64x(params->rounding);
  const __m128i vshift = _mm_cvtsi32_si128((int) params->shift);
  const __m128i voutput_zero_point = _mm_set1_epi16((short) params->output_zero_point);
  const __m128i voutput_min = _mm_set1_epi8((char) params->output_min);
  const __m128i voutput_max = _mm_set1_epi8((char) params->output_max);
  const __m128i vzero = _mm_setzero_si128();

  size_t offset = 0;
  while (offset < channels) {
    __m128i vacc_lo = vbias;
    __m128i vacc_hi = vbias;
    for (size_t t = 0; t < ks; t++) {
      const __m128i vx = _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i*) (input[t] + offset)));
      vacc_lo = _mm_add_epi32(vacc_lo, _mm_unpacklo_epi16(vx, vzero));
      vacc_hi = _mm_add_epi32(vacc_hi, _mm_unpackhi_epi16(vx, vzero));
    }
    const __m128i vscaled_lo = q8rt_avgpool_scale4(vacc_lo, vmultiplier, vrounding, vshift);
    const __m128i vscaled_hi = q8rt_avgpool_scale4(vacc_hi, vmultiplier, vrounding, vshift);
    __m128i vout = _mm_adds_epi16(_mm_packs_epi32(vscaled_lo, vscaled_hi), voutput_zero_point);
    vout = _mm_packus_epi16(vout, vout);
    vout = _mm_min_epu8(_mm_max_epu8(vout, voutput_min), voutput_max);

    const size_t c = channels - offset;
    uint8_t* y = output + offset;
    if (c >= 8) {
      _mm_storel_epi64((__m128i*) y, vout);
      offset += 8;
    } else {
      q8rt_store_u8_lt16_sse41(y, vout, c);
      offset = channels;
    }
  }
}
