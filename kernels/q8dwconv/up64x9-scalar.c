/* q8dwconv up64x9 scalar micro-kernel on Q8RT_LAYOUT_DWCONV_VNNI weights (kernels/layout.h), the reference twin of
 * the AVX-512 VNNI kernel: each 64-channel block from its bias, int8 weights and correction exactly as the layout
 * defines the sum, the remaining channels by the up16x9 scalar kernel on their 16-channel tiles. */
#include <stddef.h>
#include <stdint.h>

#include "../layout.h"
#include "../params.h"
#include "../requantize.h"
#include "q8dwconv.h"

void q8rt_q8dwconv_ukernel_up64x9__scalar(size_t channels, size_t output_width, const uint8_t* const* input,
    size_t input_stride, const void* packed_w, uint8_t* output, size_t output_increment,
    const struct q8rt_conv_params* params) {
  const size_t nb = q8rt_dw_vnni_blocks(channels, params->kernel_zero_point);
  const size_t done = nb * Q8RT_DW_VNNI_CR;
  const uint8_t* tiles = (const uint8_t*) packed_w + nb * Q8RT_DW_VNNI_BLOCK_BYTES;
  const int32_t correction = 128 - (int32_t) params->kernel_zero_point;
  for (size_t x = 0; x < output_width; x++) {
    const uint8_t* const* in = input + x * input_stride;
    const uint8_t* block = (const uint8_t*) packed_w;
    for (size_t b = 0; b < nb; b++, block += Q8RT_DW_VNNI_BLOCK_BYTES) {
      const int8_t* w = (const int8_t*) (block + 4 * 16 * sizeof(int32_t)); /* [quad][i][lane][slot] */
      for (size_t i = 0; i < 4; i++) {
        for (size_t l = 0; l < 16; l++) {
          const size_t c = b * Q8RT_DW_VNNI_CR + 16 * (l / 4) + 4 * i + l % 4;
          int32_t bias;
          __builtin_memcpy(&bias, block + (i * 16 + l) * sizeof(int32_t), sizeof bias);
          const uint8_t quad[3][4] = {
            {in[0][c], in[1][c], in[2][c], in[3][c]},
            {in[4][c], in[5][c], in[6][c], in[7][c]},
            {in[8][c], in[8][c], 0, 0},
          };
          uint32_t acc = (uint32_t) bias;
          for (size_t q = 0; q < 3; q++) {
            for (size_t s = 0; s < 4; s++) {
              acc += (uint32_t) ((int32_t) quad[q][s] * (int32_t) w[((q * 4 + i) * 16 + l) * 4 + s]);
              if (q < 2) acc += (uint32_t) ((int32_t) quad[q][s] * correction);
            }
          }
          output[x * (channels + output_increment) + c] = q8rt_requantize_q31((int32_t) acc, params);
        }
      }
    }
    if (done != channels) {
      const uint8_t* tail[Q8RT_DW_TAPS];
      for (size_t t = 0; t < Q8RT_DW_TAPS; t++) tail[t] = in[t] + done;
      q8rt_q8dwconv_ukernel_up16x9__scalar(channels - done, 1, tail, 0, tiles,
                                           output + x * (channels + output_increment) + done, 0, params);
    }
  }
}
