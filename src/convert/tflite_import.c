/* TFLite importer: walks the model with the bounds-checked FlatBuffers reader (flatbuf.h) following TensorFlow
 * Lite's schema.fbs (field ids below are the declaration order of each table's fields there; a union field
 * takes two ids, its type then its value), and builds the graph IR. docs/tflite.md describes what is accepted. */
#include "tflite_import.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blob/format.h"
#include "flatbuf.h"
#include "quant/qparams.h"

/* schema.fbs field ids */
enum { MODEL_VERSION = 0, MODEL_OPERATOR_CODES = 1, MODEL_SUBGRAPHS = 2, MODEL_BUFFERS = 4 };
enum { SUBGRAPH_TENSORS = 0, SUBGRAPH_INPUTS = 1, SUBGRAPH_OUTPUTS = 2, SUBGRAPH_OPERATORS = 3 };
enum { TENSOR_SHAPE = 0, TENSOR_TYPE = 1, TENSOR_BUFFER = 2, TENSOR_NAME = 3, TENSOR_QUANTIZATION = 4,
       TENSOR_IS_VARIABLE = 5, TENSOR_SPARSITY = 6 };
enum { QUANT_SCALE = 2, QUANT_ZERO_POINT = 3, QUANT_DETAILS_TYPE = 4 };
enum { BUFFER_DATA = 0, BUFFER_OFFSET = 1, BUFFER_SIZE = 2 };
enum { OPCODE_DEPRECATED_BUILTIN = 0, OPCODE_CUSTOM = 1, OPCODE_BUILTIN = 3 };
enum { OPERATOR_OPCODE_INDEX = 0, OPERATOR_INPUTS = 1, OPERATOR_OUTPUTS = 2, OPERATOR_OPTIONS_TYPE = 3,
       OPERATOR_OPTIONS = 4, OPERATOR_CUSTOM_OPTIONS = 5 };
/* BuiltinOperator */
enum { OP_ADD = 0, OP_AVERAGE_POOL_2D = 1, OP_CONV_2D = 3, OP_DEPTHWISE_CONV_2D = 4, OP_FULLY_CONNECTED = 9,
       OP_RESHAPE = 22, OP_SOFTMAX = 25, OP_SQUEEZE = 43 };
/* BuiltinOptions union members */
enum { OPT_CONV2D = 1, OPT_DEPTHWISE_CONV2D = 2, OPT_POOL2D = 5, OPT_FULLY_CONNECTED = 8, OPT_SOFTMAX = 9,
       OPT_ADD = 11, OPT_RESHAPE = 17, OPT_SQUEEZE = 30 };
/* TensorType */
enum { TYPE_FLOAT32 = 0, TYPE_INT32 = 2, TYPE_UINT8 = 3, TYPE_INT8 = 9 };
/* Padding, ActivationFunctionType */
enum { PAD_SAME = 0, PAD_VALID = 1 };
enum { ACT_NONE = 0, ACT_RELU = 1, ACT_RELU_N1_TO_1 = 2, ACT_RELU6 = 3 };

#define MAX_TFLITE_TENSORS 65536u

struct ctx {
  struct cv_graph* g;
  struct fb_reader r;
  struct fb_vector tensors, buffers, opcodes, operators;
  uint32_t* map;        /* TFLite tensor index -> graph tensor, CV_NONE until defined */
  uint8_t* produced;    /* TFLite tensor written by an op (or the graph input) */
  uint8_t rule;
  char fberr[256];
};

static const char* type_name(int8_t t) {
  switch (t) {
    case 0: return "float32";
    case 1: return "float16";
    case 2: return "int32";
    case 3: return "uint8";
    case 4: return "int64";
    case 7: return "int16";
    case 9: return "int8";
    default: return "an unsupported type";
  }
}

static const char* op_name(int32_t code) {
  switch (code) {
    case OP_ADD: return "ADD";
    case OP_AVERAGE_POOL_2D: return "AVERAGE_POOL_2D";
    case OP_CONV_2D: return "CONV_2D";
    case OP_DEPTHWISE_CONV_2D: return "DEPTHWISE_CONV_2D";
    case OP_FULLY_CONNECTED: return "FULLY_CONNECTED";
    case OP_RESHAPE: return "RESHAPE";
    case OP_SOFTMAX: return "SOFTMAX";
    case OP_SQUEEZE: return "SQUEEZE";
    default: return NULL;
  }
}

/* A malformed FlatBuffer: the reader's message, prefixed with the file. */
static bool fb_fail(struct ctx* c) { return cv_fail(c->g, "%s: corrupt TFLite file: %s", c->g->predict_label, c->fberr); }

bool cv_is_tflite(const void* data, size_t size) {
  return size >= 8 && memcmp((const uint8_t*) data + 4, "TFL3", 4) == 0;
}

/* ---- tensors ----------------------------------------------------------------------------------- */

struct tensor_desc {
  struct fb_table table;
  int8_t type;
  uint32_t rank;
  uint32_t dims[CV_MAX_RANK];
  uint32_t buffer;
  const char* name;
  uint32_t name_len;
  bool quantized;        /* exactly one scale and zero point */
  uint32_t scale_count;
  float scale;
  int64_t zero_point;
};

