/* q8rt blob writer (format in format.h). */
#include "blob/blob_write.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the blob writer stores host-order integers: little-endian hosts only"
#endif

static uint64_t align_up(uint64_t x, uint64_t a) { return (x + a - 1) / a * a; }

bool q8rt_blob_serialize(const struct q8rt_blob_contents* c, void** data, size_t* size, char* err,
                         size_t err_size) {
  *data = NULL;
  *size = 0;
  if (c->tensor_count > Q8RT_BLOB_MAX_TENSORS || c->op_count > Q8RT_BLOB_MAX_OPS) {
    snprintf(err, err_size, "blob: %u tensors / %u ops exceed the limits (%u / %u)", c->tensor_count, c->op_count,
             Q8RT_BLOB_MAX_TENSORS, Q8RT_BLOB_MAX_OPS);
    return false;
  }
  if ((c->tensor_count > 0 && (c->tensors == NULL || c->tensor_names == NULL || c->tensor_data == NULL)) ||
      (c->op_count > 0 && c->ops == NULL)) {
    snprintf(err, err_size, "blob: missing tensor or op arrays");
    return false;
  }
  uint64_t off = sizeof(struct q8rt_blob_header);
  const uint64_t tensor_table = align_up(off, 8);
  off = tensor_table + (uint64_t) c->tensor_count * sizeof(struct q8rt_blob_tensor);
  const uint64_t op_table = align_up(off, 8);
  off = op_table + (uint64_t) c->op_count * sizeof(struct q8rt_blob_op);
  const uint64_t string_table = align_up(off, 8);
  uint64_t string_size = 0;
  for (uint32_t i = 0; i < c->tensor_count; i++) {
    if (c->tensor_names[i] == NULL) {
      snprintf(err, err_size, "blob: tensor %u has no name", i);
      return false;
    }
    string_size += strlen(c->tensor_names[i]);
    if (string_size > UINT32_MAX) {
      snprintf(err, err_size, "blob: string table too large");
      return false;
    }
  }
  uint64_t label_table = 0, label_size = 0;
  if (c->label_count > 0) {
    if (c->labels == NULL || c->label_count > Q8RT_BLOB_MAX_LABELS) {
      snprintf(err, err_size, "blob: %u class names: missing or more than %u", c->label_count, Q8RT_BLOB_MAX_LABELS);
      return false;
    }
    for (uint32_t i = 0; i < c->label_count; i++) {
      if (c->labels[i] == NULL) {
        snprintf(err, err_size, "blob: class name %u is missing", i);
        return false;
      }
      label_size += strlen(c->labels[i]) + 1;
      if (label_size > UINT32_MAX / 2) {
        snprintf(err, err_size, "blob: label table too large");
        return false;
      }
    }
    label_table = align_up(string_table + string_size, 8);
  }
  off = c->label_count > 0 ? label_table + label_size : string_table + string_size;
  for (uint32_t i = 0; i < c->tensor_count; i++) {
    const struct q8rt_blob_tensor* t = &c->tensors[i];
    if (t->kind != Q8RT_TENSOR_CONSTANT) continue;
    if (t->data_size > 0 && c->tensor_data[i] == NULL) {
      snprintf(err, err_size, "blob: constant tensor \"%s\" has no data", c->tensor_names[i]);
      return false;
    }
    if (t->data_size > Q8RT_BLOB_MAX_FILE_SIZE) goto too_large;
    off = align_up(off, Q8RT_BLOB_ALIGN) + t->data_size;
    if (off > Q8RT_BLOB_MAX_FILE_SIZE) goto too_large;
  }
  if (off > Q8RT_BLOB_MAX_FILE_SIZE || off > SIZE_MAX) goto too_large;

  uint8_t* buf = calloc(1, (size_t) off);
  if (buf == NULL) {
    snprintf(err, err_size, "blob: out of memory (%llu bytes)", (unsigned long long) off);
    return false;
  }
  struct q8rt_blob_header h = c->header;
  memcpy(h.magic, Q8RT_BLOB_MAGIC, sizeof h.magic);
  h.version = Q8RT_BLOB_VERSION;
  h.header_size = sizeof(struct q8rt_blob_header);
  h.file_size = off;
  h.checksum = 0;
  h.tensor_count = c->tensor_count;
  h.op_count = c->op_count;
  h.string_size = (uint32_t) string_size;
  h.tensor_table_offset = tensor_table;
  h.op_table_offset = op_table;
  h.string_table_offset = string_table;
  h.label_count = c->label_count;
  h.label_size = (uint32_t) label_size;
  h.label_offset = (uint32_t) label_table;
  memcpy(buf, &h, sizeof h);
  for (uint64_t i = 0, pos = label_table; i < c->label_count; i++) {
    const size_t len = strlen(c->labels[i]) + 1;
    memcpy(buf + pos, c->labels[i], len);
    pos += len;
  }

  uint64_t str = 0, data_off = c->label_count > 0 ? label_table + label_size : string_table + string_size;
  for (uint32_t i = 0; i < c->tensor_count; i++) {
    struct q8rt_blob_tensor t = c->tensors[i];
    const size_t len = strlen(c->tensor_names[i]);
    t.name_offset = (uint32_t) str;
    t.name_size = (uint32_t) len;
    memcpy(buf + string_table + str, c->tensor_names[i], len);
    str += len;
    if (t.kind == Q8RT_TENSOR_CONSTANT) {
      data_off = align_up(data_off, Q8RT_BLOB_ALIGN);
      t.data_offset = data_off;
      if (t.data_size > 0) memcpy(buf + data_off, c->tensor_data[i], (size_t) t.data_size);
      data_off += t.data_size;
    } else {
      t.data_offset = 0;
      t.data_size = 0;
    }
    memcpy(buf + tensor_table + (uint64_t) i * sizeof t, &t, sizeof t);
  }
  if (c->op_count > 0) memcpy(buf + op_table, c->ops, (size_t) c->op_count * sizeof(struct q8rt_blob_op));

  const uint32_t crc = (uint32_t) crc32(crc32(0L, Z_NULL, 0), buf, (uInt) off);
  memcpy(buf + offsetof(struct q8rt_blob_header, checksum), &crc, sizeof crc);
  *data = buf;
  *size = (size_t) off;
  return true;

too_large:
  snprintf(err, err_size, "blob: too large (more than %llu bytes)", (unsigned long long) Q8RT_BLOB_MAX_FILE_SIZE);
  return false;
}

