/* Depthwise weight packing (Q8RT_LAYOUT_DWCONV, kernels/layout.h). */
#include "pack/pack.h"

#include <string.h>

#include "../../kernels/layout.h"
#include "fold.h"
#include "pack_size.h"

size_t q8rt_pack_dw_size(size_t channels) { return (size_t) q8rt_packed_dw_bytes(channels); }

bool q8rt_pack_dw(size_t channels, uint8_t input_zero_point, uint8_t kernel_zero_point, const uint8_t* w,
                  const int32_t* bias, void* packed) {
  uint8_t* out = (uint8_t*) packed;
  bool ok = true;
  for (size_t c0 = 0; c0 < channels; c0 += Q8RT_DW_CR) {
    const size_t cb = channels - c0 < Q8RT_DW_CR ? channels - c0 : Q8RT_DW_CR;
    int32_t tile_bias[Q8RT_DW_CR] = {0};
    int16_t tile_w[Q8RT_DW_TAP_PAIRS][Q8RT_DW_CR][2] = {{{0}}};
    for (size_t j = 0; j < cb; j++) {
      const size_t lane = Q8RT_DW_LANE(j);
      const uint8_t* wc = w + (c0 + j) * Q8RT_DW_TAPS; /* [ky][kx] */
      int64_t wsum = 0;
      for (size_t kx = 0; kx < 3; kx++) {
        for (size_t ky = 0; ky < 3; ky++) {
          const size_t t = kx * 3 + ky;
          const int32_t v = (int32_t) wc[ky * 3 + kx] - (int32_t) kernel_zero_point;
          tile_w[t / 2][lane][t % 2] = (int16_t) v;
          wsum += v;
        }
      }
      if (!q8rt_fold_bias(bias != NULL ? bias[c0 + j] : 0, wsum, input_zero_point, &tile_bias[lane])) ok = false;
    }
    memcpy(out, tile_bias, sizeof tile_bias);
    out += sizeof tile_bias;
    memcpy(out, tile_w, sizeof tile_w);
    out += sizeof tile_w;
  }
  return ok;
}
