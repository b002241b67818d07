/*
 * q8dwconv up16x9 AVX2 micro-kernel, on the same Q8RT_LAYOUT_DWCONV tiles as the SSE4.1 kernel.
 *
 * Taps are processed in pairs (a, b) = (2p, 2p+1); the 10th tap has weight 0 and reads zeros. For 16 channels,
 * the 16 input bytes of each tap are loaded into both lanes of a ymm (vbroadcasti128, a pure load), then
 *   vpunpcklqdq(A, B) = [a0..a7 b0..a7 | same],  vpunpckhqdq(A, B) = [a8..a15 b8..b15 | same]
 * and one vpshufb per half (a different control per lane) zero-extends them to the int16 tap pairs of the
 * packed lane order (kernels/layout.h): [(a, b) of channels 0, 2, 4, 6 | of channels 1, 3, 5, 7] and the same for
 * 8..15, which are exactly the two 32-byte halves of the tap pair's (w - kernel_zero_point) vectors. So one
 * vpmaddwd + vpaddd per half adds two taps of 8 channels into int32: per tap pair and 16 channels,
 * 2 vpunpck + 2 vpshufb + 2 vpmaddwd + 2 vpaddd (SSE4.1: 14 vector ALU uops). The two accumulators hold
 * channels [0,2,4,6 | 1,3,5,7] and [8,..,14 | 9,..,15]; after the Q31 requantization (kernels/requantize-avx2.h,
 * bit-identical to QNNPACK) one vpackssdw + vpackuswb gives the even channels in lane 0 and the odd ones in
 * lane 1, re-interleaved with one vpunpcklbw. A channel remainder (1..15) computes a whole tile: each pointer is
 * read for 16 bytes at an offset below `channels`, within the Q8RT_EXTRA_BYTES slack, and the tile is padded.
 */
#include <stddef.h>
#include <stdint.h>

#include <immintrin.h>

#include "../layout.h"
#include "../params.h"
#include "../requantize-avx2.h"
#include "../store-sse41.h"
#include "q8dwconv.h"


/* 16 bytes at p + off, in both 128-bit lanes. */
static inline __m256i q8rt_dw_avx2_load(const uint8_t* p, size_t off) {
  return _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i*) (p + off)));
}

/* Accumulates taps (a, b) of pair p (va, vb: 16 bytes each in both lanes; the tile's weights at w) into vacc_lo /
 * vacc_hi. */
static inline __attribute__((always_inline)) void q8rt_dw_avx2_pair(__m256i va, __m256i vb, const uint8_t* w,
                                                                     size_t p, __m256i vpair_shuffle,
                                                                     __m256i* vacc_lo, __m256i* vacc_hi) {
  const __m256i* vw = (const __m256i*) (w + Q8RT_DW_CR * 4 + p * Q8RT_DW_CR * 4);
  const __m256i vxlo = _mm256_shuffle_epi8(_mm256_unpacklo_epi64(va, vb), vpair_shuffle);
  const __m256i vxhi = _mm256_shuffle_epi8(_mm256_unpackhi_epi64(va, vb), vpair_shuffle);
  *vacc_lo = _mm256_add_epi32(*vacc_lo, _mm256_madd_epi16(vxlo, _mm256_loadu_si256(vw)));
  *vacc_hi = _mm256_add_epi32(*vacc_hi, _mm256_madd_epi16(vxhi, _mm256_loadu_si256(vw + 1)));
}

