/* fp32 weight packing for the f32 micro-kernels (layouts in kernels/f32gemm/f32params.h) from float weights
 * (the kernel tests); the runtime packs from the raw uint8 weights with q8rt_pack_f32_gemm_<nr> (packers.h). */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Floats of an f32 GEMM-packed tensor: n output channels in panels of nr, ks taps, kc input channels. */
size_t q8rt_pack_f32_gemm_floats(size_t n, size_t kc, size_t ks, size_t nr);
/* Floats of one panel. */
size_t q8rt_pack_f32_gemm_panel_floats(size_t kc, size_t ks, size_t nr);

/* w: n x ks x kc floats (OHWI: output channel, then tap ky*KW+kx, then input channel); bias: n floats. */
void q8rt_pack_f32_gemm(size_t n, size_t kc, size_t ks, size_t nr, const float* w, const float* bias, float* packed);

/* Floats of an f32 depthwise-packed tensor for `channels` channels. */
size_t q8rt_pack_f32_dw_floats(size_t channels);

/* w: channels x 3 x 3 floats ([C][ky][kx]); bias: channels floats. Taps re-ordered to t = kx * 3 + ky. */
void q8rt_pack_f32_dw(size_t channels, const float* w, const float* bias, float* packed);
