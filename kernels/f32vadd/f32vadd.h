/*
 * f32vadd: elementwise fp32 addition y = clamp(a + b, min, max), n >= 1 floats. y may alias a or b.
 * Only n outputs are written.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "../f32gemm/f32params.h"

typedef void (*q8rt_f32vadd_ukernel_fn)(size_t n, const float* a, const float* b, float* y,
    const struct q8rt_f32_minmax_params* params);

void q8rt_f32vadd_ukernel__scalar(size_t n, const float* a, const float* b, float* y,
    const struct q8rt_f32_minmax_params* params);
void q8rt_f32vadd_ukernel__sse(size_t n, const float* a, const float* b, float* y,
    const struct q8rt_f32_minmax_params* params);
void q8rt_f32vadd_ukernel__avx2(size_t n, const float* a, const float* b, float* y,
    const struct q8rt_f32_minmax_params* params);
void q8rt_f32vadd_ukernel__aarch64_neon(size_t n, const float* a, const float* b, float* y,
    const struct q8rt_f32_minmax_params* params);
void q8rt_f32vadd_ukernel__aarch32_neon(size_t n, const float* a, const float* b, float* y,
    const struct q8rt_f32_minmax_params* params);