static bool write_all(int fd, const uint8_t* p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n > (1u << 30) ? (1u << 30) : n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (w == 0) {
      errno = EIO;
      return false;
    }
    p += w;
    n -= (size_t) w;
  }
  return true;
}

bool q8rt_blob_write_file(const char* path, const struct q8rt_blob_contents* contents, char* err,
                          size_t err_size) {
  void* data = NULL;
  size_t size = 0;
  char serialize_err[256];
  if (!q8rt_blob_serialize(contents, &data, &size, serialize_err, sizeof serialize_err)) {
    snprintf(err, err_size, "%s: %s", path, serialize_err);
    return false;
  }
  /* Temporary file in the same directory as path (so rename is atomic). */
  const char* slash = strrchr(path, '/');
  const size_t dir_len = slash == NULL ? 0 : (size_t) (slash - path) + 1;
  const char* base = slash == NULL ? path : slash + 1;
  const size_t tmp_size = strlen(path) + 16;
  char* tmp = malloc(tmp_size);
  if (tmp == NULL) {
    free(data);
    snprintf(err, err_size, "%s: out of memory", path);
    return false;
  }
  snprintf(tmp, tmp_size, "%.*s.%s.XXXXXX", (int) dir_len, path, base);
  int fd = mkstemp(tmp);
  if (fd < 0) {
    snprintf(err, err_size, "%s: cannot create a temporary file in its directory: %s", path, strerror(errno));
    free(tmp);
    free(data);
    return false;
  }
  const char* step = NULL;
  if (fchmod(fd, 0644) != 0) step = "chmod";
  else if (!write_all(fd, data, size)) step = "write";
  else if (fsync(fd) != 0) step = "fsync";
  int saved = errno;
  if (close(fd) != 0 && step == NULL) {
    step = "close";
    saved = errno;
  }
  if (step == NULL && rename(tmp, path) != 0) {
    step = "rename";
    saved = errno;
  }
  free(data);
  if (step != NULL) {
    unlink(tmp);
    snprintf(err, err_size, "%s: cannot write (%s of temporary file %s failed): %s", path, step, tmp, strerror(saved));
    free(tmp);
    return false;
  }
  free(tmp);
  return true;
}
