#include "blob_read.h"

#include <math.h>
#include <string.h>
#include <zlib.h>

#include "../common/common.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "q8rt blobs are little-endian; big-endian hosts are not supported"
#endif

uint64_t q8rt_blob_tensor_elements(const struct q8rt_blob_tensor* t) {
  uint64_t n = 1;
  for (uint32_t i = 0; i < t->rank && i < 4; i++) n *= t->dims[i];
  return n;
}

static uint32_t blob_crc(const uint8_t* data, size_t size) {
  const size_t at = offsetof(struct q8rt_blob_header, checksum);
  static const uint8_t zero[4];
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, data, (uInt) at);
  crc = crc32(crc, zero, 4);
  size_t pos = at + 4;
  while (pos < size) { /* crc32 takes uInt lengths */
    size_t chunk = q8rt_min_size(size - pos, (size_t) 1 << 30);
    crc = crc32(crc, data + pos, (uInt) chunk);
    pos += chunk;
  }
  return (uint32_t) crc;
}

/* [offset, offset + count * elem) lies inside [lo, size). */
static bool range_ok(uint64_t offset, uint64_t count, uint64_t elem, uint64_t lo, uint64_t size) {
  uint64_t bytes, end;
  if (__builtin_mul_overflow(count, elem, &bytes) || __builtin_add_overflow(offset, bytes, &end)) return false;
  return offset >= lo && end <= size;
}

static q8rt_status check_tensor(const struct q8rt_blob_view* v, uint32_t i, const char* what) {
  const struct q8rt_blob_tensor* t = &v->tensors[i];
  const struct q8rt_blob_header* h = v->header;
  if (!range_ok(t->name_offset, t->name_size, 1, 0, h->string_size)) {
    return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: tensor %u: name outside the string table", what, i);
  }
  if (t->rank < 1 || t->rank > 4) {
    return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: tensor %u: rank %u not in 1..4", what, i, t->rank);
  }
  for (uint32_t d = 0; d < t->rank; d++) {
    if (t->dims[d] < 1 || t->dims[d] > Q8RT_BLOB_MAX_DIM) {
      return q8rt_error(Q8RT_ERROR_LIMIT, "%s: tensor %u: dimension %u is %u (allowed 1..%u)", what, i, d,
                        t->dims[d], Q8RT_BLOB_MAX_DIM);
    }
  }
  for (uint32_t d = t->rank; d < 4; d++) {
    if (t->dims[d] != 0) {
      return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: tensor %u: unused dimension %u is %u, not 0", what, i, d,
                        t->dims[d]);
    }
  }
  static const uint8_t zero[8];
  if (t->reserved0 != 0 || memcmp(t->reserved1, zero, sizeof t->reserved1) != 0 ||
      memcmp(t->reserved, zero, sizeof t->reserved) != 0) {
    return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: tensor %u: reserved bytes are not zero", what, i);
  }
  /* dims <= 2^16 each, so four of them can reach 2^64: multiply with overflow checks (the only product that
   * wraps, 65536^4, would otherwise read as 0 elements). Constants are capped at the file cap. */
  uint64_t elements = 1;
  for (uint32_t d = 0; d < t->rank; d++) {
    if (__builtin_mul_overflow(elements, (uint64_t) t->dims[d], &elements)) elements = UINT64_MAX;
  }
  if (t->kind == Q8RT_TENSOR_CONSTANT && elements > Q8RT_BLOB_MAX_FILE_SIZE) {
    return q8rt_error(Q8RT_ERROR_LIMIT, "%s: tensor %u: %llu constant elements, more than a %llu-byte blob can hold",
                      what, i, (unsigned long long) elements, (unsigned long long) Q8RT_BLOB_MAX_FILE_SIZE);
  }
  if (!isfinite(t->scale) || !(t->scale > 0.0f)) {
    return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: tensor %u: scale %g is not positive and finite", what, i,
                      (double) t->scale);
  }
  if (t->kind == Q8RT_TENSOR_ACTIVATION) {
    if ((t->dtype != Q8RT_DTYPE_U8 && t->dtype != Q8RT_DTYPE_F32) || t->data_offset != 0 || t->data_size != 0) {
      return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: tensor %u: bad activation record", what, i);
    }
    if (elements > (UINT64_C(1) << 28)) {
      return q8rt_error(Q8RT_ERROR_LIMIT, "%s: tensor %u: more than 2^28 elements", what, i);
    }
    return Q8RT_OK;
  }
  if (t->kind != Q8RT_TENSOR_CONSTANT || (t->dtype != Q8RT_DTYPE_U8 && t->dtype != Q8RT_DTYPE_I32)) {
    return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: tensor %u: unknown kind %u / dtype %u", what, i, t->kind,
                      t->dtype);
  }
  if (t->dtype == Q8RT_DTYPE_I32 && (t->rank != 1 || t->zero_point != 0)) {
    return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: tensor %u: an int32 bias must have rank 1 and zero point 0",
                      what, i);
  }
  if (t->data_offset % Q8RT_BLOB_ALIGN != 0 || !range_ok(t->data_offset, t->data_size, 1, h->header_size, v->size)) {
    return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: tensor %u: data section [%llu, +%llu) misaligned or outside the file",
                      what, i, (unsigned long long) t->data_offset, (unsigned long long) t->data_size);
  }
  const uint64_t expected = elements * (t->dtype == Q8RT_DTYPE_I32 ? 4u : 1u);
  if (expected != t->data_size) {
    return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: tensor %u: %llu data bytes, expected %llu for its shape", what, i,
                      (unsigned long long) t->data_size, (unsigned long long) expected);
  }
  return Q8RT_OK;
}

