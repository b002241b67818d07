#include "lower.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernels/layout.h"
#include "blob/format.h"
#include "pack/fold.h"
#include "quant/qparams.h"

static const char* tname(const struct cv_graph* g, uint32_t t) { return g->tensors[t].name; }

static const char* op_kind_name(enum cv_op_kind kind) {
  switch (kind) {
    case CV_OP_NCHW2NHWC: return "NCHW2NHWC";
    case CV_OP_QUANTIZE: return "Int8Quantize";
    case CV_OP_CONV: return "Int8Conv";
    case CV_OP_FC: return "Int8FC";
    case CV_OP_ADD: return "Int8Sum";
    case CV_OP_AVGPOOL: return "Int8AveragePool";
    case CV_OP_RELU: return "Int8Relu";
    case CV_OP_SOFTMAX: return "Int8Softmax";
    case CV_OP_DEQUANTIZE: return "Int8Dequantize";
  }
  return "?";
}

/* ---- input: [NCHW2NHWC] -> Int8Quantize becomes the model's uint8 NHWC input ---------------------- */

static bool resolve_input(struct cv_graph* g, const struct q8rt_convert_options* opts) {
  if (g->graph_input == CV_NONE) {
    return cv_fail(g, "%s: no Int8Quantize of the image input found (expected NCHW2NHWC + Int8Quantize)",
                   g->predict_label);
  }
  uint32_t quantize = CV_NONE, transpose = CV_NONE;
  for (uint32_t i = 0; i < g->op_count; i++) {
    struct cv_op* op = &g->ops[i];
    if (op->kind == CV_OP_NCHW2NHWC) {
      if (op->inputs[0] != g->graph_input) {
        return cv_op_fail(g, op, "input \"%s\" is not the net input \"%s\" (only the input can be transposed)",
                          tname(g, op->inputs[0]), tname(g, g->graph_input));
      }
      if (transpose != CV_NONE) return cv_op_fail(g, op, "the net input is transposed twice");
      transpose = i;
    } else if (op->kind == CV_OP_QUANTIZE) {
      if (quantize != CV_NONE) {
        return cv_op_fail(g, op, "second Int8Quantize (op %u already quantizes the input)", g->ops[quantize].source);
      }
      bool from_transpose = transpose != CV_NONE && op->inputs[0] == g->ops[transpose].output;
      if (!from_transpose && op->inputs[0] != g->graph_input) {
        return cv_op_fail(g, op, "input \"%s\" is not the net input (NCHW2NHWC of \"%s\")", tname(g, op->inputs[0]),
                          tname(g, g->graph_input));
      }
      quantize = i;
    }
  }
  if (quantize == CV_NONE) {
    return cv_fail(g, "%s: the net input \"%s\" is never quantized (no Int8Quantize)", g->predict_label,
                   tname(g, g->graph_input));
  }
  if (opts->input_height < 1 || opts->input_height > Q8RT_BLOB_MAX_DIM || opts->input_width < 1 ||
      opts->input_width > Q8RT_BLOB_MAX_DIM) {
    return cv_fail(g, "input size %ux%u is outside [1, %u]", opts->input_height, opts->input_width,
                   Q8RT_BLOB_MAX_DIM);
  }
  if (opts->input_channels != 3) return cv_fail(g, "input channels %u: only 3 (images) are supported", opts->input_channels);
  struct cv_op* q = &g->ops[quantize];
  struct cv_tensor* t = &g->tensors[q->output];
  t->dtype = CV_DTYPE_U8;
  t->rank = 4;
  t->dims[0] = 1;
  t->dims[1] = opts->input_height;
  t->dims[2] = opts->input_width;
  t->dims[3] = opts->input_channels;
  size_t elements;
  if (!cv_shape_elements(t->rank, t->dims, &elements)) return cv_fail(g, "input size too large");
  t->scale = q->y_scale;
  t->zero_point = q->y_zero_point;
  t->has_qparams = true;
  g->model_input = q->output;
  q->dead = true;
  if (transpose != CV_NONE) g->ops[transpose].dead = true;
  return true;
}

/* ---- output: softmax (uint8) -> dequantize (float) ------------------------------------------------ */

