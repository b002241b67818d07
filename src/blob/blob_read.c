#include "blob_read.h"

#include <math.h>
#include <string.h>
#include <zlib.h>

#include "../../kernels/layout.h"
#include "../common/common.h"
#include "../pack/pack_size.h"

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
  /* dims <= 2^16 each, so four of them can reach 2^64: multiply with overflow checks (the only product that
   * wraps, 65536^4, would otherwise read as 0 elements). Weights are capped at the file cap, which also keeps
   * the packed-size arithmetic of pack_size.h (about 2 bytes per element plus panel padding) far from 2^64. */
  uint64_t elements = 1;
  for (uint32_t d = 0; d < t->rank; d++) {
    if (__builtin_mul_overflow(elements, (uint64_t) t->dims[d], &elements)) elements = UINT64_MAX;
  }
  if (t->kind == Q8RT_TENSOR_WEIGHTS && elements > Q8RT_BLOB_MAX_FILE_SIZE) {
    return q8rt_error(Q8RT_ERROR_LIMIT, "%s: tensor %u: %llu weight elements, more than a %llu-byte blob can hold",
                      what, i, (unsigned long long) elements, (unsigned long long) Q8RT_BLOB_MAX_FILE_SIZE);
  }
  if (!isfinite(t->scale) || !(t->scale > 0.0f)) {
    return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: tensor %u: scale %g is not positive and finite", what, i,
                      (double) t->scale);
  }
  if (t->kind == Q8RT_TENSOR_ACTIVATION) {
    if ((t->dtype != Q8RT_DTYPE_U8 && t->dtype != Q8RT_DTYPE_F32) || t->layout != 0 || t->data_offset != 0 ||
        t->data_size != 0) {
      return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: tensor %u: bad activation record", what, i);
    }
    if (elements > (UINT64_C(1) << 28)) {
      return q8rt_error(Q8RT_ERROR_LIMIT, "%s: tensor %u: more than 2^28 elements", what, i);
    }
    return Q8RT_OK;
  }
  if (t->kind != Q8RT_TENSOR_WEIGHTS || t->dtype != Q8RT_DTYPE_PACKED) {
    return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: tensor %u: unknown kind %u / dtype %u", what, i, t->kind,
                      t->dtype);
  }
  if (t->data_offset % Q8RT_BLOB_ALIGN != 0 || !range_ok(t->data_offset, t->data_size, 1, h->header_size, v->size)) {
    return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: tensor %u: data section [%llu, +%llu) misaligned or outside the file",
                      what, i, (unsigned long long) t->data_offset, (unsigned long long) t->data_size);
  }
  uint64_t expected;
  if (t->layout == Q8RT_LAYOUT_GEMM && t->layout_nr == Q8RT_GEMM_NR && t->layout_kr == Q8RT_GEMM_KR) {
    /* conv [Cout, KH, KW, Cin] or FC [Cout, K] */
    const uint64_t n = t->dims[0];
    uint64_t ks = 1, kc = t->dims[t->rank - 1];
    if (t->rank == 4) ks = (uint64_t) t->dims[1] * t->dims[2];
    else if (t->rank != 2) return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: tensor %u: GEMM weights of rank %u", what, i, t->rank);
    expected = q8rt_packed_gemm_bytes(n, kc, ks);
  } else if (t->layout == Q8RT_LAYOUT_DWCONV && t->layout_nr == Q8RT_DW_CR) {
    if (t->rank != 4 || t->dims[1] != 3 || t->dims[2] != 3 || t->dims[3] != 1) {
      return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: tensor %u: depthwise weights must be [C,3,3,1]", what, i);
    }
    expected = q8rt_packed_dw_bytes(t->dims[0]);
  } else {
    return q8rt_error(Q8RT_ERROR_UNSUPPORTED, "%s: tensor %u: unknown packed layout %u (nr %u, kr %u)", what, i,
                      t->layout, t->layout_nr, t->layout_kr);
  }
  if (expected != t->data_size) {
    return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: tensor %u: %llu packed bytes, expected %llu for its shape", what, i,
                      (unsigned long long) t->data_size, (unsigned long long) expected);
  }
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
    if (op->output >= h->tensor_count || v->tensors[op->output].kind != Q8RT_TENSOR_ACTIVATION) {
      return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: op %u: output %u is not an activation tensor", what, i,
                        op->output);
    }
  }
  if (h->input_tensor >= h->tensor_count || h->logits_tensor >= h->tensor_count ||
      h->output_tensor >= h->tensor_count) {
    return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: input/logits/output tensor index out of range", what);
  }
  if (h->channel_order > Q8RT_CHANNELS_BGR) {
    return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: unknown channel order %u", what, h->channel_order);
  }
  for (int c = 0; c < 3; c++) {
    if (!isfinite(h->mean[c]) || !isfinite(h->std[c]) || h->std[c] == 0.0f) {
      return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "%s: preprocessing mean/std not finite or std is 0", what);
    }
  }
  return Q8RT_OK;
}
