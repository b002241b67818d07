/*
 * q8dwconv up16x9p micro-kernel, armv7 NEON, on Q8RT_LAYOUT_DWCONV_16P tiles (kernels/layout.h: 16 int32 biases,
 * then 9 taps x 16 int16 weights w - kzp, in channel order). Twin: up16x9p-scalar.c.
 *
 * One output pixel at a time, its channel tiles in inline assembly (fixed registers): accumulators q8-q11
 * (channels 0-3, 4-7, 8-11, 12-15) start at the biases; per tap one 16-byte input load (the tap's pointer
 * advanced by 16), one 32-byte weight load, 2 vmovl and 4 vmlal.s16: 144 MACs in 74 instructions per tile. Then
 * the Q31 requantization of kernels/requantize-neon.h in the variant of the parameters (chosen once per call, one
 * assembly text each: shift 0 is vqrdmulh alone, shift >= 1 vqrdmulh / vsra / vrshl, single rounding vqdmulh /
 * vrshl; shift >= 1 in the PLAIN output stage vqrdmulh / vrshl and the narrows alone, without the sign fix, the
 * zero point and the clamp, which change nothing there), with the constants in q registers for the whole call; a
 * partial last tile (1..15 channels) is stored by lane stores after the assembly. Reads 16 bytes per pointer per tile (as the aarch64 kernel).
 */
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__ARM_NEON) || defined(__aarch64__)
#error "this file is for armv7 with -mfpu=neon"
#endif

#include "../layout.h"
#include "../params.h"
#include "../requantize-neon.h"
#include "q8dwconv.h"

/* One tap: 16 input bytes (pointer advanced by 16) times the tap's 16 weights. */
#define Q8RT_DW16P_TAP(ptr)                                                                                        \
  "vld1.8 {d0-d1}, [%[" ptr "]]!\n\t"                                                                              \
  "vld1.16 {d4-d7}, [%[w]]!\n\t"                                                                                   \
  "vmovl.u8 q4, d0\n\t"                                                                                            \
  "vmovl.u8 q5, d1\n\t"                                                                                            \
  "vmlal.s16 q8, d8, d4\n\t"                                                                                       \
  "vmlal.s16 q9, d9, d5\n\t"                                                                                       \
  "vmlal.s16 q10, d10, d6\n\t"                                                                                     \
  "vmlal.s16 q11, d11, d7\n\t"

/* `op qN, qN<operand>` for the 4 accumulators. */
#define Q8RT_DW16P_ALL(op, operand)                                                                                \
  op " q8, q8" operand "\n\t" op " q9, q9" operand "\n\t" op " q10, q10" operand "\n\t" op " q11, q11" operand "\n\t"

/* The pixel's assembly with the requantization text `scale` (on q8-q11, with the operands mult and shift) and the
 * output text `pack` (q8-q11 to the operand v). The requantized tile is in v; a partial last tile is left there. */
#define Q8RT_DW16P_PIXEL(scale, pack)                                                                              \
  "1:\n\t"                                                                                                         \
  "vld1.32 {d16-d19}, [%[w]]!\n\t"                                                                                 \
  "vld1.32 {d20-d23}, [%[w]]!\n\t"                                                                                 \
  Q8RT_DW16P_TAP("i0") Q8RT_DW16P_TAP("i1") Q8RT_DW16P_TAP("i2") Q8RT_DW16P_TAP("i3") Q8RT_DW16P_TAP("i4")         \
  Q8RT_DW16P_TAP("i5") Q8RT_DW16P_TAP("i6") Q8RT_DW16P_TAP("i7") Q8RT_DW16P_TAP("i8")                              \
  scale                                                                                                            \
  pack                                                                                                             \
  "subs %[c], %[c], #16\n\t"                                                                                       \
  "bls 2f\n\t"                                                                                                     \
  "vst1.8 {%e[v]-%f[v]}, [%[out]]!\n\t"                                                                            \
  "b 1b\n\t"                                                                                                       \
  "2:\n\t"                                                                                                         \
  "bne 3f\n\t"                                                                                                     \
  "vst1.8 {%e[v]-%f[v]}, [%[out]]\n\t"                                                                             \
  "3:\n\t"

/* The narrows alone (the PLAIN output stage of kernels/requantize-neon.h: zero point 0, range [0, 255]). */
#define Q8RT_DW16P_PACK_PLAIN                                                                                      \
  "vqmovn.s32 d8, q8\n\t"                                                                                          \
  "vqmovn.s32 d9, q9\n\t"                                                                                          \
  "vqmovn.s32 d10, q10\n\t"                                                                                        \
  "vqmovn.s32 d11, q11\n\t"                                                                                        \
  "vqmovun.s16 %e[v], q4\n\t"                                                                                      \
  "vqmovun.s16 %f[v], q5\n\t"
/* The narrows, the zero point and the clamp. */
#define Q8RT_DW16P_PACK_CLAMP                                                                                      \
  "vqmovn.s32 d8, q8\n\t"                                                                                          \
  "vqmovn.s32 d9, q9\n\t"                                                                                          \
  "vqmovn.s32 d10, q10\n\t"                                                                                        \
  "vqmovn.s32 d11, q11\n\t"                                                                                        \
  "vqadd.s16 q4, q4, %q[zp]\n\t"                                                                                   \
  "vqadd.s16 q5, q5, %q[zp]\n\t"                                                                                   \
  "vqmovun.s16 %e[v], q4\n\t"                                                                                      \
  "vqmovun.s16 %f[v], q5\n\t"                                                                                      \
  "vmax.u8 %q[v], %q[v], %q[min]\n\t"                                                                              \
  "vmin.u8 %q[v], %q[v], %q[max]\n\t"