static bool resolve_output(struct cv_graph* g) {
  uint32_t t = cv_graph_find(g, g->output_name);
  if (t == CV_NONE || g->tensors[t].producer == CV_NONE) {
    return cv_fail(g, "%s: external_output \"%s\" is not produced by any op", g->predict_label, g->output_name);
  }
  struct cv_op* producer = &g->ops[g->tensors[t].producer];
  if (producer->kind == CV_OP_DEQUANTIZE) {
    uint32_t in = producer->inputs[0];
    if (g->tensors[in].producer == CV_NONE || g->ops[g->tensors[in].producer].kind != CV_OP_SOFTMAX) {
      return cv_op_fail(g, producer, "external_output \"%s\": the dequantized tensor \"%s\" is not an Int8Softmax output",
                        g->output_name, tname(g, in));
    }
    g->output = t;
    g->logits = g->ops[g->tensors[in].producer].inputs[0];
    return true;
  }
  if (producer->kind != CV_OP_SOFTMAX) {
    return cv_op_fail(g, producer, "external_output \"%s\" must be the Int8Softmax output or its Int8Dequantize",
                      g->output_name);
  }
  /* The original zoo file ends at the int8 softmax ("325"): append the Dequantize. */
  uint32_t source = producer->source;
  uint32_t logits = producer->inputs[0];
  char name[256];
  snprintf(name, sizeof name, "%s", "softmax");
  for (unsigned k = 2; cv_graph_find(g, name) != CV_NONE; k++) snprintf(name, sizeof name, "softmax_%u", k);
  uint32_t out = cv_graph_add_tensor(g, name);
  if (out == CV_NONE) return false;
  struct cv_op* op = cv_graph_add_op(g, CV_OP_DEQUANTIZE, "Int8Dequantize", source);
  if (op == NULL) return false;
  op->inputs[0] = t;
  op->input_count = 1;
  op->output = out;
  g->tensors[out].producer = g->op_count - 1;
  g->output = out;
  g->logits = logits;
  return true;
}

/* ---- dead code: keep only the ops the output depends on ------------------------------------------- */

static bool remove_dead(struct cv_graph* g) {
  bool* needed = calloc(g->tensor_count, sizeof *needed);
  if (needed == NULL) return cv_fail(g, "out of memory");
  needed[g->output] = true;
  for (uint32_t i = g->op_count; i-- > 0;) {
    struct cv_op* op = &g->ops[i];
    if (op->dead) continue;
    if (!needed[op->output]) {
      op->dead = true;
      continue;
    }
    for (uint32_t j = 0; j < op->input_count; j++) needed[op->inputs[j]] = true;
  }
  bool uses_input = needed[g->model_input];
  free(needed);
  if (!uses_input) {
    return cv_fail(g, "%s: the output \"%s\" does not depend on the quantized input \"%s\"", g->predict_label,
                   tname(g, g->output), tname(g, g->model_input));
  }
  cv_graph_count_uses(g);
  return true;
}

/* ---- shape inference and checks ------------------------------------------------------------------- */

static bool activation_input(struct cv_graph* g, const struct cv_op* op, uint32_t j, uint32_t min_rank) {
  const struct cv_tensor* t = &g->tensors[op->inputs[j]];
  if (t->is_const) return cv_op_fail(g, op, "input \"%s\" is an init_net constant, expected an activation", t->name);
  if (t->dtype != CV_DTYPE_U8 || t->rank == 0) {
    return cv_op_fail(g, op, "input \"%s\" is not a quantized uint8 activation%s", t->name,
                      t->dtype == CV_DTYPE_F32 ? " (it is float)" : "");
  }
  if (t->rank < min_rank) {
    char s[64];
    return cv_op_fail(g, op, "input \"%s\" has shape %s, expected rank %u", t->name,
                      cv_shape_str(t->rank, t->dims, s, sizeof s), min_rank);
  }
  return true;
}

/* The shape without its unit dimensions: TFLite declares [1, 1001] where q8rt keeps [1, 1, 1, 1001]. */
static uint32_t squeezed(uint32_t rank, const uint32_t* dims, uint32_t* out) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < rank; i++) if (dims[i] != 1) out[n++] = dims[i];
  return n;
}

