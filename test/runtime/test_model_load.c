/* Blob loader on the real model and on truncated, bit-flipped and structurally corrupted blobs (with the
 * checksum recomputed, so the structural checks themselves are exercised). Loading must fail cleanly or,
 * if a mutation happens to be valid, the model must run without touching memory out of bounds (this test
 * runs under ASan/UBSan in make check-asan). */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
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
  ((struct q8rt_blob_header*) copy)->version = 4;
  fix_checksum(copy, size);
  CHECK(try_load(copy, size, false) == Q8RT_ERROR_UNSUPPORTED);
  CHECK(strstr(q8rt_last_error(), "version 4") != NULL);

  /* A version 1 blob (weights packed for one kernel) gets a message that says to re-convert. */
  memcpy(copy, blob, size);
  ((struct q8rt_blob_header*) copy)->version = 1;
  fix_checksum(copy, size);
  CHECK(try_load(copy, size, false) == Q8RT_ERROR_UNSUPPORTED);
  CHECK(strstr(q8rt_last_error(), "version 1") != NULL && strstr(q8rt_last_error(), "re-convert") != NULL);
  /* So does a version 2 blob (no arithmetic rule per op, no preprocessing kind). */
  memcpy(copy, blob, size);
  ((struct q8rt_blob_header*) copy)->version = 2;
  fix_checksum(copy, size);
  CHECK(try_load(copy, size, false) == Q8RT_ERROR_UNSUPPORTED);
  CHECK(strstr(q8rt_last_error(), "version 2") != NULL && strstr(q8rt_last_error(), "re-convert") != NULL);
  /* Version 3 header and op fields: an unknown rule, preprocessing kind or source, a crop fraction out of range. */
  {
    struct q8rt_blob_header* h = (struct q8rt_blob_header*) copy;
    struct q8rt_blob_op* op0 = (struct q8rt_blob_op*) (copy + ((struct q8rt_blob_header*) blob)->op_table_offset);
    for (int k = 0; k < 5; k++) {
      memcpy(copy, blob, size);
      if (k == 0) op0->rule = 3;
      if (k == 1) h->preprocess = 2;
      if (k == 2) h->source = 3;
      if (k == 3) h->crop_fraction = 0.5f; /* with the resize-crop kind */
      if (k == 4) h->reserved[7] = 1;
      fix_checksum(copy, size);
      CHECKF(try_load(copy, size, false) == Q8RT_ERROR_INVALID_MODEL, "version 3 field case %d", k);
    }
  }

  /* Version 2 tensor rules: constants are uint8 weights or rank-1 int32 biases of exactly their size; reserved
   * bytes and unused dims are zero; a folded bias must fit int32. */
  {
    struct q8rt_blob_tensor* tt = (struct q8rt_blob_tensor*) (copy + h->tensor_table_offset);
    uint32_t wi = UINT32_MAX, bi = UINT32_MAX;
    for (uint32_t i = 0; i < h->tensor_count; i++) {
      const struct q8rt_blob_tensor* t = (const struct q8rt_blob_tensor*) (blob + h->tensor_table_offset) + i;
      if (t->kind == Q8RT_TENSOR_CONSTANT && t->dtype == Q8RT_DTYPE_U8 && wi == UINT32_MAX) wi = i;
      if (t->kind == Q8RT_TENSOR_CONSTANT && t->dtype == Q8RT_DTYPE_I32 && bi == UINT32_MAX) bi = i;
    }
    CHECKF(wi != UINT32_MAX && bi != UINT32_MAX, "the converted model has uint8 weights and int32 biases");
    if (wi != UINT32_MAX && bi != UINT32_MAX) {
      memcpy(copy, blob, size);
      tt[wi].dtype = 3; /* version 1's packed dtype */
      fix_checksum(copy, size);
      CHECK(try_load(copy, size, false) == Q8RT_ERROR_INVALID_MODEL);
      memcpy(copy, blob, size);
      tt[wi].data_size -= 1;
      fix_checksum(copy, size);
      CHECK(try_load(copy, size, false) == Q8RT_ERROR_INVALID_MODEL);
      CHECK(strstr(q8rt_last_error(), "expected") != NULL);
      memcpy(copy, blob, size);
      tt[bi].zero_point = 1;
      fix_checksum(copy, size);
      CHECK(try_load(copy, size, false) == Q8RT_ERROR_INVALID_MODEL);
      memcpy(copy, blob, size);
      tt[wi].reserved1[0] = 1;
      fix_checksum(copy, size);
      CHECK(try_load(copy, size, false) == Q8RT_ERROR_INVALID_MODEL);
      memcpy(copy, blob, size);
      tt[bi].dims[2] = 1;
      fix_checksum(copy, size);
      CHECK(try_load(copy, size, false) == Q8RT_ERROR_INVALID_MODEL);
      /* bias[0] = INT32_MAX: folded with a nonzero input zero point and sum(w - kzp) it overflows for some sign;
       * also try INT32_MIN, at least one of the two must be rejected as an overflow. */
      int rejected = 0;
      for (int k = 0; k < 2; k++) {
        memcpy(copy, blob, size);
        const int32_t v = k == 0 ? INT32_MAX : INT32_MIN;
        memcpy(copy + tt[bi].data_offset, &v, sizeof v);
        fix_checksum(copy, size);
        const q8rt_status st = try_load(copy, size, false);
        if (st == Q8RT_ERROR_INVALID_MODEL && strstr(q8rt_last_error(), "overflows int32") != NULL) rejected++;
        else CHECK(st == Q8RT_OK);
      }
      CHECKF(rejected >= 1, "a folded bias overflowing int32 is rejected at load");
      /* a bias of the wrong length for its op */
      memcpy(copy, blob, size);
      tt[bi].dims[0] -= 1;
      tt[bi].data_size -= 4;
      fix_checksum(copy, size);
      CHECK(try_load(copy, size, false) == Q8RT_ERROR_INVALID_MODEL);
    }
  }

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
    if (t->kind == Q8RT_TENSOR_CONSTANT) {
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

  /* From a file (mapped, raw weights released after packing): same logits as from memory, for two sessions. */
  {
    char path[] = "/tmp/q8rt_test_model_load_XXXXXX";
    const int fd = mkstemp(path);
    CHECK(fd >= 0);
    FILE* f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    CHECK(f != NULL && fwrite(blob, 1, size, f) == size);
    if (f != NULL) fclose(f);
    q8rt_model *mf = NULL, *mm = NULL;
    CHECK(q8rt_model_load_file(path, &mf) == Q8RT_OK);
    CHECK(q8rt_model_load_from_memory(blob, size, &mm) == Q8RT_OK);
    if (mf != NULL && mm != NULL) {
      struct q8rt_model_info mi;
      q8rt_model_get_info(mf, &mi);
      const size_t n = (size_t) mi.input_height * mi.input_width * mi.input_channels;
      uint8_t* x = malloc(n);
      for (size_t i = 0; i < n; i++) x[i] = (uint8_t) test_rand_u32();
      const uint8_t* lf = NULL;
      const uint8_t* lm = NULL;
      for (int precision = 0; precision < 2; precision++) {
        struct q8rt_session_options o;
        q8rt_session_options_init(&o);
        o.precision = precision == 0 ? Q8RT_PRECISION_INT8 : Q8RT_PRECISION_FP32;
        q8rt_session *sf = NULL, *sm = NULL;
        CHECK(q8rt_session_create(mf, &o, &sf) == Q8RT_OK && q8rt_session_create(mm, &o, &sm) == Q8RT_OK);
        CHECK(q8rt_session_run(sf, Q8RT_INPUT_U8_NHWC, x, n) == Q8RT_OK);
        CHECK(q8rt_session_run(sm, Q8RT_INPUT_U8_NHWC, x, n) == Q8RT_OK);
        float* pf = malloc(sizeof(float) * mi.num_classes);
        float* pm = malloc(sizeof(float) * mi.num_classes);
        CHECK(q8rt_session_get_logits_f32(sf, pf, mi.num_classes) == Q8RT_OK);
        CHECK(q8rt_session_get_logits_f32(sm, pm, mi.num_classes) == Q8RT_OK);
        CHECKF(memcmp(pf, pm, sizeof(float) * mi.num_classes) == 0, "file and memory models agree (precision %d)",
               precision);
        if (precision == 0) {
          CHECK(q8rt_session_get_logits(sf, &lf, NULL, NULL) == Q8RT_OK);
          CHECK(q8rt_session_get_logits(sm, &lm, NULL, NULL) == Q8RT_OK);
          CHECK(lf != NULL && lm != NULL && memcmp(lf, lm, mi.num_classes) == 0);
        }
        free(pf), free(pm);
        q8rt_session_free(sf);
        q8rt_session_free(sm);
      }
      CHECK(q8rt_model_class_name(mf, 0) == NULL); /* the fixture stores no class names */
      free(x);
    }
    q8rt_model_free(mf);
    q8rt_model_free(mm);
    remove(path);
  }

  free(copy);
  free(blob);
  return test_summary("test_model_load");
}
