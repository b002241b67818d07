/* Shared code of the scalar twins of the i8mm kernels (q8gemm 4x16c8n / 2x16c8n, q8conv 4x16c8) on
 * Q8RT_LAYOUT_GEMM_I8MM panels (kernels/layout.h): the arithmetic of the `ummla` kernels, written out. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "../layout.h"
#include "../params.h"
#include "../requantize.h"

/* Bytes of one Q8RT_LAYOUT_GEMM_I8MM panel for kc channels per tap and ks taps. */
static inline size_t q8rt_i8mm_scalar_panel_bytes(size_t kc, size_t ks) {
  const size_t kc8 = (kc + Q8RT_GEMMI8MM_KR - 1) / Q8RT_GEMMI8MM_KR * Q8RT_GEMMI8MM_KR;
  return Q8RT_GEMMI8MM_BIAS_BYTES + ks * kc8 * Q8RT_GEMMI8MM_NR;
}

/* One panel (16 columns, first nr written) for mr pixels: pixel m of tap t reads kc bytes at a[t * a_per_tap + m].
 * acc = bias' + sum a w - kernel_zero_point * sum a, in uint32 (wrap-around, like the vector kernels), then the
 * Q31 requantization. */
static inline void q8rt_i8mm_scalar_panel(size_t mr, size_t nr, size_t kc, size_t ks, const uint8_t* const* a,
                                          size_t a_per_tap, const uint8_t* panel, uint8_t* c, size_t c_stride,
                                          const struct q8rt_conv_params* params) {
  const size_t kc8 = (kc + Q8RT_GEMMI8MM_KR - 1) / Q8RT_GEMMI8MM_KR * Q8RT_GEMMI8MM_KR;
  const uint8_t* w = panel + Q8RT_GEMMI8MM_BIAS_BYTES;
  for (size_t m = 0; m < mr; m++) {
    uint32_t acc[Q8RT_GEMMI8MM_NR];
    for (size_t n = 0; n < Q8RT_GEMMI8MM_NR; n++) {
      int32_t b;
      __builtin_memcpy(&b, panel + ((n / 2) * 4 + (m % 2) * 2 + n % 2) * sizeof(int32_t), sizeof b); /* row m's copy */
      acc[n] = (uint32_t) b;
    }
    uint32_t asum = 0;
    for (size_t t = 0; t < ks; t++) {
      const uint8_t* am = a[t * a_per_tap + m];
      const uint8_t* wt = w + t * kc8 * Q8RT_GEMMI8MM_NR;
      for (size_t k = 0; k < kc; k++) {
        const uint32_t av = am[k];
        asum += av;
        const uint8_t* wk = wt + (k / Q8RT_GEMMI8MM_KR) * Q8RT_GEMMI8MM_NR * Q8RT_GEMMI8MM_KR + k % Q8RT_GEMMI8MM_KR;
        for (size_t n = 0; n < Q8RT_GEMMI8MM_NR; n++) acc[n] += av * (uint32_t) wk[n * Q8RT_GEMMI8MM_KR];
      }
    }
    const uint32_t correction = asum * (uint32_t) params->kernel_zero_point;
    for (size_t n = 0; n < nr; n++) c[m * c_stride + n] = q8rt_requantize_q31((int32_t) (acc[n] - correction), params);
  }
}