static bool set_output(struct cv_graph* g, const struct cv_op* op, enum cv_dtype dtype, uint32_t rank,
                       const uint32_t* dims) {
  struct cv_tensor* t = &g->tensors[op->output];
  if (t->rank != 0 && dtype == CV_DTYPE_U8) { /* a declared shape (TFLite) must agree with the inferred one */
    uint32_t a[CV_MAX_RANK], b[CV_MAX_RANK];
    const uint32_t na = squeezed(rank, dims, a), nb = squeezed(t->rank, t->dims, b);
    if (na != nb || memcmp(a, b, na * sizeof a[0]) != 0) {
      char s1[64], s2[64];
      return cv_op_fail(g, op, "output \"%s\" is declared %s, but the inputs give %s", t->name,
                        cv_shape_str(t->rank, t->dims, s1, sizeof s1), cv_shape_str(rank, dims, s2, sizeof s2));
    }
  }
  size_t elements;
  if (!cv_shape_elements(rank, dims, &elements)) {
    char s[64];
    return cv_op_fail(g, op, "output shape %s exceeds the limits (each dim <= %u, at most 2^31 elements)",
                      cv_shape_str(rank, dims, s, sizeof s), Q8RT_BLOB_MAX_DIM);
  }
  t->dtype = dtype;
  t->rank = rank;
  memcpy(t->dims, dims, rank * sizeof *dims);
  if (dtype == CV_DTYPE_U8) {
    t->scale = op->y_scale;
    t->zero_point = op->y_zero_point;
    t->has_qparams = true;
  }
  return true;
}

static bool check_weights(struct cv_graph* g, const struct cv_op* op, uint32_t rank, uint32_t cout) {
  const struct cv_tensor* w = &g->tensors[op->inputs[1]];
  if (!w->is_const) return cv_op_fail(g, op, "weight tensor \"%s\" is not an init_net constant", w->name);
  if (w->dtype != CV_DTYPE_U8) {
    return cv_op_fail(g, op, "weight tensor \"%s\" must be uint8 (Int8GivenTensorFill), it is int32", w->name);
  }
  if (w->rank != rank) {
    char s[64];
    return cv_op_fail(g, op, "weight tensor \"%s\" has shape %s, expected rank %u", w->name,
                      cv_shape_str(w->rank, w->dims, s, sizeof s), rank);
  }
  if (op->input_count < 3) return true;
  const struct cv_tensor* b = &g->tensors[op->inputs[2]];
  if (!b->is_const) return cv_op_fail(g, op, "bias tensor \"%s\" is not an init_net constant", b->name);
  if (b->dtype != CV_DTYPE_I32) {
    return cv_op_fail(g, op, "bias tensor \"%s\" must be int32 (Int8GivenIntTensorFill), it is uint8", b->name);
  }
  if (b->zero_point != 0) {
    return cv_op_fail(g, op, "bias tensor \"%s\" has zero point %u, must be 0", b->name, b->zero_point);
  }
  if (b->rank != 1 || b->dims[0] != cout) {
    char s[64];
    return cv_op_fail(g, op, "bias tensor \"%s\" has shape %s, expected [%u] (output channels of \"%s\")", b->name,
                      cv_shape_str(b->rank, b->dims, s, sizeof s), cout, w->name);
  }
  return true;
}

static bool window_output(struct cv_graph* g, const struct cv_op* op, uint32_t h, uint32_t w, uint32_t* oh,
                          uint32_t* ow) {
  if (op->pad_t >= op->kernel_h || op->pad_b >= op->kernel_h || op->pad_l >= op->kernel_w ||
      op->pad_r >= op->kernel_w) {
    return cv_op_fail(g, op,
                      "padding t%u l%u b%u r%u must be smaller than the kernel %ux%u (a window would lie entirely "
                      "in padding)",
                      op->pad_t, op->pad_l, op->pad_b, op->pad_r, op->kernel_h, op->kernel_w);
  }
  uint64_t ph = (uint64_t) h + op->pad_t + op->pad_b, pw = (uint64_t) w + op->pad_l + op->pad_r;
  if (ph < op->kernel_h || pw < op->kernel_w) {
    return cv_op_fail(g, op, "kernel %ux%u is larger than the padded input %llux%llu of \"%s\"", op->kernel_h,
                      op->kernel_w, (unsigned long long) ph, (unsigned long long) pw, tname(g, op->inputs[0]));
  }
  *oh = (uint32_t) ((ph - op->kernel_h) / op->stride_h + 1);
  *ow = (uint32_t) ((pw - op->kernel_w) / op->stride_w + 1);
  return true;
}