static bool read_tensor(struct ctx* c, uint32_t index, struct tensor_desc* d, const char* role, const char* where) {
  memset(d, 0, sizeof *d);
  if (index >= c->tensors.length) {
    return cv_fail(c->g, "%s: %s: %s tensor index %u out of range (%u tensors)", c->g->predict_label, where, role,
                   index, c->tensors.length);
  }
  struct fb_table* t = &d->table;
  struct fb_vector shape;
  bool present;
  uint8_t is_variable;
  if (!fb_vector_table(&c->r, &c->tensors, index, t) || !fb_vector_field(&c->r, t, TENSOR_SHAPE, 4, &shape, &present) ||
      !fb_i8(&c->r, t, TENSOR_TYPE, 0, &d->type) || !fb_u32(&c->r, t, TENSOR_BUFFER, 0, &d->buffer) ||
      !fb_string_field(&c->r, t, TENSOR_NAME, &d->name, &d->name_len) ||
      !fb_u8(&c->r, t, TENSOR_IS_VARIABLE, 0, &is_variable)) {
    return fb_fail(c);
  }
  uint32_t sparsity;
  if (!fb_field(&c->r, t, TENSOR_SPARSITY, 4, &sparsity)) return fb_fail(c);
  const char* name = d->name_len > 0 ? d->name : "(unnamed)";
  if (sparsity != 0 || is_variable) {
    return cv_fail(c->g, "%s: %s: %s tensor %u \"%.200s\" is %s: unsupported", c->g->predict_label, where, role, index,
                   name, sparsity ? "sparse" : "a variable");
  }
  if (shape.length < 1 || shape.length > CV_MAX_RANK) {
    return cv_fail(c->g, "%s: %s: %s tensor %u \"%.200s\" has rank %u (1 to 4 supported)", c->g->predict_label, where,
                   role, index, name, shape.length);
  }
  d->rank = shape.length;
  for (uint32_t i = 0; i < shape.length; i++) {
    const int32_t v = fb_vector_i32(&c->r, &shape, i);
    if (v < 1 || (uint32_t) v > Q8RT_BLOB_MAX_DIM) {
      return cv_fail(c->g, "%s: %s: %s tensor %u \"%.200s\": dimension %u is %d, outside [1, %u]", c->g->predict_label,
                     where, role, index, name, i, v, Q8RT_BLOB_MAX_DIM);
    }
    d->dims[i] = (uint32_t) v;
  }
  size_t elements;
  if (!cv_shape_elements(d->rank, d->dims, &elements)) {
    return cv_fail(c->g, "%s: %s: %s tensor %u \"%.200s\" has too many elements", c->g->predict_label, where, role,
                   index, name);
  }
  struct fb_table q;
  if (!fb_table_field(&c->r, t, TENSOR_QUANTIZATION, &q, &present)) return fb_fail(c);
  if (present) {
    struct fb_vector scale, zp;
    bool has_scale, has_zp;
    uint8_t details;
    if (!fb_vector_field(&c->r, &q, QUANT_SCALE, 4, &scale, &has_scale) ||
        !fb_vector_field(&c->r, &q, QUANT_ZERO_POINT, 8, &zp, &has_zp) ||
        !fb_u8(&c->r, &q, QUANT_DETAILS_TYPE, 0, &details)) {
      return fb_fail(c);
    }
    if (details != 0) {
      return cv_fail(c->g, "%s: %s: %s tensor %u \"%.200s\" uses custom quantization details: unsupported",
                     c->g->predict_label, where, role, index, name);
    }
    d->scale_count = scale.length;
    if (scale.length == 1 && zp.length == 1) {
      d->quantized = true;
      d->scale = fb_vector_f32(&c->r, &scale, 0);
      d->zero_point = fb_vector_i64(&c->r, &zp, 0);
    } else if (scale.length > 1 || zp.length > 1) {
      return cv_fail(c->g,
                     "%s: %s: %s tensor %u \"%.200s\" is quantized per channel (%u scales): unsupported (q8rt runs "
                     "per-tensor uint8 models)",
                     c->g->predict_label, where, role, index, name, scale.length);
    }
  }
  return true;
}

/* A uint8 per-tensor quantized tensor (activation or weights). */
static bool check_u8(struct ctx* c, const struct tensor_desc* d, uint32_t index, const char* role, const char* where) {
  const char* name = d->name_len > 0 ? d->name : "(unnamed)";
  if (d->type != TYPE_UINT8) {
    return cv_fail(c->g, "%s: %s: %s tensor %u \"%.200s\" is %s: only uint8 (asymmetric, per-tensor) models are "
                   "supported", c->g->predict_label, where, role, index, name, type_name(d->type));
  }
  if (!d->quantized) {
    return cv_fail(c->g, "%s: %s: %s tensor %u \"%.200s\" has no quantization parameters", c->g->predict_label, where,
                   role, index, name);
  }
  if (!(d->scale > 0.0f) || !isfinite(d->scale) || d->zero_point < 0 || d->zero_point > 255) {
    return cv_fail(c->g, "%s: %s: %s tensor %u \"%.200s\": scale %g / zero point %lld (need scale > 0 and zero "
                   "point 0..255)", c->g->predict_label, where, role, index, name, (double) d->scale,
                   (long long) d->zero_point);
  }
  return true;
}

