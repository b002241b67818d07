/* Converter tests: synthetic NetDefs built with the generated protobuf-c structs (valid and broken),
 * the real Caffe2 MobileNetV2 model when present, the blob writer and the `convert` subcommand. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "blob/blob_write.h"
#include "blob/format.h"
#include "caffe2.pb-c.h"
#include "cli/commands.h"
#include "../common/test.h"
#include "convert/convert.h"

static char tmpdir[256];

/* ---- files ---------------------------------------------------------------------------------------- */

static char* path_in_tmp(const char* name) {
  static char buf[8][512];
  static int k;
  char* p = buf[k++ % 8];
  snprintf(p, 512, "%s/%s", tmpdir, name);
  return p;
}

static int write_bytes(const char* path, const void* data, size_t size) {
  FILE* f = fopen(path, "wb");
  if (f == NULL) return 0;
  int ok = fwrite(data, 1, size, f) == size;
  return fclose(f) == 0 && ok;
}

static uint8_t* read_bytes(const char* path, size_t* size) {
  FILE* f = fopen(path, "rb");
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t* p = malloc(n > 0 ? (size_t) n : 1);
  if (p != NULL && fread(p, 1, (size_t) n, f) != (size_t) n) {
    free(p);
    p = NULL;
  }
  fclose(f);
  *size = (size_t) n;
  return p;
}

static int exists(const char* path) {
  struct stat st;
  return stat(path, &st) == 0;
}

/* No temporary leftovers of the atomic writer in tmpdir (names start with '.'). */
static int count_hidden_files(void) {
  char cmd[600];
  snprintf(cmd, sizeof cmd, "ls -A '%s' | grep -c '^\\.' ", tmpdir);
  FILE* p = popen(cmd, "r");
  if (p == NULL) return -1;
  int n = -1;
  if (fscanf(p, "%d", &n) != 1) n = -1;
  pclose(p);
  return n;
}

/* ---- blob parsing (format.h structs, no runtime loader) ---------------------------------------- */

struct parsed_blob {
  struct q8rt_blob_header h;
  struct q8rt_blob_tensor* t;
  struct q8rt_blob_op* o;
  uint8_t* data;
  size_t size;
  int crc_ok;
};

static int parse_blob(uint8_t* data, size_t size, struct parsed_blob* b) {
  memset(b, 0, sizeof *b);
  b->data = data;
  b->size = size;
  if (size < sizeof b->h) return 0;
  memcpy(&b->h, data, sizeof b->h);
  if (memcmp(b->h.magic, Q8RT_BLOB_MAGIC, 8) != 0 || b->h.file_size != size) return 0;
  uint32_t stored = b->h.checksum;
  uint32_t zero = 0;
  memcpy(data + offsetof(struct q8rt_blob_header, checksum), &zero, 4);
  b->crc_ok = (uint32_t) crc32(0L, data, (uInt) size) == stored;
  memcpy(data + offsetof(struct q8rt_blob_header, checksum), &stored, 4);
  if (b->h.tensor_table_offset + (uint64_t) b->h.tensor_count * 64 > size) return 0;
  if (b->h.op_table_offset + (uint64_t) b->h.op_count * 64 > size) return 0;
  if (b->h.string_table_offset + b->h.string_size > size) return 0;
  b->t = calloc(b->h.tensor_count + 1, sizeof *b->t);
  b->o = calloc(b->h.op_count + 1, sizeof *b->o);
  memcpy(b->t, data + b->h.tensor_table_offset, b->h.tensor_count * sizeof *b->t);
  memcpy(b->o, data + b->h.op_table_offset, b->h.op_count * sizeof *b->o);
  return 1;
}

static void free_blob(struct parsed_blob* b) {
  free(b->t);
  free(b->o);
  free(b->data);
}

static int tensor_name_is(const struct parsed_blob* b, uint32_t i, const char* name) {
  if (i >= b->h.tensor_count) return 0;
  const struct q8rt_blob_tensor* t = &b->t[i];
  return t->name_size == strlen(name) &&
         memcmp(b->data + b->h.string_table_offset + t->name_offset, name, t->name_size) == 0;
}

static int dims_are(const struct q8rt_blob_tensor* t, uint32_t rank, uint32_t d0, uint32_t d1, uint32_t d2,
                    uint32_t d3) {
  const uint32_t d[4] = {d0, d1, d2, d3};
  if (t->rank != rank) return 0;
  for (uint32_t i = 0; i < rank; i++)
    if (t->dims[i] != d[i]) return 0;
  return 1;
}

static uint32_t count_ops(const struct parsed_blob* b, uint16_t type) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < b->h.op_count; i++) n += b->o[i].type == type;
  return n;
}

/* Structural checks every produced blob must pass. */
static void check_blob_invariants(const struct parsed_blob* b) {
  CHECK(b->crc_ok);
  CHECK(b->h.version == Q8RT_BLOB_VERSION && b->h.header_size == 192);
  CHECK(b->h.input_tensor < b->h.tensor_count && b->h.logits_tensor < b->h.tensor_count &&
        b->h.output_tensor < b->h.tensor_count);
  int refs_ok = 1, weights_ok = 1;
  for (uint32_t i = 0; i < b->h.op_count; i++) {
    const struct q8rt_blob_op* o = &b->o[i];
    for (int j = 0; j < 3; j++)
      if (o->inputs[j] != Q8RT_BLOB_NONE && o->inputs[j] >= b->h.tensor_count) refs_ok = 0;
    if (o->output >= b->h.tensor_count || o->inputs[0] == Q8RT_BLOB_NONE) refs_ok = 0;
    if (o->dilation_h != 1 || o->dilation_w != 1) refs_ok = 0;
  }
  for (uint32_t i = 0; i < b->h.tensor_count; i++) {
    const struct q8rt_blob_tensor* t = &b->t[i];
    if (t->kind == Q8RT_TENSOR_CONSTANT) {
      if ((t->dtype != Q8RT_DTYPE_U8 && t->dtype != Q8RT_DTYPE_I32) || t->data_offset % 64 != 0 ||
          t->data_offset + t->data_size > b->size || t->data_size == 0)
        weights_ok = 0;
    } else if (t->kind != Q8RT_TENSOR_ACTIVATION || t->data_size != 0 || !(t->scale > 0)) {
      weights_ok = 0;
    }
  }
  CHECK(refs_ok);
  CHECK(weights_ok);
  /* Ends with softmax (uint8) -> dequantize (float). */
  CHECK(b->h.op_count >= 2);
  if (b->h.op_count >= 2) {
    const struct q8rt_blob_op* sm = &b->o[b->h.op_count - 2];
    const struct q8rt_blob_op* dq = &b->o[b->h.op_count - 1];
    CHECK(sm->type == Q8RT_OP_SOFTMAX && dq->type == Q8RT_OP_DEQUANTIZE);
    CHECK(sm->inputs[0] == b->h.logits_tensor && dq->inputs[0] == sm->output && dq->output == b->h.output_tensor);
    CHECK(b->t[b->h.output_tensor].dtype == Q8RT_DTYPE_F32);
    CHECK(b->t[sm->output].scale == 1.0f / 256.0f && b->t[sm->output].zero_point == 0);
  }
}

