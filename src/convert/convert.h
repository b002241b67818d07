/* Caffe2 quantized NetDef (init_net + predict_net) -> q8rt blob converter. */
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
  /* Image preprocessing stored in the blob header. */
  uint32_t resize_shorter;
  uint32_t channel_order;        /* enum q8rt_blob_channel_order */
  float mean[3], std[3];         /* per channel, in channel_order, pixel units 0..255 */
  /* Optional class names stored in the blob (label_count 0: none): exactly one per model class, NUL-terminated
   * UTF-8 (e.g. from q8rt_labels_read_file, src/convert/labels.h); labels_what names them in messages. */
  const char* const* labels;
  uint32_t label_count;
  const char* labels_what;
};

struct q8rt_convert_stats {
  uint32_t op_count, tensor_count;
  uint64_t weight_bytes;         /* raw uint8 weights and int32 biases */
  uint64_t file_size;
};

/* Model card defaults: 224x224x3, resize shorter side 256, BGR, mean {103.53, 116.28, 123.675},
 * std {57.375, 57.12, 58.395}; paths NULL. */
void q8rt_convert_options_init(struct q8rt_convert_options* opts);

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
