/* Seed corpora for the fuzz harnesses (run by scripts/fuzz.sh; nothing it writes is committed).
 *
 *   fuzz_seeds CORPUS_DIR [CAFFE2_MODEL_DIR]
 *
 * Writes into CORPUS_DIR/convert/ (fuzz_convert.c's split format) and CORPUS_DIR/blob/:
 *   - a tiny synthetic Caffe2 model (conv 3x3/2 + relu, depthwise 3x3, conv 1x1, sum, average pool, FC,
 *     softmax, dequantize on an 8x8x3 input; built with the generated protobuf-c structs like
 *     test/convert/test_convert.c does), in two variants (output "softmax" and output "325"), and its blobs;
 *   - the real MobileNetV2 init_net/predict_net pair and its converted blob, when CAFFE2_MODEL_DIR is given;
 *   - the synthetic blobs again with a label table of 10 class names;
 *   - the first 128 bytes (header only) of the synthetic blob.
 * The image corpus is copied from real JPEGs by scripts/fuzz.sh. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caffe2.pb-c.h"
#include "convert/convert.h"

static void* xcalloc(size_t n, size_t size) {
  void* p = calloc(n ? n : 1, size ? size : 1);
  if (p == NULL) abort();
  return p;
}

static Caffe2__Argument* arg_i(const char* name, int64_t v) {
  Caffe2__Argument* a = xcalloc(1, sizeof *a);
  caffe2__argument__init(a);
  a->name = (char*) name;
  a->has_i = 1;
  a->i = v;
  return a;
}
static Caffe2__Argument* arg_f(const char* name, float v) {
  Caffe2__Argument* a = xcalloc(1, sizeof *a);
  caffe2__argument__init(a);
  a->name = (char*) name;
  a->has_f = 1;
  a->f = v;
  return a;
}
static Caffe2__Argument* arg_s(const char* name, const char* v) {
  Caffe2__Argument* a = xcalloc(1, sizeof *a);
  caffe2__argument__init(a);
  a->name = (char*) name;
  a->has_s = 1;
  a->s.data = (uint8_t*) v;
  a->s.len = strlen(v);
  return a;
}

/* An operator with up to 3 inputs and NULL-terminated arguments. */
static Caffe2__OperatorDef* op(const char* type, const char* in0, const char* in1, const char* in2, const char* out,
                               Caffe2__Argument* args[]) {
  Caffe2__OperatorDef* o = xcalloc(1, sizeof *o);
  caffe2__operator_def__init(o);
  o->type = (char*) type;
  o->input = xcalloc(3, sizeof(char*));
  const char* ins[3] = {in0, in1, in2};
  for (int i = 0; i < 3; i++)
    if (ins[i] != NULL) o->input[o->n_input++] = (char*) ins[i];
  o->n_output = 1;
  o->output = xcalloc(1, sizeof(char*));
  o->output[0] = (char*) out;
  while (args != NULL && args[o->n_arg] != NULL) o->n_arg++;
  o->arg = xcalloc(o->n_arg, sizeof *o->arg);
  if (o->n_arg != 0) memcpy(o->arg, args, o->n_arg * sizeof *o->arg);
  return o;
}

static void free_net(Caffe2__NetDef* net) {
  for (size_t i = 0; i < net->n_op; i++) {
    Caffe2__OperatorDef* o = net->op[i];
    for (size_t j = 0; j < o->n_arg; j++) {
      if (strcmp(o->arg[j]->name, "values") == 0) {
        free(o->arg[j]->ints);
        free(o->arg[j]->s.data);
      }
      if (strcmp(o->arg[j]->name, "shape") == 0) free(o->arg[j]->ints);
      free(o->arg[j]);
    }
    free(o->arg);
    free(o->input);
    free(o->output);
    free(o);
  }
  free(net->op);
  free(net->external_input);
  free(net->external_output);
}

static uint8_t* pack(Caffe2__NetDef* net, size_t* size) {
  *size = caffe2__net_def__get_packed_size(net);
  uint8_t* buf = xcalloc(*size, 1);
  caffe2__net_def__pack(net, buf);
  free_net(net);
  return buf;
}