/* The data of buffer b (NULL, 0 when empty). */
static bool buffer_data(struct ctx* c, uint32_t b, const uint8_t** data, uint32_t* size, const char* what) {
  *data = NULL;
  *size = 0;
  if (b == 0) return true; /* buffer 0 is the empty sentinel */
  if (b >= c->buffers.length) {
    return cv_fail(c->g, "%s: %s: buffer index %u out of range (%u buffers)", c->g->predict_label, what, b,
                   c->buffers.length);
  }
  struct fb_table t;
  struct fb_vector v;
  bool present;
  uint64_t offset, bsize;
  if (!fb_vector_table(&c->r, &c->buffers, b, &t) || !fb_vector_field(&c->r, &t, BUFFER_DATA, 1, &v, &present) ||
      !fb_u64(&c->r, &t, BUFFER_OFFSET, 0, &offset) || !fb_u64(&c->r, &t, BUFFER_SIZE, 0, &bsize)) {
    return fb_fail(c);
  }
  if (offset > 1 || bsize != 0) {
    return cv_fail(c->g, "%s: %s: buffer %u is stored outside the FlatBuffer (offset %llu): unsupported",
                   c->g->predict_label, what, b, (unsigned long long) offset);
  }
  *data = c->r.data + v.pos;
  *size = v.length;
  return true;
}

/* Unique, printable names for the blob: the TFLite name (cut to 240 bytes and "..."), or "tensor_<index>" when
 * it is empty or not printable ASCII; a repeated name gets "#<index>". */
static uint32_t add_tensor(struct ctx* c, const struct tensor_desc* d, uint32_t index) {
  char name[300];
  bool printable = d->name_len > 0;
  for (uint32_t i = 0; printable && i < d->name_len; i++) printable = d->name[i] >= 0x20 && d->name[i] < 0x7F;
  if (printable) {
    snprintf(name, sizeof name, "%.*s%s", (int) (d->name_len > 240 ? 240 : d->name_len), d->name,
             d->name_len > 240 ? "..." : "");
  } else {
    snprintf(name, sizeof name, "tensor_%u", index);
  }
  if (cv_graph_find(c->g, name) != CV_NONE) {
    char unique[320];
    snprintf(unique, sizeof unique, "%s#%u", name, index);
    return cv_graph_add_tensor(c->g, unique);
  }
  return cv_graph_add_tensor(c->g, name);
}

/* A constant input of an operator: uint8 weights (depthwise transposed to [C, KH, KW, 1]) or an int32 bias. */
static bool constant(struct ctx* c, uint32_t index, bool bias, bool depthwise, const char* where, uint32_t* out) {
  const char* role = bias ? "bias" : "weight";
  struct tensor_desc d;
  if (!read_tensor(c, index, &d, role, where)) return false;
  const char* name = d.name_len > 0 ? d.name : "(unnamed)";
  if (bias) {
    if (d.type != TYPE_INT32) {
      return cv_fail(c->g, "%s: %s: bias tensor %u \"%.200s\" is %s, expected int32", c->g->predict_label, where, index,
                     name, type_name(d.type));
    }
    if (d.quantized && (d.zero_point != 0 || !(d.scale > 0.0f) || !isfinite(d.scale))) {
      return cv_fail(c->g, "%s: %s: bias tensor %u \"%.200s\": zero point %lld / scale %g (need 0 and > 0)",
                     c->g->predict_label, where, index, name, (long long) d.zero_point, (double) d.scale);
    }
  } else if (!check_u8(c, &d, index, role, where)) {
    return false;
  }
  const uint8_t* data;
  uint32_t size;
  if (!buffer_data(c, d.buffer, &data, &size, where)) return false;
  size_t elements;
  cv_shape_elements(d.rank, d.dims, &elements); /* checked by read_tensor */
  const size_t bytes = elements * (bias ? 4 : 1);
  if (data == NULL || size != bytes) {
    return cv_fail(c->g, "%s: %s: %s tensor %u \"%.200s\" must be a constant with %zu bytes of data, its buffer %u has "
                   "%u", c->g->predict_label, where, role, index, name, bytes, d.buffer, size);
  }
  if (c->map[index] != CV_NONE) { /* shared by several ops (and transposed the same way) */
    *out = c->map[index];
    return true;
  }
  void* copy = malloc(bytes);
  if (copy == NULL) return cv_fail(c->g, "out of memory");
  uint32_t dims[CV_MAX_RANK];
  memcpy(dims, d.dims, sizeof dims);
  if (depthwise) { /* [1, KH, KW, C] -> [C, KH, KW, 1] */
    if (d.rank != 4 || d.dims[0] != 1) {
      free(copy);
      return cv_fail(c->g, "%s: %s: depthwise weight tensor %u \"%.200s\" must have shape [1, KH, KW, C]",
                     c->g->predict_label, where, index, name);
    }
    const uint32_t kh = d.dims[1], kw = d.dims[2], ch = d.dims[3];
    uint8_t* w = copy;
    for (uint32_t ch_i = 0; ch_i < ch; ch_i++) {
      for (uint32_t k = 0; k < kh * kw; k++) w[(size_t) ch_i * kh * kw + k] = data[(size_t) k * ch + ch_i];
    }
    dims[0] = ch;
    dims[1] = kh;
    dims[2] = kw;
    dims[3] = 1;
  } else {
    memcpy(copy, data, bytes);
  }
  const uint32_t t = add_tensor(c, &d, index);
  if (t == CV_NONE) {
    free(copy);
    return false;
  }
  struct cv_tensor* ct = &c->g->tensors[t];
  ct->dtype = bias ? CV_DTYPE_I32 : CV_DTYPE_U8;
  ct->rank = d.rank;
  memcpy(ct->dims, dims, sizeof dims);
  ct->scale = d.quantized ? d.scale : 1.0f;
  ct->zero_point = (uint8_t) d.zero_point;
  ct->has_qparams = true;
  ct->is_const = true;
  ct->init_op = CV_NONE;
  ct->data = copy;
  ct->count = elements;
  c->map[index] = t;
  *out = t;
  return true;
}

