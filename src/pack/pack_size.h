/* Sizes of packed weight tensors (kernels/layout.h), in uint64 so the blob loader can check
 * untrusted dimensions (each <= 65536) without overflow. */
#pragma once

#include <stdint.h>

#include "../../kernels/layout.h"

/* Bytes of one Q8RT_LAYOUT_GEMM panel (Q8RT_GEMM_NR output channels, int16 weights). */
static inline uint64_t q8rt_gemm_panel_bytes(uint64_t kc, uint64_t ks) {
  const uint64_t kc_padded = (kc + Q8RT_GEMM_KR - 1) / Q8RT_GEMM_KR * Q8RT_GEMM_KR;
  return Q8RT_GEMM_NR * 4 + ks * kc_padded * Q8RT_GEMM_NR * 2;
}

static inline uint64_t q8rt_packed_gemm_bytes(uint64_t n, uint64_t kc, uint64_t ks) {
  const uint64_t panels = (n + Q8RT_GEMM_NR - 1) / Q8RT_GEMM_NR;
  return panels * q8rt_gemm_panel_bytes(kc, ks);
}

static inline uint64_t q8rt_packed_dw_bytes(uint64_t channels) {
  const uint64_t tiles = (channels + Q8RT_DW_CR - 1) / Q8RT_DW_CR;
  return tiles * Q8RT_DW_TILE_BYTES;
}
