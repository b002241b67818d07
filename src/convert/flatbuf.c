/* Bounds-checked FlatBuffers reader (flatbuf.h). */
#include "flatbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static bool fail(const struct fb_reader* r, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(const struct fb_reader* r, const char* fmt, ...) {
  if (r->err != NULL && r->err_size > 0) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, r->err_size, fmt, ap);
    va_end(ap);
  }
  return false;
}

/* [pos, pos + n) inside the buffer */
static bool in_range(const struct fb_reader* r, uint64_t pos, uint64_t n) {
  return pos <= r->size && n <= r->size - pos;
}

static uint16_t rd16(const struct fb_reader* r, uint32_t pos) {
  uint16_t v;
  memcpy(&v, r->data + pos, sizeof v);
  return v;
}

static uint32_t rd32(const struct fb_reader* r, uint32_t pos) {
  uint32_t v;
  memcpy(&v, r->data + pos, sizeof v);
  return v;
}

/* The table at pos: its vtable (pos - soffset) must lie inside the buffer, be at least 4 bytes, even-sized,
 * and the table's inline size must fit too. */
static bool table_at(const struct fb_reader* r, uint64_t pos, struct fb_table* t) {
  if (!in_range(r, pos, 4)) return fail(r, "table at byte %llu lies outside the file", (unsigned long long) pos);
  int32_t soffset;
  memcpy(&soffset, r->data + pos, sizeof soffset);
  const int64_t vtable = (int64_t) pos - (int64_t) soffset;
  if (vtable < 0 || !in_range(r, (uint64_t) vtable, 4)) {
    return fail(r, "table at byte %llu: vtable offset %d points outside the file", (unsigned long long) pos, soffset);
  }
  const uint16_t vsize = rd16(r, (uint32_t) vtable), tsize = rd16(r, (uint32_t) vtable + 2);
  if (vsize < 4 || vsize % 2 != 0 || !in_range(r, (uint64_t) vtable, vsize)) {
    return fail(r, "table at byte %llu: malformed vtable (size %u at byte %lld)", (unsigned long long) pos, vsize,
                (long long) vtable);
  }
  if (tsize < 4 || !in_range(r, pos, tsize)) {
    return fail(r, "table at byte %llu: its %u bytes run past the end of the file", (unsigned long long) pos, tsize);
  }
  t->pos = (uint32_t) pos;
  t->vtable = (uint32_t) vtable;
  t->vtable_size = vsize;
  t->table_size = tsize;
  return true;
}

bool fb_init(struct fb_reader* r, const void* data, size_t size, const char* identifier, struct fb_table* root,
             char* err, size_t err_size) {
  r->data = data;
  r->size = size;
  r->err = err;
  r->err_size = err_size;
  memset(root, 0, sizeof *root);
  if (size < 8) return fail(r, "%zu bytes: too short for a FlatBuffer", size);
  if (size >= (UINT32_C(1) << 31)) return fail(r, "%zu bytes: larger than 2 GiB", size);
  if (identifier != NULL && memcmp(r->data + 4, identifier, 4) != 0) {
    return fail(r, "file identifier is not \"%.4s\"", identifier);
  }
  return table_at(r, rd32(r, 0), root);
}

bool fb_field(const struct fb_reader* r, const struct fb_table* t, unsigned id, unsigned width, uint32_t* pos) {
  *pos = 0;
  const uint32_t slot = 4 + 2 * id;
  if (slot + 2 > t->vtable_size) return true;
  const uint16_t off = rd16(r, t->vtable + slot);
  if (off == 0) return true;
  if ((uint32_t) off + width > t->table_size) {
    return fail(r, "table at byte %u: field %u at offset %u lies outside the table (%u bytes)", t->pos, id, off,
                t->table_size);
  }
  *pos = t->pos + off; /* inside the buffer: table_at checked pos + table_size */
  return true;
}

static bool scalar(const struct fb_reader* r, const struct fb_table* t, unsigned id, void* v, unsigned width) {
  uint32_t pos;
  if (!fb_field(r, t, id, width, &pos)) return false;
  if (pos != 0) memcpy(v, r->data + pos, width);
  return true;
}

bool fb_u8(const struct fb_reader* r, const struct fb_table* t, unsigned id, uint8_t dflt, uint8_t* v) {
  *v = dflt;
  return scalar(r, t, id, v, sizeof *v);
}

bool fb_i8(const struct fb_reader* r, const struct fb_table* t, unsigned id, int8_t dflt, int8_t* v) {
  *v = dflt;
  return scalar(r, t, id, v, sizeof *v);
}

