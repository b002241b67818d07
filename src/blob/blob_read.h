/* Blob reader: validates the container (src/blob/format.h) and exposes its tables. Op semantics
 * (shapes, parameters) are validated by the model loader (src/runtime/model.c). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "format.h"
#include "q8rt.h"

struct q8rt_blob_view {
  const uint8_t* data; /* 64-byte aligned */
  size_t size;
  const struct q8rt_blob_header* header;
  const struct q8rt_blob_tensor* tensors;
  const struct q8rt_blob_op* ops;
  const char* strings;
  const char* labels; /* the label table (label_count NUL-terminated UTF-8 names) or NULL */
};

/* data must be 64-byte aligned and stay alive as long as the view. Checks magic, version, sizes, the
 * checksum, table bounds, every tensor record (enums, rank, dims, scale, reserved bytes, name and data ranges,
 * data sizes), the optional label table (UTF-8, count) and every op's tensor indices. Errors: INVALID_MODEL,
 * UNSUPPORTED (version 1 or a newer version), LIMIT. The message starts with `what` (e.g. the file name). */
q8rt_status q8rt_blob_parse(const void* data, size_t size, const char* what, struct q8rt_blob_view* view);

/* Number of elements of a tensor (product of its dims). Exact for tensors q8rt_blob_parse accepted: it
 * rejects the one shape whose product wraps (65536^4) by capping activations at 2^28 elements and weights at
 * Q8RT_BLOB_MAX_FILE_SIZE elements. */
uint64_t q8rt_blob_tensor_elements(const struct q8rt_blob_tensor* t);
