/*
 * q8dwconv up16x9 SSE4.1 micro-kernel.
 *
 * Taps are processed in pairs (a, b) = (2p, 2p+1); the 10th tap has weight 0 and reads zeros. For 16
 * channels, the input bytes A (tap a) and B (tap b) are interleaved by 16-bit words:
 *   X = punpcklwd(A, B): int32 lane k = bytes (a[2k], a[2k+1], b[2k], b[2k+1])
 * so X & 0x00FF holds the int16 pairs (a[2k], b[2k]) of the even channels and X >> 8 (psrlw) the pairs
 * (a[2k+1], b[2k+1]) of the odd channels; one pmaddwd against the packed (w - kernel_zero_point) pairs
 * (aligned memory operand) adds two taps of 4 channels into int32 accumulators. The four accumulators
 * hold channels {0,2,4,6}, {1,3,5,7}, {8,..,14}, {9,..,15} (the packed lane order, kernels/layout.h) and
 * are re-interleaved after requantization. Per tap pair and 16 channels: 2 loads, 2 punpck, 2 pand,
 * 2 psrlw, 4 pmaddwd (+ fused weight load), 4 paddd. Channel remainders of 1..8 use the 8-channel half.
 */
#include <stddef.h>
#include <stdint.h>

#include <smmintrin.h>

#include "../layout.h"
#include "../params.h"
#include "../requantize.h"
#include "../store-sse41.h"
#include "q8dwconv.h"

/*
 * Q31 requantization of 4 int32 accumulators up to (but excluding) the zero point, bit-exact with
 * q8rt_requantize_q31 (kernels/requantize.h):
 *   q31 = (acc * multiplier + 2^30) >> 31 (exact, via pmuldq on even/odd lanes), then QNNPACK's
 *   y = (q31 >> shift) + ((q31 & mask) - (q31 < 0) > (mask >> 1)) is round-half-away-from-zero of
 *   q31 / 2^shift, computed as sign(q31) * ((|q31| + rounding) >>> shift) with rounding = (mask + 1) >> 1
 *   (2^(shift-1), or 0 for shift 0). |q31| + rounding <= 2^31 + 2^30 fits uint32 (pabsd(INT32_MIN) = 2^31
 *   unsigned), so the logical shift is exact; psignd restores the sign (q31 = 0 gives 0).
 */
static inline __m128i q8rt_dw_requantize(__m128i vacc, __m128i vmultiplier, __m128i vq31_rounding,
                                         __m128i vrounding, __m128i vshift) {
  const __m128i vacc_odd = _mm_srli_epi64(vacc, 32);
  const __m128i vprod_even = _mm_add_epi64(_mm_mul_epi32(vacc, vmultiplier), vq31_rounding);
  const __m128i vprod_odd = _mm_add_epi64(_mm_mul_epi32(vacc_odd, vmultiplier), vq31_rounding);
  const __m128i vq31_even = _mm_srli_epi64(vprod_even, 31);
  const __m128i vq31_odd = _mm_add_epi64(vprod_odd, vprod_odd);
  const __m128i vq31 = _mm_blend_epi16(vq31_even, vq31_odd, 0xCC);
  const __m128i vabs = _mm_srl_epi32(_mm_add_epi32(_mm_abs_epi32(vq31), vrounding), vshift);
  return _mm_sign_epi32(vabs, vq31);
}


struct q8rt_dw_sse41_consts {
  __m128i vlow_byte, vmultiplier, vq31_rounding, vrounding, vshift, voutput_zero_point, voutput_min, voutput_max;
  struct q8rt_sse41_single single; /* TFLITE_SINGLE_ROUNDING, taken when is_single */
  int is_single;
};

/* The requantization of the call's rule: one well-predicted branch per helper call. */
static inline __m128i q8rt_dw_rq(__m128i vacc, const struct q8rt_dw_sse41_consts* k) {
  if (k->is_single) return q8rt_sse41_single_requantize(vacc, &k->single);
  return q8rt_dw_requantize(vacc, k->vmultiplier, k->vq31_rounding, k->vrounding, k->vshift);
}

/* Accumulates taps (a, b) = bytes va, vb of one tap pair (weights of the pair at wp: 4 vectors) for 16 channels into
 * vacc0..vacc3. */
