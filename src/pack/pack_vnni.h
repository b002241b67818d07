/* Q8RT_LAYOUT_GEMM_VNNI (kernels/layout.h) sizes, and the conversion from a Q8RT_LAYOUT_GEMM tensor (the kernel
 * tests check q8rt_pack_gemm_16x4, which packs from the raw weights, against it). Header-only. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../kernels/layout.h"

static inline size_t q8rt_vnni_panel_bytes(size_t kc, size_t ks) {
  const size_t kc4 = (kc + Q8RT_VNNI_KR - 1) / Q8RT_VNNI_KR * Q8RT_VNNI_KR;
  return Q8RT_VNNI_NR * sizeof(int32_t) + ks * kc4 * Q8RT_VNNI_NR;
}

static inline size_t q8rt_vnni_packed_bytes(size_t n, size_t kc, size_t ks) {
  return (n + Q8RT_VNNI_NR - 1) / Q8RT_VNNI_NR * q8rt_vnni_panel_bytes(kc, ks);
}

/* Repacks n output channels of Q8RT_LAYOUT_GEMM weights (kc, ks, kernel_zero_point) into out
 * (q8rt_vnni_packed_bytes(n, kc, ks) bytes). Exact: w - 128 = (w - kernel_zero_point) + kernel_zero_point - 128. */
static inline void q8rt_repack_vnni(size_t n, size_t kc, size_t ks, uint8_t kernel_zero_point, const void* gemm_packed,
                                    void* out) {
  const size_t kcp = (kc + Q8RT_GEMM_KR - 1) / Q8RT_GEMM_KR * Q8RT_GEMM_KR;
  const size_t kc4 = (kc + Q8RT_VNNI_KR - 1) / Q8RT_VNNI_KR * Q8RT_VNNI_KR;
  const size_t in_panel = Q8RT_GEMM_NR * sizeof(int32_t) + ks * kcp * Q8RT_GEMM_NR * sizeof(int16_t);
  const size_t out_panel = q8rt_vnni_panel_bytes(kc, ks);
  const size_t panels = (n + Q8RT_VNNI_NR - 1) / Q8RT_VNNI_NR;
  memset(out, 0, panels * out_panel);
  for (size_t j = 0; j < n; j++) {
    const uint8_t* src = (const uint8_t*) gemm_packed + (j / Q8RT_GEMM_NR) * in_panel;
    const size_t col = j % Q8RT_GEMM_NR;
    uint8_t* dst = (uint8_t*) out + (j / Q8RT_VNNI_NR) * out_panel;
    const size_t lane = j % Q8RT_VNNI_NR;
    memcpy(dst + lane * sizeof(int32_t), src + col * sizeof(int32_t), sizeof(int32_t));
    const uint8_t* sw = src + Q8RT_GEMM_NR * sizeof(int32_t);
    int8_t* dw = (int8_t*) (dst + Q8RT_VNNI_NR * sizeof(int32_t));
    for (size_t t = 0; t < ks; t++) {
      for (size_t k = 0; k < kc; k++) {
        /* rotated c8 block: column col, k-pair p = (k % 8) / 2 sits in vector (col - p) % 4, lane k % 8 */
        const size_t i = k % Q8RT_GEMM_KR, r = (col + Q8RT_GEMM_NR - i / 2) % Q8RT_GEMM_NR;
        int16_t v;
        memcpy(&v, sw + ((t * kcp + k - i) * Q8RT_GEMM_NR + r * Q8RT_GEMM_KR + i) * sizeof(int16_t), sizeof v);
        dw[(t * kc4 + k) * Q8RT_VNNI_NR + lane * Q8RT_VNNI_KR - (k % Q8RT_VNNI_KR) * (Q8RT_VNNI_NR - 1)] =
            (int8_t) ((int) v + (int) kernel_zero_point - 128);
      }
    }
  }
}
