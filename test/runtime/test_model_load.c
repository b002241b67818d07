/* Blob loader on the real model and on truncated, bit-flipped and structurally corrupted blobs (with the
 * checksum recomputed, so the structural checks themselves are exercised). Loading must fail cleanly or,
 * if a mutation happens to be valid, the model must run without touching memory out of bounds (this test
 * runs under ASan/UBSan in make check-asan). */
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../common/model_fixture.h"
#include "../common/test.h"
#include "blob/format.h"
#include "q8rt.h"

static void fix_checksum(uint8_t* blob, size_t size) {
  struct q8rt_blob_header* h = (struct q8rt_blob_header*) blob;
  h->checksum = 0;
  h->checksum = (uint32_t) crc32(crc32(0L, Z_NULL, 0), blob, (uInt) size);
}

static q8rt_status try_load(const uint8_t* blob, size_t size, bool run) {
  q8rt_model* m = (q8rt_model*) 1;
  const q8rt_status st = q8rt_model_load_from_memory(blob, size, &m);
  if (st != Q8RT_OK) {
    CHECKF(m == NULL && q8rt_last_error()[0] != '\0', "failed load must clear *model and set a message");
    return st;
  }
  if (run) {
    q8rt_session* s = NULL;
    if (q8rt_session_create(m, NULL, &s) == Q8RT_OK) {
      struct q8rt_model_info mi;
      q8rt_model_get_info(m, &mi);
      const size_t n = (size_t) mi.input_height * mi.input_width * mi.input_channels;
      uint8_t* x = calloc(n, 1);
      CHECK(q8rt_session_run(s, Q8RT_INPUT_U8_NHWC, x, n) == Q8RT_OK);
      free(x);
      q8rt_session_free(s);
    }
  }
  q8rt_model_free(m);
  return st;
}