/* ---- synthetic model spec -> NetDef bytes ------------------------------------------------------- */

enum { A_NONE, A_I, A_F, A_S, A_INTS };
struct targ {
  const char* name;
  int kind;
  int64_t i;
  float f;
  const char* s;
  int n;
  int64_t ints[4];
};
struct top {
  const char* type;
  const char* in[4];
  const char* out;
  struct targ args[10];
};
struct tfill {
  const char* name;
  int is_i32;
  int rank;
  int64_t dims[4];
  float scale;
  int64_t zp;
  int value_delta;   /* extra (or missing) values */
  int const_value;   /* >= 0: every value = const_value (u8) or INT32_MAX if 1000 (i32) */
};
struct model {
  struct tfill fills[16];
  int nfills;
  struct top ops[16];
  int nops;
  const char* output;
};

#define ARG_I(n, v) {n, A_I, v, 0, NULL, 0, {0}}
#define ARG_F(n, v) {n, A_F, 0, v, NULL, 0, {0}}
#define ARG_S(n, v) {n, A_S, 0, 0, v, 0, {0}}
#define ORDER ARG_S("order", "NHWC")
#define YQ(s, z) ARG_F("Y_scale", s), ARG_I("Y_zero_point", z)

static struct model base_model(void) {
  struct model m = {
      .fills =
          {
              {"w1", 0, 4, {8, 3, 3, 3}, 0.02f, 128, 0, -1},
              {"b1", 1, 1, {8}, 0.0004f, 0, 0, -1},
              {"w2", 0, 4, {8, 3, 3, 1}, 0.02f, 120, 0, -1},
              {"b2", 1, 1, {8}, 0.001f, 0, 0, -1},
              {"w3", 0, 4, {8, 1, 1, 8}, 0.02f, 130, 0, -1},
              {"b3", 1, 1, {8}, 0.001f, 0, 0, -1},
              {"wf", 0, 2, {10, 8}, 0.02f, 128, 0, -1},
              {"bf", 1, 1, {10}, 0.0014f, 0, 0, -1},
          },
      .nfills = 8,
      .ops =
          {
              {"NCHW2NHWC", {"data"}, "x0", {{0}}},
              {"Int8Quantize", {"x0"}, "xq", {YQ(0.02f, 128)}},
              {"Int8Conv", {"xq", "w1", "b1"}, "c1",
               {ARG_I("kernel", 3), ARG_I("stride", 2), ARG_I("pad", 1), ORDER, YQ(0.05f, 5)}},
              {"Int8Relu", {"c1"}, "r1", {ORDER, YQ(0.05f, 5)}},
              {"Int8ConvRelu", {"r1", "w2", "b2"}, "c2",
               {ARG_I("kernel", 3), ARG_I("stride", 1), ARG_I("pad", 1), ARG_I("group", 8), ORDER, YQ(0.05f, 5)}},
              {"Int8Conv", {"c2", "w3", "b3"}, "c3",
               {ARG_I("kernel_h", 1), ARG_I("kernel_w", 1), ARG_I("stride", 1), ARG_I("pad", 0), ORDER, YQ(0.05f, 0)}},
              {"Int8Sum", {"c3", "r1"}, "s1", {YQ(0.07f, 3), ORDER}},
              {"Int8AveragePool", {"s1"}, "p1", {ORDER, ARG_I("kernel", 4), ARG_I("stride", 1), YQ(0.07f, 3)}},
              {"Int8FC", {"p1", "wf", "bf"}, "f1", {ORDER, YQ(0.1f, 100)}},
              {"Int8Softmax", {"f1"}, "325", {ORDER, YQ(1.0f / 256.0f, 0)}},
              {"Int8Dequantize", {"325"}, "softmax", {{0}}},
          },
      .nops = 11,
      .output = "softmax",
  };
  return m;
}

static struct targ* find_targ(struct top* op, const char* name) {
  for (int i = 0; i < 10; i++)
    if (op->args[i].name != NULL && strcmp(op->args[i].name, name) == 0) return &op->args[i];
  for (int i = 0; i < 10; i++)
    if (op->args[i].name == NULL) {
      op->args[i].name = name;
      return &op->args[i];
    }
  return NULL;
}
static void set_i(struct model* m, int op, const char* name, int64_t v) {
  struct targ* a = find_targ(&m->ops[op], name);
  a->kind = A_I;
  a->i = v;
}
static void set_f(struct model* m, int op, const char* name, float v) {
  struct targ* a = find_targ(&m->ops[op], name);
  a->kind = A_F;
  a->f = v;
}
static void set_s(struct model* m, int op, const char* name, const char* v) {
  struct targ* a = find_targ(&m->ops[op], name);
  a->kind = A_S;
  a->s = v;
}
static struct tfill* fill(struct model* m, const char* name) {
  for (int i = 0; i < m->nfills; i++)
    if (strcmp(m->fills[i].name, name) == 0) return &m->fills[i];
  return NULL;
}
static void remove_fill(struct model* m, const char* name) {
  for (int i = 0; i < m->nfills; i++) {
    if (strcmp(m->fills[i].name, name) == 0) {
      memmove(&m->fills[i], &m->fills[i + 1], (size_t) (m->nfills - i - 1) * sizeof m->fills[0]);
      m->nfills--;
      return;
    }
  }
}

/* A tiny arena for the protobuf-c structs built below. */
struct arena {
  void* p[4096];
  int n;
};
static void* aalloc(struct arena* a, size_t size) {
  void* p = calloc(1, size ? size : 1);
  if (p == NULL || a->n >= 4096) abort(); /* test-only */
  a->p[a->n++] = p;
  return p;
}
static void afree(struct arena* a) {
  for (int i = 0; i < a->n; i++) free(a->p[i]);
  a->n = 0;
}

static Caffe2__Argument* new_arg(struct arena* a, const char* name) {
  Caffe2__Argument* arg = aalloc(a, sizeof *arg);
  caffe2__argument__init(arg);
  arg->name = (char*) name;
  return arg;
}

static uint8_t* pack_net(Caffe2__NetDef* net, size_t* size) {
  *size = caffe2__net_def__get_packed_size(net);
  uint8_t* buf = malloc(*size ? *size : 1);
  caffe2__net_def__pack(net, buf);
  return buf;
}

