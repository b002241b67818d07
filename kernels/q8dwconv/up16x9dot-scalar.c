/* q8dwconv up16x9dot scalar micro-kernel on Q8RT_LAYOUT_DWCONV_DOT (reference twin of the aarch64 udot kernel):
 * raw uint8 products, minus kernel_zero_point times the sum of the 9 inputs, all mod 2^32. */
#include <stddef.h>
#include <stdint.h>

#include "../layout.h"
#include "../params.h"
#include "../requantize.h"
#include "q8dwconv.h"

void q8rt_q8dwconv_ukernel_up16x9dot__scalar(size_t channels, size_t output_width, const uint8_t* const* input,
    size_t input_stride, const void* packed_w, uint8_t* output, size_t output_increment,
    const struct q8rt_conv_params* params) {
  const uint32_t kzp = params->kernel_zero_point;
  for (size_t x = 0; x < output_width; x++) {
    const uint8_t* const* in = input + x * input_stride;
    const uint8_t* w = (const uint8_t*) packed_w;
    for (size_t c0 = 0; c0 < channels; c0 += Q8RT_DWDOT_CR) {
      const size_t cr = channels - c0 < Q8RT_DWDOT_CR ? channels - c0 : Q8RT_DWDOT_CR;
      const uint8_t* wt = w + Q8RT_DWDOT_CR * sizeof(int32_t);
      for (size_t c = 0; c < cr; c++) {
        int32_t bias;
        __builtin_memcpy(&bias, w + c * sizeof(int32_t), sizeof(int32_t));
        uint32_t acc = (uint32_t) bias;
        uint32_t sum = 0;
        for (size_t kx = 0; kx < 3; kx++) {
          for (size_t ky = 0; ky < 3; ky++) {
            const uint32_t xv = in[kx * 3 + ky][c0 + c];
            acc += xv * (uint32_t) wt[(kx * Q8RT_DWDOT_CR + c) * 4 + ky];
            sum += xv;
          }
        }
        acc -= kzp * sum;
        output[c0 + c] = q8rt_requantize_q31((int32_t) acc, params);
      }
      w += Q8RT_DWDOT_TILE_BYTES;
    }
    output += channels + output_increment;
  }
}