/* Int8GivenTensorFill (uint8 weights) or Int8GivenIntTensorFill (int32 bias) of a shape. */
static Caffe2__OperatorDef* fill(const char* name, int is_bias, int rank, const int64_t* dims, float scale, int zp,
                                 unsigned* seed) {
  Caffe2__Argument* shape = xcalloc(1, sizeof *shape);
  caffe2__argument__init(shape);
  shape->name = (char*) "shape";
  shape->n_ints = (size_t) rank;
  shape->ints = xcalloc((size_t) rank, sizeof(int64_t));
  size_t count = 1;
  for (int d = 0; d < rank; d++) count *= (size_t) (shape->ints[d] = dims[d]);
  Caffe2__Argument* values = xcalloc(1, sizeof *values);
  caffe2__argument__init(values);
  values->name = (char*) "values";
  if (is_bias) {
    values->n_ints = count;
    values->ints = xcalloc(count, sizeof(int64_t));
    for (size_t k = 0; k < count; k++) values->ints[k] = (int64_t) ((*seed = *seed * 1103515245u + 12345u) >> 16) % 2001 - 1000;
  } else {
    values->has_s = 1;
    values->s.len = count;
    values->s.data = xcalloc(count, 1);
    for (size_t k = 0; k < count; k++) values->s.data[k] = (uint8_t) ((*seed = *seed * 1103515245u + 12345u) >> 16);
  }
  Caffe2__Argument* args[] = {shape, values, arg_f("Y_scale", scale), arg_i("Y_zero_point", zp), NULL};
  return op(is_bias ? "Int8GivenIntTensorFill" : "Int8GivenTensorFill", NULL, NULL, NULL, name, args);
}

static uint8_t* tiny_init(size_t* size) {
  static const int64_t w1[] = {8, 3, 3, 3}, b8[] = {8}, w2[] = {8, 3, 3, 1}, w3[] = {8, 1, 1, 8}, wf[] = {10, 8},
                       bf[] = {10};
  unsigned seed = 12345;
  Caffe2__NetDef net;
  caffe2__net_def__init(&net);
  net.n_op = 8;
  net.op = xcalloc(8, sizeof *net.op);
  net.op[0] = fill("w1", 0, 4, w1, 0.02f, 128, &seed);
  net.op[1] = fill("b1", 1, 1, b8, 0.0004f, 0, &seed);
  net.op[2] = fill("w2", 0, 4, w2, 0.02f, 120, &seed);
  net.op[3] = fill("b2", 1, 1, b8, 0.001f, 0, &seed);
  net.op[4] = fill("w3", 0, 4, w3, 0.02f, 130, &seed);
  net.op[5] = fill("b3", 1, 1, b8, 0.001f, 0, &seed);
  net.op[6] = fill("wf", 0, 2, wf, 0.02f, 128, &seed);
  net.op[7] = fill("bf", 1, 1, bf, 0.0014f, 0, &seed);
  return pack(&net, size);
}

/* output_325: the net ends at the Int8Softmax output "325" (the original zoo file) instead of "softmax". */
static uint8_t* tiny_predict(int output_325, size_t* size) {
#define YQ(s, z) arg_f("Y_scale", s), arg_i("Y_zero_point", z)
#define ORDER arg_s("order", "NHWC")
  Caffe2__NetDef net;
  caffe2__net_def__init(&net);
  net.name = (char*) "fuzz-seed";
  net.op = xcalloc(11, sizeof *net.op);
  size_t n = 0;
  net.op[n++] = op("NCHW2NHWC", "data", NULL, NULL, "x0", NULL);
  net.op[n++] = op("Int8Quantize", "x0", NULL, NULL, "xq", (Caffe2__Argument*[]){YQ(0.02f, 128), NULL});
  net.op[n++] = op("Int8Conv", "xq", "w1", "b1", "c1",
                   (Caffe2__Argument*[]){arg_i("kernel", 3), arg_i("stride", 2), arg_i("pad", 1), ORDER, YQ(0.05f, 5), NULL});
  net.op[n++] = op("Int8Relu", "c1", NULL, NULL, "r1", (Caffe2__Argument*[]){ORDER, YQ(0.05f, 5), NULL});
  net.op[n++] = op("Int8ConvRelu", "r1", "w2", "b2", "c2",
                   (Caffe2__Argument*[]){arg_i("kernel", 3), arg_i("stride", 1), arg_i("pad", 1), arg_i("group", 8), ORDER,
                                         YQ(0.05f, 5), NULL});
  net.op[n++] = op("Int8Conv", "c2", "w3", "b3", "c3",
                   (Caffe2__Argument*[]){arg_i("kernel_h", 1), arg_i("kernel_w", 1), arg_i("stride", 1), arg_i("pad", 0), ORDER,
                                         YQ(0.05f, 0), NULL});
  net.op[n++] = op("Int8Sum", "c3", "r1", NULL, "s1", (Caffe2__Argument*[]){YQ(0.07f, 3), ORDER, NULL});
  net.op[n++] = op("Int8AveragePool", "s1", NULL, NULL, "p1",
                   (Caffe2__Argument*[]){ORDER, arg_i("kernel", 4), arg_i("stride", 1), YQ(0.07f, 3), NULL});
  net.op[n++] = op("Int8FC", "p1", "wf", "bf", "f1", (Caffe2__Argument*[]){ORDER, YQ(0.1f, 100), NULL});
  net.op[n++] = op("Int8Softmax", "f1", NULL, NULL, "325", (Caffe2__Argument*[]){ORDER, YQ(1.0f / 256.0f, 0), NULL});
  if (!output_325) net.op[n++] = op("Int8Dequantize", "325", NULL, NULL, "softmax", NULL);
  net.n_op = n;
  net.n_external_input = 1;
  net.external_input = xcalloc(1, sizeof(char*));
  net.external_input[0] = (char*) "data";
  net.n_external_output = 1;
  net.external_output = xcalloc(1, sizeof(char*));
  net.external_output[0] = (char*) (output_325 ? "325" : "softmax");
  return pack(&net, size);
}

