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


/* Accumulates taps (a, b) of pair p for 16 channels at byte offset `off` into vacc0..vacc3. */
#define Q8RT_DW16_PAIR(va, vb, p)                                                                    \
  do {                                                                                               \
    const __m128i* vw_ = (const __m128i*) (w + Q8RT_DW_CR * 4 + (p) * Q8RT_DW_CR * 4);               \
    const __m128i vx0_ = _mm_unpacklo_epi16(va, vb);                                                 \
    const __m128i vx1_ = _mm_unpackhi_epi16(va, vb);                                                 \
    vacc0 = _mm_add_epi32(vacc0, _mm_madd_epi16(_mm_and_si128(vx0_, vlow_byte), _mm_load_si128(vw_ + 0))); \
    vacc1 = _mm_add_epi32(vacc1, _mm_madd_epi16(_mm_srli_epi16(vx0_, 8), _mm_load_si128(vw_ + 1)));        \
    vacc2 = _mm_add_epi32(vacc2, _mm_madd_epi16(_mm_and_si128(vx1_, vlow_byte), _mm_load_si128(vw_ + 2))); \
    vacc3 = _mm_add_epi32(vacc3, _mm_madd_epi16(_mm_srli_epi16(vx1_, 8), _mm_load_si128(vw_ + 3)));        \
  } while (0)

#define Q8RT_DW16_LOAD(ptr) _mm_loadu_si128((const __m128i*) ((ptr) + off))

/* Full 16-channel tile at offset `off`, weights `w`: leaves the 16 output bytes in vout. */
#define Q8RT_DW16_TILE()                                                                             \
  do {                                                                                               \
    __m128i vacc0 = _mm_load_si128((const __m128i*) w + 0);                                          \
    __m128i vacc1 = _mm_load_si128((const __m128i*) w + 1);                                          \
    __m128i vacc2 = _mm_load_si128((const __m128i*) w + 2);                                          \
    __m128i vacc3 = _mm_load_si128((const __m128i*) w + 3);                                          \
    Q8RT_DW16_PAIR(Q8RT_DW16_LOAD(i0), Q8RT_DW16_LOAD(i1), 0);                                       \
    Q8RT_DW16_PAIR(Q8RT_DW16_LOAD(i2), Q8RT_DW16_LOAD(i3), 1);                                       \
    Q8RT_DW16_PAIR(Q8RT_DW16_LOAD(i4), Q8RT_DW16_LOAD(i5), 2);                                       \
    Q8RT_DW16_PAIR(Q8RT_DW16_LOAD(i6), Q8RT_DW16_LOAD(i7), 3);                                       \
    Q8RT_DW16_PAIR(Q8RT_DW16_LOAD(i8), vzero, 4);                                                    \
    vacc0 = q8rt_dw_requantize(vacc0, vmultiplier, vq31_rounding, vrounding, vshift); \
    vacc1 = q8rt_dw_requantize(vacc1, vmultiplier, vq31_rounding, vrounding, vshift); \
    vacc2 = q8rt_dw_requantize(vacc2, vmultiplier, vq31_rounding, vrounding, vshift); \
    vacc3 = q8rt_dw_requantize(vacc3, vmultiplier, vq31_rounding, vrounding, vshift); \
    const __m128i veven_ = _mm_packs_epi32(vacc0, vacc2); /* channels 0, 2, .., 14 */                \
    const __m128i vodd_ = _mm_packs_epi32(vacc1, vacc3);  /* channels 1, 3, .., 15 */                \
    const __m128i vlo_ = _mm_adds_epi16(_mm_unpacklo_epi16(veven_, vodd_), voutput_zero_point);     \
    const __m128i vhi_ = _mm_adds_epi16(_mm_unpackhi_epi16(veven_, vodd_), voutput_zero_point);     \
    vout = _mm_min_epu8(_mm_max_epu8(_mm_packus_epi16(vlo_, vhi_), voutput_min), voutput_max);       \
  } while (0)

