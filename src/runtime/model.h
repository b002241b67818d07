/* A loaded model: the validated blob plus per-op resolved tensors and kernel parameters (immutable), and the
 * packed weights of every kernel configuration a session has used (src/ops/weight_cache.h: built once, shared). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "../blob/blob_read.h"
#include "../ops/op.h"
#include "../ops/weight_cache.h"
#include "q8rt.h"

struct q8rt_model {
  void* blob;                            /* 64-byte aligned: a private copy, or a read-only file mapping */
  size_t blob_size;
  bool mapped;                           /* blob is mmap'ed (q8rt_model_load_file) */
  struct q8rt_blob_view view;
  struct q8rt_model_op* ops;
  uint32_t op_count;
  uint32_t num_classes;
  uint64_t macs;
  uint64_t weight_bytes;                 /* raw weight and bias bytes in the blob */
  const char** labels;                   /* num_classes class names inside the blob, or NULL */
  struct q8rt_weight_cache* packed;      /* packed weights per (op, configuration), freed with the model */
};


/* File-mapped models (q8rt_model_load_file): drops the resident pages of the raw weights and biases (read from the
 * file again if a later session packs them for another configuration). Memory models: nothing. Thread-safe. */
void q8rt_model_release_raw(const struct q8rt_model* model);
