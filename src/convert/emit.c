#include "emit.h"

#include <stdlib.h>
#include <string.h>

static uint32_t use_tensor(struct cv_graph* g, uint32_t t, uint32_t* order, uint32_t* count) {
  if (g->tensors[t].blob_index == CV_NONE) {
    g->tensors[t].blob_index = *count;
    order[(*count)++] = t;
  }
  return g->tensors[t].blob_index;
}

void cv_emitted_free(struct cv_emitted* e) {
  free(e->tensors);
  free(e->names);
  free(e->data);
  free(e->ops);
  memset(e, 0, sizeof *e);
}

bool cv_emit(struct cv_graph* g, const struct q8rt_convert_options* opts, struct cv_emitted* e) {
  memset(e, 0, sizeof *e);
  uint32_t op_count = 0;
  for (uint32_t i = 0; i < g->op_count; i++) op_count += !g->ops[i].dead;
  uint32_t* order = malloc(((size_t) g->tensor_count + 1) * sizeof *order);
  e->ops = calloc(op_count ? op_count : 1, sizeof *e->ops);
  if (order == NULL || e->ops == NULL) {
    free(order);
    cv_emitted_free(e);
    return cv_fail(g, "out of memory");
  }
  for (uint32_t i = 0; i < g->tensor_count; i++) g->tensors[i].blob_index = CV_NONE;

  uint32_t count = 0, k = 0;
  use_tensor(g, g->model_input, order, &count);
  for (uint32_t i = 0; i < g->op_count; i++) {
    const struct cv_op* op = &g->ops[i];
    if (op->dead) continue;
    struct q8rt_blob_op* r = &e->ops[k++];
    r->type = op->blob_type;
    r->output_min = op->output_min;
    r->output_max = op->output_max;
    r->inputs[0] = r->inputs[1] = r->inputs[2] = Q8RT_BLOB_NONE;
    r->inputs[0] = use_tensor(g, op->inputs[0], order, &count);
    if (op->kind == CV_OP_ADD) r->inputs[1] = use_tensor(g, op->inputs[1], order, &count);
    if (op->weights != CV_NONE) r->inputs[1] = use_tensor(g, op->weights, order, &count);
    if (op->bias != CV_NONE) r->inputs[2] = use_tensor(g, op->bias, order, &count);
    r->output = use_tensor(g, op->output, order, &count);
    r->kernel_h = (uint16_t) op->kernel_h;
    r->kernel_w = (uint16_t) op->kernel_w;
    r->stride_h = (uint16_t) op->stride_h;
    r->stride_w = (uint16_t) op->stride_w;
    r->dilation_h = r->dilation_w = 1;
    r->pad_top = (uint16_t) op->pad_t;
    r->pad_left = (uint16_t) op->pad_l;
    r->pad_bottom = (uint16_t) op->pad_b;
    r->pad_right = (uint16_t) op->pad_r;
    r->groups = op->groups;
    r->flags = op->flags;
    r->source_op = op->source;
    r->rule = op->rule;
    r->activation = op->activation;
  }

  e->tensors = calloc(count, sizeof *e->tensors);
  e->names = calloc(count, sizeof *e->names);
  e->data = calloc(count, sizeof *e->data);
  if (e->tensors == NULL || e->names == NULL || e->data == NULL) {
    free(order);
    cv_emitted_free(e);
    return cv_fail(g, "out of memory");
  }
  for (uint32_t i = 0; i < count; i++) {
    const struct cv_tensor* t = &g->tensors[order[i]];
    struct q8rt_blob_tensor* r = &e->tensors[i];
    e->names[i] = t->name;
    r->rank = (uint8_t) t->rank;
    memcpy(r->dims, t->dims, sizeof r->dims);
    for (uint32_t d = t->rank; d < 4; d++) r->dims[d] = 0;
    if (t->is_const) { /* raw weights (uint8, OHWI) or bias (int32): docs/blob-format.md */
      const bool bias = t->dtype == CV_DTYPE_I32;
      r->kind = Q8RT_TENSOR_CONSTANT;
      r->dtype = bias ? Q8RT_DTYPE_I32 : Q8RT_DTYPE_U8;
      r->scale = t->scale;
      r->zero_point = bias ? 0 : t->zero_point;
      r->data_size = (uint64_t) t->count * (bias ? sizeof(int32_t) : 1);
      e->data[i] = t->data;
      e->weight_bytes += r->data_size;
    } else {
      r->kind = Q8RT_TENSOR_ACTIVATION;
      r->dtype = t->dtype == CV_DTYPE_F32 ? Q8RT_DTYPE_F32 : Q8RT_DTYPE_U8;
      r->scale = t->dtype == CV_DTYPE_F32 ? 1.0f : t->scale;
      r->zero_point = t->dtype == CV_DTYPE_F32 ? 0 : t->zero_point;
    }
  }
  free(order);

  struct q8rt_blob_header* h = &e->contents.header;
  h->input_tensor = g->tensors[g->model_input].blob_index;
  h->logits_tensor = g->tensors[g->logits].blob_index;
  h->output_tensor = g->tensors[g->output].blob_index;
  h->resize_shorter = opts->resize_shorter;
  h->crop_height = opts->input_height;
  h->crop_width = opts->input_width;
  h->channel_order = opts->channel_order;
  memcpy(h->mean, opts->mean, sizeof h->mean);
  memcpy(h->std, opts->std, sizeof h->std);
  h->preprocess = opts->preprocess;
  h->crop_fraction = opts->preprocess == Q8RT_PREPROCESS_CENTRAL_CROP ? opts->crop_fraction : 0.0f;
  h->resize_shorter = opts->preprocess == Q8RT_PREPROCESS_CENTRAL_CROP ? 0 : opts->resize_shorter;
  h->class_offset = opts->class_offset;
  h->source = g->source_format;
  e->contents.tensors = e->tensors;
  e->contents.tensor_names = e->names;
  e->contents.tensor_data = e->data;
  e->contents.tensor_count = count;
  e->contents.ops = e->ops;
  e->contents.op_count = op_count;
  if (h->logits_tensor == CV_NONE || h->output_tensor == CV_NONE) {
    cv_emitted_free(e);
    return cv_fail(g, "internal error: logits or output tensor not used by any op");
  }
  const struct cv_tensor* logits = &g->tensors[g->logits];
  uint64_t classes = 1;
  for (uint32_t d = 0; d < logits->rank; d++) classes *= logits->dims[d]; /* as q8rt_model_info.num_classes */
  if (opts->class_offset >= classes) {
    const uint32_t offset = opts->class_offset;
    cv_emitted_free(e);
    return cv_fail(g, "class offset %u: the model has only %llu outputs", offset, (unsigned long long) classes);
  }
  if (opts->label_count != 0) {
    if (opts->label_count != classes || opts->labels == NULL) {
      const uint32_t n = opts->label_count;
      cv_emitted_free(e);
      return cv_fail(g, "%s: %u class names, but the model has %llu classes (one name per line, one line per class)",
                     opts->labels_what != NULL ? opts->labels_what : "labels", n, (unsigned long long) classes);
    }
    e->contents.labels = opts->labels;
    e->contents.label_count = opts->label_count;
  }
  return true;
}