/* An activation input: the graph input or the output of an earlier op. */
static bool activation(struct ctx* c, uint32_t index, const char* where, uint32_t* out) {
  if (index >= c->tensors.length) {
    return cv_fail(c->g, "%s: %s: input tensor index %u out of range (%u tensors)", c->g->predict_label, where, index,
                   c->tensors.length);
  }
  if (!c->produced[index]) {
    struct tensor_desc d;
    if (!read_tensor(c, index, &d, "input", where)) return false;
    return cv_fail(c->g, "%s: %s: input tensor %u \"%.200s\" is neither the model input nor written by an earlier "
                   "operator", c->g->predict_label, where, index, d.name_len > 0 ? d.name : "(unnamed)");
  }
  *out = c->map[index];
  return true;
}

/* ---- operators ---------------------------------------------------------------------------------- */

/* The fused activation as the op's output clamp (q8rt_tflite_activation_range: TFLite's
 * CalculateActivationRangeQuantized). */
static bool activation_range(struct ctx* c, struct cv_op* op, uint8_t act, const char* where) {
  if (act > ACT_RELU6) {
    return cv_fail(c->g, "%s: %s: fused activation %u (TANH / SIGN_BIT) is not supported", c->g->predict_label, where,
                   act);
  }
  if (!q8rt_tflite_activation_range((enum q8rt_tflite_activation) act, op->y_scale, op->y_zero_point, &op->range_min,
                                    &op->range_max) ||
      op->range_min > op->range_max) {
    return cv_fail(c->g, "%s: %s: the fused activation gives no valid output range", c->g->predict_label, where);
  }
  op->has_range = true;
  op->activation = act; /* ActivationFunctionType NONE / RELU / RELU_N1_TO_1 / RELU6 = enum q8rt_blob_activation */
  return true;
}

/* TFLite padding (kernels/padding.h): SAME puts the odd pixel at the bottom / right. */
static void padding(uint8_t mode, uint32_t in, uint32_t k, uint32_t stride, uint32_t* before, uint32_t* after) {
  if (mode == PAD_VALID) {
    *before = *after = 0;
    return;
  }
  const uint64_t out = ((uint64_t) in + stride - 1) / stride;
  const int64_t total = (int64_t) ((out - 1) * stride + k) - (int64_t) in;
  const uint32_t t = total > 0 ? (uint32_t) total : 0;
  *before = t / 2;
  *after = t - t / 2;
}

struct options {
  uint8_t padding, act;
  int32_t stride_w, stride_h, filter_w, filter_h, dilation_w, dilation_h, depth_multiplier;
  float beta;
};

/* Reads the builtin options table of the expected union member; an absent (zeroed) table gives the schema
 * defaults, as every field of it reads as absent. */
static bool read_options(struct ctx* c, const struct fb_table* opt, int32_t code, struct options* o) {
  memset(o, 0, sizeof *o);
  o->dilation_w = o->dilation_h = 1;
  struct fb_reader* r = &c->r;
  bool ok = true;
  switch (code) {
    case OP_CONV_2D:
      ok = fb_u8(r, opt, 0, 0, &o->padding) && fb_i32(r, opt, 1, 0, &o->stride_w) && fb_i32(r, opt, 2, 0, &o->stride_h) &&
           fb_u8(r, opt, 3, 0, &o->act) && fb_i32(r, opt, 4, 1, &o->dilation_w) && fb_i32(r, opt, 5, 1, &o->dilation_h);
      break;
    case OP_DEPTHWISE_CONV_2D:
      ok = fb_u8(r, opt, 0, 0, &o->padding) && fb_i32(r, opt, 1, 0, &o->stride_w) && fb_i32(r, opt, 2, 0, &o->stride_h) &&
           fb_i32(r, opt, 3, 0, &o->depth_multiplier) && fb_u8(r, opt, 4, 0, &o->act) &&
           fb_i32(r, opt, 5, 1, &o->dilation_w) && fb_i32(r, opt, 6, 1, &o->dilation_h);
      break;
    case OP_AVERAGE_POOL_2D:
      ok = fb_u8(r, opt, 0, 0, &o->padding) && fb_i32(r, opt, 1, 0, &o->stride_w) && fb_i32(r, opt, 2, 0, &o->stride_h) &&
           fb_i32(r, opt, 3, 0, &o->filter_w) && fb_i32(r, opt, 4, 0, &o->filter_h) && fb_u8(r, opt, 5, 0, &o->act);
      break;
    case OP_FULLY_CONNECTED: {
      uint8_t weights_format = 0, keep_num_dims = 0;
      ok = fb_u8(r, opt, 0, 0, &o->act) && fb_u8(r, opt, 1, 0, &weights_format) && fb_u8(r, opt, 2, 0, &keep_num_dims);
      if (ok && (weights_format != 0 || keep_num_dims != 0)) o->depth_multiplier = -1; /* flags "unsupported" */
      break;
    }
    case OP_ADD:
      ok = fb_u8(r, opt, 0, 0, &o->act);
      break;
    case OP_SOFTMAX:
      ok = fb_f32(r, opt, 0, 0.0f, &o->beta);
      break;
    default:
      break;
  }
  return ok || fb_fail(c);
}