/* Lower 8-channel half of a tile at offset `off`: leaves 8 output bytes in the low half of vout. */
#define Q8RT_DW8_PAIR(va, vb, p)                                                                     \
  do {                                                                                               \
    const __m128i* vw_ = (const __m128i*) (w + Q8RT_DW_CR * 4 + (p) * Q8RT_DW_CR * 4);               \
    const __m128i vx0_ = _mm_unpacklo_epi16(va, vb);                                                 \
    vacc0 = _mm_add_epi32(vacc0, _mm_madd_epi16(_mm_and_si128(vx0_, vlow_byte), _mm_load_si128(vw_ + 0))); \
    vacc1 = _mm_add_epi32(vacc1, _mm_madd_epi16(_mm_srli_epi16(vx0_, 8), _mm_load_si128(vw_ + 1)));        \
  } while (0)

#define Q8RT_DW8_LOAD(ptr) _mm_loadl_epi64((const __m128i*) ((ptr) + off))

void q8rt_q8dwconv_ukernel_up16x9__sse41(size_t channels, size_t output_width, const uint8_t* const* input,
    size_t input_stride, const void* packed_w, uint8_t* output, size_t output_increment,
    const struct q8rt_conv_params* params) {
  const __m128i vzero = _mm_setzero_si128();
  const __m128i vlow_byte = _mm_set1_epi16(0x00FF);
  const __m128i vmultiplier = _mm_set1_epi32(params->multiplier);
  const __m128i vq31_rounding = _mm_set1_epi64x(INT64_C(0x40000000));
  const __m128i vrounding = _mm_set1_epi32((int) (((uint32_t) params->remainder_mask + 1) >> 1));
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
    size_t off = 0;
    size_t c = channels;
    __m128i vout;
    for (; c >= 16; c -= 16) {
      Q8RT_DW16_TILE();
      _mm_storeu_si128((__m128i*) output, vout);
      output += 16;
      off += 16;
      w += Q8RT_DW_TILE_BYTES;
    }
    if (c != 0) {
      if (c > 8) {
        Q8RT_DW16_TILE();
        _mm_storel_epi64((__m128i*) output, vout);
        output += 8;
        c -= 8;
        vout = _mm_unpackhi_epi64(vout, vout);
      } else {
        __m128i vacc0 = _mm_load_si128((const __m128i*) w + 0);
        __m128i vacc1 = _mm_load_si128((const __m128i*) w + 1);
        Q8RT_DW8_PAIR(Q8RT_DW8_LOAD(i0), Q8RT_DW8_LOAD(i1), 0);
        Q8RT_DW8_PAIR(Q8RT_DW8_LOAD(i2), Q8RT_DW8_LOAD(i3), 1);
        Q8RT_DW8_PAIR(Q8RT_DW8_LOAD(i4), Q8RT_DW8_LOAD(i5), 2);
        Q8RT_DW8_PAIR(Q8RT_DW8_LOAD(i6), Q8RT_DW8_LOAD(i7), 3);
        Q8RT_DW8_PAIR(Q8RT_DW8_LOAD(i8), vzero, 4);
        vacc0 = q8rt_dw_requantize(vacc0, vmultiplier, vq31_rounding, vrounding, vshift);
        vacc1 = q8rt_dw_requantize(vacc1, vmultiplier, vq31_rounding, vrounding, vshift);
        __m128i vpacked = _mm_packs_epi32(vacc0, vacc1); /* channels 0, 2, 4, 6, 1, 3, 5, 7 */
        vpacked = _mm_unpacklo_epi16(vpacked, _mm_unpackhi_epi64(vpacked, vpacked));
        vpacked = _mm_adds_epi16(vpacked, voutput_zero_point);
        vout = _mm_min_epu8(_mm_max_epu8(_mm_packus_epi16(vpacked, vpacked), voutput_min), voutput_max);
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