static uint8_t* build_init(const struct model* m, size_t* size) {
  struct arena* a = calloc(1, sizeof *a);
  Caffe2__NetDef net;
  caffe2__net_def__init(&net);
  net.n_op = (size_t) m->nfills;
  net.op = aalloc(a, net.n_op * sizeof *net.op);
  unsigned seed = 12345;
  for (int i = 0; i < m->nfills; i++) {
    const struct tfill* f = &m->fills[i];
    Caffe2__OperatorDef* op = aalloc(a, sizeof *op);
    caffe2__operator_def__init(op);
    net.op[i] = op;
    op->type = (char*) (f->is_i32 ? "Int8GivenIntTensorFill" : "Int8GivenTensorFill");
    op->n_output = 1;
    op->output = aalloc(a, sizeof(char*));
    op->output[0] = (char*) f->name;
    op->n_arg = 4;
    op->arg = aalloc(a, 4 * sizeof *op->arg);
    Caffe2__Argument* shape = op->arg[0] = new_arg(a, "shape");
    shape->n_ints = (size_t) f->rank;
    shape->ints = aalloc(a, 4 * sizeof(int64_t));
    size_t count = 1;
    for (int d = 0; d < f->rank; d++) {
      shape->ints[d] = f->dims[d];
      count *= (size_t) f->dims[d];
    }
    count = (size_t) ((long) count + f->value_delta);
    Caffe2__Argument* values = op->arg[1] = new_arg(a, "values");
    if (f->is_i32) {
      values->n_ints = count;
      values->ints = aalloc(a, count * sizeof(int64_t));
      for (size_t k = 0; k < count; k++) {
        seed = seed * 1103515245u + 12345u;
        values->ints[k] = f->const_value == 1000 ? INT32_MAX : (int64_t) ((seed >> 16) % 2001) - 1000;
      }
    } else {
      values->has_s = 1;
      values->s.len = count;
      values->s.data = aalloc(a, count);
      for (size_t k = 0; k < count; k++) {
        seed = seed * 1103515245u + 12345u;
        values->s.data[k] = f->const_value >= 0 ? (uint8_t) f->const_value : (uint8_t) (seed >> 16);
      }
    }
    Caffe2__Argument* ys = op->arg[2] = new_arg(a, "Y_scale");
    ys->has_f = 1;
    ys->f = f->scale;
    Caffe2__Argument* yz = op->arg[3] = new_arg(a, "Y_zero_point");
    yz->has_i = 1;
    yz->i = f->zp;
  }
  uint8_t* buf = pack_net(&net, size);
  afree(a);
  free(a);
  return buf;
}

static uint8_t* build_predict(const struct model* m, size_t* size) {
  struct arena* a = calloc(1, sizeof *a);
  Caffe2__NetDef net;
  caffe2__net_def__init(&net);
  net.name = (char*) "synthetic";
  net.n_op = (size_t) m->nops;
  net.op = aalloc(a, net.n_op * sizeof *net.op);
  for (int i = 0; i < m->nops; i++) {
    const struct top* t = &m->ops[i];
    Caffe2__OperatorDef* op = aalloc(a, sizeof *op);
    caffe2__operator_def__init(op);
    net.op[i] = op;
    op->type = (char*) t->type;
    op->input = aalloc(a, 4 * sizeof(char*));
    for (int j = 0; j < 4 && t->in[j] != NULL; j++) op->input[op->n_input++] = (char*) t->in[j];
    op->n_output = 1;
    op->output = aalloc(a, sizeof(char*));
    op->output[0] = (char*) t->out;
    op->arg = aalloc(a, 10 * sizeof *op->arg);
    for (int j = 0; j < 10; j++) {
      const struct targ* ta = &t->args[j];
      if (ta->name == NULL || ta->kind == A_NONE) continue;
      Caffe2__Argument* arg = new_arg(a, ta->name);
      if (ta->kind == A_I) {
        arg->has_i = 1;
        arg->i = ta->i;
      } else if (ta->kind == A_F) {
        arg->has_f = 1;
        arg->f = ta->f;
      } else if (ta->kind == A_S) {
        arg->has_s = 1;
        arg->s.data = (uint8_t*) ta->s;
        arg->s.len = strlen(ta->s);
      } else {
        arg->n_ints = (size_t) ta->n;
        arg->ints = (int64_t*) ta->ints;
      }
      op->arg[op->n_arg++] = arg;
    }
  }
  net.n_external_input = 1;
  net.external_input = aalloc(a, sizeof(char*));
  net.external_input[0] = (char*) "data";
  net.n_external_output = 1;
  net.external_output = aalloc(a, sizeof(char*));
  net.external_output[0] = (char*) m->output;
  uint8_t* buf = pack_net(&net, size);
  afree(a);
  free(a);
  return buf;
}

static void small_options(struct q8rt_convert_options* o) {
  q8rt_convert_options_init(o);
  o->input_height = o->input_width = 8;
  o->resize_shorter = 8;
}

/* Writes the model's files and converts them with q8rt_convert. */
static int convert_model(const struct model* m, const char* out, char* err, size_t err_size) {
  size_t isz, psz;
  uint8_t* init = build_init(m, &isz);
  uint8_t* pred = build_predict(m, &psz);
  const char* ipath = path_in_tmp("init_net.pb");
  const char* ppath = path_in_tmp("predict_net.pb");
  int ok = write_bytes(ipath, init, isz) && write_bytes(ppath, pred, psz);
  free(init);
  free(pred);
  if (!ok) {
    snprintf(err, err_size, "test: cannot write model files");
    return 0;
  }
  struct q8rt_convert_options o;
  small_options(&o);
  o.init_net_path = ipath;
  o.predict_net_path = ppath;
  o.output_path = out;
  err[0] = '\0';
  return q8rt_convert(&o, NULL, err, err_size);
}

/* Converts a broken model: must fail, mention every expected substring, and leave no output file. */
static void expect_failure(const char* what, const struct model* m, const char* s1, const char* s2, const char* s3) {
  char err[1024];
  const char* out = path_in_tmp("broken.q8rt");
  unlink(out);
  int ok = convert_model(m, out, err, sizeof err);
  CHECKF(!ok, "%s: conversion succeeded", what);
  CHECKF(!exists(out), "%s: output file left behind", what);
  const char* subs[3] = {s1, s2, s3};
  for (int i = 0; i < 3; i++) {
    if (subs[i] != NULL) CHECKF(strstr(err, subs[i]) != NULL, "%s: message \"%s\" lacks \"%s\"", what, err, subs[i]);
  }
  if (getenv("Q8RT_TEST_VERBOSE")) printf("  %s: %s\n", what, err);
}

/* ---- tests ---------------------------------------------------------------------------------------- */

