/* q8rt bench MODEL [--threads N] [--runs R] [--warmup W] [--json] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "usage: q8rt bench MODEL.q8rt [--threads N] [--runs R] [--warmup W] [--json]\n"
    "Batch-1 latency of q8rt_session_run on a fixed uint8 input (quantized, so preprocessing is not timed):\n"
    "median, min and p90 over R timed runs after W warm-up runs, in milliseconds. Defaults: 1 thread,\n"
    "50 runs, 5 warm-up runs.\n";

static int cmp_double(const void* a, const void* b) {
  const double x = *(const double*) a, y = *(const double*) b;
  return (x > y) - (x < y);
}

int q8rt_cmd_bench(int argc, char** argv) {
  const char* model_path = NULL;
  unsigned threads = 1, runs = 50, warmup = 5;
  bool json = false;
  for (int i = 1; i < argc; i++) {
    const char* a = argv[i];
    if (strcmp(a, "--help") == 0) return fputs(usage, stdout), 0;
    if (strcmp(a, "--json") == 0) {
      json = true;
    } else if (strcmp(a, "--threads") == 0 || strcmp(a, "--runs") == 0 || strcmp(a, "--warmup") == 0) {
      if (i + 1 >= argc) return cli_fail("bench", "%s needs a value", a);
      unsigned* dst = strcmp(a, "--threads") == 0 ? &threads : strcmp(a, "--runs") == 0 ? &runs : &warmup;
      if (!cli_parse_uint("bench", a, argv[++i], strcmp(a, "--warmup") == 0 ? 0 : 1, 1000000, dst)) return 1;
    } else if (a[0] == '-' || model_path != NULL) {
      return cli_fail("bench", "unexpected argument '%s'\n%s", a, usage);
    } else {
      model_path = a;
    }
  }
  if (model_path == NULL) return cli_fail("bench", "missing MODEL\n%s", usage);
  q8rt_model* model;
  q8rt_session* session;
  if (cli_open("bench", model_path, threads, &model, &session) != 0) return 1;
  struct q8rt_model_info mi;
  q8rt_model_get_info(model, &mi);
  const size_t n = (size_t) mi.input_height * mi.input_width * mi.input_channels;
  uint8_t* input = malloc(n);
  double* ms = malloc(sizeof(double) * runs);
  int rc = input == NULL || ms == NULL ? cli_fail("bench", "out of memory") : 0;
  uint32_t state = 12345;
  for (size_t i = 0; rc == 0 && i < n; i++) {
    state = state * 1664525u + 1013904223u;
    input[i] = (uint8_t) (state >> 24);
  }
  for (unsigned r = 0; rc == 0 && r < warmup + runs; r++) {
    const double t0 = cli_now_ms();
    const q8rt_status status = q8rt_session_run(session, Q8RT_INPUT_U8_NHWC, input, n);
    const double t1 = cli_now_ms();
    if (status != Q8RT_OK) rc = cli_fail_status("bench", status);
    if (r >= warmup) ms[r - warmup] = t1 - t0;
  }
  if (rc == 0) {
    qsort(ms, runs, sizeof *ms, cmp_double);
    const double median = runs % 2 ? ms[runs / 2] : 0.5 * (ms[runs / 2 - 1] + ms[runs / 2]);
    const double p90 = ms[(size_t) ((runs - 1) * 0.9 + 0.5)];
    const double gmacs = (double) mi.macs / (median * 1e6);
    if (json) {
      printf("{\"model\":");
      cli_json_string(model_path, strlen(model_path));
      printf(",\"isa\":\"%s\",\"threads\":%u,\"runs\":%u,\"warmup\":%u,\"median_ms\":%.4f,\"min_ms\":%.4f,"
             "\"p90_ms\":%.4f,\"macs\":%llu,\"gmacs_per_s\":%.3f}\n",
             q8rt_session_isa_name(session), threads, runs, warmup, median, ms[0], p90,
             (unsigned long long) mi.macs, gmacs);
    } else {
      printf("%s: %s, %u thread%s, %u runs (+%u warm-up)\n", model_path, q8rt_session_isa_name(session), threads,
             threads == 1 ? "" : "s", runs, warmup);
      printf("latency ms: median %.3f  min %.3f  p90 %.3f   (%.1f M MACs, %.2f GMAC/s at the median)\n", median,
             ms[0], p90, (double) mi.macs / 1e6, gmacs);
    }
  }
  free(ms);
  free(input);
  q8rt_session_free(session);
  q8rt_model_free(model);
  return rc;
}
