/* TFLite uint8 ADD micro-kernel, aarch64 NEON. Body: tflite-neon.h. Twin: tflite-scalar.c. */
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__aarch64__)
#error "this file is for aarch64"
#endif

#include "../params.h"
#include "tflite-neon.h"
#include "q8vadd.h"

void q8rt_q8vadd_tflite_ukernel__aarch64_neon(size_t n, const uint8_t* a, const uint8_t* b, uint8_t* y,
    const struct q8rt_tflite_add_params* params) {
  q8rt_neon_vadd_tflite(n, a, b, y, params);
}
