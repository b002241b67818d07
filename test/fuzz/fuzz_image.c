/* libFuzzer harness: JPEG / PNG decoding (DCT scaling, EXIF orientation) + preprocessing
 * (q8rt_image_decode_preprocess_memory) twice: with the model card's preprocessing (shorter side 256, center crop
 * 224x224, BGR, mean/std as the converter's defaults, src/convert/convert.h), and with a resize target and crop
 * derived from a hash of the input (1..600, any crop up to the target), so mutations reach every ratio of the
 * resize. A failure must come with a message; a success must give finite floats.
 *
 * Built with -DQ8RT_FUZZ_NO_MAIN, this file only defines fuzz_image_one(). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "cli/image.h"
#include "convert/convert.h"
#include "q8rt.h"

#define FUZZ_IMAGE_MAX_SHORTER 600
static float fuzz_image_out[3 * FUZZ_IMAGE_MAX_SHORTER * FUZZ_IMAGE_MAX_SHORTER];

static void fuzz_image_run(const uint8_t* data, size_t size, const struct q8rt_preprocess* pre) {
  char err[512];
  err[0] = '\0';
  if (q8rt_image_decode_preprocess_memory(data, size, "fuzz.jpg", pre, fuzz_image_out, err, sizeof err) != 0) {
    if (err[0] == '\0') abort();
    return;
  }
  for (size_t i = 0; i < (size_t) 3 * pre->height * pre->width; i++) {
    if (!isfinite(fuzz_image_out[i])) abort();
  }
}

int fuzz_image_one(const uint8_t* data, size_t size) {
  struct q8rt_preprocess pre = {.resize_shorter = 256, .height = 224, .width = 224, .channel_order = Q8RT_BGR};
  q8rt_convert_default_normalization(Q8RT_CHANNELS_BGR, pre.mean, pre.std);
  fuzz_image_run(data, size, &pre);
  uint32_t h = 2166136261u; /* FNV-1a */
  for (size_t i = 0; i < size; i++) h = (h ^ data[i]) * 16777619u;
  pre.resize_shorter = 1 + h % FUZZ_IMAGE_MAX_SHORTER;
  pre.width = 1 + (h >> 10) % pre.resize_shorter;
  pre.height = 1 + (h >> 20) % pre.resize_shorter;
  fuzz_image_run(data, size, &pre);
  return 0;
}

#ifndef Q8RT_FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { return fuzz_image_one(data, size); }
#endif