static void test_synthetic_valid(void) {
  struct model m = base_model();
  char err[1024];
  const char* out = path_in_tmp("synthetic.q8rt");
  CHECKF(convert_model(&m, out, err, sizeof err), "synthetic: %s", err);
  size_t size;
  uint8_t* data = read_bytes(out, &size);
  CHECK(data != NULL);
  if (data == NULL) return;
  struct parsed_blob b;
  CHECK(parse_blob(data, size, &b));
  check_blob_invariants(&b);
  CHECK(b.h.op_count == 8);
  CHECK(b.h.tensor_count == 17);
  CHECK(count_ops(&b, Q8RT_OP_CONV) == 2 && count_ops(&b, Q8RT_OP_DWCONV) == 1 && count_ops(&b, Q8RT_OP_ADD) == 1 &&
        count_ops(&b, Q8RT_OP_AVGPOOL) == 1 && count_ops(&b, Q8RT_OP_FC) == 1);
  const struct q8rt_blob_tensor* in = &b.t[b.h.input_tensor];
  CHECK(dims_are(in, 4, 1, 8, 8, 3) && in->dtype == Q8RT_DTYPE_U8 && in->scale == 0.02f && in->zero_point == 128);
  CHECK(tensor_name_is(&b, b.h.input_tensor, "xq"));
  CHECK(tensor_name_is(&b, b.h.output_tensor, "softmax"));
  CHECK(tensor_name_is(&b, b.h.logits_tensor, "f1"));
  CHECK(dims_are(&b.t[b.h.logits_tensor], 2, 1, 10, 0, 0));
  CHECK(b.h.resize_shorter == 8 && b.h.crop_height == 8 && b.h.crop_width == 8 &&
        b.h.channel_order == Q8RT_CHANNELS_BGR && b.h.mean[0] == 103.53f && b.h.std[2] == 58.395f);
  /* op 0: conv 3x3/2 with the folded Relu (output min = zero point 5), output named r1. */
  const struct q8rt_blob_op* c1 = &b.o[0];
  CHECK(c1->type == Q8RT_OP_CONV && c1->output_min == 5 && c1->output_max == 255 && c1->kernel_h == 3 &&
        c1->stride_h == 2 && c1->pad_top == 1 && c1->pad_right == 1 && c1->groups == 1 && c1->source_op == 2);
  CHECK(tensor_name_is(&b, c1->output, "r1") && dims_are(&b.t[c1->output], 4, 1, 4, 4, 8));
  const struct q8rt_blob_tensor* w1 = &b.t[c1->inputs[1]];
  CHECK(w1->kind == Q8RT_TENSOR_CONSTANT && w1->dtype == Q8RT_DTYPE_U8 && dims_are(w1, 4, 8, 3, 3, 3) &&
        w1->zero_point == 128);
  CHECK(w1->data_size == 8 * 3 * 3 * 3); /* raw OHWI uint8, no kernel layout */
  CHECK(c1->inputs[2] != Q8RT_BLOB_NONE);
  if (c1->inputs[2] != Q8RT_BLOB_NONE) {
    const struct q8rt_blob_tensor* b1 = &b.t[c1->inputs[2]];
    CHECK(b1->kind == Q8RT_TENSOR_CONSTANT && b1->dtype == Q8RT_DTYPE_I32 && dims_are(b1, 1, 8, 0, 0, 0) &&
          b1->scale == 0.0004f && b1->zero_point == 0 && b1->data_size == 8 * 4);
  }
  const struct q8rt_blob_op* dw = &b.o[1];
  CHECK(dw->type == Q8RT_OP_DWCONV && dw->groups == 8 && dw->output_min == 5 && dw->stride_h == 1);
  CHECK(b.t[dw->inputs[1]].dtype == Q8RT_DTYPE_U8 && dims_are(&b.t[dw->inputs[1]], 4, 8, 3, 3, 1) &&
        b.t[dw->inputs[1]].data_size == 8 * 9); /* [C,3,3,1] raw */
  const struct q8rt_blob_op* add = &b.o[3];
  CHECK(add->type == Q8RT_OP_ADD && add->inputs[1] == c1->output && add->output_min == 0);
  const struct q8rt_blob_op* pool = &b.o[4];
  CHECK(pool->type == Q8RT_OP_AVGPOOL && (pool->flags & Q8RT_OP_FLAG_GLOBAL) && pool->kernel_h == 4 &&
        dims_are(&b.t[pool->output], 4, 1, 1, 1, 8));
  const struct q8rt_blob_op* fc = &b.o[5];
  CHECK(fc->type == Q8RT_OP_FC && dims_are(&b.t[fc->inputs[1]], 2, 10, 8, 0, 0) &&
        dims_are(&b.t[fc->output], 2, 1, 10, 0, 0));
  free_blob(&b);

  /* The buffer API produces the same bytes. */
  size_t isz, psz, bsz = 0;
  uint8_t* init = build_init(&m, &isz);
  uint8_t* pred = build_predict(&m, &psz);
  struct q8rt_convert_options o;
  small_options(&o);
  void* blob = NULL;
  struct q8rt_convert_stats st;
  CHECK(q8rt_convert_buffers(init, isz, pred, psz, &o, &blob, &bsz, &st, err, sizeof err));
  uint8_t* again = read_bytes(out, &size);
  CHECK(again != NULL && bsz == size && memcmp(blob, again, size) == 0);
  CHECK(st.op_count == 8 && st.tensor_count == 17 && st.file_size == size && st.weight_bytes > 0);
  free(again);
  free(blob);
  free(init);
  free(pred);
}

static void test_output_naming(void) {
  /* Original zoo naming: the net ends at the int8 softmax "325"; a Dequantize is appended. */
  struct model m = base_model();
  m.nops--;
  m.output = "325";
  char err[1024];
  const char* out = path_in_tmp("naming.q8rt");
  CHECKF(convert_model(&m, out, err, sizeof err), "325 output: %s", err);
  size_t size;
  uint8_t* data = read_bytes(out, &size);
  struct parsed_blob b;
  CHECK(data != NULL && parse_blob(data, size, &b));
  if (data == NULL) return;
  check_blob_invariants(&b);
  CHECK(b.h.op_count == 8 && b.h.tensor_count == 17);
  CHECK(tensor_name_is(&b, b.h.output_tensor, "softmax"));
  CHECK(b.o[b.h.op_count - 1].source_op == 9);
  free_blob(&b);

  /* A bogus output name, and an output that is not the softmax. */
  m = base_model();
  m.output = "nonexistent";
  expect_failure("unknown external_output", &m, "predict_net.pb", "\"nonexistent\"", NULL);
  m.output = "f1";
  expect_failure("external_output not softmax", &m, "op 8", "Int8FC", "\"f1\"");
  /* Extra dead ops are dropped. */
  m = base_model();
  m.ops[m.nops++] = (struct top){"Int8Relu", {"s1"}, "dead", {ORDER, YQ(0.07f, 3)}};
  CHECKF(convert_model(&m, out, err, sizeof err), "dead op: %s", err);
}

