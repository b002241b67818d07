/* Blob writer: lays out and writes a q8rt blob (src/blob/format.h). Used by the converter and tests. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "format.h"

struct q8rt_blob_contents {
  /* The caller fills input_tensor, logits_tensor, output_tensor and the preprocessing fields;
   * the writer fills magic, version, sizes, counts, offsets and checksum. */
  struct q8rt_blob_header header;
  /* The caller fills every field except name_offset/name_size and data_offset (the writer sets them).
   * data_size must be set for constant tensors. */
  struct q8rt_blob_tensor* tensors;
  const char* const* tensor_names;   /* tensor_count NUL-terminated names */
  const void* const* tensor_data;    /* tensor_count pointers; NULL for activations */
  uint32_t tensor_count;
  const struct q8rt_blob_op* ops;
  uint32_t op_count;
  /* Optional class names (label_count 0: none): label_count NUL-terminated UTF-8 strings. The writer fills
   * the header's label fields. */
  const char* const* labels;
  uint32_t label_count;
};

/* Serializes into a malloc'ed buffer (*data, *size), 64-byte aligned sections, checksum set.
 * Returns false (and writes a message into err) on overflow or out of memory. */
bool q8rt_blob_serialize(const struct q8rt_blob_contents* contents, void** data, size_t* size,
                         char* err, size_t err_size);

/* Writes atomically: a temporary file in the same directory, fsync, rename. On any failure the
 * temporary file is removed, nothing exists at path that was not there before, and err names the
 * path and the reason. */
bool q8rt_blob_write_file(const char* path, const struct q8rt_blob_contents* contents,
                          char* err, size_t err_size);
