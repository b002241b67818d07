/* q8dwconv up16x9 micro-kernel, armv7 (A32/T32) NEON, -mfpu=neon, hard- or softfp float ABI. Body and layout notes: up16x9-neon.h. Twin: up16x9-scalar.c. */
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__ARM_NEON) || defined(__aarch64__)
#error "this file is for armv7 with -mfpu=neon"
#endif

#include "../params.h"
#include "q8dwconv.h"
#include "up16x9-neon.h"

void q8rt_q8dwconv_ukernel_up16x9__aarch32_neon(size_t channels, size_t output_width, const uint8_t* const* input,
    size_t input_stride, const void* packed_w, uint8_t* output, size_t output_increment,
    const struct q8rt_conv_params* params) {
  q8rt_neon_dwconv_up16x9(channels, output_width, input, input_stride, packed_w, output, output_increment, params);
}