static void test_synthetic_broken(void) {
  struct model m;

  m = base_model();
  m.ops[6].type = "Int8Foo";
  expect_failure("unknown op", &m, "op 6 (Int8Foo", "unsupported op type", "\"s1\"");

  m = base_model();
  remove_fill(&m, "w3");
  expect_failure("missing weight", &m, "op 5 (Int8Conv", "\"w3\"", "not defined");

  m = base_model();
  fill(&m, "w3")->dims[3] = 4;
  expect_failure("weight/input channel mismatch", &m, "op 5 (Int8Conv, output \"c3\")",
                 "weight tensor \"w3\" has 4 input channels", "input \"c2\" has 8");

  m = base_model();
  fill(&m, "wf")->dims[1] = 9;
  expect_failure("fc mismatch", &m, "op 8 (Int8FC", "\"wf\" has 9 input features", "\"p1\" has 8");

  m = base_model();
  set_i(&m, 2, "Y_zero_point", 300);
  expect_failure("zero point 300", &m, "op 2 (Int8Conv", "300", "zero point");

  m = base_model();
  set_i(&m, 6, "Y_zero_point", -1);
  expect_failure("zero point -1", &m, "op 6 (Int8Sum", "-1", "zero point");

  m = base_model();
  fill(&m, "w1")->zp = 256;
  expect_failure("weight zero point 256", &m, "init_net.pb: op 0", "\"w1\"", "256");

  m = base_model();
  set_f(&m, 2, "Y_scale", 0.0f);
  expect_failure("scale 0", &m, "op 2 (Int8Conv", "scale", NULL);

  m = base_model();
  set_f(&m, 7, "Y_scale", -0.5f);
  expect_failure("scale < 0", &m, "op 7 (Int8AveragePool", "scale", NULL);

  m = base_model();
  set_f(&m, 1, "Y_scale", NAN);
  expect_failure("input scale NaN", &m, "op 1 (Int8Quantize", "scale", NULL);

  m = base_model();
  fill(&m, "w2")->scale = INFINITY;
  expect_failure("weight scale inf", &m, "init_net.pb: op 2", "\"w2\"", "scale");

  m = base_model();
  set_f(&m, 2, "Y_scale", 0.0001f);
  set_f(&m, 3, "Y_scale", 0.0001f);
  expect_failure("requantization scale >= 1", &m, "op 2 (Int8Conv", "requantization scale", "\"w1\"");

  m = base_model();
  set_f(&m, 6, "Y_scale", 1e-6f);
  expect_failure("add scale out of range", &m, "op 6 (Int8Sum", "requantization", NULL);

  m = base_model();
  set_i(&m, 4, "group", 2);
  fill(&m, "w2")->dims[3] = 4;
  expect_failure("grouped conv", &m, "op 4 (Int8ConvRelu", "neither dense nor depthwise", NULL);

  m = base_model();
  set_i(&m, 4, "kernel", 5);
  set_i(&m, 4, "pad", 2);
  fill(&m, "w2")->dims[1] = fill(&m, "w2")->dims[2] = 5;
  expect_failure("depthwise 5x5", &m, "op 4 (Int8ConvRelu", "5x5", "3x3");

  m = base_model();
  set_i(&m, 4, "stride", 3);
  expect_failure("depthwise stride 3", &m, "op 4", "stride 3x3", NULL);

  m = base_model();
  set_i(&m, 5, "pad", 1);
  expect_failure("1x1 conv with padding", &m, "op 5 (Int8Conv", "padding t1 l1 b1 r1", "smaller than the kernel 1x1");

  m = base_model();
  set_i(&m, 2, "pad", 3);
  expect_failure("padding as large as the kernel", &m, "op 2 (Int8Conv", "padding t3", "kernel 3x3");

  m = base_model();
  set_i(&m, 2, "dilation", 2);
  expect_failure("dilation", &m, "op 2 (Int8Conv", "dilation", NULL);

  m = base_model();
  set_i(&m, 2, "kernel", 5);
  expect_failure("kernel vs weights", &m, "op 2", "\"w1\" has a 3x3 kernel", "5x5");

  m = base_model();
  set_s(&m, 2, "order", "NCHW");
  expect_failure("order NCHW", &m, "op 2", "NHWC", NULL);

  m = base_model();
  fill(&m, "b1")->dims[0] = 7;
  expect_failure("bias length", &m, "op 2", "bias tensor \"b1\"", "[7]");

  m = base_model();
  fill(&m, "b1")->zp = 3;
  expect_failure("bias zero point", &m, "op 2", "\"b1\"", "zero point 3");

  m = base_model();
  fill(&m, "b1")->is_i32 = 0;
  expect_failure("bias uint8", &m, "op 2", "\"b1\"", "int32");

  m = base_model();
  fill(&m, "w1")->is_i32 = 1;
  expect_failure("weights int32", &m, "op 2", "\"w1\"", "uint8");

  m = base_model();
  fill(&m, "w1")->value_delta = -1;
  expect_failure("weights too short", &m, "init_net.pb: op 0 (Int8GivenTensorFill, output \"w1\")", "215 bytes",
                 "216");

  m = base_model();
  fill(&m, "wf")->dims[0] = 70000;
  expect_failure("dim limit", &m, "init_net.pb", "\"wf\"", "70000");

  m = base_model();
  fill(&m, "w1")->const_value = 0;
  fill(&m, "b1")->const_value = 1000;
  expect_failure("folded bias overflow", &m, "op 2 (Int8Conv", "overflows int32", "\"b1\"");

  m = base_model();
  m.ops[6].in[2] = "c2";
  expect_failure("sum with 3 inputs", &m, "op 6 (Int8Sum", "expected 2 inputs, got 3", NULL);

  m = base_model();
  m.ops[2].in[1] = "r0";
  expect_failure("undefined input", &m, "op 2", "\"r0\"", "not defined");

  m = base_model();
  m.ops[6].in[1] = "c1"; /* c1 now has two consumers: the Relu cannot be folded */
  expect_failure("unfoldable relu", &m, "op 3 (Int8Relu", "\"c1\" has 2 consumers", "unsupported");

  m = base_model();
  m.ops[6].in[1] = "c2";
  fill(&m, "w3")->dims[0] = 4;
  fill(&m, "b3")->dims[0] = 4;
  expect_failure("add shape mismatch", &m, "op 6 (Int8Sum", "\"c3\" [1,4,4,4]", "\"c2\" [1,4,4,8]");

  m = base_model();
  set_f(&m, 9, "Y_scale", 0.01f);
  expect_failure("softmax scale", &m, "op 9 (Int8Softmax", "1/256", NULL);

  m = base_model();
  set_f(&m, 3, "Y_scale", 0.06f);
  expect_failure("relu qparams mismatch", &m, "op 3 (Int8Relu", "\"c1\"", NULL);

  m = base_model();
  m.ops[6].in[1] = "x0";
  expect_failure("float input to sum", &m, "op 6 (Int8Sum", "\"x0\"", "float");

  m = base_model();
  m.ops[2].in[0] = "x0";
  expect_failure("input unused", &m, "predict_net.pb", "does not depend", "\"xq\"");

  m = base_model();
  m.ops[2].args[0] = (struct targ){"kernel", A_S, 0, 0, "3", 0, {0}};
  expect_failure("kernel as string", &m, "op 2", "\"kernel\"", "integer");
}

