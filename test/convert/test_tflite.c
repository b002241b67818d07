/* The TFLite importer on the two real models and on damaged copies of them: every damaged file converts to a
 * blob the loader accepts, or fails with a message that names the problem, and never crashes (make check-asan
 * runs this under ASan/UBSan). The damage is placed with the FlatBuffers reader itself (a field of a given table),
 * so each case hits the check it names. Needs $Q8RT_TFLITE_DIR (the Makefile exports it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert/caffe2_read.h"
#include "convert/convert.h"
#include "convert/flatbuf.h"
#include "convert/tflite_import.h"
#include "q8rt.h"
#include "test.h"

/* Converts with the options `q8rt convert` derives; returns true on success (blob loaded and freed). */
static bool convert(const uint8_t* data, size_t size, char* err, size_t err_size, uint32_t* ops) {
  struct q8rt_convert_options opts;
  q8rt_convert_options_init(&opts);
  struct cv_tflite_probe probe;
  err[0] = '\0';
  if (cv_tflite_probe(data, size, "m.tflite", &probe, err, err_size)) {
    q8rt_convert_options_tflite(&opts, probe.input_height, probe.input_width, probe.input_scale,
                                probe.input_zero_point, probe.output_elements);
  } else {
    CHECKF(err[0] != '\0', "a failed probe explains itself");
  }
  void* blob = NULL;
  size_t blob_size = 0;
  struct q8rt_convert_stats stats;
  err[0] = '\0';
  if (!q8rt_convert_tflite_buffer(data, size, "m.tflite", &opts, &blob, &blob_size, &stats, err, err_size)) {
    CHECKF(blob == NULL && err[0] != '\0', "a failed conversion explains itself and returns no blob");
    return false;
  }
  q8rt_model* model = NULL;
  CHECKF(q8rt_model_load_from_memory(blob, blob_size, &model) == Q8RT_OK, "the loader accepts the blob: %s",
         q8rt_last_error());
  if (ops != NULL) *ops = stats.op_count;
  q8rt_model_free(model);
  free(blob);
  return true;
}

static void expect_error(const uint8_t* data, size_t size, const char* needle, const char* what) {
  char err[1024];
  const bool ok = convert(data, size, err, sizeof err, NULL);
  CHECKF(!ok && strstr(err, needle) != NULL, "%s: expected an error containing \"%s\", got %s: %s", what, needle,
         ok ? "success" : "failure", err);
}

/* Locations inside the model, found with the reader. */
struct where {
  struct fb_reader r;
  struct fb_table root, subgraph;
  struct fb_vector tensors, operators, opcodes;
};

static bool locate(const uint8_t* data, size_t size, struct where* w) {
  char err[256];
  bool present;
  struct fb_vector subgraphs;
  return fb_init(&w->r, data, size, "TFL3", &w->root, err, sizeof err) &&
         fb_vector_field(&w->r, &w->root, 2, 4, &subgraphs, &present) &&
         fb_vector_field(&w->r, &w->root, 1, 4, &w->opcodes, &present) &&
         fb_vector_table(&w->r, &subgraphs, 0, &w->subgraph) &&
         fb_vector_field(&w->r, &w->subgraph, 0, 4, &w->tensors, &present) &&
         fb_vector_field(&w->r, &w->subgraph, 3, 4, &w->operators, &present);
}

/* Builtin code of operator i (larger of the two opcode fields). */
static int32_t op_code(const struct where* w, uint32_t i) {
  struct fb_table op, code;
  uint32_t index;
  int8_t dep;
  int32_t builtin;
  fb_vector_table(&w->r, &w->operators, i, &op);
  fb_u32(&w->r, &op, 0, 0, &index);
  fb_vector_table(&w->r, &w->opcodes, index, &code);
  fb_i8(&w->r, &code, 0, 0, &dep);
  fb_i32(&w->r, &code, 3, 0, &builtin);
  return builtin > dep ? builtin : dep;
}

/* First operator with builtin code `code`, or UINT32_MAX. */
static uint32_t find_op(const struct where* w, int32_t code) {
  for (uint32_t i = 0; i < w->operators.length; i++) {
    if (op_code(w, i) == code) return i;
  }
  return UINT32_MAX;
}

