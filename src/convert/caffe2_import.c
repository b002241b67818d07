#include "caffe2_import.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blob/format.h"

#define CV_MAX_ARGS 1024

/* ---- argument access ------------------------------------------------------------------------- */

struct arg_ctx {
  struct cv_graph* g;
  const Caffe2__OperatorDef* def;
  const char* label;   /* file label */
  uint32_t index;      /* op index in the file */
  const char* type;
  const char* output;  /* output name, may be NULL */
};

static bool ctx_fail(const struct arg_ctx* c, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

static bool ctx_fail(const struct arg_ctx* c, const char* fmt, ...) {
  char msg[768];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (c->output != NULL) {
    return cv_fail(c->g, "%s: op %u (%s, output \"%s\"): %s", c->label, c->index, c->type, c->output, msg);
  }
  return cv_fail(c->g, "%s: op %u (%s): %s", c->label, c->index, c->type, msg);
}

static const Caffe2__Argument* find_arg(const struct arg_ctx* c, const char* name) {
  for (size_t i = 0; i < c->def->n_arg; i++) {
    const Caffe2__Argument* a = c->def->arg[i];
    if (a->name != NULL && strcmp(a->name, name) == 0) return a;
  }
  return NULL;
}

static bool check_args(const struct arg_ctx* c) {
  if (c->def->n_arg > CV_MAX_ARGS) return ctx_fail(c, "too many arguments (%zu)", c->def->n_arg);
  for (size_t i = 0; i < c->def->n_arg; i++) {
    const Caffe2__Argument* a = c->def->arg[i];
    if (a->name == NULL) return ctx_fail(c, "argument %zu has no name", i);
    for (size_t j = 0; j < i; j++) {
      if (strcmp(c->def->arg[j]->name, a->name) == 0) return ctx_fail(c, "duplicate argument \"%s\"", a->name);
    }
  }
  return true;
}

/* *present = false if absent; error if present without an integer value. */
static bool get_int(const struct arg_ctx* c, const char* name, int64_t* value, bool* present) {
  const Caffe2__Argument* a = find_arg(c, name);
  *present = a != NULL;
  if (a == NULL) return true;
  if (!a->has_i) return ctx_fail(c, "argument \"%s\" has no integer value", name);
  *value = a->i;
  return true;
}

static bool get_float(const struct arg_ctx* c, const char* name, float* value, bool* present) {
  const Caffe2__Argument* a = find_arg(c, name);
  *present = a != NULL;
  if (a == NULL) return true;
  if (!a->has_f) return ctx_fail(c, "argument \"%s\" has no float value", name);
  *value = a->f;
  return true;
}

static bool get_ranged(const struct arg_ctx* c, const char* name, int64_t lo, int64_t hi, uint32_t* value,
                       bool* present) {
  int64_t v = 0;
  if (!get_int(c, name, &v, present)) return false;
  if (!*present) return true;
  if (v < lo || v > hi) {
    return ctx_fail(c, "argument \"%s\" = %lld is outside [%lld, %lld]", name, (long long) v, (long long) lo,
                    (long long) hi);
  }
  *value = (uint32_t) v;
  return true;
}

static bool check_scale(const struct arg_ctx* c, const char* what, float scale) {
  if (!(scale > 0.0f) || !isfinite(scale)) return ctx_fail(c, "%s %g must be positive and finite", what, (double) scale);
  return true;
}

/* Y_scale / Y_zero_point (both required). */
static bool get_qparams(const struct arg_ctx* c, float* scale, uint8_t* zero_point) {
  bool has_scale, has_zp;
  int64_t zp = 0;
  if (!get_float(c, "Y_scale", scale, &has_scale) || !get_int(c, "Y_zero_point", &zp, &has_zp)) return false;
  if (!has_scale) return ctx_fail(c, "missing argument \"Y_scale\"");
  if (!has_zp) return ctx_fail(c, "missing argument \"Y_zero_point\"");
  if (!check_scale(c, "scale (Y_scale)", *scale)) return false;
  if (zp < 0 || zp > 255) return ctx_fail(c, "zero point (Y_zero_point) %lld is outside [0, 255]", (long long) zp);
  *zero_point = (uint8_t) zp;
  return true;
}

static bool check_order(const struct arg_ctx* c, bool required) {
  const Caffe2__Argument* a = find_arg(c, "order");
  if (a == NULL) {
    if (required) return ctx_fail(c, "missing argument \"order\" (Caffe2's default NCHW is not supported; need NHWC)");
    return true;
  }
  if (!a->has_s || a->s.len != 4 || memcmp(a->s.data, "NHWC", 4) != 0) {
    return ctx_fail(c, "argument \"order\" must be \"NHWC\" (only NHWC int8 ops are supported)");
  }
  return true;
}

/* Caffe2 ConvPoolOpBase forms: `single`, `name_h`/`name_w` (or 4 names for pads), `list` ints. */
static bool get_pair(const struct arg_ctx* c, const char* single, const char* h, const char* w, const char* list,
                     int64_t lo, uint32_t* vh, uint32_t* vw, bool* present) {
  bool p1, p2;
  uint32_t v = 0;
  if (!get_ranged(c, single, lo, 65535, &v, &p1)) return false;
  if (p1) {
    *vh = *vw = v;
    *present = true;
    return true;
  }
  uint32_t a = 0, b = 0;
  if (!get_ranged(c, h, lo, 65535, &a, &p1) || !get_ranged(c, w, lo, 65535, &b, &p2)) return false;
  if (p1 != p2) return ctx_fail(c, "argument \"%s\" given without \"%s\"", p1 ? h : w, p1 ? w : h);
  if (p1) {
    *vh = a;
    *vw = b;
    *present = true;
    return true;
  }
  const Caffe2__Argument* l = find_arg(c, list);
  if (l != NULL) {
    if (l->n_ints != 2) return ctx_fail(c, "argument \"%s\" must have 2 values, has %zu", list, l->n_ints);
    for (int i = 0; i < 2; i++) {
      if (l->ints[i] < lo || l->ints[i] > 65535) {
        return ctx_fail(c, "argument \"%s\" value %lld is outside [%lld, 65535]", list, (long long) l->ints[i],
                        (long long) lo);
      }
    }
    *vh = (uint32_t) l->ints[0];
    *vw = (uint32_t) l->ints[1];
    *present = true;
    return true;
  }
  *present = false;
  return true;
}

static bool get_pads(const struct arg_ctx* c, struct cv_op* op) {
  bool p;
  uint32_t v = 0;
  if (!get_ranged(c, "pad", 0, 65535, &v, &p)) return false;
  if (p) {
    op->pad_t = op->pad_l = op->pad_b = op->pad_r = v;
    return true;
  }
  static const char* const names[4] = {"pad_t", "pad_l", "pad_b", "pad_r"};
  uint32_t vals[4] = {0, 0, 0, 0};
  int count = 0;
  for (int i = 0; i < 4; i++) {
    if (!get_ranged(c, names[i], 0, 65535, &vals[i], &p)) return false;
    count += p;
  }
  if (count != 0 && count != 4) return ctx_fail(c, "pad_t, pad_l, pad_b and pad_r must be given together");
  if (count == 0) {
    const Caffe2__Argument* l = find_arg(c, "pads");
    if (l != NULL) {
      if (l->n_ints != 4) return ctx_fail(c, "argument \"pads\" must have 4 values, has %zu", l->n_ints);
      for (int i = 0; i < 4; i++) {
        if (l->ints[i] < 0 || l->ints[i] > 65535) {
          return ctx_fail(c, "argument \"pads\" value %lld is outside [0, 65535]", (long long) l->ints[i]);
        }
        vals[i] = (uint32_t) l->ints[i]; /* Caffe2 order: t, l, b, r */
      }
    }
  }
  op->pad_t = vals[0];
  op->pad_l = vals[1];
  op->pad_b = vals[2];
  op->pad_r = vals[3];
  return true;
}

static bool get_window(const struct arg_ctx* c, struct cv_op* op) {
  bool p;
  if (!get_pair(c, "kernel", "kernel_h", "kernel_w", "kernels", 1, &op->kernel_h, &op->kernel_w, &p)) return false;
  op->kernel_given = p;
  if (!get_pair(c, "stride", "stride_h", "stride_w", "strides", 1, &op->stride_h, &op->stride_w, &p)) return false;
  if (!get_pads(c, op)) return false;
  uint32_t dh = 1, dw = 1;
  if (!get_pair(c, "dilation", "dilation_h", "dilation_w", "dilations", 1, &dh, &dw, &p)) return false;
  if (dh != 1 || dw != 1) return ctx_fail(c, "dilation %ux%u is not supported (only 1)", dh, dw);
  int64_t legacy = 0;
  if (!get_int(c, "legacy_pad", &legacy, &p)) return false;
  if (p && legacy != 0 && legacy != 3) return ctx_fail(c, "legacy_pad %lld is not supported", (long long) legacy);
  return true;
}

/* ---- init_net ---------------------------------------------------------------------------------- */

bool cv_import_init(struct cv_graph* g, const Caffe2__NetDef* net) {
  for (size_t i = 0; i < net->n_op; i++) {
    const Caffe2__OperatorDef* def = net->op[i];
    struct arg_ctx c = {g, def, g->init_label, (uint32_t) i, def->type ? def->type : "(no type)",
                        def->n_output > 0 ? def->output[0] : NULL};
    if (i >= Q8RT_BLOB_MAX_TENSORS) return cv_fail(g, "%s: too many ops (%zu)", g->init_label, net->n_op);
    bool is_u8 = def->type != NULL && strcmp(def->type, "Int8GivenTensorFill") == 0;
    bool is_i32 = def->type != NULL && strcmp(def->type, "Int8GivenIntTensorFill") == 0;
    if (!is_u8 && !is_i32) {
      return ctx_fail(&c, "unsupported op type in init_net (expected Int8GivenTensorFill or Int8GivenIntTensorFill)");
    }
    if (def->n_output != 1) return ctx_fail(&c, "expected 1 output, got %zu", def->n_output);
    if (def->n_input != 0) return ctx_fail(&c, "expected no inputs, got %zu", def->n_input);
    if (!check_args(&c)) return false;
    if (cv_graph_find(g, def->output[0]) != CV_NONE) return ctx_fail(&c, "tensor \"%s\" is defined twice", def->output[0]);

    const Caffe2__Argument* shape = find_arg(&c, "shape");
    if (shape == NULL) return ctx_fail(&c, "missing argument \"shape\"");
    if (shape->n_ints < 1 || shape->n_ints > CV_MAX_RANK) {
      return ctx_fail(&c, "shape has %zu dimensions (1 to 4 supported)", shape->n_ints);
    }
    uint32_t dims[CV_MAX_RANK] = {0, 0, 0, 0};
    for (size_t d = 0; d < shape->n_ints; d++) {
      if (shape->ints[d] < 1 || shape->ints[d] > (int64_t) Q8RT_BLOB_MAX_DIM) {
        return ctx_fail(&c, "shape dimension %zu = %lld is outside [1, %u]", d, (long long) shape->ints[d],
                        Q8RT_BLOB_MAX_DIM);
      }
      dims[d] = (uint32_t) shape->ints[d];
    }
    size_t elements = 0;
    if (!cv_shape_elements((uint32_t) shape->n_ints, dims, &elements)) {
      return ctx_fail(&c, "shape has too many elements (more than 2^31)");
    }
    float scale = 0;
    uint8_t zp = 0;
    if (!get_qparams(&c, &scale, &zp)) return false;

    const Caffe2__Argument* values = find_arg(&c, "values");
    if (values == NULL) return ctx_fail(&c, "missing argument \"values\"");
    void* data = NULL;
    if (is_u8) {
      if (!values->has_s) return ctx_fail(&c, "argument \"values\" must be a byte string");
      if (values->s.len != elements) {
        return ctx_fail(&c, "\"values\" has %zu bytes, shape needs %zu", values->s.len, elements);
      }
      data = malloc(elements);
      if (data == NULL) return cv_fail(g, "out of memory");
      memcpy(data, values->s.data, elements);
    } else {
      if (values->n_ints != elements) {
        return ctx_fail(&c, "\"values\" has %zu integers, shape needs %zu", values->n_ints, elements);
      }
      int32_t* v = malloc(elements * sizeof *v);
      if (v == NULL) return cv_fail(g, "out of memory");
      for (size_t k = 0; k < elements; k++) {
        if (values->ints[k] < INT32_MIN || values->ints[k] > INT32_MAX) {
          free(v);
          return ctx_fail(&c, "value %zu (%lld) does not fit int32", k, (long long) values->ints[k]);
        }
        v[k] = (int32_t) values->ints[k];
      }
      data = v;
    }
    uint32_t t = cv_graph_add_tensor(g, def->output[0]);
    if (t == CV_NONE) {
      free(data);
      return false;
    }
    struct cv_tensor* tensor = &g->tensors[t];
    tensor->dtype = is_u8 ? CV_DTYPE_U8 : CV_DTYPE_I32;
    tensor->rank = (uint32_t) shape->n_ints;
    memcpy(tensor->dims, dims, sizeof dims);
    tensor->scale = scale;
    tensor->zero_point = zp;
    tensor->has_qparams = true;
    tensor->is_const = true;
    tensor->init_op = (uint32_t) i;
    tensor->data = data;
    tensor->count = elements;
  }
  return true;
}

/* ---- predict_net ------------------------------------------------------------------------------- */

struct op_info {
  const char* type;
  enum cv_op_kind kind;
  uint32_t min_inputs, max_inputs;
  bool relu;
};

static const struct op_info op_table[] = {
    {"NCHW2NHWC", CV_OP_NCHW2NHWC, 1, 1, false},
    {"Int8Quantize", CV_OP_QUANTIZE, 1, 1, false},
    {"Int8Conv", CV_OP_CONV, 2, 3, false},
    {"Int8ConvRelu", CV_OP_CONV, 2, 3, true},
    {"Int8FC", CV_OP_FC, 2, 3, false},
    {"Int8Sum", CV_OP_ADD, 2, 2, false},
    {"Int8SumRelu", CV_OP_ADD, 2, 2, true},
    {"Int8Add", CV_OP_ADD, 2, 2, false},
    {"Int8AddRelu", CV_OP_ADD, 2, 2, true},
    {"Int8AveragePool", CV_OP_AVGPOOL, 1, 1, false},
    {"Int8AveragePoolRelu", CV_OP_AVGPOOL, 1, 1, true},
    {"Int8Relu", CV_OP_RELU, 1, 1, false},
    {"Int8Softmax", CV_OP_SOFTMAX, 1, 1, false},
    {"Int8Dequantize", CV_OP_DEQUANTIZE, 1, 1, false},
};

static bool import_op(struct cv_graph* g, const Caffe2__NetDef* net, uint32_t index) {
  const Caffe2__OperatorDef* def = net->op[index];
  const char* type = def->type ? def->type : "(no type)";
  struct arg_ctx c = {g, def, g->predict_label, index, type, def->n_output > 0 ? def->output[0] : NULL};
  const struct op_info* info = NULL;
  for (size_t i = 0; i < sizeof op_table / sizeof op_table[0]; i++) {
    if (def->type != NULL && strcmp(def->type, op_table[i].type) == 0) info = &op_table[i];
  }
  if (info == NULL) return ctx_fail(&c, "unsupported op type \"%s\"", type);
  if (def->n_output != 1) return ctx_fail(&c, "expected 1 output, got %zu", def->n_output);
  if (def->n_input < info->min_inputs || def->n_input > info->max_inputs) {
    if (info->min_inputs == info->max_inputs) {
      return ctx_fail(&c, "expected %u input%s, got %zu", info->min_inputs, info->min_inputs == 1 ? "" : "s",
                      def->n_input);
    }
    return ctx_fail(&c, "expected %u to %u inputs, got %zu", info->min_inputs, info->max_inputs, def->n_input);
  }
  if (!check_args(&c)) return false;

  /* Resolve inputs before the output is defined (in-place ops read the previous version). */
  uint32_t inputs[3] = {CV_NONE, CV_NONE, CV_NONE};
  for (size_t j = 0; j < def->n_input; j++) {
    inputs[j] = cv_graph_find(g, def->input[j]);
    if (inputs[j] == CV_NONE && j == 0 && (info->kind == CV_OP_NCHW2NHWC || info->kind == CV_OP_QUANTIZE)) {
      if (g->graph_input != CV_NONE) {
        return ctx_fail(&c, "input \"%s\" is undefined, and the net already has an image input \"%s\"",
                        def->input[j], g->tensors[g->graph_input].name);
      }
      uint32_t t = cv_graph_add_tensor(g, def->input[j]);
      if (t == CV_NONE) return false;
      g->tensors[t].dtype = CV_DTYPE_F32;
      g->tensors[t].is_graph_input = true;
      g->graph_input = t;
      inputs[j] = t;
    }
    if (inputs[j] == CV_NONE) {
      return ctx_fail(&c, "input \"%s\" is not defined (no init_net constant and no earlier op produces it)",
                      def->input[j]);
    }
  }
  uint32_t existing = cv_graph_find(g, def->output[0]);
  if (existing != CV_NONE && (g->tensors[existing].is_const || g->tensors[existing].is_graph_input)) {
    return ctx_fail(&c, "output overwrites %s \"%s\"",
                    g->tensors[existing].is_const ? "init_net constant" : "the net input", def->output[0]);
  }
  uint32_t out = cv_graph_add_tensor(g, def->output[0]);
  if (out == CV_NONE) return false;

  struct cv_op* op = cv_graph_add_op(g, info->kind, type, index);
  if (op == NULL) return false;
  memcpy(op->inputs, inputs, sizeof inputs);
  op->input_count = (uint32_t) def->n_input;
  op->output = out;
  op->relu = info->relu;
  g->tensors[out].producer = g->op_count - 1;

  bool p;
  switch (info->kind) {
    case CV_OP_NCHW2NHWC:
      g->tensors[out].dtype = CV_DTYPE_F32;
      return true;
    case CV_OP_DEQUANTIZE:
      return check_order(&c, false);
    case CV_OP_CONV: {
      if (!check_order(&c, true) || !get_window(&c, op)) return false;
      if (!get_ranged(&c, "group", 1, Q8RT_BLOB_MAX_DIM, &op->groups, &p)) return false;
      break;
    }
    case CV_OP_AVGPOOL: {
      if (!check_order(&c, true) || !get_window(&c, op)) return false;
      int64_t global = 0;
      if (!get_int(&c, "global_pooling", &global, &p)) return false;
      op->global_pooling = p && global != 0;
      if (!op->global_pooling && !op->kernel_given) return ctx_fail(&c, "missing argument \"kernel\"");
      break;
    }
    default:
      if (!check_order(&c, false)) return false;
      break;
  }
  if (!get_qparams(&c, &op->y_scale, &op->y_zero_point)) return false;
  op->has_y = true;
  return true;
}

bool cv_import_predict(struct cv_graph* g, const Caffe2__NetDef* net) {
  if (net->n_op == 0) return cv_fail(g, "%s: the net has no ops", g->predict_label);
  if (net->n_op > Q8RT_BLOB_MAX_OPS) return cv_fail(g, "%s: too many ops (%zu)", g->predict_label, net->n_op);
  for (size_t i = 0; i < net->n_op; i++) {
    if (!import_op(g, net, (uint32_t) i)) return false;
  }
  if (net->n_external_output != 1) {
    return cv_fail(g, "%s: expected exactly 1 external_output (the softmax), got %zu", g->predict_label,
                   net->n_external_output);
  }
  g->output_name = strdup(net->external_output[0]);
  if (g->output_name == NULL) return cv_fail(g, "out of memory");
  return true;
}
