/* Partial stores shared by the SSE4.1 and AVX2 int8 kernels (both compiled with SSE4.1). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <smmintrin.h>

/* Stores the first n (< 16) bytes of v at y: the channel / element remainder of an output vector. */
static inline __attribute__((always_inline)) void q8rt_store_u8_lt16_sse41(uint8_t* y, __m128i v, size_t n) {
  if (n & 8) {
    _mm_storel_epi64((__m128i*) y, v);
    y += 8;
    v = _mm_unpackhi_epi64(v, v);
  }
  if (n & 4) {
    const uint32_t t = (uint32_t) _mm_cvtsi128_si32(v);
    __builtin_memcpy(y, &t, 4);
    y += 4;
    v = _mm_srli_epi64(v, 32);
  }
  if (n & 2) {
    const uint16_t t = (uint16_t) _mm_extract_epi16(v, 0);
    __builtin_memcpy(y, &t, 2);
    y += 2;
    v = _mm_srli_epi64(v, 16);
  }
  if (n & 1) *y = (uint8_t) _mm_extract_epi8(v, 0);
}