int main(void) {
  test_rng_seed(7);
  /* Under qemu (cross checks) fewer mutations: each load checksums the whole 7 MB blob. */
  const char* quick_env = getenv("Q8RT_TEST_QUICK");
  const bool quick = quick_env != NULL && strcmp(quick_env, "0") != 0;
  const int mutations = quick ? 150 : 1000;
  size_t size = 0;
  uint8_t* blob = fixture_mobilenet_blob(&size);
  if (blob == NULL) {
    CHECKF(false, "the real model is needed for this test");
    return test_summary("test_model_load");
  }
  CHECK(try_load(blob, size, true) == Q8RT_OK);
  const struct q8rt_blob_header* h = (const struct q8rt_blob_header*) blob;

  /* Truncated: every prefix length in a sweep, plus the edges. */
  size_t truncated_rejected = 0, truncated_tried = 0;
  for (size_t n = 0; n < size; n += (n < 4096 ? 61 : quick ? 99991 : 9973)) {
    truncated_tried++;
    truncated_rejected += try_load(blob, n, false) == Q8RT_ERROR_INVALID_MODEL;
  }
  truncated_tried++;
  truncated_rejected += try_load(blob, size - 1, false) == Q8RT_ERROR_INVALID_MODEL;
  CHECKF(truncated_rejected == truncated_tried, "%zu of %zu truncations rejected", truncated_rejected, truncated_tried);
  try_load(blob, size - 1, false);
  CHECK(strstr(q8rt_last_error(), "truncated") != NULL);

  /* Bit flips anywhere: the checksum catches them. */
  uint8_t* copy = malloc(size);
  size_t flips_rejected = 0;
  for (int i = 0; i < 200; i++) {
    memcpy(copy, blob, size);
    const size_t at = test_rand_u32() % size;
    copy[at] ^= (uint8_t) (1u << (test_rand_u32() % 8));
    if (at >= offsetof(struct q8rt_blob_header, checksum) && at < offsetof(struct q8rt_blob_header, checksum) + 4) {
      flips_rejected++; /* flipping the stored checksum itself is also a mismatch */
      CHECK(try_load(copy, size, false) != Q8RT_OK);
      continue;
    }
    flips_rejected += try_load(copy, size, false) != Q8RT_OK;
  }
  CHECKF(flips_rejected == 200, "%zu of 200 bit flips rejected", flips_rejected);

  /* Structural corruption of the header and tables, checksum recomputed. */
  const size_t tables_end = h->string_table_offset + h->string_size;
  size_t accepted = 0;
  for (int i = 0; i < mutations; i++) {
    memcpy(copy, blob, size);
    const int edits = 1 + (int) (test_rand_u32() % 3);
    for (int e = 0; e < edits; e++) {
      const size_t at = test_rand_u32() % tables_end;
      switch (test_rand_u32() % 4) {
        case 0: copy[at] ^= (uint8_t) (1u << (test_rand_u32() % 8)); break;
        case 1: copy[at] = 0xFF; break;
        case 2: copy[at] = 0; break;
        default: copy[at] = (uint8_t) test_rand_u32(); break;
      }
    }
    fix_checksum(copy, size);
    accepted += try_load(copy, size, (i % 10) == 0) == Q8RT_OK;
  }
  printf("structural mutations: %zu of %d still loaded (harmless edits such as names or reserved bytes)\n", accepted, mutations);
  CHECK(accepted < (size_t) mutations);

  /* Specific cases with exact expectations. */
  memcpy(copy, blob, size);
  ((struct q8rt_blob_header*) copy)->version = 2;
  fix_checksum(copy, size);
  CHECK(try_load(copy, size, false) == Q8RT_ERROR_UNSUPPORTED);
  CHECK(strstr(q8rt_last_error(), "version 2") != NULL);

  memcpy(copy, blob, size);
  memcpy(copy, "NOTABLOB", 8);
  CHECK(try_load(copy, size, false) == Q8RT_ERROR_INVALID_MODEL);
  CHECK(strstr(q8rt_last_error(), "magic") != NULL);

  memcpy(copy, blob, size);
  struct q8rt_blob_tensor* t0 = (struct q8rt_blob_tensor*) (copy + h->tensor_table_offset);
  t0->dims[1] = 1u << 30;
  fix_checksum(copy, size);
  CHECK(try_load(copy, size, false) == Q8RT_ERROR_LIMIT);

  memcpy(copy, blob, size);
  struct q8rt_blob_op* op0 = (struct q8rt_blob_op*) (copy + h->op_table_offset);
  op0->inputs[0] = 1u << 20;
  fix_checksum(copy, size);
  CHECK(try_load(copy, size, false) == Q8RT_ERROR_INVALID_MODEL);

  memcpy(copy, blob, size);
  op0->type = 99;
  fix_checksum(copy, size);
  CHECK(try_load(copy, size, false) == Q8RT_ERROR_UNSUPPORTED);

  memcpy(copy, blob, size);
  for (uint32_t i = 0; i < h->tensor_count; i++) {
    struct q8rt_blob_tensor* t = (struct q8rt_blob_tensor*) (copy + h->tensor_table_offset) + i;
    if (t->kind == Q8RT_TENSOR_WEIGHTS) {
      t->data_offset = size - 64; /* data section running past the end of the file */
      break;
    }
  }
  fix_checksum(copy, size);
  CHECK(try_load(copy, size, false) == Q8RT_ERROR_INVALID_MODEL);

  memcpy(copy, blob, size);
  op0->stride_h = 0;
  fix_checksum(copy, size);
  CHECK(try_load(copy, size, false) == Q8RT_ERROR_INVALID_MODEL);

  CHECK(q8rt_model_load_from_memory(NULL, 10, &(q8rt_model*){NULL}) == Q8RT_ERROR_INVALID_ARGUMENT);
  CHECK(q8rt_model_load_file("/nonexistent/model.q8rt", &(q8rt_model*){NULL}) == Q8RT_ERROR_IO);
  CHECK(strstr(q8rt_last_error(), "/nonexistent/model.q8rt") != NULL);
  CHECK(q8rt_model_load_file("/", &(q8rt_model*){NULL}) == Q8RT_ERROR_IO);

  free(copy);
  free(blob);
  return test_summary("test_model_load");
}
