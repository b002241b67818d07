/*
 * TensorFlow Lite uint8 SOFTMAX, reference kernel (tensorflow/lite/kernels/internal/reference/softmax.h
 * Softmax, uint8; gemmlowp fixed point; struct q8rt_tflite_softmax_params). One row of n >= 1 values:
 * x[0..n) -> y[0..n), output scale 1/256, zero point 0. y may alias x only if y == x is not required: x is read
 * again after the first outputs are written, so y must not overlap x.
 * n < 4096 keeps the Q12.19 sum of exponentials below 2^31 as TFLite assumes (kAccumulationIntegerBits = 12).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "../params.h"

void q8rt_tflite_softmax_u8(size_t n, const uint8_t* x, uint8_t* y, const struct q8rt_tflite_softmax_params* params);
