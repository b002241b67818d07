/* q8rt classify MODEL IMAGE... [--top K] [--threads N] [--labels FILE] [--precision int8|fp32] [--json] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_precision.h"

static const char usage[] =
    "usage: q8rt classify MODEL.q8rt IMAGE... [--top K] [--threads N] [--labels FILE]\n"
    "                     [--precision int8|fp32] [--json]\n"
    "Decodes each image (JPEG or PNG, any size up to 16384 pixels a side and 64 Mpixels; the JPEG EXIF\n"
    "orientation is applied), applies the model's preprocessing (stored in the blob: shorter side resized with\n"
    "Pillow's antialiased bilinear filter, centre crop, mean/std), runs it and prints the top-K classes (index,\n"
    "probability, name) per image. Ranking uses the logits; ties go to the lower index.\n"
    "--precision fp32 runs the float network the int8 model stands for (docs/arithmetic.md \"fp32\"). Default: int8.\n"
    "--threads N (default 1, at most 1024) is capped at the number of online CPUs, with a warning.\n"
    "An image that cannot be read or decoded is reported on stderr (file and reason) and skipped; the others\n"
    "are classified, a count of the failures ends stderr and the exit status is 1.\n"
    "--json prints one JSON array: per image {\"image\":...,\"top\":[{\"class\",\"probability\",\"logit\",\n"
    "\"name\"}...]} or, for a failed image, {\"image\":...,\"error\":\"reason\"}. Strings are escaped so the\n"
    "output is always valid JSON: control characters and DEL as \\u00XX, bytes that are not valid UTF-8 (file\n"
    "names are bytes) as \\ufffd (U+FFFD).\n" CLI_LABELS_HELP CLI_EXIT_HELP;

struct classify_buffers {
  float* input;
  float* logits;
  float* probs;
};

/* Loads, preprocesses and runs one image; false with the reason (naming the file) in err. */
static bool classify_one(q8rt_session* session, const struct q8rt_model_info* mi, const char* path,
                         const struct classify_buffers* b, char* err, size_t err_size) {
  if (!cli_run_image(session, mi, path, b->input, b->logits, err, err_size)) return false;
  if (q8rt_session_get_probabilities(session, b->probs, mi->num_classes) == Q8RT_OK) return true;
  snprintf(err, err_size, "%s: %s", path, q8rt_last_error());
  return false;
}

static void print_result(const char* path, size_t index, bool json, const struct classify_buffers* b,
                         const uint32_t* best, unsigned top, char** names) {
  if (json) {
    printf("%s{\"image\":", index ? "," : "");
    cli_json_string(stdout, path, strlen(path));
    printf(",\"top\":[");
  } else {
    printf("%s\n", path);
  }
  for (unsigned k = 0; k < top; k++) {
    const char* name = names != NULL ? names[best[k]] : "";
    if (json) {
      printf("%s{\"class\":%u,\"probability\":%.6f,\"logit\":%.9g,\"name\":", k ? "," : "", best[k],
             (double) b->probs[best[k]], (double) b->logits[best[k]]);
      cli_json_string(stdout, name, strlen(name));
      printf("}");
    } else {
      printf("  %d. %4u  %6.2f%%  %s\n", (int) k + 1, best[k], 100.0 * (double) b->probs[best[k]], name);
    }
  }
  if (json) printf("]}");
}

int q8rt_cmd_classify(int argc, char** argv) {
  const char* model_path = NULL;
  const char* labels_path = NULL;
  unsigned top = 5, threads = 1;
  bool json = false, help = false;
  q8rt_precision precision = Q8RT_PRECISION_INT8;
  const char** images = calloc((size_t) argc, sizeof *images);
  size_t image_count = 0;
  if (images == NULL) return cli_fail("classify", "out of memory");
  struct cli_args a = cli_args_init("classify", argc, argv);
  while (cli_next(&a) && !help) {
    const char* v = NULL;
    if (cli_flag(&a, "--help") || cli_flag(&a, "-h")) help = true;
    else if (cli_flag(&a, "--json")) json = true;
    else if (cli_opt(&a, "--precision", &v)) a.bad |= !cli_parse_precision(a.cmd, v, &precision);
    else if (cli_opt(&a, "--top", &v)) a.bad |= !cli_parse_uint(a.cmd, "--top", v, 1, 65536, &top);
    else if (cli_opt(&a, "--threads", &v)) a.bad |= !cli_parse_threads(a.cmd, v, &threads);
    else if (cli_opt(&a, "--labels", &v)) labels_path = v;
    else if (cli_is_option(&a)) cli_unexpected(&a, usage);
    else if (model_path == NULL) model_path = cli_arg(&a);
    else images[image_count++] = cli_arg(&a);
  }
  int rc = help ? 0 : a.bad ? CLI_USAGE : 0;
  if (help) fputs(usage, stdout);
  if (!help && rc == 0 && (model_path == NULL || image_count == 0)) {
    rc = cli_usage("classify", "missing MODEL or IMAGE\n%s", usage);
  }
  if (help || rc != 0) {
    free(images);
    return rc;
  }
  q8rt_model* model = NULL;
  q8rt_session* session = NULL;
  rc = cli_open_precision("classify", model_path, threads, precision, &model, &session);
  struct q8rt_model_info mi;
  char** names = NULL;
  size_t name_count = 0;
  struct classify_buffers b = {NULL, NULL, NULL};
  uint32_t* best = NULL;
  if (rc == 0) {
    q8rt_model_get_info(model, &mi);
    if (top > mi.num_classes) top = mi.num_classes;
    rc = cli_class_names_for_model("classify", model, model_path, labels_path, &names, &name_count);
    b.input = malloc(sizeof(float) * mi.input_height * mi.input_width * mi.input_channels);
    b.probs = malloc(sizeof(float) * mi.num_classes);
    b.logits = malloc(sizeof(float) * mi.num_classes);
    best = malloc(sizeof(uint32_t) * top);
    if (rc == 0 && (b.input == NULL || b.probs == NULL || b.logits == NULL || best == NULL)) {
      rc = cli_fail("classify", "out of memory");
    }
  }
  size_t failed = 0;
  if (rc == 0 && json) printf("[");
  for (size_t n = 0; rc == 0 && n < image_count; n++) {
    char err[1024];
    if (classify_one(session, &mi, images[n], &b, err, sizeof err)) {
      cli_top_k(b.logits, mi.num_classes, top, best);
      print_result(images[n], n, json, &b, best, top, names);
      continue;
    }
    failed++;
    fflush(stdout);
    fprintf(stderr, "q8rt classify: %s\n", err);
    if (json) cli_json_error(stdout, n ? "," : "", images[n], err);
  }
  if (rc == 0 && json) printf("]\n");
  fflush(stdout);
  if (rc == 0 && failed > 0) rc = cli_fail("classify", "%zu of %zu images failed", failed, image_count);
  free(best);
  free(b.logits);
  free(b.probs);
  free(b.input);
  cli_free_class_names(names, name_count);
  q8rt_session_free(session);
  q8rt_model_free(model);
  free(images);
  return rc;
}