static void test_files(void) {
  char err[1024];
  struct model m = base_model();
  size_t isz, psz;
  uint8_t* init = build_init(&m, &isz);
  uint8_t* pred = build_predict(&m, &psz);
  const char* ipath = path_in_tmp("t_init.pb");
  const char* ppath = path_in_tmp("t_predict.pb");
  const char* out = path_in_tmp("t_out.q8rt");
  struct q8rt_convert_options o;
  small_options(&o);
  o.init_net_path = ipath;
  o.predict_net_path = ppath;
  o.output_path = out;

  /* Truncated predict_net / init_net (several cut points). */
  const double cuts[] = {0.5, 0.9, 0.999};
  for (int k = 0; k < 3; k++) {
    write_bytes(ipath, init, isz);
    write_bytes(ppath, pred, (size_t) (psz * cuts[k]));
    CHECK(!q8rt_convert(&o, NULL, err, sizeof err));
    CHECKF(strstr(err, "t_predict.pb") != NULL, "truncated predict: %s", err);
    CHECK(!exists(out));
    write_bytes(ipath, init, (size_t) (isz * cuts[k]));
    write_bytes(ppath, pred, psz);
    CHECK(!q8rt_convert(&o, NULL, err, sizeof err));
    CHECKF(strstr(err, "t_init.pb") != NULL || strstr(err, "t_predict.pb") != NULL, "truncated init: %s", err);
    CHECK(!exists(out));
  }
  /* Empty and garbage files. */
  write_bytes(ipath, init, isz);
  write_bytes(ppath, "", 0);
  CHECK(!q8rt_convert(&o, NULL, err, sizeof err) && strstr(err, "t_predict.pb") && strstr(err, "empty"));
  write_bytes(ppath, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 10);
  CHECK(!q8rt_convert(&o, NULL, err, sizeof err) && strstr(err, "t_predict.pb"));
  /* Swapped files. */
  write_bytes(ppath, pred, psz);
  o.init_net_path = ppath;
  o.predict_net_path = ipath;
  CHECK(!q8rt_convert(&o, NULL, err, sizeof err) && strstr(err, "t_predict.pb") && strstr(err, "NCHW2NHWC"));
  o.init_net_path = ipath;
  o.predict_net_path = ppath;
  CHECK(!exists(out));

  /* Nonexistent input. */
  o.init_net_path = path_in_tmp("does-not-exist.pb");
  CHECK(!q8rt_convert(&o, NULL, err, sizeof err));
  CHECKF(strstr(err, "does-not-exist.pb") && strstr(err, "No such file"), "nonexistent: %s", err);
  o.init_net_path = ipath;

  /* Unwritable output paths. */
  o.output_path = "/nonexistent-dir/x.q8rt";
  CHECK(!q8rt_convert(&o, NULL, err, sizeof err));
  CHECKF(strstr(err, "/nonexistent-dir/x.q8rt") && strstr(err, "No such file"), "unwritable: %s", err);
  CHECK(!exists("/nonexistent-dir/x.q8rt"));
  o.output_path = tmpdir; /* a directory: rename fails, temporary removed */
  CHECK(!q8rt_convert(&o, NULL, err, sizeof err));
  CHECKF(strstr(err, tmpdir) != NULL, "directory output: %s", err);
  CHECK(count_hidden_files() == 0);

  /* Bad options. */
  o.output_path = out;
  o.resize_shorter = 4;
  CHECK(!q8rt_convert(&o, NULL, err, sizeof err) && strstr(err, "resize"));
  o.resize_shorter = 8;
  o.std[1] = 0;
  CHECK(!q8rt_convert(&o, NULL, err, sizeof err) && strstr(err, "std"));
  small_options(&o);
  o.init_net_path = ipath;
  o.predict_net_path = ppath;
  o.output_path = out;
  o.input_height = 9; /* 9x8 input: the avgpool kernel 4 no longer covers 5x4 */
  o.resize_shorter = 9;
  CHECK(!q8rt_convert(&o, NULL, err, sizeof err) && strstr(err, "op 8 (Int8FC") && strstr(err, "\"p1\" has 16"));
  /* ... but with global_pooling=1 it does (shapes are inferred from the input size). */
  m.ops[7].args[1] = (struct targ){"global_pooling", A_I, 1, 0, NULL, 0, {0}};
  free(pred);
  pred = build_predict(&m, &psz);
  write_bytes(ppath, pred, psz);
  CHECKF(q8rt_convert(&o, NULL, err, sizeof err), "9x8 global pooling: %s", err);

  /* Overwrite an existing file atomically. */
  CHECK(q8rt_convert(&o, NULL, err, sizeof err));
  CHECK(exists(out) && count_hidden_files() == 0);
  free(init);
  free(pred);
}

static void test_blob_writer(void) {
  char err[512];
  struct q8rt_blob_tensor t[2];
  memset(t, 0, sizeof t);
  t[0].kind = Q8RT_TENSOR_ACTIVATION;
  t[0].dtype = Q8RT_DTYPE_U8;
  t[0].rank = 1;
  t[0].dims[0] = 4;
  t[0].scale = 1;
  t[1].kind = Q8RT_TENSOR_CONSTANT;
  t[1].dtype = Q8RT_DTYPE_U8;
  t[1].data_size = 3;
  const char* names[2] = {"a", "bcd"};
  const uint8_t w[3] = {1, 2, 3};
  const void* data[2] = {NULL, w};
  struct q8rt_blob_op op;
  memset(&op, 0, sizeof op);
  op.type = Q8RT_OP_DEQUANTIZE;
  struct q8rt_blob_contents c;
  memset(&c, 0, sizeof c);
  c.tensors = t;
  c.tensor_names = names;
  c.tensor_data = data;
  c.tensor_count = 2;
  c.ops = &op;
  c.op_count = 1;
  void* buf = NULL;
  size_t size = 0;
  CHECK(q8rt_blob_serialize(&c, &buf, &size, err, sizeof err));
  struct parsed_blob b;
  CHECK(parse_blob(buf, size, &b) && b.crc_ok);
  CHECK(b.h.tensor_table_offset == 192 && b.h.op_table_offset == 320 && b.h.string_table_offset == 384 &&
        b.h.string_size == 4);
  CHECK(tensor_name_is(&b, 0, "a") && tensor_name_is(&b, 1, "bcd"));
  CHECK(b.t[1].data_offset == 448 && b.t[1].data_size == 3 && size == 451 && memcmp((uint8_t*) buf + 448, w, 3) == 0);
  free_blob(&b);
  data[1] = NULL;
  CHECK(!q8rt_blob_serialize(&c, &buf, &size, err, sizeof err) && strstr(err, "bcd"));
}

