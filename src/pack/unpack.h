/* Unpacking of the int8 packed weight layouts (kernels/layout.h): the exact inverse of q8rt_pack_gemm /
 * q8rt_pack_dw. Used by the runtime to build the fp32 network (Q8RT_PRECISION_FP32) from one blob. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Q8RT_LAYOUT_GEMM, n output channels, ks taps, kc input channels, packed with input_zero_point and
 * kernel_zero_point. Writes w_minus_zp: n x ks x kc (OHWI) values w - kernel_zero_point, and bias: the n
 * original int32 biases (the folded term input_zero_point * sum(w - kernel_zero_point) added back). */
void q8rt_unpack_gemm_int(size_t n, size_t kc, size_t ks, uint8_t input_zero_point, uint8_t kernel_zero_point,
                          const void* packed, int16_t* w_minus_zp, int32_t* bias);

/* As above, dequantized: w = (w - kernel_zero_point) * weight_scale, bias = bias_int32 * bias_scale
 * (bias_scale = input_scale * weight_scale). Returns false if a scratch allocation fails. */
bool q8rt_unpack_gemm(size_t n, size_t kc, size_t ks, uint8_t input_zero_point, uint8_t kernel_zero_point,
                      float weight_scale, float bias_scale, const void* packed, float* w, float* bias);

/* Q8RT_LAYOUT_DWCONV: w_minus_zp is channels x 3 x 3 ([C][ky][kx], OHWI of Caffe2's [C,3,3,1]). */
void q8rt_unpack_dw_int(size_t channels, uint8_t input_zero_point, uint8_t kernel_zero_point, const void* packed,
                        int16_t* w_minus_zp, int32_t* bias);
bool q8rt_unpack_dw(size_t channels, uint8_t input_zero_point, uint8_t kernel_zero_point, float weight_scale,
                    float bias_scale, const void* packed, float* w, float* bias);
