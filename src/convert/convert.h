/* Model -> q8rt blob converter: a Caffe2 quantized NetDef (init_net + predict_net) or a TFLite uint8 model. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "blob/format.h"

struct q8rt_convert_options {
  const char* init_net_path;     /* q8rt_convert: files to read; q8rt_convert_buffers: names used */
  const char* predict_net_path;  /*   in messages (NULL = "init_net" / "predict_net") */
  const char* output_path;       /* q8rt_convert only */
  /* Model input (Caffe2 files hold no input shape): uint8 NHWC [1, height, width, channels]. */
  uint32_t input_height, input_width, input_channels;
  /* Image preprocessing stored in the blob header: preprocess (enum q8rt_blob_preprocess) with resize_shorter
   * (Q8RT_PREPROCESS_RESIZE_CROP) or crop_fraction (Q8RT_PREPROCESS_CENTRAL_CROP). */
  uint32_t preprocess;
  float crop_fraction;
  uint32_t resize_shorter;
  uint32_t channel_order;        /* enum q8rt_blob_channel_order */
  float mean[3], std[3];         /* per channel, in channel_order, pixel units 0..255 */
  /* Optional class names stored in the blob (label_count 0: none): exactly one per model class, NUL-terminated
   * UTF-8 (e.g. from q8rt_labels_read_file, src/convert/labels.h); labels_what names them in messages. */
  const char* const* labels;
  uint32_t label_count;
  const char* labels_what;
  /* Leading outputs that are not dataset classes (TFLite ImageNet models: 1, "background"); < outputs. */
  uint32_t class_offset;
  /* TFLite: the arithmetic, Q8RT_BLOB_RULE_TFLITE (the reference kernels' two roundings),
   * Q8RT_BLOB_RULE_TFLITE_SINGLE (TFLITE_SINGLE_ROUNDING), or Q8RT_BLOB_RULE_CAFFE2 (QNNPACK's arithmetic on
   * the TFLite graph: not TFLite's results; for comparing the cost of the rules). Ignored for Caffe2 models. */
  uint32_t tflite_rule;
};

struct q8rt_convert_stats {
  uint32_t op_count, tensor_count;
  uint64_t weight_bytes;         /* raw uint8 weights and int32 biases */
  uint64_t file_size;
};

/* Model card defaults: 224x224x3, resize shorter side 256, BGR, mean {103.53, 116.28, 123.675},
 * std {57.375, 57.12, 58.395}; paths NULL; class offset 0; TFLite rule Q8RT_BLOB_RULE_TFLITE. */
void q8rt_convert_options_init(struct q8rt_convert_options* opts);

/* TensorFlow's evaluation defaults for a TFLite model whose uint8 input has the given size, scale and zero
 * point: central crop 0.875 then TF1 bilinear to height x width, RGB, mean = zero point and std = 1 / scale (so
 * that a pixel quantizes to itself when scale is 1/128 and zero point 128, the MobileNet convention), class
 * offset 1 when the model has 1001 outputs (ImageNet with "background" first), else 0. Paths and labels are
 * kept. */
void q8rt_convert_options_tflite(struct q8rt_convert_options* opts, uint32_t height, uint32_t width, float input_scale,
                                 uint8_t input_zero_point, uint64_t outputs);

/* Converts a TFLite model held in memory (model_what names it in messages): *blob_data (free()) and *blob_size
 * hold the serialized blob. opts->input_height / input_width must equal the model's input. */
bool q8rt_convert_tflite_buffer(const void* model, size_t model_size, const char* model_what,
                                const struct q8rt_convert_options* opts, void** blob_data, size_t* blob_size,
                                struct q8rt_convert_stats* stats, char* err, size_t err_size);

/* Mean/std defaults for a channel order (the model card values, reordered for RGB). */
void q8rt_convert_default_normalization(uint32_t channel_order, float mean[3], float std[3]);

/* Reads opts->init_net_path and opts->predict_net_path, writes opts->output_path atomically.
 * On failure returns false, err names the file or the op index/type/tensor, and no file is left at
 * output_path. stats may be NULL. */
bool q8rt_convert(const struct q8rt_convert_options* opts, struct q8rt_convert_stats* stats, char* err,
                  size_t err_size);

/* Same from memory: on success *blob_data (free()) and *blob_size hold the serialized blob. */
bool q8rt_convert_buffers(const void* init_net, size_t init_net_size, const void* predict_net,
                          size_t predict_net_size, const struct q8rt_convert_options* opts,
                          void** blob_data, size_t* blob_size, struct q8rt_convert_stats* stats,
                          char* err, size_t err_size);