static void test_cli(void) {
  char* help[] = {(char*) "convert", (char*) "--help", NULL};
  CHECK(q8rt_cmd_convert(2, help) == 0);
  char* bad[] = {(char*) "convert", (char*) "--bogus", NULL};
  CHECK(q8rt_cmd_convert(2, bad) != 0);
  char* missing[] = {(char*) "convert", (char*) "a.pb", NULL};
  CHECK(q8rt_cmd_convert(2, missing) != 0);

  struct model m = base_model();
  size_t isz, psz;
  uint8_t* init = build_init(&m, &isz);
  uint8_t* pred = build_predict(&m, &psz);
  char ipath[512], ppath[512], out[512];
  snprintf(ipath, sizeof ipath, "%s", path_in_tmp("c_init.pb"));
  snprintf(ppath, sizeof ppath, "%s", path_in_tmp("c_predict.pb"));
  snprintf(out, sizeof out, "%s", path_in_tmp("cli.q8rt"));
  write_bytes(ipath, init, isz);
  write_bytes(ppath, pred, psz);
  free(init);
  free(pred);
  char* args[] = {(char*) "convert", ipath, ppath, (char*) "-o", out, (char*) "--input-size", (char*) "8x8",
                  (char*) "--resize-shorter=10", (char*) "--channel-order", (char*) "rgb", NULL};
  CHECK(q8rt_cmd_convert(10, args) == 0);
  size_t size;
  uint8_t* data = read_bytes(out, &size);
  struct parsed_blob b;
  CHECK(data != NULL && parse_blob(data, size, &b));
  if (data == NULL) return;
  CHECK(b.h.channel_order == Q8RT_CHANNELS_RGB && b.h.resize_shorter == 10 && b.h.mean[0] == 123.675f &&
        b.h.mean[2] == 103.53f && b.h.std[0] == 58.395f);
  free_blob(&b);
  char* args2[] = {(char*) "convert", ipath, ppath, (char*) "-o", out, (char*) "--input-size", (char*) "8x8",
                   (char*) "--resize-shorter", (char*) "8", (char*) "--mean", (char*) "1,2,3", (char*) "--std=4,5,6",
                   NULL};
  CHECK(q8rt_cmd_convert(12, args2) == 0);
  data = read_bytes(out, &size);
  CHECK(data != NULL && parse_blob(data, size, &b));
  if (data == NULL) return;
  CHECK(b.h.channel_order == Q8RT_CHANNELS_BGR && b.h.mean[1] == 2.0f && b.h.std[2] == 6.0f);
  free_blob(&b);
  char* args3[] = {(char*) "convert", ipath, ppath, (char*) "-o", out, (char*) "--mean", (char*) "1,2", NULL};
  CHECK(q8rt_cmd_convert(7, args3) != 0);
  char* args4[] = {(char*) "convert", ipath, ppath, (char*) "-o", out, (char*) "--input-size", (char*) "8y8", NULL};
  CHECK(q8rt_cmd_convert(7, args4) != 0);
}

/* ---- the real model --------------------------------------------------------------------------- */

static void check_real_blob(const char* out, const char* what) {
  size_t size;
  uint8_t* data = read_bytes(out, &size);
  struct parsed_blob b;
  CHECKF(data != NULL && parse_blob(data, size, &b), "%s: cannot parse blob", what);
  if (data == NULL) return;
  check_blob_invariants(&b);
  CHECKF(count_ops(&b, Q8RT_OP_CONV) == 36, "%s: %u CONV", what, count_ops(&b, Q8RT_OP_CONV));
  CHECKF(count_ops(&b, Q8RT_OP_DWCONV) == 17, "%s: %u DWCONV", what, count_ops(&b, Q8RT_OP_DWCONV));
  CHECK(count_ops(&b, Q8RT_OP_ADD) == 10);
  CHECK(count_ops(&b, Q8RT_OP_AVGPOOL) == 1);
  CHECK(count_ops(&b, Q8RT_OP_FC) == 1);
  CHECK(count_ops(&b, Q8RT_OP_SOFTMAX) == 1);
  CHECK(count_ops(&b, Q8RT_OP_DEQUANTIZE) == 1);
  CHECK(b.h.op_count == 67);
  /* tensors: input + 53 conv + 10 add + pool + fc + softmax + dequantize outputs, 54 uint8 weights, 54 int32
   * biases */
  CHECKF(b.h.tensor_count == 1 + 53 + 10 + 1 + 1 + 1 + 1 + 54 + 54, "%s: %u tensors", what, b.h.tensor_count);
  const struct q8rt_blob_tensor* in = &b.t[b.h.input_tensor];
  CHECK(dims_are(in, 4, 1, 224, 224, 3) && in->dtype == Q8RT_DTYPE_U8 && in->zero_point == 114 &&
        fabsf(in->scale - 0.018640226f) < 1e-9f);
  CHECK(dims_are(&b.t[b.h.logits_tensor], 2, 1, 1000, 0, 0));
  CHECK(dims_are(&b.t[b.h.output_tensor], 2, 1, 1000, 0, 0));
  CHECK(tensor_name_is(&b, b.h.output_tensor, "softmax"));
  uint32_t relu_convs = 0, packed_ok = 1;
  for (uint32_t i = 0; i < b.h.op_count; i++) {
    const struct q8rt_blob_op* o = &b.o[i];
    if (o->type == Q8RT_OP_CONV || o->type == Q8RT_OP_DWCONV) {
      relu_convs += o->output_min > 0 || b.t[o->output].zero_point == 0 ? (o->output_min == b.t[o->output].zero_point) : 0;
      const struct q8rt_blob_tensor* w = &b.t[o->inputs[1]];
      if (w->kind != Q8RT_TENSOR_CONSTANT || w->dtype != Q8RT_DTYPE_U8 ||
          w->data_size != (uint64_t) w->dims[0] * w->dims[1] * w->dims[2] * w->dims[3])
        packed_ok = 0;
      if (o->type == Q8RT_OP_DWCONV && (o->kernel_h != 3 || o->kernel_w != 3 || o->groups != b.t[o->output].dims[3]))
        packed_ok = 0;
    }
    if (o->type == Q8RT_OP_FC) CHECK(dims_are(&b.t[o->inputs[1]], 2, 1000, 1280, 0, 0));
    if (o->type == Q8RT_OP_AVGPOOL) {
      CHECK((o->flags & Q8RT_OP_FLAG_GLOBAL) && o->kernel_h == 7 && o->kernel_w == 7);
      CHECK(dims_are(&b.t[o->inputs[0]], 4, 1, 7, 7, 1280) && dims_are(&b.t[o->output], 4, 1, 1, 1, 1280));
    }
  }
  CHECK(packed_ok);
  (void) relu_convs;
  /* First conv: 3x3 stride 2 on 224x224x3 -> 112x112x32 with folded Relu (zero point 0). */
  CHECK(b.o[0].type == Q8RT_OP_CONV && b.o[0].stride_h == 2 && dims_are(&b.t[b.o[0].output], 4, 1, 112, 112, 32));
  CHECK(b.h.resize_shorter == 256 && b.h.crop_height == 224 && b.h.crop_width == 224 &&
        b.h.channel_order == Q8RT_CHANNELS_BGR);
  if (getenv("Q8RT_TEST_VERBOSE")) {
    printf("  %s: %u ops, %u tensors, %zu bytes\n", what, b.h.op_count, b.h.tensor_count, size);
  }
  free_blob(&b);
}

