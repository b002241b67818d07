/*
 * A bounds-checked reader of the FlatBuffers binary format (https://flatbuffers.dev/internals/), for untrusted
 * files: the TFLite importer (tflite_import.c) walks a .tflite model with it. Only reading, only what a schema
 * walk needs: the root table, scalar fields with defaults, sub-tables, vectors of scalars / tables, strings.
 * docs/tflite.md says why q8rt reads FlatBuffers with this small C reader rather than flatc's C++ code.
 *
 * Every position is a byte offset into the buffer. Every function checks that what it reads lies inside the
 * buffer (offsets, vtables, vector lengths, string terminators) and fails with a message naming the byte
 * offset; nothing is ever read outside [0, size). Unaligned data is read with memcpy. Little-endian hosts only
 * (as the rest of q8rt's file formats).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fb_reader {
  const uint8_t* data;
  size_t size;         /* < 2^31 (checked by fb_init) */
  char* err;
  size_t err_size;
};

/* A table: its position and its vtable (a table without a field is valid: vtable_size 4). */
struct fb_table {
  uint32_t pos;
  uint32_t vtable;
  uint16_t vtable_size;
  uint16_t table_size;
};

/* A vector: the position of its first element and its length. */
struct fb_vector {
  uint32_t pos;
  uint32_t length;
};

/* Checks the size and the 4-byte file identifier at offset 4 (NULL: not checked) and finds the root table. */
bool fb_init(struct fb_reader* r, const void* data, size_t size, const char* identifier, struct fb_table* root,
             char* err, size_t err_size);

/* Position of field `id` of table t, 0 when absent; fails when the field would lie outside the table or the
 * buffer (width bytes). */
bool fb_field(const struct fb_reader* r, const struct fb_table* t, unsigned id, unsigned width, uint32_t* pos);

/* Scalar fields: *v is the field's value, or dflt when absent. */
bool fb_u8(const struct fb_reader* r, const struct fb_table* t, unsigned id, uint8_t dflt, uint8_t* v);
bool fb_i8(const struct fb_reader* r, const struct fb_table* t, unsigned id, int8_t dflt, int8_t* v);
bool fb_i32(const struct fb_reader* r, const struct fb_table* t, unsigned id, int32_t dflt, int32_t* v);
bool fb_u32(const struct fb_reader* r, const struct fb_table* t, unsigned id, uint32_t dflt, uint32_t* v);
bool fb_u64(const struct fb_reader* r, const struct fb_table* t, unsigned id, uint64_t dflt, uint64_t* v);
bool fb_f32(const struct fb_reader* r, const struct fb_table* t, unsigned id, float dflt, float* v);

/* Sub-table field; *present false (and *sub zeroed) when absent. */
bool fb_table_field(const struct fb_reader* r, const struct fb_table* t, unsigned id, struct fb_table* sub,
                    bool* present);
/* Vector field of elements of elem_size bytes (tables: 4, their offsets); absent: length 0, *present false. */
bool fb_vector_field(const struct fb_reader* r, const struct fb_table* t, unsigned id, unsigned elem_size,
                     struct fb_vector* v, bool* present);
/* String field as a pointer into the buffer and its length (the terminating NUL is checked); absent: NULL. */
bool fb_string_field(const struct fb_reader* r, const struct fb_table* t, unsigned id, const char** s,
                     uint32_t* length);

/* Element i (< v->length) of a vector: a table, or an int32 / int64 / float scalar. */
bool fb_vector_table(const struct fb_reader* r, const struct fb_vector* v, uint32_t i, struct fb_table* t);
int32_t fb_vector_i32(const struct fb_reader* r, const struct fb_vector* v, uint32_t i);
int64_t fb_vector_i64(const struct fb_reader* r, const struct fb_vector* v, uint32_t i);
float fb_vector_f32(const struct fb_reader* r, const struct fb_vector* v, uint32_t i);