static inline __attribute__((always_inline)) void q8rt_dw16_pair(__m128i va, __m128i vb, const uint8_t* wp,
                                                                  __m128i vlow_byte, __m128i* vacc0, __m128i* vacc1,
                                                                  __m128i* vacc2, __m128i* vacc3) {
  const __m128i* vw = (const __m128i*) wp;
  const __m128i vx0 = _mm_unpacklo_epi16(va, vb);
  const __m128i vx1 = _mm_unpackhi_epi16(va, vb);
  *vacc0 = _mm_add_epi32(*vacc0, _mm_madd_epi16(_mm_and_si128(vx0, vlow_byte), _mm_load_si128(vw + 0)));
  *vacc1 = _mm_add_epi32(*vacc1, _mm_madd_epi16(_mm_srli_epi16(vx0, 8), _mm_load_si128(vw + 1)));
  *vacc2 = _mm_add_epi32(*vacc2, _mm_madd_epi16(_mm_and_si128(vx1, vlow_byte), _mm_load_si128(vw + 2)));
  *vacc3 = _mm_add_epi32(*vacc3, _mm_madd_epi16(_mm_srli_epi16(vx1, 8), _mm_load_si128(vw + 3)));
}

/* The same for the lower 8 channels of a tile (vacc0, vacc1). */
static inline __attribute__((always_inline)) void q8rt_dw8_pair(__m128i va, __m128i vb, const uint8_t* wp,
                                                                 __m128i vlow_byte, __m128i* vacc0, __m128i* vacc1) {
  const __m128i* vw = (const __m128i*) wp;
  const __m128i vx0 = _mm_unpacklo_epi16(va, vb);
  *vacc0 = _mm_add_epi32(*vacc0, _mm_madd_epi16(_mm_and_si128(vx0, vlow_byte), _mm_load_si128(vw + 0)));
  *vacc1 = _mm_add_epi32(*vacc1, _mm_madd_epi16(_mm_srli_epi16(vx0, 8), _mm_load_si128(vw + 1)));
}

/* Weights of tap pair p inside a tile at w. */
static inline const uint8_t* q8rt_dw_pair_weights(const uint8_t* w, size_t p) {
  return w + Q8RT_DW_CR * 4 + p * Q8RT_DW_CR * 4;
}

/* A full 16-channel tile: the 9 tap rows i[t] at byte offset off, the tile's weights at w; returns the 16 output
 * bytes. */
static inline __attribute__((always_inline)) __m128i q8rt_dw16_tile(const uint8_t* const* i, size_t off,
                                                                     const uint8_t* w,
                                                                     const struct q8rt_dw_sse41_consts* k) {
  __m128i vacc0 = _mm_load_si128((const __m128i*) w + 0);
  __m128i vacc1 = _mm_load_si128((const __m128i*) w + 1);
  __m128i vacc2 = _mm_load_si128((const __m128i*) w + 2);
  __m128i vacc3 = _mm_load_si128((const __m128i*) w + 3);
  q8rt_dw16_pair(_mm_loadu_si128((const __m128i*) (i[0] + off)), _mm_loadu_si128((const __m128i*) (i[1] + off)),
                 q8rt_dw_pair_weights(w, 0), k->vlow_byte, &vacc0, &vacc1, &vacc2, &vacc3);
  q8rt_dw16_pair(_mm_loadu_si128((const __m128i*) (i[2] + off)), _mm_loadu_si128((const __m128i*) (i[3] + off)),
                 q8rt_dw_pair_weights(w, 1), k->vlow_byte, &vacc0, &vacc1, &vacc2, &vacc3);
  q8rt_dw16_pair(_mm_loadu_si128((const __m128i*) (i[4] + off)), _mm_loadu_si128((const __m128i*) (i[5] + off)),
                 q8rt_dw_pair_weights(w, 2), k->vlow_byte, &vacc0, &vacc1, &vacc2, &vacc3);
  q8rt_dw16_pair(_mm_loadu_si128((const __m128i*) (i[6] + off)), _mm_loadu_si128((const __m128i*) (i[7] + off)),
                 q8rt_dw_pair_weights(w, 3), k->vlow_byte, &vacc0, &vacc1, &vacc2, &vacc3);
  q8rt_dw16_pair(_mm_loadu_si128((const __m128i*) (i[8] + off)), _mm_setzero_si128(), q8rt_dw_pair_weights(w, 4),
                 k->vlow_byte, &vacc0, &vacc1, &vacc2, &vacc3);
  vacc0 = q8rt_dw_rq(vacc0, k);
  vacc1 = q8rt_dw_rq(vacc1, k);
  vacc2 = q8rt_dw_rq(vacc2, k);
  vacc3 = q8rt_dw_rq(vacc3, k);
  const __m128i veven = _mm_packs_epi32(vacc0, vacc2); /* channels 0, 2, .., 14 */
  const __m128i vodd = _mm_packs_epi32(vacc1, vacc3);  /* channels 1, 3, .., 15 */
  const __m128i vlo = _mm_adds_epi16(_mm_unpacklo_epi16(veven, vodd), k->voutput_zero_point);
  const __m128i vhi = _mm_adds_epi16(_mm_unpackhi_epi16(veven, vodd), k->voutput_zero_point);
  return _mm_min_epu8(_mm_max_epu8(_mm_packus_epi16(vlo, vhi), k->voutput_min), k->voutput_max);
}

