/*
 * q8dwconv up64x9 AVX-512 (BW, VBMI, VNNI) micro-kernel on Q8RT_LAYOUT_DWCONV_VNNI weights (kernels/layout.h).
 *
 * Blocks of 64 channels (q8rt_dw_block): per output pixel, one 64-byte load per tap; for each quad of taps
 * (0-3, 4-7) two vpunpck{l,h}bw and four vpunpck{l,h}wd turn the 4 tap vectors into the uint8 quads of 4
 * accumulators x 16 lanes (lane L of accumulator i: channel 16 (L / 4) + 4 i + L % 4), and vpdpbusd adds them
 * times the int8 weights w - 128, then times the correction 128 - kzp; tap 8 is unpacked with itself, (x8, x8,
 * 0, 0), one vpdpbusd taking weight and correction together. 5 vpdpbusd per 16 channels instead of 5 vpermt2b +
 * 5 vpdpwssd, and a quarter of the loads. packssdw / packuswb of accumulators 0-3 give the channels back in order.
 *
 * Remaining channels (fewer than 64, or all of them when kzp = 0): 16-channel Q8RT_LAYOUT_DWCONV tiles
 * (q8rt_dw_tiles). For each tap pair (a, b) = (2p, 2p+1), one vpermt2b (zero-masked) builds from the 16 input
 * bytes of tap a and of tap b the 16 int32 lanes (a[ch], b[ch]) as zero-extended int16 pairs, lane L holding
 * channel ch(L) = (L & 8) | (L & 3) << 1 | (L >> 2) & 1 (the packed lane order), and one vpdpwssd against the 64
 * packed weight bytes of the pair adds both taps of all 16 channels into the int32 accumulators (tap 9 reads
 * zeros). The output stage narrows up to 4 tiles at once: packssdw, add the zero point, packuswb, clamp, and one
 * vpermb that undoes both the packs' 128-bit lane interleave and the packed lane order.
 *
 * Exact int32 accumulation (vpdpbusd / vpdpwssd, never the saturating forms), then the QNNPACK Q31
 * requantization (q8rt_vnni_requant: its exact fp32 form, or the integer form). Full tiles use plain 16-byte loads,
 * the channel remainder masked loads / stores (exactly `channels` bytes are read per pointer).
 */
#include <stddef.h>
#include <stdint.h>

#include <immintrin.h>

#include "../layout.h"
#include "../params.h"
#include "../q8gemm/avx512vnni-common.h"
#include "q8dwconv.h"

struct q8rt_dw_consts {
  __m512i idx;      /* vpermt2b: tap pair bytes into (a, b) int16 pairs per lane */
  __m512i unpack;   /* vpermb: output stage bytes back to channel order */
  __m512i correction; /* int8 128 - kzp in every byte (64-channel blocks) */
  __mmask64 pair, single;
  struct q8rt_vnni_rq rq;
};

Q8RT_VNNI_INLINE __m512i q8rt_dw_load(const uint8_t* p, __mmask16 vmask) {
  return _mm512_zextsi128_si512(_mm_maskz_loadu_epi8(vmask, p));
}

Q8RT_VNNI_INLINE __m512i q8rt_dw_load16(const uint8_t* p, __mmask16 vmask) {
  (void) vmask;
  return _mm512_zextsi128_si512(_mm_loadu_si128((const __m128i*) p));
}

/* 16 bytes at p: all of them (masked == 0) or the vmask lanes (zero elsewhere). */
Q8RT_VNNI_INLINE __m512i q8rt_dw_tile_load(const uint8_t* p, int masked, __mmask16 vmask) {
  return masked ? q8rt_dw_load(p, vmask) : q8rt_dw_load16(p, vmask);
}

/* The 9 taps (rows i[0..8]) of one 16-channel tile at channel offset off with weights w, requantized up to the zero
 * point (int32 lanes in the packed lane order); masked: only the vmask channels are read. */
