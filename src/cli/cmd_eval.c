/* q8rt eval MODEL --images DIR --labels FILE [--limit N] [--threads N] [--json] */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli_precision.h"

static const char usage[] =
    "usage: q8rt eval MODEL.q8rt --images DIR --labels FILE [--limit N] [--threads N] [--precision int8|fp32] [--json]\n"
    "Top-1 / top-5 accuracy. FILE has lines 'IMAGE CLASS' (CLASS 0-based, e.g. the 1300-image labels.txt or the\n"
    "official 50,000-line val_ground_truth.txt); listed images missing from DIR are skipped and counted.\n"
    "An image that is there but cannot be read or decoded is reported on stderr (file and reason), counted as\n"
    "failed (--json: \"failed\" and \"errors\":[{\"image\",\"error\"}]) and left out of the accuracy; the others\n"
    "are evaluated and the exit status is then 1. --limit N: at most N images (evaluated or failed).\n"
    "--threads N (default 1, at most 1024) is capped at the number of online CPUs, with a warning.\n"
    "--precision fp32 runs the float network the int8 model stands for (docs/arithmetic.md \"fp32\"). Default: int8.\n"
    CLI_EXIT_HELP;

struct sample {
  char* file;
  unsigned label;
};

static struct sample* load_samples(const char* path, unsigned classes, size_t* count) {
  size_t size;
  char* text = cli_read_file("eval", path, 256u << 20, &size);
  if (text == NULL) return NULL;
  size_t lines = 1;
  for (size_t i = 0; i < size; i++) lines += text[i] == '\n';
  struct sample* s = calloc(lines, sizeof *s);
  size_t n = 0, lineno = 0;
  bool ok = s != NULL;
  char* line = text;
  if (strncmp(line, "\xEF\xBB\xBF", 3) == 0) line += 3; /* UTF-8 byte order mark */
  while (ok && *line != '\0') {
    char* eol = strchr(line, '\n');
    if (eol != NULL) *eol = '\0';
    lineno++;
    char file[1024];
    unsigned label;
    char extra;
    if (strspn(line, " \t\r") != strlen(line)) {
      if (sscanf(line, "%1023s %u %c", file, &label, &extra) != 2 || label >= classes) {
        cli_fail("eval", "%s:%zu: expected 'IMAGE CLASS' with CLASS < %u", path, lineno, classes);
        ok = false;
      } else if ((s[n].file = strdup(file)) == NULL) {
        ok = false;
      } else {
        s[n++].label = label;
      }
    }
    if (eol == NULL) break;
    line = eol + 1;
  }
  free(text);
  if (!ok || n == 0) {
    if (ok) cli_fail("eval", "%s: no labelled images", path);
    for (size_t i = 0; s != NULL && i < n; i++) free(s[i].file);
    free(s);
    return NULL;
  }
  *count = n;
  return s;
}

