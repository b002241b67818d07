/* Converter driver: read -> parse (protobuf-c) -> import -> lower -> emit -> write. */
#include "convert.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "blob/blob_write.h"
#include "caffe2_import.h"
#include "caffe2_read.h"
#include "emit.h"
#include "graph.h"
#include "lower.h"
#include "tflite_import.h"

void q8rt_convert_default_normalization(uint32_t channel_order, float mean[3], float std[3]) {
  static const float bgr_mean[3] = {103.53f, 116.28f, 123.675f};
  static const float bgr_std[3] = {57.375f, 57.12f, 58.395f};
  for (int c = 0; c < 3; c++) {
    int src = channel_order == Q8RT_CHANNELS_BGR ? c : 2 - c;
    mean[c] = bgr_mean[src];
    std[c] = bgr_std[src];
  }
}

void q8rt_convert_options_init(struct q8rt_convert_options* opts) {
  memset(opts, 0, sizeof *opts);
  opts->input_height = 224;
  opts->input_width = 224;
  opts->input_channels = 3;
  opts->resize_shorter = 256;
  opts->channel_order = Q8RT_CHANNELS_BGR;
  q8rt_convert_default_normalization(opts->channel_order, opts->mean, opts->std);
  opts->preprocess = Q8RT_PREPROCESS_RESIZE_CROP;
  opts->tflite_rule = Q8RT_BLOB_RULE_TFLITE;
}

void q8rt_convert_options_tflite(struct q8rt_convert_options* opts, uint32_t height, uint32_t width, float input_scale,
                                 uint8_t input_zero_point, uint64_t outputs) {
  opts->input_height = height;
  opts->input_width = width;
  opts->input_channels = 3;
  opts->preprocess = Q8RT_PREPROCESS_CENTRAL_CROP;
  opts->crop_fraction = 0.875f;
  opts->resize_shorter = 0;
  opts->channel_order = Q8RT_CHANNELS_RGB;
  for (int c = 0; c < 3; c++) {
    opts->mean[c] = (float) input_zero_point;
    opts->std[c] = 1.0f / input_scale;
  }
  opts->class_offset = outputs == 1001 ? 1 : 0;
}

static bool check_options(const struct q8rt_convert_options* o, char* err, size_t err_size) {
  if (o->input_height < 1 || o->input_height > Q8RT_BLOB_MAX_DIM || o->input_width < 1 ||
      o->input_width > Q8RT_BLOB_MAX_DIM) {
    snprintf(err, err_size, "input size %ux%u is outside [1, %u]", o->input_height, o->input_width, Q8RT_BLOB_MAX_DIM);
    return false;
  }
  if (o->input_channels != 3) {
    snprintf(err, err_size, "input channels %u: only 3 (images) are supported", o->input_channels);
    return false;
  }
  uint32_t larger = o->input_height > o->input_width ? o->input_height : o->input_width;
  if (o->preprocess == Q8RT_PREPROCESS_CENTRAL_CROP) {
    if (!(o->crop_fraction > 0.0f && o->crop_fraction <= 1.0f)) {
      snprintf(err, err_size, "crop fraction %g must be in (0, 1]", (double) o->crop_fraction);
      return false;
    }
  } else if (o->preprocess != Q8RT_PREPROCESS_RESIZE_CROP) {
    snprintf(err, err_size, "unknown preprocessing %u", o->preprocess);
    return false;
  } else if (o->resize_shorter < larger || o->resize_shorter > Q8RT_BLOB_MAX_DIM) {
    snprintf(err, err_size, "resize-shorter %u must be in [%u, %u] (at least the crop size %ux%u)", o->resize_shorter,
             larger, Q8RT_BLOB_MAX_DIM, o->input_height, o->input_width);
    return false;
  }
  if (o->channel_order != Q8RT_CHANNELS_RGB && o->channel_order != Q8RT_CHANNELS_BGR) {
    snprintf(err, err_size, "channel order %u is neither RGB (0) nor BGR (1)", o->channel_order);
    return false;
  }
  for (int c = 0; c < 3; c++) {
    if (!isfinite(o->mean[c])) {
      snprintf(err, err_size, "mean[%d] is not finite", c);
      return false;
    }
    if (!(o->std[c] > 0.0f) || !isfinite(o->std[c])) {
      snprintf(err, err_size, "std[%d] = %g must be positive and finite", c, (double) o->std[c]);
      return false;
    }
  }
  return true;
}