/* RESHAPE / SQUEEZE from [N, 1, .., 1, C] style shapes: the same bytes, so the output aliases the input as long
 * as only unit dimensions are dropped or added; the consumers (FC, softmax) read the rank-4 tensor. */
static bool is_unit_reshape(const struct cv_tensor* x, const struct tensor_desc* y) {
  uint32_t a[CV_MAX_RANK], b[CV_MAX_RANK], na = 0, nb = 0;
  for (uint32_t i = 0; i < x->rank; i++) if (x->dims[i] != 1) a[na++] = x->dims[i];
  for (uint32_t i = 0; i < y->rank; i++) if (y->dims[i] != 1) b[nb++] = y->dims[i];
  return na == nb && memcmp(a, b, na * sizeof a[0]) == 0;
}

static bool import_operator(struct ctx* c, uint32_t index) {
  char where[64];
  struct fb_table t, code_table, opt;
  struct fb_vector inputs, outputs;
  bool present, has_opt; /* no options table: opt is zeroed, read_options gives the defaults */
  uint32_t opcode_index;
  uint8_t options_type;
  if (!fb_vector_table(&c->r, &c->operators, index, &t) || !fb_u32(&c->r, &t, OPERATOR_OPCODE_INDEX, 0, &opcode_index) ||
      !fb_vector_field(&c->r, &t, OPERATOR_INPUTS, 4, &inputs, &present) ||
      !fb_vector_field(&c->r, &t, OPERATOR_OUTPUTS, 4, &outputs, &present) ||
      !fb_u8(&c->r, &t, OPERATOR_OPTIONS_TYPE, 0, &options_type) ||
      !fb_table_field(&c->r, &t, OPERATOR_OPTIONS, &opt, &has_opt)) {
    return fb_fail(c);
  }
  if (opcode_index >= c->opcodes.length) {
    return cv_fail(c->g, "%s: operator %u: opcode index %u out of range (%u operator codes)", c->g->predict_label,
                   index, opcode_index, c->opcodes.length);
  }
  int8_t deprecated;
  int32_t builtin;
  const char* custom;
  uint32_t custom_len;
  if (!fb_vector_table(&c->r, &c->opcodes, opcode_index, &code_table) ||
      !fb_i8(&c->r, &code_table, OPCODE_DEPRECATED_BUILTIN, 0, &deprecated) ||
      !fb_string_field(&c->r, &code_table, OPCODE_CUSTOM, &custom, &custom_len) ||
      !fb_i32(&c->r, &code_table, OPCODE_BUILTIN, 0, &builtin)) {
    return fb_fail(c);
  }
  /* schema.fbs: the real code is the larger of the two fields (files from before 2.4 only set the first). */
  const int32_t code = builtin > deprecated ? builtin : deprecated;
  const char* name = op_name(code);
  if (custom != NULL || name == NULL) {
    if (custom != NULL) {
      return cv_fail(c->g, "%s: operator %u: custom operator \"%.100s\" is not supported", c->g->predict_label, index,
                     custom);
    }
    return cv_fail(c->g, "%s: operator %u: builtin operator %d is not supported (q8rt runs CONV_2D, "
                   "DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD, AVERAGE_POOL_2D, RESHAPE, SQUEEZE, SOFTMAX)",
                   c->g->predict_label, index, code);
  }
  snprintf(where, sizeof where, "operator %u (%s)", index, name);
  static const uint8_t expected_options[] = {[OP_ADD] = OPT_ADD, [OP_AVERAGE_POOL_2D] = OPT_POOL2D,
                                             [OP_CONV_2D] = OPT_CONV2D, [OP_DEPTHWISE_CONV_2D] = OPT_DEPTHWISE_CONV2D,
                                             [OP_FULLY_CONNECTED] = OPT_FULLY_CONNECTED, [OP_RESHAPE] = OPT_RESHAPE,
                                             [OP_SOFTMAX] = OPT_SOFTMAX, [OP_SQUEEZE] = OPT_SQUEEZE};
  if (options_type != 0 && options_type != expected_options[code]) {
    return cv_fail(c->g, "%s: %s: builtin options of union type %u, expected %u", c->g->predict_label, where,
                   options_type, expected_options[code]);
  }
  struct options o; /* an absent table (zeroed, no vtable slots) reads as the schema defaults */
  if (!read_options(c, &opt, code, &o)) return false;
  if (outputs.length != 1) {
    return cv_fail(c->g, "%s: %s: %u outputs, expected 1", c->g->predict_label, where, outputs.length);
  }
  const uint32_t min_in = code == OP_ADD ? 2 : code == OP_CONV_2D || code == OP_DEPTHWISE_CONV_2D ||
                                                       code == OP_FULLY_CONNECTED ? 2 : 1;
  const uint32_t max_in = code == OP_CONV_2D || code == OP_DEPTHWISE_CONV_2D || code == OP_FULLY_CONNECTED ? 3
                          : code == OP_RESHAPE || code == OP_ADD                                         ? 2
                                                                                                         : 1;
  if (inputs.length < min_in || inputs.length > max_in) {
    return cv_fail(c->g, "%s: %s: %u inputs, expected %u to %u", c->g->predict_label, where, inputs.length, min_in,
                   max_in);
  }
  int32_t in[3] = {-1, -1, -1};
  for (uint32_t j = 0; j < inputs.length; j++) in[j] = fb_vector_i32(&c->r, &inputs, j);
  const int32_t out_index = fb_vector_i32(&c->r, &outputs, 0);
  if (in[0] < 0 || (code == OP_ADD && in[1] < 0) || (min_in == 2 && in[1] < 0) || out_index < 0 ||
      (uint32_t) out_index >= c->tensors.length) {
    return cv_fail(c->g, "%s: %s: a required input or the output is missing or out of range", c->g->predict_label,
                   where);
  }
  if (c->produced[out_index] || c->map[out_index] != CV_NONE) {
    return cv_fail(c->g, "%s: %s: output tensor %d is written twice or is a constant", c->g->predict_label, where,
                   out_index);
  }
  struct tensor_desc y;
  if (!read_tensor(c, (uint32_t) out_index, &y, "output", where)) return false;
  uint32_t x;
  if (!activation(c, (uint32_t) in[0], where, &x)) return false;

  if (code == OP_RESHAPE || code == OP_SQUEEZE) {
    if (in[1] >= 0 && (uint32_t) in[1] >= c->tensors.length) {
      return cv_fail(c->g, "%s: %s: shape tensor index %d out of range", c->g->predict_label, where, in[1]);
    }
    const struct cv_tensor* xt = &c->g->tensors[x];
    if (!is_unit_reshape(xt, &y)) {
      char a[64], b[64];
      return cv_fail(c->g, "%s: %s: reshaping %s to %s moves data between dimensions: only dropping or adding unit "
                     "dimensions is supported", c->g->predict_label, where, cv_shape_str(xt->rank, xt->dims, a, sizeof a),
                     cv_shape_str(y.rank, y.dims, b, sizeof b));
    }
    if (!check_u8(c, &y, (uint32_t) out_index, "output", where)) return false;
    if (y.scale != xt->scale || y.zero_point != xt->zero_point) {
      return cv_fail(c->g, "%s: %s: output quantization %g / %lld differs from the input's %g / %u", c->g->predict_label,
                     where, (double) y.scale, (long long) y.zero_point, (double) xt->scale, xt->zero_point);
    }
    c->map[out_index] = x;
    c->produced[out_index] = 1;
    return true;
  }

  if (!check_u8(c, &y, (uint32_t) out_index, "output", where)) return false;
  static const enum cv_op_kind kinds[] = {[OP_ADD] = CV_OP_ADD, [OP_AVERAGE_POOL_2D] = CV_OP_AVGPOOL,
                                          [OP_CONV_2D] = CV_OP_CONV, [OP_DEPTHWISE_CONV_2D] = CV_OP_CONV,
                                          [OP_FULLY_CONNECTED] = CV_OP_FC, [OP_SOFTMAX] = CV_OP_SOFTMAX};
  uint32_t x2 = CV_NONE, w = CV_NONE, b = CV_NONE;
  const bool depthwise = code == OP_DEPTHWISE_CONV_2D;
  if (code == OP_ADD && !activation(c, (uint32_t) in[1], where, &x2)) return false;
  if (code == OP_CONV_2D || depthwise || code == OP_FULLY_CONNECTED) {
    if (!constant(c, (uint32_t) in[1], false, depthwise, where, &w)) return false;
    if (in[2] >= 0 && !constant(c, (uint32_t) in[2], true, false, where, &b)) return false;
  }
  const uint32_t out = add_tensor(c, &y, (uint32_t) out_index);
  if (out == CV_NONE) return false;
  struct cv_tensor* yt = &c->g->tensors[out];
  yt->rank = y.rank; /* the declared shape: lower.c checks that the inferred one agrees */
  memcpy(yt->dims, y.dims, sizeof y.dims);
  yt->dtype = CV_DTYPE_U8;
  yt->scale = y.scale;
  yt->zero_point = (uint8_t) y.zero_point;
  yt->has_qparams = true;
  c->map[out_index] = out;
  c->produced[out_index] = 1;

  struct cv_op* op = cv_graph_add_op(c->g, kinds[code], name, index);
  if (op == NULL) return false;
  op->output = out;
  op->inputs[0] = x;
  op->input_count = 1;
  op->rule = c->rule;
  op->y_scale = y.scale;
  op->y_zero_point = (uint8_t) y.zero_point;
  op->has_y = true;
  op->groups = 1;
  c->g->tensors[out].producer = c->g->op_count - 1;
  if (x2 != CV_NONE) {
    op->inputs[1] = x2;
    op->input_count = 2;
  }
  if (w != CV_NONE) {
    op->inputs[1] = w;
    op->input_count = 2;
    if (b != CV_NONE) {
      op->inputs[2] = b;
      op->input_count = 3;
    }
  }
  if (code == OP_SOFTMAX) {
    if (o.beta != 1.0f) {
      return cv_fail(c->g, "%s: %s: beta %g is not supported (only 1)", c->g->predict_label, where, (double) o.beta);
    }
    return true;
  }
  if (code == OP_FULLY_CONNECTED && o.depth_multiplier == -1) {
    return cv_fail(c->g, "%s: %s: shuffled weights or keep_num_dims are not supported", c->g->predict_label, where);
  }
  if (!activation_range(c, op, o.act, where)) return false;
  if (code == OP_ADD || code == OP_FULLY_CONNECTED) return true;

  /* Windowed ops: CONV_2D, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D. */
  if (o.padding != PAD_SAME && o.padding != PAD_VALID) {
    return cv_fail(c->g, "%s: %s: unknown padding %u", c->g->predict_label, where, o.padding);
  }
  if (o.stride_w < 1 || o.stride_h < 1 || o.stride_w > 65535 || o.stride_h > 65535) {
    return cv_fail(c->g, "%s: %s: stride %dx%d outside [1, 65535]", c->g->predict_label, where, o.stride_h, o.stride_w);
  }
  if (o.dilation_w != 1 || o.dilation_h != 1) {
    return cv_fail(c->g, "%s: %s: dilation %dx%d is not supported (only 1)", c->g->predict_label, where, o.dilation_h,
                   o.dilation_w);
  }
  const struct cv_tensor* xt = &c->g->tensors[x];
  if (xt->rank != 4) {
    return cv_fail(c->g, "%s: %s: input \"%s\" must be NHWC rank 4", c->g->predict_label, where, xt->name);
  }
  uint32_t kh, kw;
  if (code == OP_AVERAGE_POOL_2D) {
    if (o.filter_w < 1 || o.filter_h < 1 || o.filter_w > 65535 || o.filter_h > 65535) {
      return cv_fail(c->g, "%s: %s: filter %dx%d outside [1, 65535]", c->g->predict_label, where, o.filter_h,
                     o.filter_w);
    }
    kh = (uint32_t) o.filter_h;
    kw = (uint32_t) o.filter_w;
    op->kernel_given = true;
  } else {
    const struct cv_tensor* wt = &c->g->tensors[w];
    if (wt->rank != 4) {
      return cv_fail(c->g, "%s: %s: weight tensor \"%s\" must have rank 4", c->g->predict_label, where, wt->name);
    }
    kh = wt->dims[1];
    kw = wt->dims[2];
    if (depthwise) {
      if (o.depth_multiplier != 1 && !(o.depth_multiplier == 0 && wt->dims[0] == xt->dims[3])) {
        return cv_fail(c->g, "%s: %s: depth multiplier %d is not supported (only 1)", c->g->predict_label, where,
                       o.depth_multiplier);
      }
      if (wt->dims[0] != xt->dims[3]) {
        return cv_fail(c->g, "%s: %s: %u output channels for %u input channels: only depth multiplier 1 is supported",
                       c->g->predict_label, where, wt->dims[0], xt->dims[3]);
      }
      op->groups = xt->dims[3];
    }
  }
  op->kernel_h = kh;
  op->kernel_w = kw;
  op->stride_h = (uint32_t) o.stride_h;
  op->stride_w = (uint32_t) o.stride_w;
  padding(o.padding, xt->dims[1], kh, op->stride_h, &op->pad_t, &op->pad_b);
  padding(o.padding, xt->dims[2], kw, op->stride_w, &op->pad_l, &op->pad_r);
  if (op->pad_t > 65535 || op->pad_b > 65535 || op->pad_l > 65535 || op->pad_r > 65535) {
    return cv_fail(c->g, "%s: %s: padding too large", c->g->predict_label, where);
  }
  return true;
}

