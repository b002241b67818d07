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
#include "fuzz_converted.h"

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
  fuzz_converted_blob_runs(blob, blob_size, "fuzz_tflite");
  return 0;
}

#ifndef Q8RT_FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { return fuzz_tflite_one(data, size); }
#endif