static bool infer_conv(struct cv_graph* g, struct cv_op* op) {
  if (!activation_input(g, op, 0, 4)) return false;
  const struct cv_tensor* x = &g->tensors[op->inputs[0]];
  if (x->rank != 4) return cv_op_fail(g, op, "input \"%s\" must be NHWC rank 4", x->name);
  const struct cv_tensor* w = &g->tensors[op->inputs[1]];
  if (!check_weights(g, op, 4, w->rank == 4 ? w->dims[0] : 0)) return false;
  const uint32_t cin = x->dims[3], cout = w->dims[0], kh = w->dims[1], kw = w->dims[2], cg = w->dims[3];
  if (!op->kernel_given) {
    op->kernel_h = kh;
    op->kernel_w = kw;
  } else if (op->kernel_h != kh || op->kernel_w != kw) {
    return cv_op_fail(g, op, "weight tensor \"%s\" has a %ux%u kernel, the op says %ux%u", w->name, kh, kw,
                      op->kernel_h, op->kernel_w);
  }
  if (op->groups == 1) {
    if (cg != cin) {
      return cv_op_fail(g, op, "weight tensor \"%s\" has %u input channels, input \"%s\" has %u", w->name, cg,
                        x->name, cin);
    }
    op->blob_type = Q8RT_OP_CONV;
  } else {
    if (cin % op->groups != 0 || cout % op->groups != 0 || (uint64_t) cg * op->groups != cin) {
      return cv_op_fail(g, op,
                        "weight tensor \"%s\" has %u input channels per group, input \"%s\" has %u channels "
                        "in %u groups",
                        w->name, cg, x->name, cin, op->groups);
    }
    if (op->groups != cin || cout != cin) {
      return cv_op_fail(g, op,
                        "grouped convolution (group %u, %u input and %u output channels) is neither dense nor "
                        "depthwise: unsupported",
                        op->groups, cin, cout);
    }
    if (kh != 3 || kw != 3) {
      return cv_op_fail(g, op, "depthwise convolution with a %ux%u kernel: unsupported (q8rt's depthwise kernel is 3x3)",
                        kh, kw);
    }
    if (op->stride_h != op->stride_w || op->stride_h > 2) {
      return cv_op_fail(g, op, "depthwise convolution with stride %ux%u: unsupported (1 or 2)", op->stride_h,
                        op->stride_w);
    }
    op->blob_type = Q8RT_OP_DWCONV;
  }
  uint32_t oh, ow;
  if (!window_output(g, op, x->dims[1], x->dims[2], &oh, &ow)) return false;
  const uint32_t dims[4] = {x->dims[0], oh, ow, cout};
  return set_output(g, op, CV_DTYPE_U8, 4, dims);
}

static bool infer_fc(struct cv_graph* g, struct cv_op* op) {
  if (!activation_input(g, op, 0, 2)) return false;
  const struct cv_tensor* x = &g->tensors[op->inputs[0]];
  const struct cv_tensor* w = &g->tensors[op->inputs[1]];
  if (!check_weights(g, op, 2, w->rank == 2 ? w->dims[0] : 0)) return false;
  uint64_t k = 1;
  for (uint32_t i = 1; i < x->rank; i++) k *= x->dims[i]; /* <= 2^31 (checked at creation) */
  if (w->dims[1] != k) {
    return cv_op_fail(g, op, "weight tensor \"%s\" has %u input features, input \"%s\" has %llu", w->name, w->dims[1],
                      x->name, (unsigned long long) k);
  }
  op->blob_type = Q8RT_OP_FC;
  const uint32_t dims[2] = {x->dims[0], w->dims[0]};
  return set_output(g, op, CV_DTYPE_U8, 2, dims);
}

static bool same_shape(const struct cv_tensor* a, const struct cv_tensor* b) {
  return a->rank == b->rank && memcmp(a->dims, b->dims, a->rank * sizeof a->dims[0]) == 0;
}

