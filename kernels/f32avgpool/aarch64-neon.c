/* f32avgpool micro-kernel, aarch64 (A64) NEON. Body: neon.h. Twin: scalar.c. */
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__aarch64__)
#error "this file is for aarch64"
#endif

#include "f32avgpool.h"
#include "neon.h"

void q8rt_f32avgpool_ukernel__aarch64_neon(size_t ks, size_t channels, const float* const* input, float* output,
    const struct q8rt_f32_avgpool_params* params) {
  q8rt_f32avgpool_neon(ks, channels, input, output, params);
}