/* Position of field `id` of operator i's options table (0 if absent). */
static uint32_t option_pos(const struct where* w, uint32_t i, unsigned id, unsigned width) {
  struct fb_table op, opt;
  bool present;
  uint32_t pos = 0;
  fb_vector_table(&w->r, &w->operators, i, &op);
  if (!fb_table_field(&w->r, &op, 4, &opt, &present) || !present) return 0;
  fb_field(&w->r, &opt, id, width, &pos);
  return pos;
}

/* Position of field `id` of the tensor that is input `j` of operator i. */
static uint32_t tensor_field(const struct where* w, uint32_t i, uint32_t j, unsigned id, unsigned width) {
  struct fb_table op, t;
  struct fb_vector inputs;
  bool present;
  uint32_t pos = 0;
  fb_vector_table(&w->r, &w->operators, i, &op);
  fb_vector_field(&w->r, &op, 1, 4, &inputs, &present);
  fb_vector_table(&w->r, &w->tensors, (uint32_t) fb_vector_i32(&w->r, &inputs, j), &t);
  fb_field(&w->r, &t, id, width, &pos);
  return pos;
}

static uint32_t opcode_field(const struct where* w, uint32_t i, unsigned id, unsigned width) {
  struct fb_table op, code;
  uint32_t index, pos = 0;
  fb_vector_table(&w->r, &w->operators, i, &op);
  fb_u32(&w->r, &op, 0, 0, &index);
  fb_vector_table(&w->r, &w->opcodes, index, &code);
  fb_field(&w->r, &code, id, width, &pos);
  return pos;
}

static void patch(const uint8_t* model, size_t size, uint32_t pos, const void* bytes, size_t n, const char* needle,
                  const char* what) {
  CHECKF(pos != 0, "%s: field not found in the model", what);
  if (pos == 0) return;
  uint8_t* copy = malloc(size);
  memcpy(copy, model, size);
  memcpy(copy + pos, bytes, n);
  expect_error(copy, size, needle, what);
  free(copy);
}

static void damaged_copies(const uint8_t* model, size_t size) {
  struct where w;
  CHECK(locate(model, size, &w));
  const uint32_t conv = find_op(&w, 3), dw = find_op(&w, 4), softmax = find_op(&w, 25);
  CHECK(conv != UINT32_MAX && dw != UINT32_MAX && softmax != UINT32_MAX);
  if (conv == UINT32_MAX || dw == UINT32_MAX || softmax == UINT32_MAX) return;

  /* The operator code is the larger of deprecated_builtin_code and builtin_code: change both. */
  {
    const uint32_t dep = opcode_field(&w, conv, 0, 1), builtin = opcode_field(&w, conv, 3, 4);
    CHECK(dep != 0);
    uint8_t* copy = malloc(size);
    memcpy(copy, model, size);
    const int8_t concat = 2;
    const int32_t concat32 = 2;
    if (dep != 0) memcpy(copy + dep, &concat, 1);
    if (builtin != 0) memcpy(copy + builtin, &concat32, 4);
    expect_error(copy, size, "builtin operator 2 is not supported", "operator code");
    free(copy);
  }
  const int8_t int8 = 9, f32 = 0;
  patch(model, size, tensor_field(&w, conv, 1, 1, 1), &int8, 1, "is int8", "int8 weights");
  patch(model, size, tensor_field(&w, conv, 0, 1, 1), &f32, 1, "float32", "float activation");
  const int32_t big_buffer = 1 << 30;
  patch(model, size, tensor_field(&w, conv, 1, 2, 4), &big_buffer, 4, "buffer index", "buffer out of range");
  const uint8_t bad_padding = 5, tanh_act = 4;
  /* SAME is the schema default, so only a VALID padding is stored: the average pool's. */
  const uint32_t pool = find_op(&w, 1);
  CHECK(pool != UINT32_MAX);
  if (pool != UINT32_MAX) patch(model, size, option_pos(&w, pool, 0, 1), &bad_padding, 1, "unknown padding", "padding");
  patch(model, size, option_pos(&w, conv, 3, 1), &tanh_act, 1, "fused activation 4", "activation");
  const int32_t two = 2, zero = 0;
  patch(model, size, option_pos(&w, dw, 3, 4), &two, 4, "depth multiplier 2", "depth multiplier");
  patch(model, size, option_pos(&w, conv, 1, 4), &zero, 4, "stride", "stride 0");
  const float beta = 2.0f;
  patch(model, size, option_pos(&w, softmax, 0, 4), &beta, 4, "beta 2", "softmax beta");
  /* A declared output shape that does not follow from the input: the first conv's output height. */
  {
    struct fb_table op, t;
    struct fb_vector outputs, shape;
    bool present;
    fb_vector_table(&w.r, &w.operators, conv, &op);
    fb_vector_field(&w.r, &op, 2, 4, &outputs, &present);
    fb_vector_table(&w.r, &w.tensors, (uint32_t) fb_vector_i32(&w.r, &outputs, 0), &t);
    fb_vector_field(&w.r, &t, 0, 4, &shape, &present);
    const int32_t h = fb_vector_i32(&w.r, &shape, 1) + 1;
    patch(model, size, shape.pos + 4, &h, 4, "is declared", "output shape");
  }
  /* The identifier, and truncations at every size class. */
  uint8_t* copy = malloc(size);
  memcpy(copy, model, size);
  memcpy(copy + 4, "TFL2", 4);
  expect_error(copy, size, "not a TFLite model", "identifier");
  memcpy(copy + 4, "TFL3", 4);
  const size_t cuts[] = {0, 3, 8, 12, 64, 1000, 65536, size / 2};
  for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
    char err[1024];
    CHECKF(!convert(copy, cuts[i], err, sizeof err, NULL), "truncated to %zu bytes must fail", cuts[i]);
  }
  /* Random damage: single bytes, anywhere in the first 64 KiB (tables, vtables, offsets) and anywhere at all. */
  test_rng_seed(14);
  const unsigned rounds = getenv("Q8RT_TEST_QUICK") != NULL ? 60 : 400;
  unsigned converted = 0;
  for (unsigned k = 0; k < rounds; k++) {
    memcpy(copy, model, size);
    const size_t limit = k % 2 ? size : (size < 65536 ? size : 65536);
    for (unsigned j = 0; j < 1 + k % 4; j++) copy[test_rand_u32() % limit] = (uint8_t) test_rand_u32();
    char err[1024];
    converted += convert(copy, size, err, sizeof err, NULL);
  }
  printf("  %u of %u randomly damaged copies still converted (the others failed cleanly)\n", converted, rounds);
  free(copy);
}

