/*
 * u8lut32norm: QNNPACK's uint8 softmax normalisation (Caffe2 Int8Softmax):
 *   sum = sum_i t[x[i]];  y[i] = min(255, floor(((t[x[i]] << 8) + sum / 2) / sum))
 * t is the 256-entry lookup table already offset by (255 - max(x)). n >= 1.
 * u8rmax: the maximum of n >= 1 bytes.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

void q8rt_u8lut32norm_ukernel__scalar(size_t n, const uint8_t* x, const uint32_t* t, uint8_t* y);
uint8_t q8rt_u8rmax_ukernel__scalar(size_t n, const uint8_t* x);