Q8RT_VNNI_INLINE __m512i q8rt_dw_tile(const uint8_t* const* i, size_t off, const uint8_t* w, int masked,
                                      __mmask16 vmask, const struct q8rt_dw_consts* k) {
  __m512i vacc = _mm512_load_si512((const void*) w);
  const __m512i* vw = (const __m512i*) (w + Q8RT_DW_CR * 4);
  vacc = q8rt_vnni_dpwssd(vacc, _mm512_maskz_permutex2var_epi8(k->pair, q8rt_dw_tile_load(i[0] + off, masked, vmask), k->idx,
                                                             q8rt_dw_tile_load(i[1] + off, masked, vmask)),
                          _mm512_load_si512(vw + 0));
  vacc = q8rt_vnni_dpwssd(vacc, _mm512_maskz_permutex2var_epi8(k->pair, q8rt_dw_tile_load(i[2] + off, masked, vmask), k->idx,
                                                             q8rt_dw_tile_load(i[3] + off, masked, vmask)),
                          _mm512_load_si512(vw + 1));
  vacc = q8rt_vnni_dpwssd(vacc, _mm512_maskz_permutex2var_epi8(k->pair, q8rt_dw_tile_load(i[4] + off, masked, vmask), k->idx,
                                                             q8rt_dw_tile_load(i[5] + off, masked, vmask)),
                          _mm512_load_si512(vw + 2));
  vacc = q8rt_vnni_dpwssd(vacc, _mm512_maskz_permutex2var_epi8(k->pair, q8rt_dw_tile_load(i[6] + off, masked, vmask), k->idx,
                                                             q8rt_dw_tile_load(i[7] + off, masked, vmask)),
                          _mm512_load_si512(vw + 3));
  vacc = q8rt_vnni_dpwssd(
      vacc, _mm512_maskz_permutex2var_epi8(k->single, q8rt_dw_tile_load(i[8] + off, masked, vmask), k->idx,
                                           _mm512_setzero_si512()),
      _mm512_load_si512(vw + 4));
  return q8rt_vnni_requant(vacc, &k->rq);
}

/* Output stage of 4 tiles (y0..y3): byte 16q + 4t + j of the packed vector is tile t, lane 4q + j; vpermb puts
 * tile t's channel c at byte 16t + c. With y2 = y0 and y3 = y1 the low 32 bytes are tiles 0 and 1. */
Q8RT_VNNI_INLINE __m512i q8rt_dw_out(__m512i vy0, __m512i vy1, __m512i vy2, __m512i vy3,
                                     const struct q8rt_dw_consts* k) {
  return _mm512_permutexvar_epi8(k->unpack, q8rt_vnni_narrow4(vy0, vy1, vy2, vy3, &k->rq));
}