/* ---- model ------------------------------------------------------------------------------------- */

struct model {
  struct fb_table root, subgraph;
  struct fb_vector subgraphs, inputs, outputs;
  uint32_t version;
};

static bool open_model(struct ctx* c, const void* data, size_t size, struct model* m) {
  bool present;
  if (!cv_is_tflite(data, size)) {
    return cv_fail(c->g, "%s: not a TFLite model (no \"TFL3\" identifier at byte 4)", c->g->predict_label);
  }
  if (!fb_init(&c->r, data, size, "TFL3", &m->root, c->fberr, sizeof c->fberr) ||
      !fb_u32(&c->r, &m->root, MODEL_VERSION, 0, &m->version) ||
      !fb_vector_field(&c->r, &m->root, MODEL_SUBGRAPHS, 4, &m->subgraphs, &present) ||
      !fb_vector_field(&c->r, &m->root, MODEL_OPERATOR_CODES, 4, &c->opcodes, &present) ||
      !fb_vector_field(&c->r, &m->root, MODEL_BUFFERS, 4, &c->buffers, &present)) {
    return fb_fail(c);
  }
  if (m->version != 3) {
    return cv_fail(c->g, "%s: TFLite schema version %u, expected 3", c->g->predict_label, m->version);
  }
  if (m->subgraphs.length != 1) {
    return cv_fail(c->g, "%s: %u subgraphs: only single-subgraph models are supported", c->g->predict_label,
                   m->subgraphs.length);
  }
  if (!fb_vector_table(&c->r, &m->subgraphs, 0, &m->subgraph) ||
      !fb_vector_field(&c->r, &m->subgraph, SUBGRAPH_TENSORS, 4, &c->tensors, &present) ||
      !fb_vector_field(&c->r, &m->subgraph, SUBGRAPH_INPUTS, 4, &m->inputs, &present) ||
      !fb_vector_field(&c->r, &m->subgraph, SUBGRAPH_OUTPUTS, 4, &m->outputs, &present) ||
      !fb_vector_field(&c->r, &m->subgraph, SUBGRAPH_OPERATORS, 4, &c->operators, &present)) {
    return fb_fail(c);
  }
  if (c->tensors.length == 0 || c->tensors.length > MAX_TFLITE_TENSORS) {
    return cv_fail(c->g, "%s: %u tensors (1 to %u supported)", c->g->predict_label, c->tensors.length,
                   MAX_TFLITE_TENSORS);
  }
  if (c->operators.length == 0 || c->operators.length > Q8RT_BLOB_MAX_OPS) {
    return cv_fail(c->g, "%s: %u operators (1 to %u supported)", c->g->predict_label, c->operators.length,
                   Q8RT_BLOB_MAX_OPS);
  }
  if (m->inputs.length != 1 || m->outputs.length != 1) {
    return cv_fail(c->g, "%s: %u inputs and %u outputs: q8rt runs models with one image input and one output",
                   c->g->predict_label, m->inputs.length, m->outputs.length);
  }
  return true;
}

