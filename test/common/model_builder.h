/* Test fixture: builds tiny single-op q8rt models in memory (blob writer + loader) for the operator tests. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "blob/format.h"
#include "q8rt.h"

struct builder {
  struct q8rt_blob_tensor t[10];
  const char* names[10];
  const void* data[10];
  uint32_t nt;
  struct q8rt_blob_op ops[4];
  uint32_t nops;
};

/* Adds a tensor record (the builder keeps at most 10) and returns its index. */
uint32_t add_tensor(struct builder* b, uint8_t kind, uint8_t dtype, uint8_t rank, const uint32_t* dims, float scale,
                    uint8_t zp);
/* Raw uint8 weights (OHWI; w stays owned by the caller) and an int32 bias [n] (docs/blob-format.md). Set the op's
 * inputs[1] / inputs[2] to them. */
uint32_t add_weights(struct builder* b, uint8_t rank, const uint32_t* dims, float scale, uint8_t zp, const uint8_t* w);
uint32_t add_bias(struct builder* b, uint32_t n, float scale, const int32_t* bias);
/* A uint8 activation. */
uint32_t add_act(struct builder* b, uint8_t rank, const uint32_t* dims, float scale, uint8_t zp);
/* An op record with dilation 1, groups 1 and no clamp; the caller sets the rest. */
struct q8rt_blob_op* add_op(struct builder* b, uint16_t type, uint32_t x, uint32_t x2, uint32_t y);
/* Appends dequantize(logits) as the float output, serializes and loads the model (NULL on failure). */
q8rt_model* finish(struct builder* b, uint32_t input, uint32_t logits);
/* n random bytes (malloc). */
uint8_t* random_bytes(size_t n);
