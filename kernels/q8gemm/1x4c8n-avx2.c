/*
 * q8gemm 1x4c8n AVX2 micro-kernel: GEMV-style, for GEMMs with few rows (a fully connected layer at batch 1),
 * same panels and arithmetic as the SSE4.1 1x4c8n kernel. Each of the mr rows (any mr >= 1) is computed
 * against nc columns (consecutive Q8RT_LAYOUT_GEMM panels), two panels at a time: per 8 k, the A row is widened
 * to int16 and duplicated into both lanes once, then each panel's rotated c8 block is read as two ymm
 * ([vector 0 | vector 1], [vector 2 | vector 3]): 4 vpmaddwd + 4 vpaddd into 4 ymm accumulators.
 * Reduction and requantization (sign(q31) * ((|q31| + 2^(shift-1)) >> shift), bit-identical to QNNPACK) in
 * 3x4c8-avx2-common.h's form, both panels in one ymm.
 */
#include <stddef.h>
#include <stdint.h>

#include <immintrin.h>

#include "../layout.h"
#include "../params.h"
#include "3x4c8-avx2-common.h"
#include "q8gemm.h"

void q8rt_q8gemm_ukernel_1x4c8n__avx2(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const size_t kp = (k + (Q8RT_GEMM_KR - 1)) & ~(size_t) (Q8RT_GEMM_KR - 1);
  const size_t panel_bytes = Q8RT_GEMM_NR * sizeof(int32_t) + kp * Q8RT_GEMM_NR * sizeof(int16_t);
  const struct q8rt_3x4c8_avx2_consts consts = q8rt_3x4c8_avx2_consts_init(params);

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
      __m256i vacc0x01 = _mm256_zextsi128_si256(_mm_loadu_si128((const __m128i*) wp));
      __m256i vacc0x23 = _mm256_setzero_si256();
      __m256i vacc1x01 = _mm256_zextsi128_si256(_mm_loadu_si128((const __m128i*) wp1));
      __m256i vacc1x23 = _mm256_setzero_si256();
      const uint8_t* pa = a;
      /* The row is readable up to round_up(k, 8): the padded weights are 0. */
      for (size_t kk = 0; kk < kp; kk += 8) {
        /* The weights are streamed once (a fully connected layer): prefetch 2 KB ahead in each panel. */
        _mm_prefetch((const char*) (w0 + 1024), _MM_HINT_T0);
        _mm_prefetch((const char*) (w1 + 1024), _MM_HINT_T0);
        const __m256i va = q8rt_3x4c8_avx2_widen(pa);
        pa += 8;
        vacc0x01 = _mm256_add_epi32(vacc0x01, _mm256_madd_epi16(va, _mm256_loadu_si256((const __m256i*) w0)));
        vacc0x23 = _mm256_add_epi32(vacc0x23, _mm256_madd_epi16(va, _mm256_loadu_si256((const __m256i*) w0 + 1)));
        vacc1x01 = _mm256_add_epi32(vacc1x01, _mm256_madd_epi16(va, _mm256_loadu_si256((const __m256i*) w1)));
        vacc1x23 = _mm256_add_epi32(vacc1x23, _mm256_madd_epi16(va, _mm256_loadu_si256((const __m256i*) w1 + 1)));
        w0 += 32;
        w1 += 32;
      }
      /* s = [acc r0 + rot2(acc r2) | acc r1 + rot2(acc r3)]; out = lo(s) + rot1(hi(s)), panels 0 and 1 in one ymm */
      const __m256i vs0 = _mm256_add_epi32(vacc0x01, _mm256_shuffle_epi32(vacc0x23, _MM_SHUFFLE(1, 0, 3, 2)));
      const __m256i vs1 = _mm256_add_epi32(vacc1x01, _mm256_shuffle_epi32(vacc1x23, _MM_SHUFFLE(1, 0, 3, 2)));
      __m256i vacc = _mm256_add_epi32(
          _mm256_permute2x128_si256(vs0, vs1, 0x20),
          _mm256_shuffle_epi32(_mm256_permute2x128_si256(vs0, vs1, 0x31), _MM_SHUFFLE(2, 1, 0, 3)));
      vacc = q8rt_3x4c8_avx2_requantize(vacc, &consts);
      const __m128i vpacked = _mm_adds_epi16(
          _mm_packs_epi32(_mm256_castsi256_si128(vacc), _mm256_extracti128_si256(vacc, 1)),
          _mm256_castsi256_si128(consts.output_zero_point));
      /* bytes 0-3: columns of the first panel, 4-7: of the second */
      __m128i vout = _mm_min_epu8(_mm_max_epu8(_mm_packus_epi16(vpacked, vpacked), _mm256_castsi256_si128(consts.output_min)),
                                  _mm256_castsi256_si128(consts.output_max));
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
