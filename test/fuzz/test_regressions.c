/* Replays the committed fuzz regression inputs (test/fuzz/regressions/<harness>/ files) through the harnesses'
 * own entry points, without libFuzzer, as part of make check (and under ASan/UBSan in make check-asan).
 * A regression that crashes, aborts or trips a sanitizer fails this test. Also runs a few edge inputs
 * (empty, one byte, all-zero header) through every harness. */
#define Q8RT_FUZZ_NO_MAIN
#include "fuzz_blob.c"
#include "fuzz_convert.c"
#include "fuzz_image.c"
#include "fuzz_tflite.c"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../common/test.h"

static int replay_dir(const char* root, const char* name, int (*one)(const uint8_t*, size_t)) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/%s", root, name);
  DIR* d = opendir(dir);
  CHECKF(d != NULL, "cannot open %s", dir);
  if (d == NULL) return 0;
  int count = 0;
  for (struct dirent* e; (e = readdir(d)) != NULL;) {
    if (e->d_name[0] == '.') continue;
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    FILE* f = fopen(path, "rb");
    CHECKF(f != NULL, "cannot open %s", path);
    if (f == NULL) continue;
    struct stat st;
    fstat(fileno(f), &st);
    uint8_t* data = malloc(st.st_size > 0 ? (size_t) st.st_size : 1);
    const size_t size = fread(data, 1, (size_t) st.st_size, f);
    fclose(f);
    CHECK(size == (size_t) st.st_size);
    printf("  %s/%s (%zu bytes)\n", name, e->d_name, size);
    fflush(stdout);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK(one(data, size) == 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    const double seconds = (double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) * 1e-9;
    /* The fuzzer's -timeout: an input slower than this is a finding too (resource exhaustion). */
    CHECKF(seconds <= 10.0, "%s took %.1f s (limit 10 s, as make fuzz's -timeout)", path, seconds);
    free(data);
    count++;
  }
  closedir(d);
  return count;
}

int main(void) {
  const char* root = getenv("Q8RT_FUZZ_REGRESSIONS");
  if (root == NULL) root = "test/fuzz/regressions";
  static const uint8_t zeros[256];
  static const uint8_t one_byte[1] = {0xFF};
  int (*harness[4])(const uint8_t*, size_t) = {fuzz_blob_one, fuzz_convert_one, fuzz_image_one, fuzz_tflite_one};
  for (int h = 0; h < 4; h++) {
    CHECK(harness[h](zeros, 0) == 0);
    CHECK(harness[h](one_byte, 1) == 0);
    CHECK(harness[h](zeros, sizeof zeros) == 0);
  }
  int n = replay_dir(root, "blob", fuzz_blob_one);
  n += replay_dir(root, "convert", fuzz_convert_one);
  n += replay_dir(root, "image", fuzz_image_one);
  n += replay_dir(root, "tflite", fuzz_tflite_one);
  printf("replayed %d regression inputs\n", n);
  return test_summary("test_regressions");
}
