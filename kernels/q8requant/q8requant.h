/*
 * q8requant: QNNPACK Q31 requantization (kernels/params.h, Caffe2 Int8Conv / Int8FC / Int8DepthwiseConv output
 * stage) of n >= 0 int32 accumulators to n uint8 outputs: out[i] = clamp(y(acc[i]) + output_zero_point,
 * output_min, output_max). These kernels run the exact output-stage code of their ISA's GEMM, convolution and
 * depthwise micro-kernels on an array, so that test_q8requant can check that code against the scalar twin on
 * every rounding boundary; the runtime calls the micro-kernels, not these.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "../params.h"

typedef void (*q8rt_q8requant_ukernel_fn)(size_t n, const int32_t* acc, uint8_t* out,
    const struct q8rt_conv_params* params);

void q8rt_q8requant_ukernel_q31__scalar(size_t n, const int32_t* acc, uint8_t* out,
    const struct q8rt_conv_params* params);
/* The AVX-512 VNNI kernels' requantization (q8rt_vnni_requant, kernels/q8gemm/avx512vnni-common.h): the fp32 form
 * where it is exact, else the Q31 integer form. Requires AVX-512 F/BW/VL/VNNI/VBMI. */
void q8rt_q8requant_ukernel_q31__avx512vnni(size_t n, const int32_t* acc, uint8_t* out,
    const struct q8rt_conv_params* params);

/* Sets params->checked_fp32 when the AVX-512 VNNI kernels' two-FMA fp32 form (q8rt_vnni_fp32_split) gives
 * exactly q8rt_requantize_q31's output for these parameters at every int32 accumulator, else clears it; run once
 * per session plan (the prepare_params of the VNNI configurations, src/ops/config.h), a few microseconds. Leaves
 * it clear for parameters the kernels serve with another form. Requires AVX-512 F/BW/VL/VNNI/VBMI. */
void q8rt_q8requant_prepare__avx512vnni(struct q8rt_conv_params* params);
