/*
 * q8gemm 1x4c8n SSE4.1 micro-kernel: GEMV-style, for GEMMs with few rows (a fully connected layer at
 * batch 1). Each of the mr rows (any mr >= 1) is computed against nc columns (any number of consecutive
 * Q8RT_LAYOUT_GEMM panels), two panels at a time: per 8 k, one pmovzxbw of the A row shared by
 * 8 pmaddwd + 8 paddd into 8 accumulators (rotated c8 blocks, kernels/layout.h).
 * Requantization: sign(q31) * ((|q31| + 2^(shift-1)) >> shift), bit-identical to QNNPACK's rule.
 */
#include <stddef.h>
#include <stdint.h>

#include <smmintrin.h>

#include "../layout.h"
#include "../params.h"
#include "../requantize.h"
#include "q8gemm.h"

static inline __m128i q8rt_1x4c8n_requantize(__m128i vacc, __m128i vmultiplier, __m128i vq31_rounding,
                                             __m128i vrounding, __m128i vshift) {
  const __m128i vacc_odd = _mm_shuffle_epi32(vacc, _MM_SHUFFLE(3, 3, 1, 1));
  const __m128i vprod_even = _mm_add_epi64(_mm_mul_epi32(vacc, vmultiplier), vq31_rounding);
  const __m128i vprod_odd = _mm_add_epi64(_mm_mul_epi32(vacc_odd, vmultiplier), vq31_rounding);
  const __m128i vq31_even = _mm_srli_epi64(vprod_even, 31);
  const __m128i vq31_odd = _mm_add_epi64(vprod_odd, vprod_odd);
  const __m128i vq31 = _mm_blend_epi16(vq31_even, vq31_odd, 0xCC);
  const __m128i vabs = _mm_srl_epi32(_mm_add_epi32(_mm_abs_epi32(vq31), vrounding), vshift);
  return _mm_sign_epi32(vabs, vq31);
}

static inline __m128i q8rt_1x4c8n_reduce(__m128i v0, __m128i v1, __m128i v2, __m128i v3) {
  return _mm_add_epi32(_mm_add_epi32(v0, _mm_shuffle_epi32(v2, _MM_SHUFFLE(1, 0, 3, 2))),
                       _mm_shuffle_epi32(_mm_add_epi32(v1, _mm_shuffle_epi32(v3, _MM_SHUFFLE(1, 0, 3, 2))),
                                         _MM_SHUFFLE(2, 1, 0, 3)));
}