/* One 64-channel block of one output pixel at channel offset `off`, weights w (Q8RT_DW_VNNI_BLOCK_BYTES). */
Q8RT_VNNI_INLINE void q8rt_dw_block(const uint8_t* const* in, size_t off, const uint8_t* w, uint8_t* output,
                                   const struct q8rt_dw_consts* k) {
  const __m512i* vw = (const __m512i*) w;
  __m512i vacc0 = _mm512_load_si512(vw + 0);
  __m512i vacc1 = _mm512_load_si512(vw + 1);
  __m512i vacc2 = _mm512_load_si512(vw + 2);
  __m512i vacc3 = _mm512_load_si512(vw + 3);
  vw += 4;
  for (int q = 0; q < 2; q++) {
    const __m512i va = _mm512_loadu_si512((const void*) (in[4 * q + 0] + off));
    const __m512i vb = _mm512_loadu_si512((const void*) (in[4 * q + 1] + off));
    const __m512i vc = _mm512_loadu_si512((const void*) (in[4 * q + 2] + off));
    const __m512i vd = _mm512_loadu_si512((const void*) (in[4 * q + 3] + off));
    const __m512i vab_lo = _mm512_unpacklo_epi8(va, vb);
    const __m512i vab_hi = _mm512_unpackhi_epi8(va, vb);
    const __m512i vcd_lo = _mm512_unpacklo_epi8(vc, vd);
    const __m512i vcd_hi = _mm512_unpackhi_epi8(vc, vd);
    const __m512i vq0 = _mm512_unpacklo_epi16(vab_lo, vcd_lo);
    const __m512i vq1 = _mm512_unpackhi_epi16(vab_lo, vcd_lo);
    const __m512i vq2 = _mm512_unpacklo_epi16(vab_hi, vcd_hi);
    const __m512i vq3 = _mm512_unpackhi_epi16(vab_hi, vcd_hi);
    vacc0 = q8rt_vnni_dpbusd(q8rt_vnni_dpbusd(vacc0, vq0, _mm512_load_si512(vw + 0)), vq0, k->correction);
    vacc1 = q8rt_vnni_dpbusd(q8rt_vnni_dpbusd(vacc1, vq1, _mm512_load_si512(vw + 1)), vq1, k->correction);
    vacc2 = q8rt_vnni_dpbusd(q8rt_vnni_dpbusd(vacc2, vq2, _mm512_load_si512(vw + 2)), vq2, k->correction);
    vacc3 = q8rt_vnni_dpbusd(q8rt_vnni_dpbusd(vacc3, vq3, _mm512_load_si512(vw + 3)), vq3, k->correction);
    vw += 4;
  }
  {
    const __m512i ve = _mm512_loadu_si512((const void*) (in[8] + off));
    const __m512i vee_lo = _mm512_unpacklo_epi8(ve, ve);
    const __m512i vee_hi = _mm512_unpackhi_epi8(ve, ve);
    const __m512i vzero = _mm512_setzero_si512();
    vacc0 = q8rt_vnni_dpbusd(vacc0, _mm512_unpacklo_epi16(vee_lo, vzero), _mm512_load_si512(vw + 0));
    vacc1 = q8rt_vnni_dpbusd(vacc1, _mm512_unpackhi_epi16(vee_lo, vzero), _mm512_load_si512(vw + 1));
    vacc2 = q8rt_vnni_dpbusd(vacc2, _mm512_unpacklo_epi16(vee_hi, vzero), _mm512_load_si512(vw + 2));
    vacc3 = q8rt_vnni_dpbusd(vacc3, _mm512_unpackhi_epi16(vee_hi, vzero), _mm512_load_si512(vw + 3));
  }
  const struct q8rt_vnni_rq* rq = &k->rq;
  _mm512_storeu_si512((void*) (output + off),
                      q8rt_vnni_narrow4(q8rt_vnni_requant(vacc0, rq), q8rt_vnni_requant(vacc1, rq),
                                        q8rt_vnni_requant(vacc2, rq), q8rt_vnni_requant(vacc3, rq), rq));
}