int main(void) {
  const char* dir = getenv("Q8RT_TFLITE_DIR");
  if (dir == NULL) dir = "../shared/models/tflite-mobilenet-quant";
  static const char* const models[] = {"mobilenet_v2_1.0_224_quant.tflite", "mobilenet_v1_0.5_160_quant.tflite"};
  /* Op counts from the architectures (not from the files): MobileNetV2 has 53 convolutions (36 dense: the stem,
   * 16 expansions, 17 projections, the 1280-channel 1x1 and the 1x1 classifier; 17 depthwise), 10 residual ADDs,
   * 1 AVERAGE_POOL_2D, 1 SOFTMAX; MobileNetV1 has 28 convolutions (the stem, 13 depthwise + 13 pointwise, the 1x1
   * classifier), 1 AVERAGE_POOL_2D, 1 SOFTMAX. The blob adds the final Dequantize; RESHAPE / SQUEEZE become
   * aliases. */
  static const uint32_t expected_ops[] = {53 + 10 + 1 + 1 + 1, 28 + 1 + 1 + 1};
  for (int m = 0; m < 2; m++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, models[m]);
    size_t size = 0;
    uint8_t* model = NULL;
    char read_err[512];
    CHECKF(cv_read_file(path, &model, &size, read_err, sizeof read_err), "%s", read_err);
    if (model == NULL) continue;
    printf("%s (%zu bytes)\n", models[m], size);
    char err[1024];
    uint32_t ops = 0;
    CHECKF(convert(model, size, err, sizeof err, &ops), "%s converts: %s", models[m], err);
    CHECKF(ops == expected_ops[m], "%s: %u ops in the blob, expected %u", models[m], ops, expected_ops[m]);
    damaged_copies(model, size);
    free(model);
  }
  /* Not FlatBuffers at all. */
  static const uint8_t junk[64] = "0000TFL3 this is not a flatbuffer";
  expect_error(junk, sizeof junk, "corrupt TFLite file", "junk with the identifier");
  return test_summary("test_tflite");
}