void q8rt_q8gemm_ukernel_1x4c8n__sse41(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const size_t kp = (k + (Q8RT_GEMM_KR - 1)) & ~(size_t) (Q8RT_GEMM_KR - 1);
  const size_t panel_bytes = Q8RT_GEMM_NR * sizeof(int32_t) + kp * Q8RT_GEMM_NR * sizeof(int16_t);

  const __m128i vmultiplier = _mm_set1_epi32(params->multiplier);
  const __m128i vq31_rounding = _mm_set1_epi64x(INT64_C(0x40000000));
  const __m128i vrounding = _mm_set1_epi32((int32_t) (((uint32_t) params->remainder_mask + 1) >> 1));
  const __m128i vshift = _mm_cvtsi32_si128((int) params->shift);
  const __m128i voutput_zero_point = _mm_set1_epi16((short) params->output_zero_point);
  const __m128i voutput_min = _mm_set1_epi8((char) params->output_min);
  const __m128i voutput_max = _mm_set1_epi8((char) params->output_max);
  /* TFLITE_SINGLE_ROUNDING: one branch per tile */
  const int single = params->single_rounding != 0;
  const struct q8rt_sse41_single vsingle = q8rt_sse41_single_init(params);

  for (; mr != 0; mr--) {
    const uint8_t* wp = (const uint8_t*) packed_w;
    uint8_t* cr = c;
    size_t n = nc;
    while (n != 0) {
      /* Two panels (8 columns) when at least 5 columns remain, else one. */
      const int two = n > Q8RT_GEMM_NR;
      const uint8_t* wp1 = two ? wp + panel_bytes : wp;
      const int16_t* w0 = (const int16_t*) (wp + Q8RT_GEMM_NR * sizeof(int32_t));
      const int16_t* w1 = (const int16_t*) (wp1 + Q8RT_GEMM_NR * sizeof(int32_t));
      __m128i vacc0x0 = _mm_load_si128((const __m128i*) wp);
      __m128i vacc0x1 = _mm_setzero_si128();
      __m128i vacc0x2 = _mm_setzero_si128();
      __m128i vacc0x3 = _mm_setzero_si128();
      __m128i vacc1x0 = _mm_load_si128((const __m128i*) wp1);
      __m128i vacc1x1 = _mm_setzero_si128();
      __m128i vacc1x2 = _mm_setzero_si128();
      __m128i vacc1x3 = _mm_setzero_si128();
      const uint8_t* pa = a;
      /* The row is readable up to round_up(k, 8): the padded weights are 0. */
      for (size_t kk = 0; kk < kp; kk += 8) {
        /* The weights are streamed once (a fully connected layer): prefetch 2 KB ahead in each panel. */
        _mm_prefetch((const char*) (w0 + 1024), _MM_HINT_T0);
        _mm_prefetch((const char*) (w1 + 1024), _MM_HINT_T0);
        const __m128i va = _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i*) pa));
        pa += 8;
        vacc0x0 = _mm_add_epi32(vacc0x0, _mm_madd_epi16(va, _mm_load_si128((const __m128i*) w0)));
        vacc0x1 = _mm_add_epi32(vacc0x1, _mm_madd_epi16(va, _mm_load_si128((const __m128i*) w0 + 1)));
        vacc0x2 = _mm_add_epi32(vacc0x2, _mm_madd_epi16(va, _mm_load_si128((const __m128i*) w0 + 2)));
        vacc0x3 = _mm_add_epi32(vacc0x3, _mm_madd_epi16(va, _mm_load_si128((const __m128i*) w0 + 3)));
        vacc1x0 = _mm_add_epi32(vacc1x0, _mm_madd_epi16(va, _mm_load_si128((const __m128i*) w1)));
        vacc1x1 = _mm_add_epi32(vacc1x1, _mm_madd_epi16(va, _mm_load_si128((const __m128i*) w1 + 1)));
        vacc1x2 = _mm_add_epi32(vacc1x2, _mm_madd_epi16(va, _mm_load_si128((const __m128i*) w1 + 2)));
        vacc1x3 = _mm_add_epi32(vacc1x3, _mm_madd_epi16(va, _mm_load_si128((const __m128i*) w1 + 3)));
        w0 += 32;
        w1 += 32;
      }
      __m128i vacc0 = q8rt_1x4c8n_reduce(vacc0x0, vacc0x1, vacc0x2, vacc0x3);
      __m128i vacc1 = q8rt_1x4c8n_reduce(vacc1x0, vacc1x1, vacc1x2, vacc1x3);
      if (single) {
        vacc0 = q8rt_sse41_single_requantize(vacc0, &vsingle);
        vacc1 = q8rt_sse41_single_requantize(vacc1, &vsingle);
      } else {
        vacc0 = q8rt_1x4c8n_requantize(vacc0, vmultiplier, vq31_rounding, vrounding, vshift);
        vacc1 = q8rt_1x4c8n_requantize(vacc1, vmultiplier, vq31_rounding, vrounding, vshift);
      }
      const __m128i vout01 = _mm_adds_epi16(_mm_packs_epi32(vacc0, vacc1), voutput_zero_point);
      /* bytes 0-3: columns of the first panel, 4-7: of the second */
      __m128i vout = _mm_min_epu8(_mm_max_epu8(_mm_packus_epi16(vout01, vout01), voutput_min), voutput_max);
      if (n >= 2 * Q8RT_GEMM_NR) {
        _mm_storel_epi64((__m128i*) cr, vout);
        cr += 8;
        n -= 8;
        wp += 2 * panel_bytes;
      } else {
        if (n >= 4) {
          const uint32_t v0 = (uint32_t) _mm_cvtsi128_si32(vout);
          __builtin_memcpy(cr, &v0, 4);
          cr += 4;
          n -= 4;
          vout = _mm_srli_epi64(vout, 32);
        }
        if (n & 2) {
          const uint16_t v0 = (uint16_t) _mm_cvtsi128_si32(vout);
          __builtin_memcpy(cr, &v0, 2);
          cr += 2;
          vout = _mm_srli_epi32(vout, 16);
        }
        if (n & 1) *cr = (uint8_t) _mm_cvtsi128_si32(vout);
        n = 0;
      }
    }
    a += a_stride;
    c += c_stride;
  }
}