/* Parses, imports and lowers; on success e holds the blob contents (referencing g). */
static bool build(const void* init_net, size_t init_size, const void* predict_net, size_t predict_size,
                  const struct q8rt_convert_options* opts, struct cv_graph* g, struct cv_emitted* e, char* err,
                  size_t err_size) {
  const char* init_label = opts->init_net_path ? opts->init_net_path : "init_net";
  const char* predict_label = opts->predict_net_path ? opts->predict_net_path : "predict_net";
  cv_graph_init(g, init_label, predict_label, err, err_size);
  if (!check_options(opts, err, err_size)) return false;
  Caffe2__NetDef* init = cv_parse_netdef(init_net, init_size, init_label, err, err_size);
  if (init == NULL) return false;
  bool ok = cv_import_init(g, init);
  protobuf_c_message_free_unpacked(&init->base, NULL);
  if (!ok) return false;
  Caffe2__NetDef* predict = cv_parse_netdef(predict_net, predict_size, predict_label, err, err_size);
  if (predict == NULL) return false;
  ok = cv_import_predict(g, predict);
  protobuf_c_message_free_unpacked(&predict->base, NULL);
  return ok && cv_lower(g, opts) && cv_emit(g, opts, e);
}

static void fill_stats(const struct cv_emitted* e, uint64_t file_size, struct q8rt_convert_stats* stats) {
  if (stats == NULL) return;
  stats->op_count = e->contents.op_count;
  stats->tensor_count = e->contents.tensor_count;
  stats->weight_bytes = e->weight_bytes;
  stats->file_size = file_size;
}

bool q8rt_convert_tflite_buffer(const void* model, size_t model_size, const char* model_what,
                                const struct q8rt_convert_options* opts, void** blob_data, size_t* blob_size,
                                struct q8rt_convert_stats* stats, char* err, size_t err_size) {
  *blob_data = NULL;
  *blob_size = 0;
  const char* what = model_what != NULL ? model_what : "model";
  struct cv_graph g;
  struct cv_emitted e;
  memset(&e, 0, sizeof e);
  cv_graph_init(&g, what, what, err, err_size);
  bool ok = check_options(opts, err, err_size);
  if (ok && opts->tflite_rule > Q8RT_BLOB_RULE_TFLITE_SINGLE) {
    snprintf(err, err_size, "unknown TFLite arithmetic rule %u", opts->tflite_rule);
    ok = false;
  }
  ok = ok && cv_import_tflite(&g, model, model_size, (uint8_t) opts->tflite_rule) && cv_lower(&g, opts) &&
       cv_emit(&g, opts, &e) && q8rt_blob_serialize(&e.contents, blob_data, blob_size, err, err_size);
  if (ok) fill_stats(&e, *blob_size, stats);
  cv_emitted_free(&e);
  cv_graph_free(&g);
  return ok;
}

bool q8rt_convert_buffers(const void* init_net, size_t init_net_size, const void* predict_net,
                          size_t predict_net_size, const struct q8rt_convert_options* opts,
                          void** blob_data, size_t* blob_size, struct q8rt_convert_stats* stats,
                          char* err, size_t err_size) {
  *blob_data = NULL;
  *blob_size = 0;
  struct cv_graph g;
  struct cv_emitted e;
  memset(&e, 0, sizeof e);
  bool ok = build(init_net, init_net_size, predict_net, predict_net_size, opts, &g, &e, err, err_size) &&
            q8rt_blob_serialize(&e.contents, blob_data, blob_size, err, err_size);
  if (ok) fill_stats(&e, *blob_size, stats);
  cv_emitted_free(&e);
  cv_graph_free(&g);
  return ok;
}

bool q8rt_convert(const struct q8rt_convert_options* opts, struct q8rt_convert_stats* stats, char* err,
                  size_t err_size) {
  if (opts->init_net_path == NULL || opts->predict_net_path == NULL || opts->output_path == NULL) {
    snprintf(err, err_size, "convert: init_net, predict_net and output paths are required");
    return false;
  }
  uint8_t *init = NULL, *predict = NULL;
  size_t init_size = 0, predict_size = 0;
  if (!cv_read_file(opts->init_net_path, &init, &init_size, err, err_size)) return false;
  if (!cv_read_file(opts->predict_net_path, &predict, &predict_size, err, err_size)) {
    free(init);
    return false;
  }
  struct cv_graph g;
  struct cv_emitted e;
  memset(&e, 0, sizeof e);
  bool ok = build(init, init_size, predict, predict_size, opts, &g, &e, err, err_size);
  free(init);
  free(predict);
  if (ok) ok = q8rt_blob_write_file(opts->output_path, &e.contents, err, err_size);
  if (ok && stats != NULL) {
    struct stat st;
    fill_stats(&e, stat(opts->output_path, &st) == 0 ? (uint64_t) st.st_size : 0, stats);
  }
  cv_emitted_free(&e);
  cv_graph_free(&g);
  return ok;
}
