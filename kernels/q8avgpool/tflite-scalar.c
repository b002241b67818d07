/* TFLite uint8 AVERAGE_POOL_2D, scalar micro-kernel (reference/pooling.h AveragePool; q8avgpool.h). */
#include <stddef.h>
#include <stdint.h>

#include "q8avgpool.h"

void q8rt_q8avgpool_tflite_ukernel__scalar(size_t n, size_t channels, const uint8_t* const* rows, uint8_t* y,
    uint8_t output_min, uint8_t output_max) {
  const uint32_t count = (uint32_t) n;
  for (size_t c = 0; c < channels; c++) {
    uint32_t sum = 0;
    for (size_t r = 0; r < n; r++) sum += rows[r][c];
    /* TFLite: acc = (acc + filter_count / 2) / filter_count in int32; both non-negative */
    uint32_t v = (sum + count / 2) / count;
    if (v < output_min) v = output_min;
    if (v > output_max) v = output_max;
    y[c] = (uint8_t) v;
  }
}
