/* q8avgpool scalar micro-kernel (QNNPACK average-pooling fixed point). */
#include <stddef.h>
#include <stdint.h>

#include "../params.h"
#include "../requantize.h"
#include "q8avgpool.h"

void q8rt_q8avgpool_ukernel__scalar(size_t ks, size_t channels, const uint8_t* const* input, uint8_t* output,
    const struct q8rt_avgpool_params* params) {
  for (size_t c = 0; c < channels; c++) {
    uint32_t acc = (uint32_t) params->bias; /* 32-bit wrap-around, like the vector kernel */
    for (size_t t = 0; t < ks; t++) acc += (uint32_t) input[t][c];
    output[c] = q8rt_avgpool_quantize((int32_t) acc, params);
  }
}
