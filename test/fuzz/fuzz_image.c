/* libFuzzer harness: JPEG decoding + preprocessing (q8rt_image_decode_preprocess_memory) with the model
 * card's preprocessing: shorter side 256, center crop 224x224, BGR, mean/std as the converter's defaults
 * (src/convert/convert.h). A failure must come with a message; a success must give finite floats.
 *
 * Built with -DQ8RT_FUZZ_NO_MAIN, this file only defines fuzz_image_one(). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "cli/image.h"
#include "convert/convert.h"
#include "q8rt.h"

static float fuzz_image_out[3 * 224 * 224];

int fuzz_image_one(const uint8_t* data, size_t size) {
  struct q8rt_preprocess pre = {.resize_shorter = 256, .height = 224, .width = 224, .channel_order = Q8RT_BGR};
  q8rt_convert_default_normalization(Q8RT_CHANNELS_BGR, pre.mean, pre.std);
  char err[512];
  err[0] = '\0';
  if (q8rt_image_decode_preprocess_memory(data, size, "fuzz.jpg", &pre, fuzz_image_out, err, sizeof err) != 0) {
    if (err[0] == '\0') abort();
    return 0;
  }
  for (size_t i = 0; i < sizeof fuzz_image_out / sizeof fuzz_image_out[0]; i++) {
    if (!isfinite(fuzz_image_out[i])) abort();
  }
  return 0;
}

#ifndef Q8RT_FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { return fuzz_image_one(data, size); }
#endif