#define Q8RT_DW16P_SCALE_ZERO_SHIFT Q8RT_DW16P_ALL("vqrdmulh.s32", ", %q[mult]")
#define Q8RT_DW16P_SCALE_SHIFTED                                                                                   \
  Q8RT_DW16P_ALL("vqrdmulh.s32", ", %q[mult]") Q8RT_DW16P_ALL("vsra.s32", ", #31")                                 \
  Q8RT_DW16P_ALL("vrshl.s32", ", %q[shift]")
#define Q8RT_DW16P_SCALE_SINGLE Q8RT_DW16P_ALL("vqdmulh.s32", ", %q[mult]") Q8RT_DW16P_ALL("vrshl.s32", ", %q[shift]")
/* Two roundings, shift >= 1, in the PLAIN output stage: no sign fix (q8rt_neon_q31_scale_shifted_out). */
#define Q8RT_DW16P_SCALE_SHIFTED_PLAIN                                                                             \
  Q8RT_DW16P_ALL("vqrdmulh.s32", ", %q[mult]") Q8RT_DW16P_ALL("vrshl.s32", ", %q[shift]")

#define Q8RT_DW16P_OPERANDS                                                                                        \
  : [i0] "+r"(i0), [i1] "+r"(i1), [i2] "+r"(i2), [i3] "+r"(i3), [i4] "+r"(i4), [i5] "+r"(i5), [i6] "+r"(i6),      \
    [i7] "+r"(i7), [i8] "+r"(i8), [w] "+r"(w), [out] "+r"(out), [c] "+r"(c), [v] "=&w"(v)                          \
  : [mult] "w"(vq->multiplier), [shift] "w"(vq->right_shift), [zp] "w"(vq->zero_point), [min] "w"(vq->min),       \
    [max] "w"(vq->max)                                                                                             \
  : "cc", "memory", "d0", "d1", "d4", "d5", "d6", "d7", "d8", "d9", "d10", "d11",                              \
    "d16", "d17", "d18", "d19", "d20", "d21", "d22", "d23"

/* The rows of output pixels; mode 0: shift 0 (two roundings), 1: shift >= 1 (two roundings), 2: single rounding
 * (the sequence of q8rt_neon_q31_scale), 3: shift >= 1 (two roundings) in the PLAIN output stage (a constant once
 * inlined). */
static inline __attribute__((always_inline)) void dw_rows(size_t channels, size_t output_width,
                                                          const uint8_t* const* input, size_t input_stride,
                                                          const void* packed_w, uint8_t* output,
                                                          size_t output_increment,
                                                          const struct q8rt_neon_q31* vq, const int mode) {
  for (; output_width != 0; output_width--) {
    const uint8_t* i0 = input[0];
    const uint8_t* i1 = input[1];
    const uint8_t* i2 = input[2];
    const uint8_t* i3 = input[3];
    const uint8_t* i4 = input[4];
    const uint8_t* i5 = input[5];
    const uint8_t* i6 = input[6];
    const uint8_t* i7 = input[7];
    const uint8_t* i8 = input[8];
    const uint8_t* w = (const uint8_t*) packed_w;
    uint8_t* out = output;
    size_t c = channels;
    uint8x16_t v;
    if (mode == 0) {
      __asm__ volatile(Q8RT_DW16P_PIXEL(Q8RT_DW16P_SCALE_ZERO_SHIFT, Q8RT_DW16P_PACK_CLAMP) Q8RT_DW16P_OPERANDS);
    } else if (mode == 1) {
      __asm__ volatile(Q8RT_DW16P_PIXEL(Q8RT_DW16P_SCALE_SHIFTED, Q8RT_DW16P_PACK_CLAMP) Q8RT_DW16P_OPERANDS);
    } else if (mode == 2) {
      __asm__ volatile(Q8RT_DW16P_PIXEL(Q8RT_DW16P_SCALE_SINGLE, Q8RT_DW16P_PACK_CLAMP) Q8RT_DW16P_OPERANDS);
    } else {
      __asm__ volatile(Q8RT_DW16P_PIXEL(Q8RT_DW16P_SCALE_SHIFTED_PLAIN, Q8RT_DW16P_PACK_PLAIN) Q8RT_DW16P_OPERANDS);
    }
    if (c != 0) { /* c = (channels of the last tile) - 16 (mod 2^32): a partial tile, in v */
      q8rt_neon_store_partial_u8(out, v, c + Q8RT_DW16P_CR);
    }
    input += input_stride;
    output += channels + output_increment;
  }
}

void q8rt_q8dwconv_ukernel_up16x9p__aarch32_neon(size_t channels, size_t output_width, const uint8_t* const* input,
    size_t input_stride, const void* packed_w, uint8_t* output, size_t output_increment,
    const struct q8rt_conv_params* params) {
  if (channels == 0) return;
  const struct q8rt_neon_q31 vq = q8rt_neon_q31_init(params);
  if (params->single_rounding) {
    dw_rows(channels, output_width, input, input_stride, packed_w, output, output_increment, &vq, 2);
  } else if (params->shift != 0 && q8rt_dot_output_of(params) == Q8RT_DOT_OUT_PLAIN) {
    dw_rows(channels, output_width, input, input_stride, packed_w, output, output_increment, &vq, 3);
  } else if (params->shift != 0) {
    dw_rows(channels, output_width, input, input_stride, packed_w, output, output_increment, &vq, 1);
  } else {
    dw_rows(channels, output_width, input, input_stride, packed_w, output, output_increment, &vq, 0);
  }
}