/* Strict UTF-8 (no overlong forms, no surrogates, at most U+10FFFF). */
static bool utf8_ok(const uint8_t* s, size_t n) {
  size_t i = 0;
  while (i < n) {
    const uint8_t c = s[i];
    size_t len;
    uint32_t cp;
    if (c < 0x80) { i++; continue; }
    if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; }
    else return false;
    if (n - i < len) return false;
    for (size_t j = 1; j < len; j++) {
      if ((s[i + j] & 0xC0) != 0x80) return false;
      cp = cp << 6 | (s[i + j] & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
      return false;
    }
    i += len;
  }
  return true;
}

/* The optional label table: label_count NUL-terminated, valid UTF-8 strings filling exactly label_size bytes. */
static q8rt_status check_labels(struct q8rt_blob_view* v, const char* what) {
  const struct q8rt_blob_header* h = v->header;
  if (h->label_count == 0) {
    if (h->label_size != 0 || h->label_offset != 0) {
      return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: no class names but a label table size or offset", what);
    }
    return Q8RT_OK;
  }
  if (h->label_offset % 8 != 0 || !range_ok(h->label_offset, h->label_size, 1, h->header_size, v->size) ||
      h->label_size < h->label_count || h->label_count > Q8RT_BLOB_MAX_LABELS) {
    return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: label table of %u names, %u bytes at %u: misaligned, outside the "
                      "file or too small", what, h->label_count, h->label_size, h->label_offset);
  }
  const uint8_t* p = v->data + h->label_offset;
  if (p[h->label_size - 1] != 0) {
    return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: the label table does not end with a NUL", what);
  }
  uint32_t count = 0;
  for (uint32_t pos = 0; pos < h->label_size;) {
    const uint8_t* end = memchr(p + pos, 0, h->label_size - pos);
    const size_t len = (size_t) (end - (p + pos));
    if (!utf8_ok(p + pos, len)) {
      return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: class name %u is not valid UTF-8", what, count);
    }
    count++;
    pos += (uint32_t) len + 1;
  }
  if (count != h->label_count) {
    return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: the label table holds %u names, the header says %u", what, count,
                      h->label_count);
  }
  v->labels = (const char*) p;
  return Q8RT_OK;
}

