#include "model_fixture.h"

#include <stdio.h>
#include <stdlib.h>

#include "convert/convert.h"
#include "test.h"

static void* read_all(const char* dir, const char* name, size_t* size) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE* f = fopen(path, "rb");
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  const long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  void* data = n > 0 ? malloc((size_t) n) : NULL;
  if (data != NULL && fread(data, 1, (size_t) n, f) != (size_t) n) {
    free(data);
    data = NULL;
  }
  fclose(f);
  *size = (size_t) n;
  return data;
}

void* fixture_mobilenet_blob(size_t* size) {
  const char* dir = test_model_dir();
  if (dir == NULL) {
    fprintf(stderr, "fixture: Caffe2 model files not found (set Q8RT_CAFFE2_DIR)\n");
    return NULL;
  }
  size_t init_size = 0, predict_size = 0;
  void* init = read_all(dir, "init_net.pb", &init_size);
  void* predict = read_all(dir, "predict_net.pb", &predict_size);
  void* blob = NULL;
  if (init != NULL && predict != NULL) {
    struct q8rt_convert_options opts;
    q8rt_convert_options_init(&opts);
    char err[512];
    if (!q8rt_convert_buffers(init, init_size, predict, predict_size, &opts, &blob, size, NULL, err, sizeof err)) {
      fprintf(stderr, "fixture: %s\n", err);
      blob = NULL;
    }
  }
  free(init);
  free(predict);
  return blob;
}
