/* Shared code of the scalar twins of the i8mm kernels (q8gemm 4x16c8n / 2x16c8n, q8conv 4x16c8 and 4x16c8tp) on
 * Q8RT_LAYOUT_GEMM_I8MM panels and their tap pairs (kernels/layout.h): the arithmetic of the `ummla` kernels,
 * written out. */
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

/* One panel (16 columns, first nr written) for mr pixels: pixel m of tap t reads kc bytes at a[t * a_per_tap + m],
 * channel k of tap t having the k index t * tap_k + k in the panel (round_up(kc, 8) for Q8RT_LAYOUT_GEMM_I8MM, 4
 * for its tap pairs). acc = bias' + sum a w - kernel_zero_point * sum a, in uint32 (wrap-around, like the vector
 * kernels), then the Q31 requantization. */
static inline void q8rt_i8mm_scalar_panel_taps(size_t mr, size_t nr, size_t kc, size_t ks, const uint8_t* const* a,
                                               size_t a_per_tap, size_t tap_k, const uint8_t* panel, uint8_t* c,
                                               size_t c_stride, const struct q8rt_conv_params* params) {
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
      for (size_t k = 0; k < kc; k++) {
        const uint32_t av = am[k];
        asum += av;
        const size_t i = t * tap_k + k; /* k index in the panel */
        const uint8_t* wk = w + (i / Q8RT_GEMMI8MM_KR) * Q8RT_GEMMI8MM_NR * Q8RT_GEMMI8MM_KR + i % Q8RT_GEMMI8MM_KR;
        for (size_t n = 0; n < Q8RT_GEMMI8MM_NR; n++) acc[n] += av * (uint32_t) wk[n * Q8RT_GEMMI8MM_KR];
      }
    }
    const uint32_t correction = asum * (uint32_t) params->kernel_zero_point;
    for (size_t n = 0; n < nr; n++) c[m * c_stride + n] = q8rt_requantize_q31((int32_t) (acc[n] - correction), params);
  }
}

/* One Q8RT_LAYOUT_GEMM_I8MM panel (q8rt_i8mm_scalar_panel_taps with tap_k = round_up(kc, 8)). */
static inline void q8rt_i8mm_scalar_panel(size_t mr, size_t nr, size_t kc, size_t ks, const uint8_t* const* a,
                                          size_t a_per_tap, const uint8_t* panel, uint8_t* c, size_t c_stride,
                                          const struct q8rt_conv_params* params) {
  const size_t kc8 = (kc + Q8RT_GEMMI8MM_KR - 1) / Q8RT_GEMMI8MM_KR * Q8RT_GEMMI8MM_KR;
  q8rt_i8mm_scalar_panel_taps(mr, nr, kc, ks, a, a_per_tap, kc8, panel, c, c_stride, params);
}
