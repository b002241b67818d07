/* q8vadd micro-kernel, aarch64 (A64) NEON. Body: neon.h. Twin: scalar.c. */
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__aarch64__)
#error "this file is for aarch64"
#endif

#include "../params.h"
#include "neon.h"
#include "q8vadd.h"

void q8rt_q8vadd_ukernel__aarch64_neon(size_t n, const uint8_t* a, const uint8_t* b, uint8_t* y,
    const struct q8rt_add_params* params) {
  q8rt_neon_vadd(n, a, b, y, params);
}