/* The lower 8 channels of a tile: 8 output bytes in the low half. */
static inline __attribute__((always_inline)) __m128i q8rt_dw8_tile(const uint8_t* const* i, size_t off,
                                                                    const uint8_t* w,
                                                                    const struct q8rt_dw_sse41_consts* k) {
  __m128i vacc0 = _mm_load_si128((const __m128i*) w + 0);
  __m128i vacc1 = _mm_load_si128((const __m128i*) w + 1);
  q8rt_dw8_pair(_mm_loadl_epi64((const __m128i*) (i[0] + off)), _mm_loadl_epi64((const __m128i*) (i[1] + off)),
                q8rt_dw_pair_weights(w, 0), k->vlow_byte, &vacc0, &vacc1);
  q8rt_dw8_pair(_mm_loadl_epi64((const __m128i*) (i[2] + off)), _mm_loadl_epi64((const __m128i*) (i[3] + off)),
                q8rt_dw_pair_weights(w, 1), k->vlow_byte, &vacc0, &vacc1);
  q8rt_dw8_pair(_mm_loadl_epi64((const __m128i*) (i[4] + off)), _mm_loadl_epi64((const __m128i*) (i[5] + off)),
                q8rt_dw_pair_weights(w, 2), k->vlow_byte, &vacc0, &vacc1);
  q8rt_dw8_pair(_mm_loadl_epi64((const __m128i*) (i[6] + off)), _mm_loadl_epi64((const __m128i*) (i[7] + off)),
                q8rt_dw_pair_weights(w, 3), k->vlow_byte, &vacc0, &vacc1);
  q8rt_dw8_pair(_mm_loadl_epi64((const __m128i*) (i[8] + off)), _mm_setzero_si128(), q8rt_dw_pair_weights(w, 4),
                k->vlow_byte, &vacc0, &vacc1);
  vacc0 = q8rt_dw_rq(vacc0, k);
  vacc1 = q8rt_dw_rq(vacc1, k);
  __m128i vpacked = _mm_packs_epi32(vacc0, vacc1); /* channels 0, 2, 4, 6, 1, 3, 5, 7 */
  vpacked = _mm_unpacklo_epi16(vpacked, _mm_unpackhi_epi64(vpacked, vpacked));
  vpacked = _mm_adds_epi16(vpacked, k->voutput_zero_point);
  return _mm_min_epu8(_mm_max_epu8(_mm_packus_epi16(vpacked, vpacked), k->voutput_min), k->voutput_max);
}

void q8rt_q8dwconv_ukernel_up16x9__sse41(size_t channels, size_t output_width, const uint8_t* const* input,
    size_t input_stride, const void* packed_w, uint8_t* output, size_t output_increment,
    const struct q8rt_conv_params* params) {
  struct q8rt_dw_sse41_consts k;
  k.vlow_byte = _mm_set1_epi16(0x00FF);
  k.vmultiplier = _mm_set1_epi32(params->multiplier);
  k.vq31_rounding = _mm_set1_epi64x(INT64_C(0x40000000));
  k.vrounding = _mm_set1_epi32((int) (((uint32_t) params->remainder_mask + 1) >> 1));
  k.vshift = _mm_cvtsi32_si128((int) params->shift);
  k.voutput_zero_point = _mm_set1_epi16((short) params->output_zero_point);
  k.voutput_min = _mm_set1_epi8((char) params->output_min);
  k.voutput_max = _mm_set1_epi8((char) params->output_max);
  k.single = q8rt_sse41_single_init(params);
  k.is_single = params->single_rounding != 0;

  for (; output_width != 0; output_width--) {
    const uint8_t* const i[9] = {input[0], input[1], input[2], input[3], input[4],
                                 input[5], input[6], input[7], input[8]};
    input += input_stride;

    const uint8_t* w = (const uint8_t*) packed_w;
    size_t off = 0;
    size_t c = channels;
    __m128i vout;
    for (; c >= 16; c -= 16) {
      vout = q8rt_dw16_tile(i, off, w, &k);
      _mm_storeu_si128((__m128i*) output, vout);
      output += 16;
      off += 16;
      w += Q8RT_DW_TILE_BYTES;
    }
    if (c != 0) {
      if (c > 8) {
        vout = q8rt_dw16_tile(i, off, w, &k);
        _mm_storel_epi64((__m128i*) output, vout);
        output += 8;
        c -= 8;
        vout = _mm_unpackhi_epi64(vout, vout);
      } else {
        vout = q8rt_dw8_tile(i, off, w, &k);
        if (c == 8) {
          _mm_storel_epi64((__m128i*) output, vout);
          output += 8;
          c = 0;
        }
      }
      q8rt_store_u8_lt16_sse41(output, vout, c);
      output += c;
    }
    output += output_increment;
  }
}
