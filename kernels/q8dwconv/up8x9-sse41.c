/*
 * q8dwconv up8x9 SSE4.1 micro-kernel: per 8 channels, taps are interleaved in pairs (punpck{l,h}wd of
 * inputs and of (w - kernel_zero_point)) so one pmaddwd adds two taps into 4 int32 accumulators.
 */
#include <stddef.h>
#include <stdint.h>

#include <smmintrin.h>

#include "../layout.h"
#include "../params.h"
#include "../requantize.h"
#include "q8dwconv.h"

void q8rt_q8dwconv_ukernel_up8x9__sse41(size_t channels, size_t output_width, const uint8_t* const* input,
    size_t input_stride, const void* packed_w, uint8_t* output, size_t output_increment,
    const struct q8rt_conv_params* params) {
  const __m128i vzero = _mm_setzero_si128();
  const __m128i vkernel_zero_point = _mm_set1_epi16((short) params->kernel_zero_point);
  const __m128i vmultiplier = _mm_set1_epi32(params->multiplier);
  const __m128i vrounding = _mm_set1_epi64x(INT64_C(0x40000000));
  const __m128i vremainder_mask = _mm_set1_epi32(params->remainder_mask);
  const __m128i vremainder_threshold = _mm_set1_epi32(params->remainder_threshold);
  const __m128i vshift = _mm_cvtsi32_si128((int) params->shift);
  const __m128i voutput_zero_point = _mm_set1_epi16((short) params->output_zero_point);
  const __m128i voutput_min = _mm_set1_epi8((char) params->output_min);
  const __m128i voutput_max = _mm_set1_epi8((char) params->output_max);

  for (; output_width != 0; output_width--) {
    const uint8_t* i0 = input[0];
    const uint8_t* i1 = input[1];
    const uint8_t* i2 = input[2];
    const uint8_t* i3 = input[3];
    const uint8_t* i4 = input[4];
    const uint8_t* i5 = input[5];
    const uint8_t* i6 = input[6];
    const uint8_t* i7 = input[7];
    const uint8_t* i8 = input[8];
    input += input_stride;

    const uint8_t* w = (const uint8_t*) packed_w;
    size_t c = channels;
    for (;;) {
      __m128i vacc_lo = _mm_loadu_si128((const __m128i*) w);
      __m128i vacc_hi = _mm_loadu_si128((const __m128i*) (w + 16));
      const uint8_t* wk = w + 32;

#define Q8RT_DW_TAP_PAIR(ia, ib, ta, tb)                                                              \
  do {                                                                                                \
    const __m128i vxia = _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i*) ia));                    \
    const __m128i vxib = _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i*) ib));                    \
    const __m128i vxka = _mm_sub_epi16(                                                               \
        _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i*) (wk + (ta) * 8))), vkernel_zero_point);   \
    const __m128i vxkb = _mm_sub_epi16(                                                               \
        _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i*) (wk + (tb) * 8))), vkernel_zero_point);   \
    vacc_lo = _mm_add_epi32(vacc_lo, _mm_madd_epi16(_mm_unpacklo_epi16(vxia, vxib), _mm_unpacklo_epi16(vxka, vxkb))); \
    vacc_hi = _mm_add_epi32(vacc_hi, _mm_madd_epi16(_mm_unpackhi_epi16(vxia, vxib), _mm_unpackhi_epi16(vxka, vxkb))); \
  } while (0)

      Q8RT_DW_TAP_PAIR(i0, i1, 0, 1);
      Q8RT_DW_TAP_PAIR(i2, i3, 2, 3);
      Q8RT_DW_TAP_PAIR(i4, i5, 4, 5);
      Q8RT_DW_TAP_PAIR(i6, i7, 6, 7);
#undef Q8RT_DW_TAP_PAIR
      {
        const __m128i vxi8 = _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i*) i8));
        const __m128i vxk8 = _mm_sub_epi16(
            _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i*) (wk + 64))), vkernel_zero_point);
        vacc_lo = _mm_add_epi32(vacc_lo, _mm_madd_epi16(_mm_unpacklo_epi16(vxi8, vzero), _mm_unpacklo_epi16(vxk8, vzero)));
        vacc_hi = _mm_add_epi32(vacc_hi, _mm_madd_epi16(_mm_unpackhi_epi16(vxi8, vzero), _mm_unpackhi_epi16(vxk8, vzero)));
      }
      w += Q8RT_DW_CR * sizeof(int32_t) + Q8RT_DW_TAPS * Q8RT_DW_CR;

      vacc_lo = q8rt_sse41_q31_requantize(vacc_lo, vmultiplier, vrounding, vremainder_mask, vremainder_threshold, vshift);
      vacc_hi = q8rt_sse41_q31_requantize(vacc_hi, vmultiplier, vrounding, vremainder_mask, vremainder_threshold, vshift);
      __m128i vout = _mm_adds_epi16(_mm_packs_epi32(vacc_lo, vacc_hi), voutput_zero_point);
      vout = _mm_packus_epi16(vout, vout);
      vout = _mm_min_epu8(_mm_max_epu8(vout, voutput_min), voutput_max);

      if (c >= 8) {
        _mm_storel_epi64((__m128i*) output, vout);
        output += 8;
        c -= 8;
        if (c == 0) break;
        i0 += 8;
        i1 += 8;
        i2 += 8;
        i3 += 8;
        i4 += 8;
        i5 += 8;
        i6 += 8;
        i7 += 8;
        i8 += 8;
      } else {
        if (c & 4) {
          const uint32_t v = (uint32_t) _mm_cvtsi128_si32(vout);
          __builtin_memcpy(output, &v, 4);
          output += 4;
          vout = _mm_srli_epi64(vout, 32);
        }
        if (c & 2) {
          const uint16_t v = (uint16_t) _mm_extract_epi16(vout, 0);
          __builtin_memcpy(output, &v, 2);
          output += 2;
          vout = _mm_srli_epi64(vout, 16);
        }
        if (c & 1) {
          *output = (uint8_t) _mm_extract_epi8(vout, 0);
          output += 1;
        }
        break;
      }
    }
    output += output_increment;
  }
}