static void test_real_model(void) {
  const char* dir = test_model_dir();
  if (dir == NULL) {
    printf("test_convert: real model not found (set Q8RT_CAFFE2_DIR): skipping real-model tests\n");
    return;
  }
  char ipath[1024], ppath[1024], err[1024];
  snprintf(ipath, sizeof ipath, "%s/init_net.pb", dir);
  snprintf(ppath, sizeof ppath, "%s/predict_net.pb", dir);
  struct q8rt_convert_options o;
  q8rt_convert_options_init(&o);
  o.init_net_path = ipath;
  o.predict_net_path = ppath;
  o.output_path = path_in_tmp("mobilenet.q8rt");
  struct q8rt_convert_stats st;
  CHECKF(q8rt_convert(&o, &st, err, sizeof err), "real model: %s", err);
  CHECK(st.op_count == 67 && st.tensor_count == 176 && st.weight_bytes > 3000000);
  check_real_blob(o.output_path, "real model");

  /* Original zoo naming: drop the Dequantize and make "325" the output. */
  size_t psz;
  uint8_t* pred = read_bytes(ppath, &psz);
  CHECK(pred != NULL);
  if (pred == NULL) return;
  Caffe2__NetDef* net = caffe2__net_def__unpack(NULL, psz, pred);
  CHECK(net != NULL && net->n_op == 105 && net->n_external_output == 1);
  if (net != NULL && net->n_op == 105 && net->n_external_output == 1) {
    char* saved_name = net->external_output[0];
    net->external_output[0] = (char*) "325";
    net->n_op--;
    size_t size;
    uint8_t* zoo = pack_net(net, &size);
    net->n_op++;
    net->external_output[0] = saved_name;
    const char* zpath = path_in_tmp("zoo_predict_net.pb");
    write_bytes(zpath, zoo, size);
    free(zoo);
    o.predict_net_path = zpath;
    o.output_path = path_in_tmp("mobilenet-zoo.q8rt");
    CHECKF(q8rt_convert(&o, NULL, err, sizeof err), "zoo naming: %s", err);
    check_real_blob(o.output_path, "zoo naming");
    /* The two blobs are identical but for the appended Dequantize's source_op (the softmax's index)
     * and the checksum. */
    size_t s1, s2;
    uint8_t* b1 = read_bytes(path_in_tmp("mobilenet.q8rt"), &s1);
    uint8_t* b2 = read_bytes(o.output_path, &s2);
    CHECK(b1 && b2 && s1 == s2);
    if (b1 && b2 && s1 == s2) {
      struct q8rt_blob_header h;
      memcpy(&h, b1, sizeof h);
      size_t last = (size_t) h.op_table_offset + (h.op_count - 1) * sizeof(struct q8rt_blob_op);
      size_t src = last + offsetof(struct q8rt_blob_op, source_op);
      uint32_t v1, v2;
      memcpy(&v1, b1 + src, 4);
      memcpy(&v2, b2 + src, 4);
      CHECK(v1 == 104 && v2 == 103);
      memcpy(b2 + src, &v1, 4);
      memcpy(b2 + 24, b1 + 24, 4);
      CHECK(memcmp(b1, b2, s1) == 0);
    }
    free(b1);
    free(b2);

    /* Corrupted real model: a conv's group broken, a weight removed from init via truncation. */
    net->op[4]->n_input = 2; /* still valid: conv without bias */
    zoo = pack_net(net, &size);
    net->op[4]->n_input = 3;
    write_bytes(zpath, zoo, size);
    free(zoo);
    o.output_path = path_in_tmp("mobilenet-nobias.q8rt");
    CHECKF(q8rt_convert(&o, NULL, err, sizeof err), "conv without bias: %s", err);
  }
  if (net != NULL) protobuf_c_message_free_unpacked(&net->base, NULL);

  /* Truncated real files. */
  const char* tpath = path_in_tmp("trunc_predict.pb");
  write_bytes(tpath, pred, psz / 2);
  o.predict_net_path = tpath;
  o.output_path = path_in_tmp("trunc.q8rt");
  CHECK(!q8rt_convert(&o, NULL, err, sizeof err) && strstr(err, "trunc_predict.pb") != NULL);
  CHECK(!exists(o.output_path));
  free(pred);
  size_t isz;
  uint8_t* init = read_bytes(ipath, &isz);
  if (init != NULL) {
    const char* tipath = path_in_tmp("trunc_init.pb");
    write_bytes(tipath, init, isz - 1000);
    o.init_net_path = tipath;
    o.predict_net_path = ppath;
    CHECK(!q8rt_convert(&o, NULL, err, sizeof err) && strstr(err, "trunc_init.pb") != NULL);
    CHECK(!exists(o.output_path));
    free(init);
  }
}

int main(void) {
  snprintf(tmpdir, sizeof tmpdir, "/tmp/q8rt_test_convert.XXXXXX");
  if (mkdtemp(tmpdir) == NULL) {
    perror("mkdtemp");
    return 1;
  }
  test_blob_writer();
  test_synthetic_valid();
  test_output_naming();
  test_synthetic_broken();
  test_files();
  test_cli();
  test_real_model();
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", tmpdir);
  return test_summary("test_convert");
}