/* One output pixel, all channels: nb 64-channel blocks, then 16-channel tiles. */
Q8RT_VNNI_INLINE void q8rt_dw_pixel(size_t channels, size_t nb, const uint8_t* const* input, const uint8_t* w,
                                   uint8_t* output, const struct q8rt_dw_consts* k) {
  size_t off = 0;
  for (; nb != 0; nb--) {
    q8rt_dw_block(input, off, w, output, k);
    w += Q8RT_DW_VNNI_BLOCK_BYTES;
    off += Q8RT_DW_VNNI_CR;
  }
  const uint8_t* const i[9] = {input[0], input[1], input[2], input[3], input[4],
                               input[5], input[6], input[7], input[8]};
  for (; off + 64 <= channels; off += 64) {
    const __m512i vy0 = q8rt_dw_tile(i, off, w, 0, 0xFFFF, k);
    const __m512i vy1 = q8rt_dw_tile(i, off + 16, w + Q8RT_DW_TILE_BYTES, 0, 0xFFFF, k);
    const __m512i vy2 = q8rt_dw_tile(i, off + 32, w + 2 * Q8RT_DW_TILE_BYTES, 0, 0xFFFF, k);
    const __m512i vy3 = q8rt_dw_tile(i, off + 48, w + 3 * Q8RT_DW_TILE_BYTES, 0, 0xFFFF, k);
    _mm512_storeu_si512((void*) (output + off), q8rt_dw_out(vy0, vy1, vy2, vy3, k));
    w += 4 * Q8RT_DW_TILE_BYTES;
  }
  if (off + 32 <= channels) {
    const __m512i vy0 = q8rt_dw_tile(i, off, w, 0, 0xFFFF, k);
    const __m512i vy1 = q8rt_dw_tile(i, off + 16, w + Q8RT_DW_TILE_BYTES, 0, 0xFFFF, k);
    _mm256_storeu_si256((__m256i*) (output + off), _mm512_castsi512_si256(q8rt_dw_out(vy0, vy1, vy0, vy1, k)));
    w += 2 * Q8RT_DW_TILE_BYTES;
    off += 32;
  }
  if (off + 16 <= channels) {
    const __m512i vy0 = q8rt_dw_tile(i, off, w, 0, 0xFFFF, k);
    _mm_storeu_si128((__m128i*) (output + off), _mm512_castsi512_si128(q8rt_dw_out(vy0, vy0, vy0, vy0, k)));
    w += Q8RT_DW_TILE_BYTES;
    off += 16;
  }
  if (off != channels) {
    const __mmask16 vmask = _cvtu32_mask16((UINT32_C(1) << (channels - off)) - 1);
    const __m512i vy0 = q8rt_dw_tile(i, off, w, 1, vmask, k);
    _mm_mask_storeu_epi8(output + off, vmask, _mm512_castsi512_si128(q8rt_dw_out(vy0, vy0, vy0, vy0, k)));
  }
}

void q8rt_q8dwconv_ukernel_up64x9__avx512vnni(size_t channels, size_t output_width, const uint8_t* const* input,
    size_t input_stride, const void* packed_w, uint8_t* output, size_t output_increment,
    const struct q8rt_conv_params* params) {
  /* byte 4L of the pair vector: a[ch(L)]; byte 4L + 2: b[ch(L)] (index 64 + ch: the second table); odd bytes 0 */
  uint8_t idx_bytes[64];
  uint8_t unpack_bytes[64];
  for (int l = 0; l < 16; l++) {
    const int ch = (l & 8) | (l & 3) << 1 | ((l >> 2) & 1);
    idx_bytes[4 * l + 0] = (uint8_t) ch;
    idx_bytes[4 * l + 1] = 0;
    idx_bytes[4 * l + 2] = (uint8_t) (64 + ch);
    idx_bytes[4 * l + 3] = 0;
    for (int t = 0; t < 4; t++) unpack_bytes[16 * t + ch] = (uint8_t) (16 * (l / 4) + 4 * t + l % 4);
  }
  struct q8rt_dw_consts k;
  k.idx = _mm512_loadu_si512((const void*) idx_bytes);
  k.unpack = _mm512_loadu_si512((const void*) unpack_bytes);
  k.pair = _cvtu64_mask64(UINT64_C(0x5555555555555555));
  k.single = _cvtu64_mask64(UINT64_C(0x1111111111111111));
  q8rt_vnni_rq_init(&k.rq, params);
  k.correction = _mm512_set1_epi8((char) (128 - (int) params->kernel_zero_point));
  const size_t nb = q8rt_dw_vnni_blocks(channels, params->kernel_zero_point);

  for (; output_width != 0; output_width--) {
    q8rt_dw_pixel(channels, nb, input, (const uint8_t*) packed_w, output, &k);
    input += input_stride;
    output += channels + output_increment;
  }
}