static bool infer_op(struct cv_graph* g, struct cv_op* op) {
  switch (op->kind) {
    case CV_OP_CONV:
      return infer_conv(g, op);
    case CV_OP_FC:
      return infer_fc(g, op);
    case CV_OP_ADD: {
      if (!activation_input(g, op, 0, 1) || !activation_input(g, op, 1, 1)) return false;
      const struct cv_tensor* a = &g->tensors[op->inputs[0]];
      const struct cv_tensor* b = &g->tensors[op->inputs[1]];
      if (!same_shape(a, b)) {
        char sa[64], sb[64];
        return cv_op_fail(g, op, "inputs \"%s\" %s and \"%s\" %s differ in shape (no broadcasting)", a->name,
                          cv_shape_str(a->rank, a->dims, sa, sizeof sa), b->name,
                          cv_shape_str(b->rank, b->dims, sb, sizeof sb));
      }
      op->blob_type = Q8RT_OP_ADD;
      return set_output(g, op, CV_DTYPE_U8, a->rank, a->dims);
    }
    case CV_OP_AVGPOOL: {
      if (!activation_input(g, op, 0, 4)) return false;
      const struct cv_tensor* x = &g->tensors[op->inputs[0]];
      if (x->rank != 4) return cv_op_fail(g, op, "input \"%s\" must be NHWC rank 4", x->name);
      if (op->global_pooling) {
        if (op->pad_t || op->pad_l || op->pad_b || op->pad_r) return cv_op_fail(g, op, "global pooling with padding");
        op->kernel_h = x->dims[1];
        op->kernel_w = x->dims[2];
        op->stride_h = op->stride_w = 1;
      }
      if (op->kernel_h > 65535 || op->kernel_w > 65535) return cv_op_fail(g, op, "pooling window too large");
      if (op->rule != Q8RT_BLOB_RULE_CAFFE2 && (op->y_scale != x->scale || op->y_zero_point != x->zero_point)) {
        return cv_op_fail(g, op, "output scale %g / zero point %u differ from input \"%s\" (%g / %u): TFLite's uint8 "
                          "average pooling requires them equal", (double) op->y_scale, op->y_zero_point, x->name,
                          (double) x->scale, x->zero_point);
      }
      uint32_t oh, ow;
      if (!window_output(g, op, x->dims[1], x->dims[2], &oh, &ow)) return false;
      op->blob_type = Q8RT_OP_AVGPOOL;
      if (op->kernel_h == x->dims[1] && op->kernel_w == x->dims[2] && !op->pad_t && !op->pad_l && !op->pad_b &&
          !op->pad_r) {
        op->flags |= Q8RT_OP_FLAG_GLOBAL;
        op->stride_h = op->stride_w = 1;
      }
      const uint32_t dims[4] = {x->dims[0], oh, ow, x->dims[3]};
      return set_output(g, op, CV_DTYPE_U8, 4, dims);
    }
    case CV_OP_RELU: {
      if (!activation_input(g, op, 0, 1)) return false;
      const struct cv_tensor* x = &g->tensors[op->inputs[0]];
      if (op->y_scale != x->scale || op->y_zero_point != x->zero_point) {
        return cv_op_fail(g, op, "output scale %g / zero point %u differ from input \"%s\" (%g / %u)",
                          (double) op->y_scale, op->y_zero_point, x->name, (double) x->scale, x->zero_point);
      }
      return set_output(g, op, CV_DTYPE_U8, x->rank, x->dims);
    }
    case CV_OP_SOFTMAX: {
      if (!activation_input(g, op, 0, 2)) return false;
      const struct cv_tensor* x = &g->tensors[op->inputs[0]];
      if (x->rank != 2 && !(x->rank == 4 && x->dims[1] == 1 && x->dims[2] == 1)) {
        char s[64];
        return cv_op_fail(g, op, "input \"%s\" has shape %s, expected [N, classes] or [N, 1, 1, classes]", x->name,
                          cv_shape_str(x->rank, x->dims, s, sizeof s));
      }
      if (op->y_scale != 1.0f / 256.0f || op->y_zero_point != 0) {
        return cv_op_fail(g, op, "output scale %g / zero point %u: must be 1/256 and 0 (QNNPACK and TFLite uint8 "
                          "softmax)", (double) op->y_scale, op->y_zero_point);
      }
      op->blob_type = Q8RT_OP_SOFTMAX;
      return set_output(g, op, CV_DTYPE_U8, x->rank, x->dims);
    }
    case CV_OP_DEQUANTIZE: {
      if (!activation_input(g, op, 0, 1)) return false;
      const struct cv_tensor* x = &g->tensors[op->inputs[0]];
      op->blob_type = Q8RT_OP_DEQUANTIZE;
      return set_output(g, op, CV_DTYPE_F32, x->rank, x->dims);
    }
    case CV_OP_NCHW2NHWC:
    case CV_OP_QUANTIZE:
      return cv_op_fail(g, op, "only the net input can be transposed / quantized");
  }
  return cv_op_fail(g, op, "internal error: unknown op kind");
}

