#include "graph.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blob/format.h"

void cv_graph_init(struct cv_graph* g, const char* init_label, const char* predict_label, char* err,
                   size_t err_size) {
  memset(g, 0, sizeof *g);
  g->graph_input = g->model_input = g->logits = g->output = CV_NONE;
  g->source_format = Q8RT_SOURCE_CAFFE2;
  g->init_label = init_label;
  g->predict_label = predict_label;
  g->err = err;
  g->err_size = err_size;
}

void cv_graph_free(struct cv_graph* g) {
  for (uint32_t i = 0; i < g->tensor_count; i++) {
    free(g->tensors[i].name);
    free(g->tensors[i].data);
  }
  for (uint32_t i = 0; i < g->op_count; i++) free(g->ops[i].type);
  free(g->tensors);
  free(g->ops);
  free(g->map);
  free(g->output_name);
  memset(g, 0, sizeof *g);
}

static bool vfail(struct cv_graph* g, const char* prefix, const char* fmt, va_list ap) {
  if (g->err == NULL || g->err_size == 0) return false;
  size_t n = 0;
  if (prefix != NULL) {
    snprintf(g->err, g->err_size, "%s", prefix);
    n = strlen(g->err);
  }
  if (n < g->err_size) vsnprintf(g->err + n, g->err_size - n, fmt, ap);
  return false;
}

bool cv_fail(struct cv_graph* g, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfail(g, NULL, fmt, ap);
  va_end(ap);
  return false;
}

bool cv_op_fail(struct cv_graph* g, const struct cv_op* op, const char* fmt, ...) {
  char prefix[512];
  if (op->output != CV_NONE && op->output < g->tensor_count) {
    snprintf(prefix, sizeof prefix, "%s: op %u (%s, output \"%s\"): ", g->predict_label, op->source,
             op->type, g->tensors[op->output].name);
  } else {
    snprintf(prefix, sizeof prefix, "%s: op %u (%s): ", g->predict_label, op->source, op->type);
  }
  va_list ap;
  va_start(ap, fmt);
  vfail(g, prefix, fmt, ap);
  va_end(ap);
  return false;
}

static uint32_t hash_name(const char* s) {
  uint32_t h = 2166136261u;
  for (; *s; s++) h = (h ^ (uint8_t) *s) * 16777619u;
  return h;
}

static void map_insert(struct cv_graph* g, uint32_t index) {
  const char* name = g->tensors[index].name;
  uint32_t mask = g->map_cap - 1;
  for (uint32_t i = hash_name(name) & mask;; i = (i + 1) & mask) {
    if (g->map[i] == CV_NONE || strcmp(g->tensors[g->map[i]].name, name) == 0) {
      g->map[i] = index;
      return;
    }
  }
}

uint32_t cv_graph_find(const struct cv_graph* g, const char* name) {
  if (g->map_cap == 0) return CV_NONE;
  uint32_t mask = g->map_cap - 1;
  for (uint32_t i = hash_name(name) & mask;; i = (i + 1) & mask) {
    if (g->map[i] == CV_NONE) return CV_NONE;
    if (strcmp(g->tensors[g->map[i]].name, name) == 0) return g->map[i];
  }
}

