/* Q8RT_LAYOUT_DWCONV_VNNI (kernels/layout.h) size, and the conversion from a Q8RT_LAYOUT_DWCONV tensor (used by
 * the kernel tests; the runtime packs from the raw weights with q8rt_pack_dw_64). Header-only. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../kernels/layout.h"
#include "../../kernels/q8dwconv/q8dwconv.h"
#include "pack_size.h"

/* Bytes of the repacked tensor: nb 1024-byte blocks, then 384-byte tiles for the rest. */
static inline size_t q8rt_dw_vnni_packed_bytes(size_t channels, uint8_t kernel_zero_point) {
  const size_t nb = q8rt_dw_vnni_blocks(channels, kernel_zero_point);
  return nb * Q8RT_DW_VNNI_BLOCK_BYTES + (size_t) q8rt_packed_dw_bytes(channels - nb * Q8RT_DW_VNNI_CR);
}

/* Repacks Q8RT_LAYOUT_DWCONV weights (channels, kernel_zero_point) into out (q8rt_dw_vnni_packed_bytes bytes).
 * Exact: w - 128 = (w - kernel_zero_point) + kernel_zero_point - 128 is in [-128, 127] for uint8 w. */
static inline void q8rt_repack_dw_vnni(size_t channels, uint8_t kernel_zero_point, const void* dw_packed, void* out) {
  const size_t nb = q8rt_dw_vnni_blocks(channels, kernel_zero_point);
  const uint8_t* src = (const uint8_t*) dw_packed;
  uint8_t* dst = (uint8_t*) out;
  for (size_t b = 0; b < nb; b++) {
    int32_t bias[4][16];
    int8_t w[3][4][16][4];
    memset(w, 0, sizeof w);
    for (size_t i = 0; i < 4; i++) {
      for (size_t l = 0; l < 16; l++) {
        const size_t ch = 16 * (l / 4) + 4 * i + l % 4; /* channel within the block */
        const uint8_t* tile = src + (b * 4 + ch / Q8RT_DW_CR) * Q8RT_DW_TILE_BYTES;
        const size_t lane = Q8RT_DW_LANE(ch % Q8RT_DW_CR);
        memcpy(&bias[i][l], tile + lane * sizeof(int32_t), sizeof(int32_t));
        for (size_t t = 0; t < Q8RT_DW_TAPS; t++) {
          int16_t v; /* w - kzp */
          memcpy(&v, tile + Q8RT_DW_CR * 4 + ((t / 2 * Q8RT_DW_CR + lane) * 2 + t % 2) * sizeof(int16_t), sizeof v);
          w[t / 4][i][l][t % 4] = (int8_t) ((int) v + (int) kernel_zero_point - 128);
        }
        w[2][i][l][1] = (int8_t) (128 - (int) kernel_zero_point);
      }
    }
    memcpy(dst, bias, sizeof bias);
    memcpy(dst + sizeof bias, w, sizeof w);
    dst += Q8RT_DW_VNNI_BLOCK_BYTES;
  }
  memcpy(dst, src + nb * 4 * Q8RT_DW_TILE_BYTES, (size_t) q8rt_packed_dw_bytes(channels - nb * Q8RT_DW_VNNI_CR));
}
