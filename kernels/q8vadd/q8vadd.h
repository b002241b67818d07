/*
 * q8vadd: elementwise quantized addition (Caffe2 Int8Sum / QNNPACK q8vadd), n >= 1 bytes.
 * y may alias a or b. Inputs are read up to n + Q8RT_EXTRA_BYTES; only n outputs are written.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "../params.h"

typedef void (*q8rt_q8vadd_ukernel_fn)(size_t n, const uint8_t* a, const uint8_t* b, uint8_t* y,
    const struct q8rt_add_params* params);

void q8rt_q8vadd_ukernel__scalar(size_t n, const uint8_t* a, const uint8_t* b, uint8_t* y,
    const struct q8rt_add_params* params);
void q8rt_q8vadd_ukernel__sse41(size_t n, const uint8_t* a, const uint8_t* b, uint8_t* y,
    const struct q8rt_add_params* params);
void q8rt_q8vadd_ukernel__avx2(size_t n, const uint8_t* a, const uint8_t* b, uint8_t* y,
    const struct q8rt_add_params* params);
/* ARM NEON: aarch64 builds have __aarch64_neon, armv7 builds __aarch32_neon. */
void q8rt_q8vadd_ukernel__aarch64_neon(size_t n, const uint8_t* a, const uint8_t* b, uint8_t* y,
    const struct q8rt_add_params* params);
void q8rt_q8vadd_ukernel__aarch32_neon(size_t n, const uint8_t* a, const uint8_t* b, uint8_t* y,
    const struct q8rt_add_params* params);

/*
 * TensorFlow Lite uint8 ADD (reference/add.h AddElementwise, kernels/add.cc Prepare): struct
 * q8rt_tflite_add_params (kernels/params.h). Same contract as q8vadd: n >= 1, y may alias a or b, inputs
 * readable up to n + Q8RT_EXTRA_BYTES, n outputs written. Every ISA gives the bytes of the scalar kernel.
 */
typedef void (*q8rt_q8vadd_tflite_ukernel_fn)(size_t n, const uint8_t* a, const uint8_t* b, uint8_t* y,
    const struct q8rt_tflite_add_params* params);

void q8rt_q8vadd_tflite_ukernel__scalar(size_t n, const uint8_t* a, const uint8_t* b, uint8_t* y,
    const struct q8rt_tflite_add_params* params);
void q8rt_q8vadd_tflite_ukernel__sse41(size_t n, const uint8_t* a, const uint8_t* b, uint8_t* y,
    const struct q8rt_tflite_add_params* params);
void q8rt_q8vadd_tflite_ukernel__avx2(size_t n, const uint8_t* a, const uint8_t* b, uint8_t* y,
    const struct q8rt_tflite_add_params* params);
/* Tables of the two input stages, looked up with vpermi2b: from params->prepared (made by
 * q8rt_q8vadd_tflite_prepare__avx512vnni) or, when it is NULL, computed per call. Requires AVX-512
 * F/BW/VL/VNNI/VBMI. */
void q8rt_q8vadd_tflite_ukernel__avx512vnni(size_t n, const uint8_t* a, const uint8_t* b, uint8_t* y,
    const struct q8rt_tflite_add_params* params);
/* Bytes of the state q8rt_q8vadd_tflite_prepare__avx512vnni writes (64-byte aligned memory). */
#define Q8RT_Q8VADD_TFLITE_AVX512VNNI_STATE_BYTES 2176
/* Writes the kernel's state for params to state (Q8RT_Q8VADD_TFLITE_AVX512VNNI_STATE_BYTES, 64-byte aligned):
 * both input tables and the output stage's parameters, checked for the two-FMA fp32 form
 * (q8rt_q8requant_prepare__avx512vnni). The caller then sets params->prepared = state. */
void q8rt_q8vadd_tflite_prepare__avx512vnni(const struct q8rt_tflite_add_params* params, void* state);
void q8rt_q8vadd_tflite_ukernel__aarch64_neon(size_t n, const uint8_t* a, const uint8_t* b, uint8_t* y,
    const struct q8rt_tflite_add_params* params);
void q8rt_q8vadd_tflite_ukernel__aarch32_neon(size_t n, const uint8_t* a, const uint8_t* b, uint8_t* y,
    const struct q8rt_tflite_add_params* params);
