/*
 * f32dwconv up16x9 micro-kernel, armv7 (A32/T32) NEON, -mfpu=neon, hard- or softfp float ABI. Twin:
 * up16x9-scalar.c. Layout: the f32 depthwise tiles of kernels/f32gemm/f32params.h (bias[16], w[9][16]).
 *
 * Per output pixel and 16-channel tile, one asm block: the 4 q accumulators (q8-q11) start at the bias, then taps
 * t = 0..8 in the scalar order, each 2 input loads of 8 floats (vld1.32 {4 d}, the row pointer advanced by 16),
 * 2 weight loads of 8 floats and 4 vmla.f32; then the clamp and 2 stores of 8 floats: 84 instructions per 144
 * MACs. gcc 12 compiled the intrinsics body (up16x9-neon.h, which the aarch64 file keeps) to about 220: an add per
 * 4-float load and the 9 row pointers spilled, with 14 general registers. vmla.f32 rounds the product and the sum
 * (armv7 NEON has no fused form): tolerance as f32-neon.h says. A partial last tile (channels % 16) computes all 16
 * lanes into a stack tile (inputs have Q8RT_F32_EXTRA_FLOATS readable floats, the packed weights are zero-padded)
 * and copies the real channels.
 */
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__ARM_NEON) || defined(__aarch64__)
#error "this file is for armv7 with -mfpu=neon"
#endif

#include "f32dwconv.h"

/* One tap in the asm below: 16 input floats at row pointer operand R against the next 16 weights. */
#define Q8RT_F32DW_TAP(R)                                                                                        \
  "vld1.32 {d24-d27}, [%[" R "]]!\n\t"                                                                          \
  "vld1.32 {d28-d31}, [%[w]]!\n\t"                                                                              \
  "vmla.f32 q8, q12, q14\n\t"                                                                                   \
  "vmla.f32 q9, q13, q15\n\t"                                                                                   \
  "vld1.32 {d24-d27}, [%[" R "]]!\n\t"                                                                          \
  "vld1.32 {d28-d31}, [%[w]]!\n\t"                                                                              \
  "vmla.f32 q10, q12, q14\n\t"                                                                                  \
  "vmla.f32 q11, q13, q15\n\t"

void q8rt_f32dwconv_ukernel_up16x9__aarch32_neon(size_t channels, size_t output_width, const float* const* input,
    size_t input_stride, const float* packed_w, float* output, size_t output_increment,
    const struct q8rt_f32_minmax_params* params) {
  const float32x4_t vmin = vld1q_dup_f32(&params->min), vmax = vld1q_dup_f32(&params->max);
  float tile[16];
  do {
    const float* i0 = input[0];
    const float* i1 = input[1];
    const float* i2 = input[2];
    const float* i3 = input[3];
    const float* i4 = input[4];
    const float* i5 = input[5];
    const float* i6 = input[6];
    const float* i7 = input[7];
    const float* i8 = input[8];
    input += input_stride;
    const float* w = packed_w;
    for (size_t c = channels; c != 0;) {
      float* y = c >= 16 ? output : tile;
      __asm__ volatile(
          "vld1.32 {d16-d19}, [%[w]]!\n\t"
          "vld1.32 {d20-d23}, [%[w]]!\n\t"
          Q8RT_F32DW_TAP("i0") Q8RT_F32DW_TAP("i1") Q8RT_F32DW_TAP("i2")
          Q8RT_F32DW_TAP("i3") Q8RT_F32DW_TAP("i4") Q8RT_F32DW_TAP("i5")
          Q8RT_F32DW_TAP("i6") Q8RT_F32DW_TAP("i7") Q8RT_F32DW_TAP("i8")
          "vmax.f32 q8, q8, %q[vmin]\n\t"
          "vmax.f32 q9, q9, %q[vmin]\n\t"
          "vmax.f32 q10, q10, %q[vmin]\n\t"
          "vmax.f32 q11, q11, %q[vmin]\n\t"
          "vmin.f32 q8, q8, %q[vmax]\n\t"
          "vmin.f32 q9, q9, %q[vmax]\n\t"
          "vmin.f32 q10, q10, %q[vmax]\n\t"
          "vmin.f32 q11, q11, %q[vmax]\n\t"
          "vst1.32 {d16-d19}, [%[y]]!\n\t"
          "vst1.32 {d20-d23}, [%[y]]\n\t"
          : [i0] "+r"(i0), [i1] "+r"(i1), [i2] "+r"(i2), [i3] "+r"(i3), [i4] "+r"(i4), [i5] "+r"(i5),
            [i6] "+r"(i6), [i7] "+r"(i7), [i8] "+r"(i8), [w] "+r"(w), [y] "+r"(y)
          : [vmin] "w"(vmin), [vmax] "w"(vmax)
          : "d16", "d17", "d18", "d19", "d20", "d21", "d22", "d23", "d24", "d25", "d26", "d27", "d28", "d29",
            "d30", "d31", "memory");
      if (c >= 16) {
        output += 16;
        c -= 16;
      } else {
        for (size_t i = 0; i < c; i++) output[i] = tile[i];
        output += c;
        c = 0;
      }
    }
    output += output_increment;
  } while (--output_width != 0);
}
