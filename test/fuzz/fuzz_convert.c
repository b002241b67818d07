/* libFuzzer harness: the Caffe2 converter (q8rt_convert_buffers) on arbitrary init_net / predict_net bytes,
 * then the runtime on whatever it produces.
 *
 * Input format (test/fuzz/fuzz_seeds.c writes seeds in it):
 *   bytes 0..3   n, little-endian: length of init_net (clamped to what is left)
 *   byte  4      input size: 0 = the model card defaults (224x224, shorter side 256), else S: SxS, shorter side S
 *   then         n bytes of init_net, and the rest is predict_net
 * Shorter inputs are all predict_net, with an empty init_net.
 *
 * Invariant checked: a blob the converter writes is always accepted by the loader (abort() otherwise), and
 * runs (when at most 16 M MACs) without sanitizer reports. Everything is freed.
 *
 * Built with -DQ8RT_FUZZ_NO_MAIN, this file only defines fuzz_convert_one(). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert/convert.h"
#include "q8rt.h"
#include "fuzz_converted.h"

int fuzz_convert_one(const uint8_t* data, size_t size) {
  const uint8_t* init = data;
  size_t init_size = 0;
  const uint8_t* predict = data;
  size_t predict_size = size;
  struct q8rt_convert_options opts;
  q8rt_convert_options_init(&opts);
  if (size >= 5) {
    const uint32_t n = (uint32_t) data[0] | (uint32_t) data[1] << 8 | (uint32_t) data[2] << 16 | (uint32_t) data[3] << 24;
    if (data[4] != 0) {
      opts.input_height = opts.input_width = opts.resize_shorter = data[4];
    }
    init = data + 5;
    init_size = n < size - 5 ? n : size - 5;
    predict = init + init_size;
    predict_size = size - 5 - init_size;
  }
  void* blob = NULL;
  size_t blob_size = 0;
  struct q8rt_convert_stats stats;
  char err[1024];
  err[0] = '\0';
  if (!q8rt_convert_buffers(init, init_size, predict, predict_size, &opts, &blob, &blob_size, &stats, err,
                            sizeof err)) {
    if (blob != NULL || err[0] == '\0') abort(); /* a failure always explains itself and returns no blob */
    return 0;
  }
  fuzz_converted_blob_runs(blob, blob_size, "fuzz_convert");
  return 0;
}

#ifndef Q8RT_FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { return fuzz_convert_one(data, size); }
#endif
