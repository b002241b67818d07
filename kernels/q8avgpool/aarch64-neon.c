/* q8avgpool micro-kernel, aarch64 (A64) NEON. Body: neon.h. Twin: scalar.c. */
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__aarch64__)
#error "this file is for aarch64"
#endif

#include "../params.h"
#include "neon.h"
#include "q8avgpool.h"

void q8rt_q8avgpool_ukernel__aarch64_neon(size_t ks, size_t channels, const uint8_t* const* input, uint8_t* output,
    const struct q8rt_avgpool_params* params) {
  q8rt_neon_avgpool(ks, channels, input, output, params);
}
