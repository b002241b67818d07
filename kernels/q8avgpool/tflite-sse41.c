/* TFLite uint8 AVERAGE_POOL_2D, SSE4.1 micro-kernel (reference/pooling.h AveragePool; q8avgpool.h). Twin:
 * tflite-scalar.c.
 *
 * 16 channels per step: the rows are summed in uint16 lanes (255 * 257 < 2^16), moved to uint32 every 257 rows,
 * then y = (sum + n / 2) / n by one fp32 division per lane and truncation. Exact for n < 2^16: N = sum + n / 2 <
 * 2^24 converts exactly, and the quotient q = N / n < 256 rounds by at most 2^-17 < 1 / n, which is less than
 * the distance from a non-integer q up to the next integer (an integer q is exact); so trunc(fl(q)) = floor(q).
 * Larger n: the scalar formula. The last channels % 16 are loaded through a 16-byte copy (no reads past
 * channels, as the contract says). */
#include <stddef.h>
#include <stdint.h>

#include <smmintrin.h>

#include "q8avgpool.h"

static inline __m128i q8rt_tflite_avgpool_load(const uint8_t* p, size_t count) {
  if (count >= 16) return _mm_loadu_si128((const __m128i*) p);
  uint8_t buf[16] = {0};
  __builtin_memcpy(buf, p, count);
  return _mm_loadu_si128((const __m128i*) buf);
}

/* (sum + n / 2) / n of 4 uint32 lanes, exact for n < 2^16 (see above). */
static inline __m128i q8rt_tflite_avgpool_divide(__m128i vsum, __m128i vhalf, __m128 vn) {
  const __m128 vq = _mm_div_ps(_mm_cvtepi32_ps(_mm_add_epi32(vsum, vhalf)), vn);
  return _mm_cvttps_epi32(vq);
}

void q8rt_q8avgpool_tflite_ukernel__sse41(size_t n, size_t channels, const uint8_t* const* rows, uint8_t* y,
    uint8_t output_min, uint8_t output_max) {
  if (n >= 65536) {
    q8rt_q8avgpool_tflite_ukernel__scalar(n, channels, rows, y, output_min, output_max);
    return;
  }
  const __m128i vzero = _mm_setzero_si128();
  const __m128i vhalf = _mm_set1_epi32((int) (n / 2));
  const __m128 vn = _mm_set1_ps((float) n);
  const __m128i vmin = _mm_set1_epi8((char) output_min);
  const __m128i vmax = _mm_set1_epi8((char) output_max);
  for (size_t c0 = 0; c0 < channels; c0 += 16) {
    const size_t count = channels - c0;
    __m128i vsum0 = vzero, vsum1 = vzero, vsum2 = vzero, vsum3 = vzero; /* uint32: channels 0-3, 4-7, ... */
    for (size_t r0 = 0; r0 < n; r0 += 257) {
      const size_t r1 = n - r0 < 257 ? n : r0 + 257;
      __m128i vlo = vzero, vhi = vzero; /* uint16: channels 0-7, 8-15 */
      for (size_t r = r0; r < r1; r++) {
        const __m128i v = q8rt_tflite_avgpool_load(rows[r] + c0, count);
        vlo = _mm_add_epi16(vlo, _mm_unpacklo_epi8(v, vzero));
        vhi = _mm_add_epi16(vhi, _mm_unpackhi_epi8(v, vzero));
      }
      vsum0 = _mm_add_epi32(vsum0, _mm_unpacklo_epi16(vlo, vzero));
      vsum1 = _mm_add_epi32(vsum1, _mm_unpackhi_epi16(vlo, vzero));
      vsum2 = _mm_add_epi32(vsum2, _mm_unpacklo_epi16(vhi, vzero));
      vsum3 = _mm_add_epi32(vsum3, _mm_unpackhi_epi16(vhi, vzero));
    }
    const __m128i vy01 = _mm_packus_epi32(q8rt_tflite_avgpool_divide(vsum0, vhalf, vn),
                                          q8rt_tflite_avgpool_divide(vsum1, vhalf, vn));
    const __m128i vy23 = _mm_packus_epi32(q8rt_tflite_avgpool_divide(vsum2, vhalf, vn),
                                          q8rt_tflite_avgpool_divide(vsum3, vhalf, vn));
    const __m128i vy = _mm_min_epu8(_mm_max_epu8(_mm_packus_epi16(vy01, vy23), vmin), vmax);
    if (count >= 16) {
      _mm_storeu_si128((__m128i*) (y + c0), vy);
    } else {
      uint8_t buf[16];
      _mm_storeu_si128((__m128i*) buf, vy);
      __builtin_memcpy(y + c0, buf, count);
    }
  }
}
