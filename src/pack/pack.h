/* int8 weight packing for the micro-kernels (layouts in kernels/layout.h), from raw OHWI weights. Used by the
 * configuration packers (packers.h) and the kernel tests. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes of a Q8RT_LAYOUT_GEMM tensor for n output channels, ks taps, kc input channels per tap. */
size_t q8rt_pack_gemm_size(size_t n, size_t kc, size_t ks);

/* w: n x ks x kc uint8 (OHWI: output channel, then tap ky*KW+kx, then input channel) with kernel_zero_point;
 * bias: n int32 (NULL = zeros). Returns false if a folded bias overflows int32. */
bool q8rt_pack_gemm(size_t n, size_t kc, size_t ks, uint8_t input_zero_point, uint8_t kernel_zero_point,
                    const uint8_t* w, const int32_t* bias, void* packed);

/* Bytes of a Q8RT_LAYOUT_DWCONV tensor for `channels` channels. */
size_t q8rt_pack_dw_size(size_t channels);

/* w: channels x 3 x 3 uint8 ([C][ky][kx], Caffe2's [C,KH,KW,1]); bias: channels int32 (NULL = zeros).
 * Re-orders the taps to t = kx * 3 + ky. Returns false if a folded bias overflows int32. */
bool q8rt_pack_dw(size_t channels, uint8_t input_zero_point, uint8_t kernel_zero_point,
                  const uint8_t* w, const int32_t* bias, void* packed);
