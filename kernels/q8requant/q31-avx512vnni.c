/* q8requant q31 AVX-512 VNNI: 16 accumulators per zmm through q8rt_vnni_requant and q8rt_vnni_out16, the output
 * stage of the VNNI GEMM / convolution kernels; the tail with masked loads and stores. */
#include <stddef.h>
#include <stdint.h>

#include <immintrin.h>

#include "../q8gemm/avx512vnni-common.h"
#include "q8requant.h"

void q8rt_q8requant_ukernel_q31__avx512vnni(size_t n, const int32_t* acc, uint8_t* out,
    const struct q8rt_conv_params* params) {
  struct q8rt_vnni_rq rq;
  q8rt_vnni_rq_init(&rq, params);
  for (; n >= 16; n -= 16) {
    const __m512i vacc = _mm512_loadu_si512((const void*) acc);
    _mm_storeu_si128((__m128i*) out, q8rt_vnni_out16(q8rt_vnni_requant(vacc, &rq), &rq));
    acc += 16;
    out += 16;
  }
  if (n != 0) {
    const __mmask16 vmask = _cvtu32_mask16((UINT32_C(1) << n) - 1);
    const __m512i vacc = _mm512_maskz_loadu_epi32(vmask, (const void*) acc);
    _mm_mask_storeu_epi8(out, vmask, q8rt_vnni_out16(q8rt_vnni_requant(vacc, &rq), &rq));
  }
}
