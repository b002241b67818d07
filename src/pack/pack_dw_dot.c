/* Depthwise weight packing for Q8RT_LAYOUT_DWCONV_DOT (kernels/layout.h): 16-channel tiles of raw uint8 weights,
 * the 3 taps of one kernel column per channel as one 4-byte `udot` group (4th byte 0). */
#include <string.h>

#include "../../kernels/layout.h"
#include "fold.h"
#include "pack/packers.h"

size_t q8rt_packed_size_dw_dot(const struct q8rt_pack_src* s) {
  return (s->n + Q8RT_DWDOT_CR - 1) / Q8RT_DWDOT_CR * Q8RT_DWDOT_TILE_BYTES;
}

void q8rt_pack_dw_dot(const struct q8rt_pack_src* s, void* packed) {
  uint8_t* out = (uint8_t*) packed;
  for (size_t c0 = 0; c0 < s->n; c0 += Q8RT_DWDOT_CR) {
    const size_t cb = s->n - c0 < Q8RT_DWDOT_CR ? s->n - c0 : Q8RT_DWDOT_CR;
    int32_t tile_bias[Q8RT_DWDOT_CR] = {0};
    uint8_t tile_w[3][Q8RT_DWDOT_CR][4] = {{{0}}};
    for (size_t j = 0; j < cb; j++) {
      const uint8_t* wc = s->w + (c0 + j) * Q8RT_DW_TAPS; /* [ky][kx] */
      int64_t wsum = 0;
      for (size_t kx = 0; kx < 3; kx++) {
        for (size_t ky = 0; ky < 3; ky++) {
          tile_w[kx][j][ky] = wc[ky * 3 + kx];
          wsum += (int32_t) wc[ky * 3 + kx] - (int32_t) s->kernel_zero_point;
        }
      }
      /* the loader checked q8rt_pack_bias_fits */
      (void) q8rt_fold_bias(s->bias != NULL ? s->bias[c0 + j] : 0, wsum, s->input_zero_point, &tile_bias[j]);
    }
    memcpy(out, tile_bias, sizeof tile_bias);
    memcpy(out + sizeof tile_bias, tile_w, sizeof tile_w);
    out += Q8RT_DWDOT_TILE_BYTES;
  }
}
