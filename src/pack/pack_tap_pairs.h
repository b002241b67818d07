/* Q8RT_LAYOUT_GEMM_TAP_PAIRS (kernels/layout.h): from a Q8RT_LAYOUT_GEMM tensor with kc <= 4, for the q8conv
 * 3x4c8tp kernels (q8rt_pack_gemm_tap_pairs packs panel by panel through it). Header-only. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../kernels/layout.h"

static inline size_t q8rt_tap_pairs_panel_bytes(size_t ks) {
  return Q8RT_GEMM_NR * sizeof(int32_t) + (ks + 1) / 2 * Q8RT_GEMM_NR * Q8RT_GEMM_KR * sizeof(int16_t);
}

/* Repacks n output channels (all panels) of Q8RT_LAYOUT_GEMM weights with kc (<= 4) and ks into out
 * (q8rt_tap_pairs_panel_bytes(ks) per panel). The values are copied, not recomputed. */
static inline void q8rt_repack_tap_pairs(size_t n, size_t kc, size_t ks, const void* gemm_packed, void* out) {
  const size_t kcp = (kc + Q8RT_GEMM_KR - 1) / Q8RT_GEMM_KR * Q8RT_GEMM_KR;
  const size_t in_panel = Q8RT_GEMM_NR * sizeof(int32_t) + ks * kcp * Q8RT_GEMM_NR * sizeof(int16_t);
  const size_t out_panel = q8rt_tap_pairs_panel_bytes(ks);
  const size_t panels = (n + Q8RT_GEMM_NR - 1) / Q8RT_GEMM_NR;
  for (size_t p = 0; p < panels; p++) {
    const uint8_t* src = (const uint8_t*) gemm_packed + p * in_panel;
    uint8_t* dst = (uint8_t*) out + p * out_panel;
    memcpy(dst, src, Q8RT_GEMM_NR * sizeof(int32_t));
    int16_t w_in[Q8RT_GEMM_NR * Q8RT_GEMM_KR], w_out[Q8RT_GEMM_NR * Q8RT_GEMM_KR];
    for (size_t b = 0; b < (ks + 1) / 2; b++) {
      memset(w_out, 0, sizeof w_out);
      for (size_t i = 0; i < Q8RT_GEMM_KR; i++) {
        const size_t t = 2 * b + i / 4, ch = i % 4;
        if (t >= ks || ch >= kc) continue;
        /* tap t, channel ch < 8 sits in the first block of tap t: k index ch, k-pair ch / 2 */
        memcpy(w_in, src + Q8RT_GEMM_NR * sizeof(int32_t) + t * kcp * Q8RT_GEMM_NR * sizeof(int16_t), sizeof w_in);
        for (size_t col = 0; col < Q8RT_GEMM_NR; col++) {
          const size_t r_in = (col + Q8RT_GEMM_NR - ch / 2) % Q8RT_GEMM_NR;
          const size_t r_out = (col + Q8RT_GEMM_NR - i / 2) % Q8RT_GEMM_NR;
          w_out[r_out * Q8RT_GEMM_KR + i] = w_in[r_in * Q8RT_GEMM_KR + ch];
        }
      }
      memcpy(dst + Q8RT_GEMM_NR * sizeof(int32_t) + b * sizeof w_out, w_out, sizeof w_out);
    }
  }
}
