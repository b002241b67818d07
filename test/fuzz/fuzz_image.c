/* libFuzzer harness: JPEG / PNG decoding (DCT scaling, EXIF orientation) + preprocessing
 * (q8rt_image_decode_preprocess_memory) twice: with the model card's preprocessing (shorter side 256, center crop
 * 224x224, BGR, mean/std as the converter's defaults, src/convert/convert.h), and with a resize target and crop
 * derived from a hash of the input (1..600, any crop up to the target), so mutations reach every ratio of the
 * resize. A failure must come with a message; a success must give finite floats.
 * Then TensorFlow's preprocessing (src/cli/resize_tf.h) of the decoded image: central crop 0.875 to 224x224, and
 * a hash-derived fraction and output size (1..600); it must accept every decoded image.
 *
 * Built with -DQ8RT_FUZZ_NO_MAIN, this file only defines fuzz_image_one(). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "cli/image.h"
#include "cli/resize_tf.h"
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

  struct q8rt_image img;
  char err[512];
  if (q8rt_image_decode(data, size, "fuzz.jpg", 224, &img, err, sizeof err) == 0) {
    static uint8_t tf_out[3 * FUZZ_IMAGE_MAX_SHORTER * FUZZ_IMAGE_MAX_SHORTER];
    if (!q8rt_tf_crop_resize(img.rgb, img.width, img.height, (size_t) img.width * 3, 0.875f, 224, 224, tf_out)) {
      abort();
    }
    const float fraction = (float) (1 + (h >> 7) % 1000) / 1000.0f;
    const uint32_t ow = 1 + (h >> 3) % FUZZ_IMAGE_MAX_SHORTER, oh = 1 + (h >> 13) % FUZZ_IMAGE_MAX_SHORTER;
    uint32_t s0, n0, s1, n1;
    const bool valid = q8rt_tf_central_crop_box(img.width, fraction, &s0, &n0) &&
                       q8rt_tf_central_crop_box(img.height, fraction, &s1, &n1);
    if (q8rt_tf_crop_resize(img.rgb, img.width, img.height, (size_t) img.width * 3, fraction, ow, oh, tf_out) !=
        valid) {
      abort();
    }
    q8rt_image_free(&img);
  }
  return 0;
}

#ifndef Q8RT_FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { return fuzz_image_one(data, size); }
#endif
