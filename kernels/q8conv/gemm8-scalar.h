/* Shared body of the scalar q8conv twins on Q8RT_LAYOUT_GEMM_8X8 panels (kernels/layout.h: folded int32 bias,
 * then uint8 weights [ks][round_up(kc, 8)][8]): 8x8-scalar.c (8 row pointers per tap) and 4x8-scalar.c (4). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "../layout.h"
#include "../params.h"
#include "../requantize.h"

/* mr rows x nr columns; the indirection buffer holds tile_mr pointers per tap (a[t * tile_mr + m]). */
static inline void q8rt_q8conv_gemm8_scalar(size_t tile_mr, size_t mr, size_t nr, size_t kc, size_t ks,
                                            const uint8_t* const* a, const void* packed_w, uint8_t* c,
                                            size_t c_stride, const struct q8rt_conv_params* params) {
  const int32_t* bias = (const int32_t*) packed_w;
  const uint8_t* w = (const uint8_t*) packed_w + Q8RT_GEMM8_NR * sizeof(int32_t);
  const size_t kc8 = (kc + Q8RT_GEMM8_KR - 1) / Q8RT_GEMM8_KR * Q8RT_GEMM8_KR;
  const int32_t kzp = (int32_t) params->kernel_zero_point;

  /* 32-bit accumulators with wrap-around, like the vector kernels. */
  uint32_t acc[Q8RT_GEMM8_MR][Q8RT_GEMM8_NR];
  for (size_t m = 0; m < mr; m++) {
    for (size_t n = 0; n < Q8RT_GEMM8_NR; n++) acc[m][n] = (uint32_t) bias[n];
  }
  for (size_t t = 0; t < ks; t++) {
    for (size_t k = 0; k < kc; k++) {
      const uint8_t* wk = w + (t * kc8 + k) * Q8RT_GEMM8_NR;
      for (size_t m = 0; m < mr; m++) {
        const int32_t av = (int32_t) a[t * tile_mr + m][k];
        for (size_t n = 0; n < nr; n++) acc[m][n] += (uint32_t) (av * ((int32_t) wk[n] - kzp));
      }
    }
  }
  for (size_t m = 0; m < mr; m++) {
    uint8_t* cm = c + m * c_stride;
    for (size_t n = 0; n < nr; n++) cm[n] = q8rt_requantize_q31((int32_t) acc[m][n], params);
  }
}