static bool infer_shapes(struct cv_graph* g) {
  for (uint32_t i = 0; i < g->op_count; i++) {
    if (!g->ops[i].dead && !infer_op(g, &g->ops[i])) return false;
  }
  return true;
}

/* ---- Relu folding: Int8Relu becomes output_min = zero point of its producer ---------------------- */

static bool fold_relus(struct cv_graph* g) {
  for (uint32_t i = 0; i < g->op_count; i++) {
    struct cv_op* relu = &g->ops[i];
    if (relu->dead || relu->kind != CV_OP_RELU) continue;
    const struct cv_tensor* x = &g->tensors[relu->inputs[0]];
    if (x->producer == CV_NONE) {
      return cv_op_fail(g, relu, "cannot fold into a producer: input \"%s\" is the net input (q8rt has no standalone Relu)",
                        x->name);
    }
    struct cv_op* p = &g->ops[x->producer];
    if (p->kind != CV_OP_CONV && p->kind != CV_OP_FC && p->kind != CV_OP_ADD && p->kind != CV_OP_AVGPOOL) {
      return cv_op_fail(g, relu, "cannot fold into op %u (%s) producing \"%s\": unsupported (q8rt has no standalone Relu)",
                        p->source, p->type, x->name);
    }
    if (x->consumers != 1) {
      return cv_op_fail(g, relu,
                        "cannot fold into op %u (%s): its output \"%s\" has %u consumers (q8rt has no standalone "
                        "Relu): unsupported",
                        p->source, p->type, x->name, x->consumers);
    }
    p->relu = true;
    p->output = relu->output;
    g->tensors[relu->output].producer = x->producer;
    relu->dead = true;
  }
  cv_graph_count_uses(g);
  return true;
}

/* ---- requantization and bias checks ------------------------------------------------------------ */

/* The blob stores the raw uint8 weights and int32 bias (docs/blob-format.md); the runtime packs them. Here the
 * requantization scale is checked, and that every folded bias, bias - input_zero_point * sum(w - kernel_zero_point),
 * fits int32 (the loader checks it again). */
static bool check_weights_op(struct cv_graph* g, uint32_t index) {
  struct cv_op* op = &g->ops[index];
  const struct cv_tensor* x = &g->tensors[op->inputs[0]];
  const struct cv_tensor* w = &g->tensors[op->inputs[1]];
  const struct cv_tensor* b = op->input_count > 2 ? &g->tensors[op->inputs[2]] : NULL;
  const struct cv_tensor* y = &g->tensors[op->output];
  struct q8rt_conv_params params;
  const bool ok = op->rule == Q8RT_BLOB_RULE_CAFFE2
                      ? q8rt_conv_params_init(&params, x->scale, w->scale, y->scale, w->zero_point, y->zero_point,
                                              op->output_min, op->output_max)
                      : q8rt_tflite_conv_params_init(&params, x->scale, w->scale, y->scale, w->zero_point,
                                                     y->zero_point, op->output_min, op->output_max,
                                                     (enum q8rt_requant_rule) op->rule);
  if (!ok) {
    return cv_op_fail(g, op,
                      "requantization scale %g (input \"%s\" %g * weight \"%s\" %g / output %g) is outside "
                      "[2^-32, 1) supported by the kernels",
                      (double) q8rt_conv_scale(x->scale, w->scale, y->scale), x->name, (double) x->scale, w->name,
                      (double) w->scale, (double) y->scale);
  }
  const size_t cout = w->dims[0], per_channel = cout > 0 ? w->count / cout : 0;
  const uint8_t* wd = w->data;
  const int32_t* bd = b != NULL ? b->data : NULL;
  for (size_t n = 0; n < cout; n++) {
    int64_t wsum = 0;
    for (size_t i = 0; i < per_channel; i++) wsum += (int64_t) wd[n * per_channel + i] - (int64_t) w->zero_point;
    int32_t folded;
    if (!q8rt_fold_bias(bd != NULL ? bd[n] : 0, wsum, x->zero_point, &folded)) {
      return cv_op_fail(g, op, "bias \"%s\" folded with input zero point %u and weights \"%s\" overflows int32",
                        b ? b->name : "(none)", x->zero_point, w->name);
    }
  }
  op->weights = op->inputs[1];
  op->bias = b != NULL ? op->inputs[2] : CV_NONE;
  return true;
}

