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
    for (size_t j = 0; j < cb; j++) {
      const uint8_t* wc = w + (c0 + j) * Q8RT_DW_TAPS;
      int64_t wsum = 0;
      for (size_t i = 0; i < Q8RT_DW_TAPS; i++) wsum += (int64_t) wc[i] - (int64_t) kernel_zero_point;
      if (!q8rt_fold_bias(bias != NULL ? bias[c0 + j] : 0, wsum, input_zero_point, &tile_bias[j])) ok = false;
    }
    memcpy(out, tile_bias, sizeof tile_bias);
    out += sizeof tile_bias;
    for (size_t kx = 0; kx < 3; kx++) {
      for (size_t ky = 0; ky < 3; ky++) {
        /* tap t = kx * 3 + ky */
        for (size_t j = 0; j < Q8RT_DW_CR; j++) {
          *out++ = j < cb ? w[(c0 + j) * Q8RT_DW_TAPS + ky * 3 + kx] : kernel_zero_point;
        }
      }
    }
  }
  return ok;
}
