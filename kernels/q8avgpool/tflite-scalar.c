/* TFLite uint8 AVERAGE_POOL_2D, scalar micro-kernel (reference/pooling.h AveragePool; q8avgpool.h). */
#include <stddef.h>
#include <stdint.h>

#include "q8avgpool.h"

void q8rt_q8avgpool_tflite_ukernel__scalar(size_t n, size_t channels, const uint8_t* const* rows, uint8_t* y,
    uint8_t output_min, uint8_t output_max) {
  const uint32_t count = (uint32_t) n;
  /* Blocks of 64 channels: each row is read contiguously into 64 running sums (n < 2^24 rows of bytes fit). */
  for (size_t c0 = 0; c0 < channels; c0 += 64) {
    const size_t nc = channels - c0 < 64 ? channels - c0 : 64;
    uint32_t sum[64];
    for (size_t c = 0; c < nc; c++) sum[c] = 0;
    for (size_t r = 0; r < n; r++) {
      const uint8_t* row = rows[r] + c0;
      for (size_t c = 0; c < nc; c++) sum[c] += row[c];
    }
    for (size_t c = 0; c < nc; c++) {
      /* TFLite: acc = (acc + filter_count / 2) / filter_count in int32; both non-negative */
      uint32_t v = (sum[c] + count / 2) / count;
      if (v < output_min) v = output_min;
      if (v > output_max) v = output_max;
      y[c0 + c] = (uint8_t) v;
    }
  }
}
