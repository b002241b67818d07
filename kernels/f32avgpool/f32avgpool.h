/*
 * f32avgpool: fp32 average of ks input pixels per output pixel: y = clamp(multiplier * sum_t input[t][c]).
 *   input[t] (t < ks) points at `channels` floats of one pooled pixel, or at a zero buffer for padding
 *   (counted in the divisor, as QNNPACK does: multiplier = 1 / (kernel_h * kernel_w)). Sums run t = 0..ks-1.
 *   output: channels floats. Global average pooling is ks = H*W pointers to consecutive pixels.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "../f32gemm/f32params.h"

typedef void (*q8rt_f32avgpool_ukernel_fn)(size_t ks, size_t channels, const float* const* input, float* output,
    const struct q8rt_f32_avgpool_params* params);

void q8rt_f32avgpool_ukernel__scalar(size_t ks, size_t channels, const float* const* input, float* output,
    const struct q8rt_f32_avgpool_params* params);
void q8rt_f32avgpool_ukernel__sse(size_t ks, size_t channels, const float* const* input, float* output,
    const struct q8rt_f32_avgpool_params* params);
void q8rt_f32avgpool_ukernel__avx2(size_t ks, size_t channels, const float* const* input, float* output,
    const struct q8rt_f32_avgpool_params* params);
void q8rt_f32avgpool_ukernel__aarch64_neon(size_t ks, size_t channels, const float* const* input, float* output,
    const struct q8rt_f32_avgpool_params* params);
void q8rt_f32avgpool_ukernel__aarch32_neon(size_t ks, size_t channels, const float* const* input, float* output,
    const struct q8rt_f32_avgpool_params* params);