uint32_t cv_graph_add_tensor(struct cv_graph* g, const char* name) {
  if (g->tensor_count >= Q8RT_BLOB_MAX_TENSORS) {
    cv_fail(g, "too many tensors (more than %u)", Q8RT_BLOB_MAX_TENSORS);
    return CV_NONE;
  }
  if (g->tensor_count == g->tensor_cap) {
    uint32_t cap = g->tensor_cap ? g->tensor_cap * 2 : 64;
    struct cv_tensor* t = realloc(g->tensors, (size_t) cap * sizeof *t);
    if (t == NULL) goto oom;
    g->tensors = t;
    g->tensor_cap = cap;
  }
  /* Keep the map at most half full. */
  if ((g->tensor_count + 1) * 2 > g->map_cap) {
    uint32_t cap = g->map_cap ? g->map_cap * 2 : 128;
    uint32_t* map = malloc((size_t) cap * sizeof *map);
    if (map == NULL) goto oom;
    memset(map, 0xFF, (size_t) cap * sizeof *map);
    free(g->map);
    g->map = map;
    g->map_cap = cap;
    for (uint32_t i = 0; i < g->tensor_count; i++) map_insert(g, i);
  }
  char* copy = strdup(name);
  if (copy == NULL) goto oom;
  struct cv_tensor* t = &g->tensors[g->tensor_count];
  memset(t, 0, sizeof *t);
  t->name = copy;
  t->producer = CV_NONE;
  t->init_op = CV_NONE;
  t->blob_index = CV_NONE;
  map_insert(g, g->tensor_count);
  return g->tensor_count++;
oom:
  cv_fail(g, "out of memory");
  return CV_NONE;
}

struct cv_op* cv_graph_add_op(struct cv_graph* g, enum cv_op_kind kind, const char* type, uint32_t source) {
  if (g->op_count >= Q8RT_BLOB_MAX_OPS) {
    cv_fail(g, "%s: too many ops (more than %u)", g->predict_label, Q8RT_BLOB_MAX_OPS);
    return NULL;
  }
  if (g->op_count == g->op_cap) {
    uint32_t cap = g->op_cap ? g->op_cap * 2 : 64;
    struct cv_op* ops = realloc(g->ops, (size_t) cap * sizeof *ops);
    if (ops == NULL) {
      cv_fail(g, "out of memory");
      return NULL;
    }
    g->ops = ops;
    g->op_cap = cap;
  }
  char* copy = strdup(type);
  if (copy == NULL) {
    cv_fail(g, "out of memory");
    return NULL;
  }
  struct cv_op* op = &g->ops[g->op_count++];
  memset(op, 0, sizeof *op);
  op->kind = kind;
  op->type = copy;
  op->source = source;
  op->inputs[0] = op->inputs[1] = op->inputs[2] = CV_NONE;
  op->output = CV_NONE;
  op->weights = CV_NONE;
  op->bias = CV_NONE;
  op->kernel_h = op->kernel_w = op->stride_h = op->stride_w = op->groups = 1;
  op->output_max = 255;
  return op;
}

void cv_graph_count_uses(struct cv_graph* g) {
  for (uint32_t i = 0; i < g->tensor_count; i++) {
    g->tensors[i].consumers = 0;
    if (!g->tensors[i].is_const) g->tensors[i].producer = CV_NONE;
  }
  for (uint32_t i = 0; i < g->op_count; i++) {
    const struct cv_op* op = &g->ops[i];
    if (op->dead) continue;
    for (uint32_t j = 0; j < op->input_count; j++) {
      if (op->inputs[j] != CV_NONE) g->tensors[op->inputs[j]].consumers++;
    }
    if (op->output != CV_NONE) g->tensors[op->output].producer = i;
  }
}

bool cv_shape_elements(uint32_t rank, const uint32_t* dims, size_t* elements) {
  uint64_t n = 1;
  if (rank == 0 || rank > CV_MAX_RANK) return false;
  for (uint32_t i = 0; i < rank; i++) {
    if (dims[i] == 0 || dims[i] > Q8RT_BLOB_MAX_DIM) return false;
    n *= dims[i]; /* <= 2^31 * 2^16 before the check below: no overflow */
    if (n > (UINT64_C(1) << 31)) return false;
  }
  *elements = (size_t) n;
  return true;
}

const char* cv_shape_str(uint32_t rank, const uint32_t* dims, char* buf, size_t size) {
  size_t n = 0;
  if (size == 0) return buf;
  buf[0] = '\0';
  n += (size_t) snprintf(buf, size, "[");
  for (uint32_t i = 0; i < rank && n < size; i++) {
    n += (size_t) snprintf(buf + n, size - n, i ? ",%u" : "%u", dims[i]);
  }
  if (n < size) snprintf(buf + n, size - n, "]");
  return buf;
}
