/* q8dwconv up16x9p micro-kernel, armv7 NEON, on Q8RT_LAYOUT_DWCONV_16P: one output pixel at a time (building
 * blocks: up16x9p-neon.h). Twin: up16x9p-scalar.c. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__ARM_NEON) || defined(__aarch64__)
#error "this file is for armv7 with -mfpu=neon"
#endif

#include "../params.h"
#include "q8dwconv.h"
#include "up16x9p-neon.h"

/* The rows of output pixels; shifted: params->shift >= 1 (two instantiations). */
static inline __attribute__((always_inline)) void dw_rows(size_t channels, size_t output_width,
                                                          const uint8_t* const* input, size_t input_stride,
                                                          const void* packed_w, uint8_t* output,
                                                          size_t output_increment,
                                                          const struct q8rt_conv_params* params, bool shifted) {
  for (; output_width != 0; output_width--) {
    q8rt_neon_dw16p_pixel(channels, input, packed_w, output, NULL, params, shifted);
    input += input_stride;
    output += channels + output_increment;
  }
}

void q8rt_q8dwconv_ukernel_up16x9p__aarch32_neon(size_t channels, size_t output_width, const uint8_t* const* input,
    size_t input_stride, const void* packed_w, uint8_t* output, size_t output_increment,
    const struct q8rt_conv_params* params) {
  if (channels == 0) return;
  /* TFLITE_SINGLE_ROUNDING takes q8rt_neon_q31_scale (its single-rounding branch), not the shifted Q31 form */
  if (params->shift != 0 && !params->single_rounding) {
    dw_rows(channels, output_width, input, input_stride, packed_w, output, output_increment, params, true);
  } else {
    dw_rows(channels, output_width, input, input_stride, packed_w, output, output_increment, params, false);
  }
}
