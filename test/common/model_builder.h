/* Test fixture: builds tiny single-op q8rt models in memory (blob writer + loader) for the operator tests. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "blob/format.h"
#include "q8rt.h"

struct builder {
  struct q8rt_blob_tensor t[8];
  const char* names[8];
  const void* data[8];
  uint32_t nt;
  struct q8rt_blob_op ops[4];
  uint32_t nops;
};

/* Adds a tensor record (the builder keeps at most 8) and returns its index. */
uint32_t add_tensor(struct builder* b, uint8_t kind, uint8_t dtype, uint8_t rank, const uint32_t* dims, float scale,
                    uint8_t zp);
/* Packed weights of a Q8RT_LAYOUT_GEMM / Q8RT_LAYOUT_DWCONV tensor (packed stays owned by the caller). */
uint32_t add_weights(struct builder* b, uint8_t layout, uint8_t rank, const uint32_t* dims, float scale, uint8_t zp,
                     const void* packed, size_t size);
/* A uint8 activation. */
uint32_t add_act(struct builder* b, uint8_t rank, const uint32_t* dims, float scale, uint8_t zp);
/* An op record with dilation 1, groups 1 and no clamp; the caller sets the rest. */
struct q8rt_blob_op* add_op(struct builder* b, uint16_t type, uint32_t x, uint32_t x2, uint32_t y);
/* Appends dequantize(logits) as the float output, serializes and loads the model (NULL on failure). */
q8rt_model* finish(struct builder* b, uint32_t input, uint32_t logits);
/* n random bytes (malloc). */
uint8_t* random_bytes(size_t n);
