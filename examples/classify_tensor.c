/*
 * classify_tensor: a complete example of the q8rt C API (include/q8rt.h). It uses nothing else.
 *
 *   classify_tensor MODEL.q8rt [TENSOR.f32]
 *
 * Loads a q8rt blob (made by `q8rt convert`), runs one input tensor and prints the library version, the
 * model's shape, the instruction set used and the top 5 classes (index, probability, logit).
 *
 * TENSOR.f32 is a raw float32 [1, C, H, W] (NCHW) file, already preprocessed as the model expects (see
 * struct q8rt_preprocess: resize, center crop, (pixel - mean) / std), in the machine's byte order: the input
 * `q8rt run MODEL --input TENSOR.f32` takes. Without it, the example builds a uniform mid-gray image
 * (pixel value 128 in every channel) with the model's own preprocessing parameters.
 *
 * Build against an installed libq8rt:
 *   cc -std=c11 classify_tensor.c -o classify_tensor $(pkg-config --cflags --libs q8rt)
 * or statically (libq8rt.a, plus its dependencies from Libs.private / Requires.private):
 *   cc -std=c11 classify_tensor.c -o classify_tensor $(pkg-config --cflags q8rt) \
 *      $(pkg-config --static --libs q8rt | sed 's/-lq8rt/-l:libq8rt.a/')
 *
 * Exit status: 0 on success, 1 on any error (with a message on stderr), 2 on bad usage.
 */
#include <stdio.h>
#include <stdlib.h>

#include <q8rt.h>

#define TOP_K 5

/* Reports a failed q8rt call: the status name and the library's message for this thread. */
static int fail(const char* what, q8rt_status status) {
  fprintf(stderr, "classify_tensor: %s: %s: %s\n", what, q8rt_status_string(status), q8rt_last_error());
  return 1;
}

/* Reads the whole file at path into input, which must be exactly `bytes` long. Returns 0 on success. */
static int read_tensor(const char* path, float* input, size_t bytes) {
  FILE* f = fopen(path, "rb");
  if (f == NULL) {
    perror(path);
    return 1;
  }
  const size_t got = fread(input, 1, bytes, f);
  const int extra = fgetc(f) != EOF; /* the file must not be longer either */
  const int read_error = ferror(f);
  fclose(f);
  if (read_error || got != bytes || extra) {
    fprintf(stderr, "classify_tensor: %s: %s; expected exactly %zu bytes (float32 NCHW)\n", path,
            read_error ? "read error" : "wrong size", bytes);
    return 1;
  }
  return 0;
}

/* A mid-gray image (every pixel 128), preprocessed the way the model expects: channel c of the input is
 * (128 - mean[c]) / std[c], whatever the channel order (all channels of the image are equal). */
static void mid_gray(const struct q8rt_model_info* info, float* input) {
  const size_t plane = (size_t) info->input_height * info->input_width;
  for (size_t c = 0; c < info->input_channels; c++) {
    const float value = (128.0f - info->preprocess.mean[c % 3]) / info->preprocess.std[c % 3];
    for (size_t i = 0; i < plane; i++) input[c * plane + i] = value;
  }
}

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: %s MODEL.q8rt [TENSOR.f32]\n", argv[0]);
    return 2;
  }
  const char* model_path = argv[1];
  const char* tensor_path = argc == 3 ? argv[2] : NULL;

  /* 1. Load the model. It is immutable once loaded; any number of sessions (threads) may share it. */
  q8rt_model* model = NULL;
  q8rt_status status = q8rt_model_load_file(model_path, &model);
  if (status != Q8RT_OK) return fail("loading the model", status);

  struct q8rt_model_info info;
  status = q8rt_model_get_info(model, &info);
  if (status != Q8RT_OK) {
    q8rt_model_free(model);
    return fail("q8rt_model_get_info", status);
  }

  /* 2. Create a session: it plans the activation memory and owns the thread pool. Defaults: int8, the best
   * instruction set of this CPU, one thread (the calling one). */
  struct q8rt_session_options options;
  q8rt_session_options_init(&options);
  options.num_threads = 1;
  q8rt_session* session = NULL;
  status = q8rt_session_create(model, &options, &session);
  if (status != Q8RT_OK) {
    q8rt_model_free(model);
    return fail("creating the session", status);
  }

  printf("libq8rt %s (header %d.%d.%d), isa %s\n", q8rt_version(), Q8RT_VERSION_MAJOR, Q8RT_VERSION_MINOR,
         Q8RT_VERSION_PATCH, q8rt_session_isa_name(session));
  printf("model %s: input [1, %u, %u, %u] NHWC, %u classes, %u ops, %.1f M MACs\n", model_path,
         (unsigned) info.input_height, (unsigned) info.input_width, (unsigned) info.input_channels,
         (unsigned) info.num_classes, (unsigned) info.op_count, (double) info.macs / 1e6);

  /* 3. The input: float32 NCHW, C x H x W values. */
  const size_t elements = (size_t) info.input_channels * info.input_height * info.input_width;
  const size_t bytes = elements * sizeof(float);
  float* input = malloc(bytes);
  float* probs = malloc(sizeof(float) * info.num_classes);
  float* logits = malloc(sizeof(float) * info.num_classes);
  int rc = 0;
  if (input == NULL || probs == NULL || logits == NULL) {
    fprintf(stderr, "classify_tensor: out of memory\n");
    rc = 1;
  } else if (tensor_path != NULL) {
    rc = read_tensor(tensor_path, input, bytes);
    if (rc == 0) printf("input %s (float32 NCHW)\n", tensor_path);
  } else {
    mid_gray(&info, input);
    printf("input mid-gray image (no tensor given)\n");
  }

  /* 4. Run, then read the outputs: the logits (here dequantized to float) and the softmax probabilities. */
  if (rc == 0) {
    status = q8rt_session_run(session, Q8RT_INPUT_F32_NCHW, input, bytes);
    if (status == Q8RT_OK) status = q8rt_session_get_logits_f32(session, logits, info.num_classes);
    if (status == Q8RT_OK) status = q8rt_session_get_probabilities(session, probs, info.num_classes);
    if (status != Q8RT_OK) rc = fail("running the model", status);
  }

  /* 5. The top classes by logit (ties: the lower class index first, as `q8rt classify` ranks them). */
  if (rc == 0) {
    uint32_t top[TOP_K];
    const uint32_t k = info.num_classes < TOP_K ? info.num_classes : TOP_K;
    for (uint32_t j = 0; j < k; j++) {
      uint32_t best = UINT32_MAX;
      for (uint32_t i = 0; i < info.num_classes; i++) {
        int taken = 0;
        for (uint32_t t = 0; t < j; t++) taken |= top[t] == i;
        if (!taken && (best == UINT32_MAX || logits[i] > logits[best])) best = i;
      }
      top[j] = best;
    }
    printf("top %u:\n", (unsigned) k);
    for (uint32_t j = 0; j < k; j++) {
      printf("  %u. class %4u  probability %.4f  logit %.4f\n", (unsigned) j + 1, (unsigned) top[j],
             (double) probs[top[j]], (double) logits[top[j]]);
    }
  }

  /* 6. Free the session before its model. Both accept NULL. */
  free(logits);
  free(probs);
  free(input);
  q8rt_session_free(session);
  q8rt_model_free(model);
  return rc;
}
