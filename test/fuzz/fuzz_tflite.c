/* libFuzzer harness: the TFLite importer (FlatBuffers reader, checks, lowering; q8rt_convert_tflite_buffer) on
 * arbitrary .tflite bytes, then the runtime on whatever it produces.
 *
 * Input: the bytes of a .tflite file (seeds: the two MobileNet models of ../shared). The options are what
 * `q8rt convert MODEL.tflite` derives from the model (cv_tflite_probe), or the defaults when the probe fails.
 *
 * Invariants checked: a failure always explains itself and returns no blob; a blob the converter writes is
 * always accepted by the loader (abort() otherwise) and runs, when at most 16 M MACs, without sanitizer
 * reports. Everything is freed.
 *
 * Built with -DQ8RT_FUZZ_NO_MAIN, this file only defines fuzz_tflite_one(). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert/convert.h"
#include "convert/tflite_import.h"
#include "q8rt.h"

int fuzz_tflite_one(const uint8_t* data, size_t size) {
  struct q8rt_convert_options opts;
  q8rt_convert_options_init(&opts);
  struct cv_tflite_probe probe;
  char err[1024];
  err[0] = '\0';
  if (cv_tflite_probe(data, size, "fuzz.tflite", &probe, err, sizeof err)) {
    if (probe.input_height > 4096 || probe.input_width > 4096) return 0; /* a huge input would only cost memory */
    q8rt_convert_options_tflite(&opts, probe.input_height, probe.input_width, probe.input_scale,
                                probe.input_zero_point, probe.output_elements);
    opts.tflite_rule = (size & 1) ? Q8RT_BLOB_RULE_TFLITE_SINGLE : Q8RT_BLOB_RULE_TFLITE;
  } else if (err[0] == '\0') {
    abort();
  }
  void* blob = NULL;
  size_t blob_size = 0;
  struct q8rt_convert_stats stats;
  err[0] = '\0';
  if (!q8rt_convert_tflite_buffer(data, size, "fuzz.tflite", &opts, &blob, &blob_size, &stats, err, sizeof err)) {
    if (blob != NULL || err[0] == '\0') abort();
    return 0;
  }
  q8rt_model* model = NULL;
  if (q8rt_model_load_from_memory(blob, blob_size, &model) != Q8RT_OK) {
    fprintf(stderr, "fuzz_tflite: the converter wrote a blob the loader rejects: %s\n", q8rt_last_error());
    abort();
  }
  struct q8rt_model_info mi;
  q8rt_model_get_info(model, &mi);
  q8rt_session* session = NULL;
  if (mi.macs <= (UINT64_C(1) << 24) && q8rt_session_create(model, NULL, &session) == Q8RT_OK) {
    const size_t n = (size_t) mi.input_height * mi.input_width * mi.input_channels;
    uint8_t* x = malloc(n);
    if (x == NULL) abort();
    for (size_t i = 0; i < n; i++) x[i] = (uint8_t) (i * 31);
    if (q8rt_session_run(session, Q8RT_INPUT_U8_NHWC, x, n) != Q8RT_OK) abort();
    free(x);
    q8rt_session_free(session);
  }
  q8rt_model_free(model);
  free(blob);
  return 0;
}

#ifndef Q8RT_FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { return fuzz_tflite_one(data, size); }
#endif
