/* f32dwconv up16x9 micro-kernel, aarch64 (A64) NEON. Body and layout notes: up16x9-neon.h. Twin: up16x9-scalar.c. */
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__aarch64__)
#error "this file is for aarch64"
#endif

#include "f32dwconv.h"
#include "up16x9-neon.h"

void q8rt_f32dwconv_ukernel_up16x9__aarch64_neon(size_t channels, size_t output_width, const float* const* input,
    size_t input_stride, const float* packed_w, float* output, size_t output_increment,
    const struct q8rt_f32_minmax_params* params) {
  q8rt_f32dwconv_up16x9_neon(channels, output_width, input, input_stride, packed_w, output, output_increment,
                             params);
}
