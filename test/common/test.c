#include "test.h"

#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

int test_passed, test_failed;

int test_summary(const char* name) {
  if (test_passed + test_failed == 0) {
    fprintf(stderr, "%s: no checks were run\n", name);
    test_failed = 1;
  }
  printf("%s: %d passed, %d failed\n", name, test_passed, test_failed);
  return test_failed == 0 ? 0 : 1;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

void test_rng_seed(unsigned long long seed) {
  const char* env = getenv("Q8RT_TEST_SEED");
  if (env != NULL) seed = strtoull(env, NULL, 0);
  rng_state = seed ? seed : 1;
}

unsigned test_rand_u32(void) {
  uint64_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  rng_state = x;
  return (unsigned) (x >> 32);
}

unsigned test_rand_range(unsigned lo, unsigned hi) {
  return lo + (unsigned) (test_rand_u32() % (uint64_t) (hi - lo + 1));
}

float test_rand_uniform(float lo, float hi) {
  return lo + (hi - lo) * (float) (test_rand_u32() >> 8) / (float) (1u << 24);
}

static int is_dir_with(const char* dir, const char* file) {
  char path[4096];
  struct stat st;
  snprintf(path, sizeof path, "%s/%s", dir, file);
  return stat(path, &st) == 0;
}

const char* test_model_dir(void) {
  static const char* candidates[] = {NULL, "weights/caffe2", "../shared/models/caffe2-mobilenet-v2-quant"};
  candidates[0] = getenv("Q8RT_CAFFE2_DIR");
  for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
    if (candidates[i] != NULL && is_dir_with(candidates[i], "predict_net.pb") &&
        is_dir_with(candidates[i], "init_net.pb")) {
      return candidates[i];
    }
  }
  return NULL;
}

const char* test_images_dir(void) {
  static const char* candidates[] = {NULL, "../shared/data/imagenet-val-1300"};
  candidates[0] = getenv("Q8RT_IMAGES_DIR");
  for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
    if (candidates[i] != NULL && is_dir_with(candidates[i], "labels.txt")) return candidates[i];
  }
  return NULL;
}
