/* TFLite uint8 ADD, scalar micro-kernel (reference/add.h AddElementwise; q8rt_tflite_add_quantize). */
#include <stddef.h>
#include <stdint.h>

#include "../params.h"
#include "../requantize.h"
#include "q8vadd.h"

void q8rt_q8vadd_tflite_ukernel__scalar(size_t n, const uint8_t* a, const uint8_t* b, uint8_t* y,
    const struct q8rt_tflite_add_params* params) {
  for (size_t i = 0; i < n; i++) y[i] = q8rt_tflite_add_quantize(a[i], b[i], params);
}
