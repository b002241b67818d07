/* q8dwconv up16x9p scalar micro-kernel on Q8RT_LAYOUT_DWCONV_16P (reference twin of the NEON up16x9p kernels). */
#include <stddef.h>
#include <stdint.h>

#include "../layout.h"
#include "../params.h"
#include "../requantize.h"
#include "q8dwconv.h"

void q8rt_q8dwconv_ukernel_up16x9p__scalar(size_t channels, size_t output_width, const uint8_t* const* input,
    size_t input_stride, const void* packed_w, uint8_t* output, size_t output_increment,
    const struct q8rt_conv_params* params) {
  for (size_t x = 0; x < output_width; x++) {
    const uint8_t* const* in = input + x * input_stride;
    const uint8_t* w = (const uint8_t*) packed_w;
    for (size_t c0 = 0; c0 < channels; c0 += Q8RT_DW16P_CR) {
      const size_t cr = channels - c0 < Q8RT_DW16P_CR ? channels - c0 : Q8RT_DW16P_CR;
      const uint8_t* wt = w + Q8RT_DW16P_CR * sizeof(int32_t);
      for (size_t c = 0; c < cr; c++) {
        int32_t bias;
        __builtin_memcpy(&bias, w + c * sizeof(int32_t), sizeof(int32_t));
        uint32_t acc = (uint32_t) bias;
        for (size_t t = 0; t < Q8RT_DW_TAPS; t++) {
          int16_t wv;
          __builtin_memcpy(&wv, wt + (t * Q8RT_DW16P_CR + c) * sizeof(int16_t), sizeof(int16_t));
          acc += (uint32_t) ((int32_t) in[t][c0 + c] * (int32_t) wv);
        }
        output[c0 + c] = q8rt_requantize_q31((int32_t) acc, params);
      }
      w += Q8RT_DW16P_TILE_BYTES;
    }
    output += channels + output_increment;
  }
}