void q8rt_q8dwconv_ukernel_up16x9__avx2(size_t channels, size_t output_width, const uint8_t* const* input,
    size_t input_stride, const void* packed_w, uint8_t* output, size_t output_increment,
    const struct q8rt_conv_params* params) {
  const __m256i vzero = _mm256_setzero_si256();
  /* lane 0: bytes (a[2k], 0, b[2k], 0), lane 1: (a[2k+1], 0, b[2k+1], 0), k = 0..3; a at bytes 0-7, b at 8-15 */
  const __m256i vpair_shuffle = _mm256_setr_epi8(
      0, -1, 8, -1, 2, -1, 10, -1, 4, -1, 12, -1, 6, -1, 14, -1,
      1, -1, 9, -1, 3, -1, 11, -1, 5, -1, 13, -1, 7, -1, 15, -1);
  const __m256i vmultiplier = _mm256_set1_epi32(params->multiplier);
  const __m256i vq31_rounding = _mm256_set1_epi64x(INT64_C(0x40000000));
  const __m256i vrounding = _mm256_set1_epi32((int) (((uint32_t) params->remainder_mask + 1) >> 1));
  const __m128i vshift = _mm_cvtsi32_si128((int) params->shift);
  const __m256i voutput_zero_point = _mm256_set1_epi16((short) params->output_zero_point);
  const __m128i voutput_min = _mm_set1_epi8((char) params->output_min);
  const __m128i voutput_max = _mm_set1_epi8((char) params->output_max);
  /* TFLITE_SINGLE_ROUNDING: one branch per 16-channel tile */
  const int single = params->single_rounding != 0;
  const struct q8rt_avx2_single vsingle = q8rt_avx2_single_init(params);

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
    while (c != 0) {
      __m256i vacc_lo = _mm256_loadu_si256((const __m256i*) w);
      __m256i vacc_hi = _mm256_loadu_si256((const __m256i*) w + 1);
      q8rt_dw_avx2_pair(q8rt_dw_avx2_load(i0, off), q8rt_dw_avx2_load(i1, off), w, 0, vpair_shuffle, &vacc_lo,
                        &vacc_hi);
      q8rt_dw_avx2_pair(q8rt_dw_avx2_load(i2, off), q8rt_dw_avx2_load(i3, off), w, 1, vpair_shuffle, &vacc_lo,
                        &vacc_hi);
      q8rt_dw_avx2_pair(q8rt_dw_avx2_load(i4, off), q8rt_dw_avx2_load(i5, off), w, 2, vpair_shuffle, &vacc_lo,
                        &vacc_hi);
      q8rt_dw_avx2_pair(q8rt_dw_avx2_load(i6, off), q8rt_dw_avx2_load(i7, off), w, 3, vpair_shuffle, &vacc_lo,
                        &vacc_hi);
      q8rt_dw_avx2_pair(q8rt_dw_avx2_load(i8, off), vzero, w, 4, vpair_shuffle, &vacc_lo, &vacc_hi);
      if (single) {
        vacc_lo = q8rt_avx2_single_requantize(vacc_lo, &vsingle);
        vacc_hi = q8rt_avx2_single_requantize(vacc_hi, &vsingle);
      } else {
        vacc_lo = q8rt_avx2_q31_requantize(vacc_lo, vmultiplier, vq31_rounding, vrounding, vshift);
        vacc_hi = q8rt_avx2_q31_requantize(vacc_hi, vmultiplier, vq31_rounding, vrounding, vshift);
      }
      /* lane 0: channels 0, 2, .., 14; lane 1: channels 1, 3, .., 15 (int16, then uint8 twice) */
      const __m256i vpacked = _mm256_adds_epi16(_mm256_packs_epi32(vacc_lo, vacc_hi), voutput_zero_point);
      const __m256i vbytes = _mm256_packus_epi16(vpacked, vpacked);
      __m128i vout = _mm_unpacklo_epi8(_mm256_castsi256_si128(vbytes), _mm256_extracti128_si256(vbytes, 1));
      vout = _mm_min_epu8(_mm_max_epu8(vout, voutput_min), voutput_max);
      if (c >= 16) {
        _mm_storeu_si128((__m128i*) output, vout);
        output += 16;
        off += 16;
        w += Q8RT_DW_TILE_BYTES;
        c -= 16;
      } else {
        q8rt_store_u8_lt16_sse41(output, vout, c);
        output += c;
        c = 0;
      }
    }
    output += output_increment;
  }
}