int q8rt_cmd_eval(int argc, char** argv) {
  const char *model_path = NULL, *dir = NULL, *labels = NULL;
  unsigned limit = 0, threads = 1;
  bool json = false;
  q8rt_precision precision = Q8RT_PRECISION_INT8;
  struct cli_args a = cli_args_init("eval", argc, argv);
  while (cli_next(&a)) {
    const char* v = NULL;
    if (cli_flag(&a, "--help") || cli_flag(&a, "-h")) return fputs(usage, stdout), 0;
    if (cli_flag(&a, "--json")) json = true;
    else if (cli_opt(&a, "--precision", &v)) a.bad |= !cli_parse_precision(a.cmd, v, &precision);
    else if (cli_opt(&a, "--images", &v)) dir = v;
    else if (cli_opt(&a, "--labels", &v)) labels = v;
    else if (cli_opt(&a, "--limit", &v)) a.bad |= !cli_parse_uint(a.cmd, "--limit", v, 1, 10000000, &limit);
    else if (cli_opt(&a, "--threads", &v)) a.bad |= !cli_parse_threads(a.cmd, v, &threads);
    else if (cli_is_option(&a) || model_path != NULL) cli_unexpected(&a, usage);
    else model_path = cli_arg(&a);
  }
  if (a.bad) return CLI_USAGE;
  if (model_path == NULL || dir == NULL || labels == NULL) {
    return cli_usage("eval", "MODEL, --images and --labels are required\n%s", usage);
  }
  q8rt_model* model;
  q8rt_session* session;
  if (cli_open_precision("eval", model_path, threads, precision, &model, &session) != 0) return CLI_ERROR;
  struct q8rt_model_info mi;
  q8rt_model_get_info(model, &mi);
  size_t count = 0;
  /* Dataset class c is model output c + class_offset (TFLite ImageNet models: output 0 is "background"). */
  struct sample* samples = load_samples(labels, mi.num_classes - mi.class_offset, &count);
  const size_t input_floats = (size_t) mi.input_height * mi.input_width * mi.input_channels;
  float* input = malloc(sizeof(float) * input_floats);
  float* logits = malloc(sizeof(float) * mi.num_classes);
  char* errors = NULL; /* the JSON entries of the failed images */
  size_t errors_size = 0;
  FILE* errors_json = json ? open_memstream(&errors, &errors_size) : NULL;
  int rc = samples == NULL ? CLI_ERROR
           : input == NULL || logits == NULL || (json && errors_json == NULL) ? cli_fail("eval", "out of memory")
                                                                              : 0;
  size_t n = 0, skipped = 0, failed = 0, top1 = 0, top5 = 0;
  const bool progress = isatty(STDERR_FILENO) != 0;
  const double start = cli_now_ms();
  for (size_t i = 0; rc == 0 && i < count && (limit == 0 || n + failed < limit); i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, samples[i].file);
    struct stat st;
    if (stat(path, &st) != 0 && errno == ENOENT) {
      skipped++;
      continue;
    }
    char err[1024];
    if (!cli_run_image(session, &mi, path, input, logits, err, sizeof err)) {
      fprintf(stderr, "%sq8rt eval: %s\n", progress ? "\n" : "", err);
      if (errors_json != NULL) cli_json_error(errors_json, failed ? "," : "", path, err);
      failed++;
      continue;
    }
    uint32_t best[5];
    cli_top_k(logits, mi.num_classes, 5, best);
    n++;
    const uint32_t expected = samples[i].label + mi.class_offset;
    top1 += best[0] == expected;
    for (int k = 0; k < 5; k++) top5 += best[k] == expected;
    if (progress && (n % 25 == 0)) {
      fprintf(stderr, "\r%zu images, top-1 %.2f %%, top-5 %.2f %%", n, 100.0 * (double) top1 / (double) n,
              100.0 * (double) top5 / (double) n);
    }
  }
  if (progress) fputc('\n', stderr);
  const double seconds = (cli_now_ms() - start) / 1e3;
  if (errors_json != NULL && fclose(errors_json) != 0 && rc == 0) rc = cli_fail("eval", "out of memory");
  if (rc == 0 && n == 0) {
    rc = failed > 0 ? cli_fail("eval", "none of the %zu images found in %s could be evaluated", failed, dir)
                    : cli_fail("eval", "none of the %zu listed images is in %s", count, dir);
  }
  if (rc == 0) {
    const double p1 = 100.0 * (double) top1 / (double) n, p5 = 100.0 * (double) top5 / (double) n;
    const double ips = seconds > 0 ? (double) n / seconds : 0.0;
    if (json) {
      printf("{\"n\":%zu,\"top1\":%.4f,\"top5\":%.4f,\"top1_count\":%zu,\"top5_count\":%zu,\"skipped\":%zu,"
             "\"failed\":%zu,\"images_per_second\":%.2f,\"threads\":%u,\"isa\":\"%s\",\"precision\":\"%s\","
             "\"errors\":[%s]}\n",
             n, p1, p5, top1, top5, skipped, failed, ips, threads, q8rt_session_isa_name(session),
             cli_precision_name(precision), errors != NULL ? errors : "");
    } else {
      printf("images %zu  top-1 %.2f %% (%zu)  top-5 %.2f %% (%zu)  %.1f images/s  (%s, %s, %u thread%s)\n", n,
             p1, top1, p5, top5, ips, cli_precision_name(precision), q8rt_session_isa_name(session), threads,
             threads == 1 ? "" : "s");
      if (skipped) printf("skipped %zu listed images not found in %s\n", skipped, dir);
      if (failed) printf("failed %zu images that could not be read or decoded (reasons on stderr)\n", failed);
    }
    fflush(stdout);
    if (failed > 0) rc = cli_fail("eval", "%zu of %zu images failed", failed, n + failed);
  }
  for (size_t i = 0; samples != NULL && i < count; i++) free(samples[i].file);
  free(samples);
  free(errors);
  free(logits);
  free(input);
  q8rt_session_free(session);
  q8rt_model_free(model);
  return rc;
}
