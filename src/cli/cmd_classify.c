/* q8rt classify MODEL IMAGE... [--top K] [--threads N] [--labels FILE] [--json] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_precision.h"
#include "image.h"

static const char usage[] =
    "usage: q8rt classify MODEL.q8rt IMAGE.jpg... [--top K] [--threads N] [--labels synset_words.txt]\n"
    "                     [--precision int8|fp32] [--json]\n"
    "Decodes each JPEG, applies the model's preprocessing (stored in the blob), runs it and prints the top-K\n"
    "classes (index, probability, name) per image. Ranking uses the logits; ties go to the lower index.\n"
    "Names come from --labels, else from the blob (q8rt convert --labels), else are empty.\n"
    "--precision fp32 runs the float network the int8 model stands for (README \"fp32\"). Default: int8.\n";

int q8rt_cmd_classify(int argc, char** argv) {
  const char* model_path = NULL;
  const char* labels_path = NULL;
  unsigned top = 5, threads = 1;
  bool json = false;
  q8rt_precision precision = Q8RT_PRECISION_INT8;
  char** images = calloc((size_t) argc, sizeof *images);
  size_t image_count = 0;
  if (images == NULL) return cli_fail("classify", "out of memory");
  int rc = 0;
  for (int i = 1; i < argc && rc == 0; i++) {
    const char* a = argv[i];
    if (strcmp(a, "--help") == 0) {
      free(images);
      return fputs(usage, stdout), 0;
    } else if (strcmp(a, "--json") == 0) {
      json = true;
    } else if (strcmp(a, "--precision") == 0) {
      if (i + 1 >= argc) rc = cli_fail("classify", "%s needs a value", a);
      else if (!cli_parse_precision("classify", argv[++i], &precision)) rc = 1;
    } else if (strcmp(a, "--top") == 0 || strcmp(a, "--threads") == 0 || strcmp(a, "--labels") == 0) {
      if (i + 1 >= argc) {
        rc = cli_fail("classify", "%s needs a value", a);
      } else if (strcmp(a, "--labels") == 0) {
        labels_path = argv[++i];
      } else if (!cli_parse_uint("classify", a, argv[++i], 1, strcmp(a, "--top") == 0 ? 1000 : 256,
                                 strcmp(a, "--top") == 0 ? &top : &threads)) {
        rc = 1;
      }
    } else if (a[0] == '-' && a[1] != '\0') {
      rc = cli_fail("classify", "unknown option '%s'\n%s", a, usage);
    } else if (model_path == NULL) {
      model_path = a;
    } else {
      images[image_count++] = argv[i];
    }
  }
  if (rc == 0 && (model_path == NULL || image_count == 0)) rc = cli_fail("classify", "missing MODEL or IMAGE\n%s", usage);
  q8rt_model* model = NULL;
  q8rt_session* session = NULL;
  if (rc == 0) rc = cli_open_precision("classify", model_path, threads, precision, &model, &session);
  struct q8rt_model_info mi;
  char** names = NULL;
  size_t name_count = 0;
  float* input = NULL;
  float* probs = NULL;
  float* logits = NULL;
  uint32_t* best = NULL;
  if (rc == 0) {
    q8rt_model_get_info(model, &mi);
    if (top > mi.num_classes) top = mi.num_classes;
    if (labels_path != NULL) {
      names = cli_load_class_names("classify", labels_path, mi.num_classes, &name_count);
      if (names == NULL) rc = 1;
    }
    input = malloc(sizeof(float) * mi.input_height * mi.input_width * mi.input_channels);
    probs = malloc(sizeof(float) * mi.num_classes);
    logits = malloc(sizeof(float) * mi.num_classes);
    best = malloc(sizeof(uint32_t) * top);
    if (rc == 0 && (input == NULL || probs == NULL || logits == NULL || best == NULL)) rc = cli_fail("classify", "out of memory");
  }
  if (rc == 0 && json) printf("[");
  for (size_t n = 0; rc == 0 && n < image_count; n++) {
    char err[512];
    if (q8rt_image_load_preprocessed(images[n], &mi.preprocess, input, err, sizeof err) != 0) {
      rc = cli_fail("classify", "%s", err);
      break;
    }
    const size_t bytes = sizeof(float) * mi.input_height * mi.input_width * mi.input_channels;
    q8rt_status status = q8rt_session_run(session, Q8RT_INPUT_F32_NCHW, input, bytes);
    if (status == Q8RT_OK) status = q8rt_session_get_logits_f32(session, logits, mi.num_classes);
    if (status == Q8RT_OK) status = q8rt_session_get_probabilities(session, probs, mi.num_classes);
    if (status != Q8RT_OK) {
      rc = cli_fail_status("classify", status);
      break;
    }
    cli_top_k(logits, mi.num_classes, top, best);
    if (json) {
      printf("%s{\"image\":", n ? "," : "");
      cli_json_string(images[n], strlen(images[n]));
      printf(",\"top\":[");
    } else {
      printf("%s\n", images[n]);
    }
    for (unsigned k = 0; k < top; k++) {
      const char* stored = q8rt_model_class_name(model, best[k]); /* from `q8rt convert --labels`, or NULL */
      const char* name = names != NULL ? names[best[k]] : stored != NULL ? stored : "";
      if (json) {
        printf("%s{\"class\":%u,\"probability\":%.6f,\"logit\":%.9g,\"name\":", k ? "," : "", best[k],
               (double) probs[best[k]], (double) logits[best[k]]);
        cli_json_string(name, strlen(name));
        printf("}");
      } else {
        printf("  %d. %4u  %6.2f%%  %s\n", (int) k + 1, best[k], 100.0 * (double) probs[best[k]], name);
      }
    }
    if (json) printf("]}");
  }
  if (rc == 0 && json) printf("]\n");
  free(best);
  free(logits);
  free(probs);
  free(input);
  cli_free_class_names(names, name_count);
  q8rt_session_free(session);
  q8rt_model_free(model);
  free(images);
  return rc;
}