bool fb_i32(const struct fb_reader* r, const struct fb_table* t, unsigned id, int32_t dflt, int32_t* v) {
  *v = dflt;
  return scalar(r, t, id, v, sizeof *v);
}

bool fb_u32(const struct fb_reader* r, const struct fb_table* t, unsigned id, uint32_t dflt, uint32_t* v) {
  *v = dflt;
  return scalar(r, t, id, v, sizeof *v);
}

bool fb_u64(const struct fb_reader* r, const struct fb_table* t, unsigned id, uint64_t dflt, uint64_t* v) {
  *v = dflt;
  return scalar(r, t, id, v, sizeof *v);
}

bool fb_f32(const struct fb_reader* r, const struct fb_table* t, unsigned id, float dflt, float* v) {
  *v = dflt;
  return scalar(r, t, id, v, sizeof *v);
}

/* Follows the uoffset stored at pos. */
static bool deref(const struct fb_reader* r, uint32_t pos, uint64_t* target) {
  *target = (uint64_t) pos + rd32(r, pos);
  if (*target >= r->size) return fail(r, "offset at byte %u points past the end of the file", pos);
  return true;
}

bool fb_table_field(const struct fb_reader* r, const struct fb_table* t, unsigned id, struct fb_table* sub,
                    bool* present) {
  memset(sub, 0, sizeof *sub);
  *present = false;
  uint32_t pos;
  uint64_t target;
  if (!fb_field(r, t, id, 4, &pos)) return false;
  if (pos == 0) return true;
  if (!deref(r, pos, &target) || !table_at(r, target, sub)) return false;
  *present = true;
  return true;
}

static bool vector_at(const struct fb_reader* r, uint32_t pos, unsigned elem_size, struct fb_vector* v) {
  uint64_t target;
  if (!deref(r, pos, &target)) return false;
  if (!in_range(r, target, 4)) return fail(r, "vector at byte %llu lies outside the file", (unsigned long long) target);
  const uint32_t length = rd32(r, (uint32_t) target);
  if (!in_range(r, target + 4, (uint64_t) length * elem_size)) {
    return fail(r, "vector at byte %llu: %u elements of %u bytes run past the end of the file",
                (unsigned long long) target, length, elem_size);
  }
  v->pos = (uint32_t) target + 4;
  v->length = length;
  return true;
}

bool fb_vector_field(const struct fb_reader* r, const struct fb_table* t, unsigned id, unsigned elem_size,
                     struct fb_vector* v, bool* present) {
  v->pos = 0;
  v->length = 0;
  *present = false;
  uint32_t pos;
  if (!fb_field(r, t, id, 4, &pos)) return false;
  if (pos == 0) return true;
  if (!vector_at(r, pos, elem_size, v)) return false;
  *present = true;
  return true;
}

bool fb_string_field(const struct fb_reader* r, const struct fb_table* t, unsigned id, const char** s,
                     uint32_t* length) {
  *s = NULL;
  *length = 0;
  uint32_t pos;
  if (!fb_field(r, t, id, 4, &pos)) return false;
  if (pos == 0) return true;
  struct fb_vector v;
  if (!vector_at(r, pos, 1, &v)) return false;
  if (!in_range(r, (uint64_t) v.pos + v.length, 1) || r->data[v.pos + v.length] != 0) {
    return fail(r, "string at byte %u is not NUL-terminated inside the file", v.pos - 4);
  }
  *s = (const char*) r->data + v.pos;
  *length = v.length;
  return true;
}

bool fb_vector_table(const struct fb_reader* r, const struct fb_vector* v, uint32_t i, struct fb_table* t) {
  memset(t, 0, sizeof *t);
  uint64_t target;
  return deref(r, v->pos + 4 * i, &target) && table_at(r, target, t);
}

int32_t fb_vector_i32(const struct fb_reader* r, const struct fb_vector* v, uint32_t i) {
  int32_t x;
  memcpy(&x, r->data + v->pos + (size_t) 4 * i, sizeof x);
  return x;
}

int64_t fb_vector_i64(const struct fb_reader* r, const struct fb_vector* v, uint32_t i) {
  int64_t x;
  memcpy(&x, r->data + v->pos + (size_t) 8 * i, sizeof x);
  return x;
}

float fb_vector_f32(const struct fb_reader* r, const struct fb_vector* v, uint32_t i) {
  float x;
  memcpy(&x, r->data + v->pos + (size_t) 4 * i, sizeof x);
  return x;
}
