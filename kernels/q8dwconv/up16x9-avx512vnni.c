/*
 * q8dwconv up16x9 AVX-512 (BW, VBMI, VNNI) micro-kernel on the Q8RT_LAYOUT_DWCONV tiles (kernels/layout.h), the
 * layout of the SSE4.1 kernel, one 16-channel tile per zmm. For each tap pair (a, b) = (2p, 2p+1), one vpermt2b
 * (zero-masked) builds from the 16 input bytes of tap a and of tap b the 16 int32 lanes (a[ch], b[ch]) as
 * zero-extended int16 pairs, lane L holding channel ch(L) = (L & 8) | (L & 3) << 1 | (L >> 2) & 1 (the packed
 * lane order), and one vpdpwssd (exact, not the saturating vpdpwssds) against the 64 packed weight bytes of the
 * pair adds both taps of all 16 channels into the int32 accumulators. The 10th tap reads zeros. After the QNNPACK
 * Q31 requantization, vpermd puts the lanes back in channel order. Full tiles use plain 16-byte loads, the channel
 * remainder masked loads / stores (exactly `channels` bytes are read per pointer).
 */
#include <stddef.h>
#include <stdint.h>

#include <immintrin.h>

#include "../layout.h"
#include "../params.h"
#include "../q8gemm/avx512vnni-common.h"
#include "q8dwconv.h"

#define Q8RT_DW_TILE_BYTES (Q8RT_DW_CR * 4 + Q8RT_DW_TAP_PAIRS * Q8RT_DW_CR * 2 * 2)

Q8RT_VNNI_INLINE __m512i q8rt_dw_load(const uint8_t* p, __mmask16 vmask) {
  return _mm512_zextsi128_si512(_mm_maskz_loadu_epi8(vmask, p));
}

Q8RT_VNNI_INLINE __m512i q8rt_dw_load16(const uint8_t* p, __mmask16 vmask) {
  (void) vmask;
  return _mm512_zextsi128_si512(_mm_loadu_si128((const __m128i*) p));
}

/* One 16-channel tile at offset `off`, weights `w`: leaves the 16 output bytes (channel order) in vout. */
#define Q8RT_DW_TILE(load, mask)                                                                                  \
  __m128i vout;                                                                                                  \
  {                                                                                                              \
    __m512i vacc = _mm512_load_si512((const void*) w);                                                           \
    const __m512i* vw = (const __m512i*) (w + Q8RT_DW_CR * 4);                                                   \
    vacc = q8rt_vnni_dpwssd(                                                                                     \
        vacc, _mm512_maskz_permutex2var_epi8(vpair_mask, load(i0 + off, mask), vidx, load(i1 + off, mask)),     \
        _mm512_load_si512(vw + 0));                                                                              \
    vacc = q8rt_vnni_dpwssd(                                                                                     \
        vacc, _mm512_maskz_permutex2var_epi8(vpair_mask, load(i2 + off, mask), vidx, load(i3 + off, mask)),     \
        _mm512_load_si512(vw + 1));                                                                              \
    vacc = q8rt_vnni_dpwssd(                                                                                     \
        vacc, _mm512_maskz_permutex2var_epi8(vpair_mask, load(i4 + off, mask), vidx, load(i5 + off, mask)),     \
        _mm512_load_si512(vw + 2));                                                                              \
    vacc = q8rt_vnni_dpwssd(                                                                                     \
        vacc, _mm512_maskz_permutex2var_epi8(vpair_mask, load(i6 + off, mask), vidx, load(i7 + off, mask)),     \
        _mm512_load_si512(vw + 3));                                                                              \
    vacc = q8rt_vnni_dpwssd(                                                                                     \
        vacc, _mm512_maskz_permutex2var_epi8(vsingle_mask, load(i8 + off, mask), vidx, vzero),                  \
        _mm512_load_si512(vw + 4));                                                                              \
    vout = q8rt_vnni_out16(_mm512_permutexvar_epi32(vunlane, q8rt_vnni_q31(vacc, &rq)), &rq);                   \
  }

void q8rt_q8dwconv_ukernel_up16x9__avx512vnni(size_t channels, size_t output_width, const uint8_t* const* input,
    size_t input_stride, const void* packed_w, uint8_t* output, size_t output_increment,
    const struct q8rt_conv_params* params) {
  /* byte 4L of the pair vector: a[ch(L)]; byte 4L + 2: b[ch(L)] (index 64 + ch: the second table); odd bytes 0 */
  uint8_t idx_bytes[64];
  int32_t lane_of[16];
  for (int l = 0; l < 16; l++) {
    const int ch = (l & 8) | (l & 3) << 1 | ((l >> 2) & 1);
    idx_bytes[4 * l + 0] = (uint8_t) ch;
    idx_bytes[4 * l + 1] = 0;
    idx_bytes[4 * l + 2] = (uint8_t) (64 + ch);
    idx_bytes[4 * l + 3] = 0;
    lane_of[ch] = l;
  }
  const __m512i vidx = _mm512_loadu_si512((const void*) idx_bytes);
  const __m512i vunlane = _mm512_loadu_si512((const void*) lane_of);
  const __mmask64 vpair_mask = _cvtu64_mask64(UINT64_C(0x5555555555555555));
  const __mmask64 vsingle_mask = _cvtu64_mask64(UINT64_C(0x1111111111111111));
  struct q8rt_vnni_rq rq;
  q8rt_vnni_rq_init(&rq, params);
  const __m512i vzero = _mm512_setzero_si512();

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
    for (; off + 16 <= channels; off += 16) {
      Q8RT_DW_TILE(q8rt_dw_load16, 0xFFFF);
      _mm_storeu_si128((__m128i*) output, vout);
      output += 16;
      w += Q8RT_DW_TILE_BYTES;
    }
    if (off != channels) {
      const size_t c = channels - off;
      const __mmask16 vmask = _cvtu32_mask16((UINT32_C(1) << c) - 1);
      Q8RT_DW_TILE(q8rt_dw_load, vmask);
      _mm_mask_storeu_epi8(output, vmask, vout);
      output += c;
    }
    output += output_increment;
  }
}
