/* Converter IR (after lowering) -> struct q8rt_blob_contents. */
#pragma once

#include <stdbool.h>

#include "blob/blob_write.h"
#include "convert.h"
#include "graph.h"

struct cv_emitted {
  struct q8rt_blob_contents contents;
  struct q8rt_blob_tensor* tensors;
  const char** names;
  const void** data;
  struct q8rt_blob_op* ops;
  uint64_t weight_bytes;
};

/* Fills e (free with cv_emitted_free; the pointers reference g, which must outlive e). */
bool cv_emit(struct cv_graph* g, const struct q8rt_convert_options* opts, struct cv_emitted* e);
void cv_emitted_free(struct cv_emitted* e);