q8rt_status q8rt_blob_parse(const void* data, size_t size, const char* what, struct q8rt_blob_view* v) {
  memset(v, 0, sizeof *v);
  const uint8_t* bytes = data;
  if (size < sizeof(struct q8rt_blob_header)) {
    return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: %zu bytes, too small for a q8rt blob (header is %zu bytes)", what,
                      size, sizeof(struct q8rt_blob_header));
  }
  const struct q8rt_blob_header* h = data;
  if (memcmp(h->magic, Q8RT_BLOB_MAGIC, 8) != 0) {
    return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: not a q8rt blob (bad magic)", what);
  }
  if (h->version == 1) {
    return q8rt_error(Q8RT_ERROR_UNSUPPORTED,
                      "%s: blob format version 1 (weights packed for one kernel) is no longer read; this q8rt reads "
                      "version %u: re-convert the model with `q8rt convert`", what,
                      Q8RT_BLOB_VERSION);
  }
  if (h->version == 2) {
    return q8rt_error(Q8RT_ERROR_UNSUPPORTED,
                      "%s: blob format version 2 (no arithmetic rule per op, no preprocessing kind) is no longer "
                      "read; this q8rt reads version %u: re-convert the model with `q8rt convert`", what,
                      Q8RT_BLOB_VERSION);
  }
  if (h->version != Q8RT_BLOB_VERSION) {
    return q8rt_error(Q8RT_ERROR_UNSUPPORTED, "%s: blob format version %u, this q8rt reads version %u", what,
                      h->version, Q8RT_BLOB_VERSION);
  }
  if (h->header_size != sizeof(struct q8rt_blob_header)) {
    return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: header size %u, expected %zu", what, h->header_size,
                      sizeof(struct q8rt_blob_header));
  }
  if (size > Q8RT_BLOB_MAX_FILE_SIZE) {
    return q8rt_error(Q8RT_ERROR_LIMIT, "%s: %zu bytes, larger than the %llu-byte cap", what, size,
                      (unsigned long long) Q8RT_BLOB_MAX_FILE_SIZE);
  }
  if (h->file_size != size) {
    return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: truncated or padded: header says %llu bytes, file has %zu", what,
                      (unsigned long long) h->file_size, size);
  }
  const uint32_t crc = blob_crc(bytes, size);
  if (crc != h->checksum) {
    return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: checksum mismatch (stored %08x, computed %08x): file is corrupt",
                      what, h->checksum, crc);
  }
  if (h->tensor_count == 0 || h->tensor_count > Q8RT_BLOB_MAX_TENSORS || h->op_count == 0 ||
      h->op_count > Q8RT_BLOB_MAX_OPS) {
    return q8rt_error(Q8RT_ERROR_LIMIT, "%s: %u tensors and %u ops (allowed 1..%u each)", what, h->tensor_count,
                      h->op_count, Q8RT_BLOB_MAX_OPS);
  }
  if (h->tensor_table_offset % 8 != 0 || h->op_table_offset % 8 != 0 ||
      !range_ok(h->tensor_table_offset, h->tensor_count, sizeof(struct q8rt_blob_tensor), h->header_size, size) ||
      !range_ok(h->op_table_offset, h->op_count, sizeof(struct q8rt_blob_op), h->header_size, size) ||
      !range_ok(h->string_table_offset, h->string_size, 1, h->header_size, size)) {
    return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: a table lies outside the file or is misaligned", what);
  }
  v->data = bytes;
  v->size = size;
  v->header = h;
  v->tensors = (const struct q8rt_blob_tensor*) (bytes + h->tensor_table_offset);
  v->ops = (const struct q8rt_blob_op*) (bytes + h->op_table_offset);
  v->strings = (const char*) (bytes + h->string_table_offset);

  for (uint32_t i = 0; i < h->tensor_count; i++) {
    q8rt_status status = check_tensor(v, i, what);
    if (status != Q8RT_OK) return status;
  }
  for (uint32_t i = 0; i < h->op_count; i++) {
    const struct q8rt_blob_op* op = &v->ops[i];
    for (int j = 0; j < 3; j++) {
      if (op->inputs[j] != Q8RT_BLOB_NONE && op->inputs[j] >= h->tensor_count) {
        return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: op %u: input %d is tensor %u of %u", what, i, j,
                          op->inputs[j], h->tensor_count);
      }
    }
    static const uint8_t zero_op[sizeof op->reserved] = {0};
    if (op->rule > Q8RT_BLOB_RULE_TFLITE_SINGLE || op->activation > Q8RT_ACTIVATION_RELU6 ||
        memcmp(op->reserved, zero_op, sizeof op->reserved) != 0) {
      return q8rt_error(Q8RT_ERROR_INVALID_MODEL,
                        "%s: op %u: unknown arithmetic rule %u or activation %u, or reserved bytes not zero", what, i,
                        op->rule, op->activation);
    }
    if (op->output >= h->tensor_count || v->tensors[op->output].kind != Q8RT_TENSOR_ACTIVATION) {
      return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: op %u: output %u is not an activation tensor", what, i,
                        op->output);
    }
  }
  if (h->input_tensor >= h->tensor_count || h->logits_tensor >= h->tensor_count ||
      h->output_tensor >= h->tensor_count) {
    return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: input/logits/output tensor index out of range", what);
  }
  q8rt_status label_status = check_labels(v, what);
  if (label_status != Q8RT_OK) return label_status;
  if (h->channel_order > Q8RT_CHANNELS_BGR) {
    return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: unknown channel order %u", what, h->channel_order);
  }
  for (int c = 0; c < 3; c++) {
    if (!isfinite(h->mean[c]) || !isfinite(h->std[c]) || h->std[c] == 0.0f) {
      return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: preprocessing mean/std not finite or std is 0", what);
    }
  }
  static const uint8_t zero_header[sizeof h->reserved] = {0};
  const bool central = h->preprocess == Q8RT_PREPROCESS_CENTRAL_CROP;
  if (h->preprocess > Q8RT_PREPROCESS_CENTRAL_CROP ||
      (central ? !(h->crop_fraction > 0.0f && h->crop_fraction <= 1.0f) : h->crop_fraction != 0.0f)) {
    return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: unknown preprocessing %u or crop fraction %g out of range", what,
                      h->preprocess, (double) h->crop_fraction);
  }
  if (h->source > Q8RT_SOURCE_TFLITE ||
      memcmp(h->reserved, zero_header, sizeof h->reserved) != 0) {
    return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: unknown source format %u or reserved header bytes not zero", what,
                      h->source);
  }
  return Q8RT_OK;
}