/* The model input: uint8 [1, H, W, C]. */
static bool input_desc(struct ctx* c, const struct model* m, uint32_t* index, struct tensor_desc* d) {
  const int32_t i = fb_vector_i32(&c->r, &m->inputs, 0);
  if (i < 0 || (uint32_t) i >= c->tensors.length) {
    return cv_fail(c->g, "%s: input tensor index %d out of range", c->g->predict_label, i);
  }
  *index = (uint32_t) i;
  if (!read_tensor(c, *index, d, "input", "model input") || !check_u8(c, d, *index, "input", "model input")) return false;
  if (d->rank != 4 || d->dims[0] != 1) {
    char s[64];
    return cv_fail(c->g, "%s: the model input has shape %s, expected [1, H, W, C]", c->g->predict_label,
                   cv_shape_str(d->rank, d->dims, s, sizeof s));
  }
  return true;
}

bool cv_tflite_probe(const void* data, size_t size, const char* what, struct cv_tflite_probe* probe, char* err,
                     size_t err_size) {
  memset(probe, 0, sizeof *probe);
  struct cv_graph g;
  cv_graph_init(&g, what, what, err, err_size);
  struct ctx c;
  memset(&c, 0, sizeof c);
  c.g = &g;
  struct model m;
  uint32_t index;
  struct tensor_desc d, out;
  bool ok = open_model(&c, data, size, &m) && input_desc(&c, &m, &index, &d);
  if (ok) {
    const int32_t o = fb_vector_i32(&c.r, &m.outputs, 0);
    ok = o >= 0 && (uint32_t) o < c.tensors.length ? read_tensor(&c, (uint32_t) o, &out, "output", "model output")
                                                   : cv_fail(&g, "%s: output tensor index %d out of range", what, o);
  }
  if (ok) {
    probe->input_height = d.dims[1];
    probe->input_width = d.dims[2];
    probe->input_channels = d.dims[3];
    probe->input_scale = d.scale;
    probe->input_zero_point = (uint8_t) d.zero_point;
    size_t elements;
    cv_shape_elements(out.rank, out.dims, &elements);
    probe->output_elements = elements;
  }
  cv_graph_free(&g);
  return ok;
}

