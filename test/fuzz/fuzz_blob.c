/* libFuzzer harness: q8rt blob loader + session + one inference.
 *
 * The input is a blob. It is loaded as is; if the only problem is the CRC-32 (the fuzzer's mutations almost
 * always break it), it is loaded again with the checksum recomputed, so the structural checks behind the
 * checksum get fuzzed too. A model that loads gets its info and op info read, a session created and, unless
 * it is too expensive to run in a fuzzing loop (FUZZ_BLOB_MAX_WORK), one inference on an input of zero
 * points, whose logits and probabilities are read back.
 *
 * Built with -DQ8RT_FUZZ_NO_MAIN, this file only defines fuzz_blob_one() (test/fuzz/test_regressions.c
 * replays the committed regression inputs through it without libFuzzer). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "blob/format.h"
#include "q8rt.h"

/* Rough work of one inference (multiply-accumulates plus every input/output element touched): models above
 * this are loaded and planned (session created) but not run, to keep the fuzzer at hundreds of executions
 * per second and legal-but-huge models from showing up as timeouts. The tiny synthetic seed models run; the
 * real MobileNetV2 (300 M MACs, about 0.5 s per inference under ASan) is only loaded and planned here -- its
 * inference runs under ASan in make check-asan / check-sanitize. */
#define FUZZ_BLOB_MAX_WORK (UINT64_C(1) << 25)

static void fuzz_blob_run(const q8rt_model* model) {
  struct q8rt_model_info mi;
  if (q8rt_model_get_info(model, &mi) != Q8RT_OK) abort();
  uint64_t work = mi.macs;
  for (uint32_t i = 0; i < mi.op_count; i++) {
    struct q8rt_op_info oi;
    if (q8rt_model_get_op_info(model, i, &oi) != Q8RT_OK || oi.type == NULL) abort();
    uint64_t in = 1, out = 1;
    for (int d = 0; d < 4; d++) {
      in *= oi.input_dims[d];
      out *= oi.output_dims[d];
    }
    work += in + out * ((uint64_t) oi.kernel_h * oi.kernel_w + 1);
  }
  if (q8rt_model_get_op_info(model, mi.op_count, &(struct q8rt_op_info){0}) == Q8RT_OK) abort();
  /* Class names: all or none, each a readable NUL-terminated string; none past the last class. */
  const bool named = q8rt_model_class_name(model, 0) != NULL;
  for (uint32_t c = 0; c < mi.num_classes; c++) {
    const char* name = q8rt_model_class_name(model, c);
    if ((name != NULL) != named || (name != NULL && strlen(name) > (size_t) 1 << 31)) abort();
  }
  if (q8rt_model_class_name(model, mi.num_classes) != NULL) abort();
  q8rt_session* session = NULL;
  if (q8rt_session_create(model, NULL, &session) != Q8RT_OK) {
    if (session != NULL || q8rt_last_error()[0] == '\0') abort();
    return;
  }
  if (work <= FUZZ_BLOB_MAX_WORK) {
    const size_t n = (size_t) mi.input_height * mi.input_width * mi.input_channels;
    uint8_t* x = calloc(n, 1);
    if (x == NULL) abort();
    memset(x, mi.input_zero_point, n);
    if (q8rt_session_run(session, Q8RT_INPUT_U8_NHWC, x, n) == Q8RT_OK) {
      const uint8_t* logits = NULL;
      if (q8rt_session_get_logits(session, &logits, NULL, NULL) != Q8RT_OK || logits == NULL) abort();
      unsigned sum = 0; /* reads every logit (ASan checks the bounds) */
      for (uint32_t i = 0; i < mi.num_classes; i++) sum += logits[i];
      if (sum > 255u * mi.num_classes) abort();
      float* probs = malloc((size_t) mi.num_classes * sizeof *probs);
      if (probs == NULL || q8rt_session_get_probabilities(session, probs, mi.num_classes) != Q8RT_OK) abort();
      free(probs);
    }
    free(x);
  }
  q8rt_session_free(session);
}

static void fuzz_blob_load(const uint8_t* data, size_t size) {
  q8rt_model* model = (q8rt_model*) 1;
  const q8rt_status status = q8rt_model_load_from_memory(data, size, &model);
  if (status != Q8RT_OK) {
    /* A failed load clears *model and always explains itself. */
    if (model != NULL || q8rt_last_error()[0] == '\0') abort();
    return;
  }
  fuzz_blob_run(model);
  q8rt_model_free(model);
}

int fuzz_blob_one(const uint8_t* data, size_t size) {
  fuzz_blob_load(data, size);
  if (size >= sizeof(struct q8rt_blob_header) && strstr(q8rt_last_error(), "checksum mismatch") != NULL) {
    uint8_t* copy = malloc(size);
    if (copy == NULL) abort();
    memcpy(copy, data, size);
    struct q8rt_blob_header* h = (struct q8rt_blob_header*) copy;
    h->checksum = 0;
    uLong crc = crc32(0L, Z_NULL, 0);
    for (size_t pos = 0; pos < size;) {
      const size_t chunk = size - pos < ((size_t) 1 << 30) ? size - pos : (size_t) 1 << 30;
      crc = crc32(crc, copy + pos, (uInt) chunk);
      pos += chunk;
    }
    h->checksum = (uint32_t) crc;
    fuzz_blob_load(copy, size);
    free(copy);
  }
  return 0;
}

#ifndef Q8RT_FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { return fuzz_blob_one(data, size); }
#endif