static void write_file(const char* dir, const char* sub, const char* name, const void* a, size_t na, const void* b,
                       size_t nb) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s/%s", dir, sub, name);
  FILE* f = fopen(path, "wb");
  if (f == NULL || fwrite(a, 1, na, f) != na || (nb != 0 && fwrite(b, 1, nb, f) != nb) || fclose(f) != 0) {
    fprintf(stderr, "fuzz_seeds: cannot write %s\n", path);
    exit(1);
  }
  printf("  %s/%s: %zu bytes\n", sub, name, na + nb);
}

static uint8_t* read_file(const char* dir, const char* name, size_t* size) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE* f = fopen(path, "rb");
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  const long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t* data = xcalloc((size_t) n, 1);
  *size = fread(data, 1, (size_t) n, f);
  fclose(f);
  return data;
}

/* Writes the pair in fuzz_convert.c's split format, and its blob (converted with the same options). */
static void emit_pair(const char* dir, const char* name, const uint8_t* init, size_t ni, const uint8_t* pred, size_t np,
                      uint8_t input_size) {
  uint8_t* split = xcalloc(5 + ni + np, 1);
  for (int i = 0; i < 4; i++) split[i] = (uint8_t) (ni >> (8 * i));
  split[4] = input_size;
  memcpy(split + 5, init, ni);
  memcpy(split + 5 + ni, pred, np);
  char file[256];
  snprintf(file, sizeof file, "%s.bin", name);
  write_file(dir, "convert", file, split, 5 + ni + np, NULL, 0);
  free(split);
  struct q8rt_convert_options o;
  q8rt_convert_options_init(&o);
  if (input_size != 0) o.input_height = o.input_width = o.resize_shorter = input_size;
  void* blob = NULL;
  size_t blob_size = 0;
  char err[1024];
  if (!q8rt_convert_buffers(init, ni, pred, np, &o, &blob, &blob_size, NULL, err, sizeof err)) {
    fprintf(stderr, "fuzz_seeds: %s: %s\n", name, err);
    exit(1);
  }
  snprintf(file, sizeof file, "%s.q8rt", name);
  write_file(dir, "blob", file, blob, blob_size, NULL, 0);
  if (input_size != 0) write_file(dir, "blob", "header-only.q8rt", blob, 128, NULL, 0);
  free(blob);
  if (input_size != 0) { /* the same blob with a label table (10 classes, ASCII and multi-byte UTF-8 names) */
    static const char* const names[10] = {"zero", "one", "deux", "drei", "\xc3\xa9t\xc3\xa9", "\xe4\xba\x94",
                                          "six", "\xf0\x9f\x90\x88 cat", "eight", "nine"};
    o.labels = names;
    o.label_count = 10;
    if (!q8rt_convert_buffers(init, ni, pred, np, &o, &blob, &blob_size, NULL, err, sizeof err)) {
      fprintf(stderr, "fuzz_seeds: %s with labels: %s\n", name, err);
      exit(1);
    }
    snprintf(file, sizeof file, "%s-labels.q8rt", name);
    write_file(dir, "blob", file, blob, blob_size, NULL, 0);
    free(blob);
  }
}

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: fuzz_seeds CORPUS_DIR [CAFFE2_MODEL_DIR]\n");
    return 2;
  }
  const char* dir = argv[1];
  size_t ni, np;
  uint8_t* init = tiny_init(&ni);
  uint8_t* pred = tiny_predict(0, &np);
  emit_pair(dir, "tiny-8x8", init, ni, pred, np, 8);
  free(pred);
  pred = tiny_predict(1, &np);
  emit_pair(dir, "tiny-8x8-out325", init, ni, pred, np, 8);
  free(pred);
  free(init);
  if (argc == 3) {
    init = read_file(argv[2], "init_net.pb", &ni);
    pred = read_file(argv[2], "predict_net.pb", &np);
    if (init == NULL || pred == NULL) {
      fprintf(stderr, "fuzz_seeds: no init_net.pb / predict_net.pb in %s\n", argv[2]);
      return 1;
    }
    emit_pair(dir, "mobilenet-v2", init, ni, pred, np, 0);
    free(init);
    free(pred);
  }
  return 0;
}