bool cv_import_tflite(struct cv_graph* g, const void* data, size_t size, uint8_t rule) {
  struct ctx c;
  memset(&c, 0, sizeof c);
  c.g = g;
  c.rule = rule;
  g->source_format = Q8RT_SOURCE_TFLITE;
  struct model m;
  if (!open_model(&c, data, size, &m)) return false;
  c.map = malloc((size_t) c.tensors.length * sizeof *c.map);
  c.produced = calloc(c.tensors.length, 1);
  bool ok = c.map != NULL && c.produced != NULL;
  if (!ok) cv_fail(g, "out of memory");
  if (ok) memset(c.map, 0xFF, (size_t) c.tensors.length * sizeof *c.map);

  /* The image input: a float tensor quantized into the model's uint8 input (lower.c resolves it). */
  uint32_t in_index = 0;
  struct tensor_desc in;
  ok = ok && input_desc(&c, &m, &in_index, &in);
  if (ok) {
    const uint32_t image = cv_graph_add_tensor(g, "image");
    const uint32_t q = image != CV_NONE ? add_tensor(&c, &in, in_index) : CV_NONE;
    struct cv_op* op = q != CV_NONE ? cv_graph_add_op(g, CV_OP_QUANTIZE, "input quantization", 0) : NULL;
    ok = op != NULL;
    if (ok) {
      g->tensors[image].dtype = CV_DTYPE_F32;
      g->tensors[image].is_graph_input = true;
      g->graph_input = image;
      op->inputs[0] = image;
      op->input_count = 1;
      op->output = q;
      op->y_scale = in.scale;
      op->y_zero_point = (uint8_t) in.zero_point;
      op->has_y = true;
      op->rule = rule;
      g->tensors[q].producer = g->op_count - 1;
      g->tensors[q].dtype = CV_DTYPE_U8;
      g->tensors[q].rank = 4;
      memcpy(g->tensors[q].dims, in.dims, sizeof in.dims);
      g->tensors[q].scale = in.scale;
      g->tensors[q].zero_point = (uint8_t) in.zero_point;
      g->tensors[q].has_qparams = true;
      c.map[in_index] = q;
      c.produced[in_index] = 1;
    }
  }
  for (uint32_t i = 0; ok && i < c.operators.length; i++) ok = import_operator(&c, i);
  if (ok) {
    const int32_t o = fb_vector_i32(&c.r, &m.outputs, 0);
    if (o < 0 || (uint32_t) o >= c.tensors.length || !c.produced[o] || (uint32_t) o == in_index) {
      ok = cv_fail(g, "%s: the output tensor %d is not written by any operator", g->predict_label, o);
    } else {
      g->output_name = strdup(g->tensors[c.map[o]].name);
      ok = g->output_name != NULL || cv_fail(g, "out of memory");
    }
  }
  free(c.map);
  free(c.produced);
  return ok;
}