static bool check_and_pack(struct cv_graph* g) {
  for (uint32_t i = 0; i < g->op_count; i++) {
    struct cv_op* op = &g->ops[i];
    if (op->dead) continue;
    op->output_min = op->has_range ? op->range_min : op->relu ? g->tensors[op->output].zero_point : 0;
    op->output_max = op->has_range ? op->range_max : 255;
    switch (op->kind) {
      case CV_OP_CONV:
      case CV_OP_FC:
        if (!check_weights_op(g, i)) return false;
        break;
      case CV_OP_ADD: {
        const struct cv_tensor* a = &g->tensors[op->inputs[0]];
        const struct cv_tensor* b = &g->tensors[op->inputs[1]];
        const struct cv_tensor* y = &g->tensors[op->output];
        struct q8rt_add_params params;
        struct q8rt_tflite_add_params tparams;
        if (op->rule != Q8RT_BLOB_RULE_CAFFE2) {
          if (!q8rt_tflite_add_params_init(&tparams, a->zero_point, a->scale, b->zero_point, b->scale, y->zero_point,
                                           y->scale, op->output_min, op->output_max, (enum q8rt_requant_rule) op->rule)) {
            return cv_op_fail(g, op, "input scales %g (\"%s\") and %g (\"%s\") and output scale %g give multipliers "
                              "TFLite's uint8 ADD does not support", (double) a->scale, a->name, (double) b->scale,
                              b->name, (double) y->scale);
          }
        } else if (!q8rt_add_params_init(&params, a->zero_point, a->scale, b->zero_point, b->scale, y->zero_point,
                                         y->scale, op->output_min, op->output_max)) {
          return cv_op_fail(g, op,
                            "requantization scales %g (\"%s\") and %g (\"%s\") relative to the output are outside "
                            "[2^-14, 2^8) supported by the kernels",
                            (double) (a->scale / y->scale), a->name, (double) (b->scale / y->scale), b->name);
        }
        break;
      }
      case CV_OP_AVGPOOL: {
        const struct cv_tensor* x = &g->tensors[op->inputs[0]];
        const struct cv_tensor* y = &g->tensors[op->output];
        struct q8rt_avgpool_params params;
        uint64_t size = (uint64_t) op->kernel_h * op->kernel_w;
        if (op->rule != Q8RT_BLOB_RULE_CAFFE2) {
          if (size > (1u << 23)) return cv_op_fail(g, op, "pooling window of %llu pixels too large", (unsigned long long) size);
          break; /* TFLite: (sum + n / 2) / n of the input values, no requantization */
        }
        if (size > UINT32_MAX / 2 ||
            !q8rt_avgpool_params_init(&params, (uint32_t) size, x->zero_point, x->scale, y->zero_point, y->scale,
                                      op->output_min, op->output_max)) {
          return cv_op_fail(g, op,
                            "requantization scale %g (input \"%s\" / output, pooling size %llu) is outside the "
                            "range supported by the kernels",
                            (double) (x->scale / y->scale), x->name, (unsigned long long) size);
        }
        break;
      }
      case CV_OP_SOFTMAX: {
        op->output_min = 0;
        struct q8rt_tflite_softmax_params params;
        const struct cv_tensor* x = &g->tensors[op->inputs[0]];
        if (op->rule != Q8RT_BLOB_RULE_CAFFE2 &&
            !q8rt_tflite_softmax_params_init(&params, 1.0f, x->scale, (enum q8rt_requant_rule) op->rule)) {
          return cv_op_fail(g, op, "input scale %g is outside what TFLite's uint8 softmax supports", (double) x->scale);
        }
        break;
      }
      case CV_OP_DEQUANTIZE:
        op->output_min = 0;
        break;
      default:
        return cv_op_fail(g, op, "internal error: %s left after lowering", op_kind_name(op->kind));
    }
  }
  return true;
}

bool cv_lower(struct cv_graph* g, const struct q8rt_convert_options* opts) {
  return resolve_input(g, opts) && resolve_output(g) && remove_dead(g) && infer_shapes(g) && fold_relus(g) &&
         check_and_pack(g);
}
