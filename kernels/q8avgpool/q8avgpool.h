/*
 * q8avgpool: average of ks input pixels per output pixel (QNNPACK q8avgpool / q8gavgpool semantics).
 *   input[t] (t < ks) points at `channels` bytes of one pooled pixel (+ Q8RT_EXTRA_BYTES readable),
 *   or at the zero buffer (input zero point) for padding, which QNNPACK counts in the divisor.
 *   output: channels bytes. Global average pooling is ks = H*W pointers to consecutive pixels.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "../params.h"

typedef void (*q8rt_q8avgpool_ukernel_fn)(size_t ks, size_t channels, const uint8_t* const* input,
    uint8_t* output, const struct q8rt_avgpool_params* params);

void q8rt_q8avgpool_ukernel__scalar(size_t ks, size_t channels, const uint8_t* const* input, uint8_t* output,
    const struct q8rt_avgpool_params* params);
void q8rt_q8avgpool_ukernel__sse41(size_t ks, size_t channels, const uint8_t* const* input, uint8_t* output,
    const struct q8rt_avgpool_params* params);
/* ARM NEON: aarch64 builds have __aarch64_neon, armv7 builds __aarch32_neon. */
void q8rt_q8avgpool_ukernel__aarch64_neon(size_t ks, size_t channels, const uint8_t* const* input, uint8_t* output,
    const struct q8rt_avgpool_params* params);
void q8rt_q8avgpool_ukernel__aarch32_neon(size_t ks, size_t channels, const uint8_t* const* input, uint8_t* output,
    const struct q8rt_avgpool_params* params);

/*
 * TensorFlow Lite uint8 AVERAGE_POOL_2D (reference/pooling.h AveragePool, uint8 overload): the caller passes
 * the n >= 1 in-bounds window pixels only (TFLite's filter_count; padding is not counted), each `channels`
 * bytes (no reads past channels). Per channel: y = (sum + n / 2) / n (integer division of non-negative
 * values), clamped to [output_min, output_max]. Input and output share scale and zero point (TFLite requires
 * it), so there is no requantization. n * 255 must fit int32 (n < 2^23).
 */
typedef void (*q8rt_q8avgpool_tflite_ukernel_fn)(size_t n, size_t channels, const uint8_t* const* rows, uint8_t* y,
    uint8_t output_min, uint8_t output_max);

void q8rt_q8avgpool_tflite_ukernel__scalar(size_t n, size_t channels, const uint8_t* const* rows, uint8_t* y,
    uint8_t output_min, uint8_t output_max);
void q8rt_q8avgpool_tflite_ukernel__sse41(size_t n, size_t channels, const uint8_t* const* rows, uint8_t* y,
    uint8_t output_min, uint8_t output_max);
