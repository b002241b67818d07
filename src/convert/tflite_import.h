/* TFLite uint8 model (.tflite, FlatBuffers file identifier "TFL3") -> the converter's graph IR. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "graph.h"

/* True when data starts like a TFLite FlatBuffer (identifier "TFL3" at byte 4). */
bool cv_is_tflite(const void* data, size_t size);

/* What the converter needs before importing: the model input (uint8 NHWC [1, H, W, C], scale, zero point) and
 * the number of output elements. False with a message (naming `what`) when the file is not a readable TFLite
 * model with one uint8 input. */
struct cv_tflite_probe {
  uint32_t input_height, input_width, input_channels;
  float input_scale;
  uint8_t input_zero_point;
  uint64_t output_elements;
};
bool cv_tflite_probe(const void* data, size_t size, const char* what, struct cv_tflite_probe* probe, char* err,
                     size_t err_size);

/* Imports every operator of the model's only subgraph into g (initialised with cv_graph_init; g->predict_label
 * names the file in messages): a float graph input with an Int8Quantize to the model's uint8 input, constant
 * weights / biases (depthwise weights transposed to [C, KH, KW, 1]), and one op per CONV_2D,
 * DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD, AVERAGE_POOL_2D, SOFTMAX; RESHAPE / SQUEEZE that only drop unit
 * dimensions become aliases. Ops carry `rule` (Q8RT_RULE_TFLITE or Q8RT_RULE_TFLITE_SINGLE) and their fused
 * activation as an output range. Anything else (other ops or options, int8 / per-channel / float tensors) is
 * refused with a message naming the operator and the tensor. */
bool cv_import_tflite(struct cv_graph* g, const void* data, size_t size, uint8_t rule);
