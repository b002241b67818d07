#include "model_builder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blob/blob_write.h"
#include "test.h"


uint32_t add_tensor(struct builder* b, uint8_t kind, uint8_t dtype, uint8_t rank, const uint32_t* dims,
                           float scale, uint8_t zp) {
  static const char* names[] = {"t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9"};
  struct q8rt_blob_tensor* t = &b->t[b->nt];
  memset(t, 0, sizeof *t);
  t->kind = kind;
  t->dtype = dtype;
  t->rank = rank;
  for (int i = 0; i < rank; i++) t->dims[i] = dims[i];
  t->scale = scale;
  t->zero_point = zp;
  b->names[b->nt] = names[b->nt];
  b->data[b->nt] = NULL;
  return b->nt++;
}

uint32_t add_act(struct builder* b, uint8_t rank, const uint32_t* dims, float scale, uint8_t zp) {
  return add_tensor(b, Q8RT_TENSOR_ACTIVATION, Q8RT_DTYPE_U8, rank, dims, scale, zp);
}

uint32_t add_weights(struct builder* b, uint8_t rank, const uint32_t* dims, float scale, uint8_t zp, const uint8_t* w) {
  const uint32_t i = add_tensor(b, Q8RT_TENSOR_CONSTANT, Q8RT_DTYPE_U8, rank, dims, scale, zp);
  uint64_t n = 1;
  for (uint8_t d = 0; d < rank; d++) n *= dims[d];
  b->t[i].data_size = n;
  b->data[i] = w;
  return i;
}

uint32_t add_bias(struct builder* b, uint32_t n, float scale, const int32_t* bias) {
  const uint32_t i = add_tensor(b, Q8RT_TENSOR_CONSTANT, Q8RT_DTYPE_I32, 1, &n, scale, 0);
  b->t[i].data_size = (uint64_t) n * sizeof(int32_t);
  b->data[i] = bias;
  return i;
}

struct q8rt_blob_op* add_op(struct builder* b, uint16_t type, uint32_t x, uint32_t x2, uint32_t y) {
  struct q8rt_blob_op* op = &b->ops[b->nops++];
  memset(op, 0, sizeof *op);
  op->type = type;
  op->inputs[0] = x;
  op->inputs[1] = x2;
  op->inputs[2] = Q8RT_BLOB_NONE;
  op->output = y;
  op->output_max = 255;
  op->dilation_h = op->dilation_w = 1;
  op->groups = 1;
  return op;
}

/* Appends dequantize(logits) and loads the model. */
q8rt_model* finish(struct builder* b, uint32_t input, uint32_t logits) {
  const uint32_t out = add_tensor(b, Q8RT_TENSOR_ACTIVATION, Q8RT_DTYPE_F32, b->t[logits].rank, b->t[logits].dims,
                                  1.0f, 0);
  add_op(b, Q8RT_OP_DEQUANTIZE, logits, Q8RT_BLOB_NONE, out);
  struct q8rt_blob_contents c;
  memset(&c, 0, sizeof c);
  c.header.input_tensor = input;
  c.header.logits_tensor = logits;
  c.header.output_tensor = out;
  c.header.crop_height = b->t[input].dims[1];
  c.header.crop_width = b->t[input].dims[2];
  c.header.resize_shorter = c.header.crop_height > c.header.crop_width ? c.header.crop_height : c.header.crop_width;
  for (int i = 0; i < 3; i++) c.header.std[i] = 1.0f;
  c.tensors = b->t;
  c.tensor_names = b->names;
  c.tensor_data = b->data;
  c.tensor_count = b->nt;
  c.ops = b->ops;
  c.op_count = b->nops;
  void* blob;
  size_t size;
  char err[256];
  if (!q8rt_blob_serialize(&c, &blob, &size, err, sizeof err)) {
    fprintf(stderr, "serialize: %s\n", err);
    return NULL;
  }
  q8rt_model* m = NULL;
  const q8rt_status st = q8rt_model_load_from_memory(blob, size, &m);
  if (st != Q8RT_OK) fprintf(stderr, "load: %s\n", q8rt_last_error());
  free(blob);
  return m;
}

uint8_t* random_bytes(size_t n) {
  uint8_t* p = malloc(n);
  for (size_t i = 0; i < n; i++) p[i] = (uint8_t) test_rand_u32();
  return p;
}

