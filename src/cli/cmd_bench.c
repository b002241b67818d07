/* q8rt bench MODEL [--precision int8|fp32|int8,fp32] [--threads N] [--runs R] [--warmup W] [--per-layer [--hot]]
 *                  [--json] [--csv FILE] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <cpuinfo.h>

#include "cli.h"
#include "cli_precision.h"

static const char usage[] =
    "usage: q8rt bench MODEL.q8rt [--precision int8|fp32|int8,fp32] [--threads N] [--runs R] [--warmup W]\n"
    "                  [--per-layer [--hot]] [--ghz F] [--json] [--csv FILE]\n"
    "Batch-1 latency of q8rt_session_run on a fixed uint8 input (quantized, so preprocessing is not timed):\n"
    "median, min and p90 over R timed runs after W warm-up runs, in milliseconds. Defaults: 1 thread,\n"
    "50 runs, 5 warm-up runs, int8 (fp32: the float network, docs/arithmetic.md \"fp32\"; its input is the same uint8\n"
    "tensor, dequantized).\n"
    "--precision int8,fp32 creates one session per precision and runs them alternately (A B A B ...), so\n"
    "machine drift affects both alike; it adds the fp32/int8 latency ratio: the median of the R per-pair\n"
    "ratios, with their 10th and 90th percentiles.\n"
    "--per-layer profiles the sessions (q8rt_session_get_op_times): per op, its shapes, MACs, median time,\n"
    "GMAC/s and share of the total for each precision, then a summary by op kind. %pk: the op's GMAC/s as a\n"
    "percentage of the session ISA's peak: MACs/cycle of its widest multiply-add (avx512vnni: 2 vpdpbusd x 64 =\n"
    "128; avx2/avx512 int8: 2 vpmaddwd x 16 = 32; sse41 int8: 2 pmaddwd x 8 = 16; neon int8: 16; neondot int8:\n"
    "2 udot x 16 = 32; neoni8mm int8: 2 ummla x 32 = 64; scalar: 1;\n"
    "fp32: 2 FMA x lanes; 512-bit figures halved on AMD Zen 4, which splits zmm multiply-adds into two halves)\n"
    "x clock x threads. The clock is /proc/cpuinfo's \"cpu MHz\" (first CPU) unless --ghz F gives it.\n"
    "The peak resident set size of the process (getrusage ru_maxrss: model blob, sessions, code) is reported.\n"
    "--hot (with --per-layer) runs every op twice back to back and times the second run, on inputs, weights\n"
    "and outputs already in cache (Q8RT_PROFILE_OPS_HOT): compared with --per-layer alone, the most that keeping\n"
    "activations in cache between layers (layer fusion) could save; whole-run latencies then include both runs.\n"
    "--json prints everything (also every run's latency) as one JSON object. --csv FILE writes the per-layer\n"
    "rows as CSV (needs --per-layer; - is standard output, written like q8rt run --output).\n"
    "--threads N (default 1, at most 1024) is capped at the number of online CPUs, with a warning.\n" CLI_EXIT_HELP;

#define MAX_PRECISIONS 2

struct bench_run {
  q8rt_precision precision;
  q8rt_session* session;
  double* ms;         /* runs: latency of each timed run */
  double* op_ms;      /* runs x op_count (--per-layer) */
  double median, min, p90;
  double* op_median;  /* op_count */
  double* op_min;
  double* op_p90;
  double op_total;    /* sum of op_median */
  double peak_gmacs;  /* the ISA's peak at the clock, times the threads (0: unknown clock) */
};

struct bench_op {
  struct q8rt_op_info info;
  char kind[32];      /* "conv 1x1", "dwconv 3x3", "add", ... */
};

static int cmp_double(const void* a, const void* b) {
  const double x = *(const double*) a, y = *(const double*) b;
  return (x > y) - (x < y);
}

/* Statistics of n samples (n >= 1), sorted in place. p90 / p10 as in the single-precision form: the sample
 * of rank round((n - 1) * q). */
static double sorted_median(const double* v, size_t n) { return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]); }
static double sorted_quantile(const double* v, size_t n, double q) { return v[(size_t) ((double) (n - 1) * q + 0.5)]; }

static bool parse_precisions(const char* text, q8rt_precision* out, size_t* count) {
  if (text == NULL) return false; /* cli_opt reported the missing value */
  char buf[64];
  if (strlen(text) >= sizeof buf) return cli_usage("bench", "--precision: '%s' is too long", text), false;
  strcpy(buf, text);
  *count = 0;
  for (char* save = NULL, *tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
    q8rt_precision p;
    if (!cli_parse_precision("bench", tok, &p)) return false;
    for (size_t i = 0; i < *count; i++) {
      if (out[i] == p) return cli_usage("bench", "--precision lists %s twice", tok), false;
    }
    if (*count == MAX_PRECISIONS) return cli_usage("bench", "--precision: at most %d values", MAX_PRECISIONS), false;
    out[(*count)++] = p;
  }
  if (*count == 0) return cli_usage("bench", "--precision needs int8, fp32 or int8,fp32"), false;
  return true;
}

static bool parse_ghz(const char* text, double* ghz) {
  if (text == NULL) return false; /* cli_opt reported the missing value */
  char* end = NULL;
  *ghz = strtod(text, &end);
  if (end != text && *end == '\0' && *ghz > 0.0 && *ghz < 100.0) return true;
  return cli_usage("bench", "--ghz needs a clock in GHz in (0, 100), got '%s'", text), false;
}

/* The 1-minute load average (Linux /proc/loadavg), or -1: recorded in the JSON, since other processes on the
 * machine are the main source of noise. */
static double load_average(void) {
  double v = -1.0;
  FILE* f = fopen("/proc/loadavg", "r");
  if (f != NULL) {
    if (fscanf(f, "%lf", &v) != 1) v = -1.0;
    fclose(f);
  }
  return v;
}

static void dims_text(const uint32_t d[4], char* out, size_t size) {
  if (d[0] == 1) snprintf(out, size, "%ux%ux%u", d[1], d[2], d[3]);
  else snprintf(out, size, "%ux%ux%ux%u", d[0], d[1], d[2], d[3]);
}

static bool windowed(const char* type) {
  return strcmp(type, "conv") == 0 || strcmp(type, "dwconv") == 0 || strcmp(type, "avgpool") == 0;
}

/* AMD Zen 4 (the only AMD core with AVX-512 in cpuinfo's 2022 Debian build, which has no zen4 uarch) runs each
 * 512-bit multiply-add as two 256-bit halves: one vpdpbusd / vfmadd zmm per cycle where Intel issues two. */
static bool amd_avx512(void) {
  if (!cpuinfo_initialize()) return false;
  const struct cpuinfo_core* core = cpuinfo_get_core(0);
  return core != NULL && core->vendor == cpuinfo_vendor_amd && cpuinfo_has_x86_avx512f();
}

/* Multiply-accumulates per cycle per core of the ISA's widest int8 / fp32 multiply-add (see usage). */
static double peak_macs_per_cycle(q8rt_precision precision, const char* isa) {
  const bool f32 = precision == Q8RT_PRECISION_FP32;
  const double zmm = amd_avx512() ? 0.5 : 1.0;
  if (strcmp(isa, "avx512vnni") == 0) return (f32 ? 32 : 128) * zmm;
  if (strcmp(isa, "avx512") == 0) return f32 ? 32 * zmm : 32;
  if (strcmp(isa, "avx2") == 0) return f32 ? 16 : 32;
  if (strcmp(isa, "sse41") == 0) return f32 ? 8 : 16;
  if (strcmp(isa, "neoni8mm") == 0) return f32 ? 1 : 64;
  if (strcmp(isa, "neondot") == 0) return f32 ? 1 : 32;
  if (strcmp(isa, "neon") == 0) return f32 ? 1 : 16;
  return 1;
}

/* Clock in GHz from /proc/cpuinfo's first "cpu MHz" line, or 0. */
static double cpuinfo_ghz(void) {
  double mhz = 0.0;
  FILE* f = fopen("/proc/cpuinfo", "r");
  if (f == NULL) return 0.0;
  char line[256];
  while (fgets(line, sizeof line, f) != NULL) {
    if (strncmp(line, "cpu MHz", 7) == 0) {
      const char* colon = strchr(line, ':');
      if (colon != NULL && sscanf(colon + 1, "%lf", &mhz) == 1) break;
      mhz = 0.0;
    }
  }
  fclose(f);
  return mhz / 1e3;
}

/* Peak resident set size of this process in KiB (Linux ru_maxrss). */
static long max_rss_kib(void) {
  struct rusage ru;
  return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

static double gmacs(uint64_t macs, double ms) { return ms > 0 ? (double) macs / (ms * 1e6) : 0.0; }

static void print_json_array(FILE* f, const double* v, size_t n) {
  fputc('[', f);
  for (size_t i = 0; i < n; i++) fprintf(f, "%s%.4f", i ? "," : "", v[i]);
  fputc(']', f);
}

/* Per-layer rows as CSV: one row per op, per precision median / GMAC/s / share, and the fp32/int8 ratio. */
static void write_csv(FILE* f, const struct bench_op* ops, uint32_t op_count, const struct bench_run* runs,
                      size_t nprec, int num, int den) {
  fprintf(f, "index,type,kind,kernel,stride,input,output,macs");
  for (size_t p = 0; p < nprec; p++) {
    const char* name = cli_precision_name(runs[p].precision);
    fprintf(f, ",%s_median_ms,%s_min_ms,%s_p90_ms,%s_gmacs_per_s,%s_share,%s_peak_share", name, name, name, name, name,
            name);
  }
  if (num >= 0) fprintf(f, ",fp32_over_int8");
  fputc('\n', f);
  for (uint32_t i = 0; i < op_count; i++) {
    const struct q8rt_op_info* oi = &ops[i].info;
    char in[48], out[48];
    dims_text(oi->input_dims, in, sizeof in);
    dims_text(oi->output_dims, out, sizeof out);
    if (windowed(oi->type)) {
      fprintf(f, "%u,%s,%s,%ux%u,%ux%u,%s,%s,%llu", i, oi->type, ops[i].kind, oi->kernel_h, oi->kernel_w,
              oi->stride_h, oi->stride_w, in, out, (unsigned long long) oi->macs);
    } else {
      fprintf(f, "%u,%s,%s,,,%s,%s,%llu", i, oi->type, ops[i].kind, in, out, (unsigned long long) oi->macs);
    }
    for (size_t p = 0; p < nprec; p++) {
      const struct bench_run* r = &runs[p];
      fprintf(f, ",%.5f,%.5f,%.5f,%.3f,%.5f,%.5f", r->op_median[i], r->op_min[i], r->op_p90[i],
              gmacs(oi->macs, r->op_median[i]), r->op_total > 0 ? r->op_median[i] / r->op_total : 0.0,
              r->peak_gmacs > 0 ? gmacs(oi->macs, r->op_median[i]) / r->peak_gmacs : 0.0);
    }
    if (num >= 0) {
      const double d = runs[den].op_median[i];
      fprintf(f, ",%.4f", d > 0 ? runs[num].op_median[i] / d : 0.0);
    }
    fputc('\n', f);
  }
}

int q8rt_cmd_bench(int argc, char** argv) {
  const char* model_path = NULL;
  const char* csv_path = NULL;
  unsigned threads = 1, runs = 50, warmup = 5;
  double ghz = 0.0;
  const char* ghz_source = "/proc/cpuinfo";
  bool json = false, per_layer = false, hot = false;
  q8rt_precision precisions[MAX_PRECISIONS] = {Q8RT_PRECISION_INT8};
  size_t nprec = 1;
  struct cli_args a = cli_args_init("bench", argc, argv);
  while (cli_next(&a)) {
    const char* v = NULL;
    if (cli_flag(&a, "--help") || cli_flag(&a, "-h")) return fputs(usage, stdout), 0;
    if (cli_flag(&a, "--json")) json = true;
    else if (cli_flag(&a, "--per-layer")) per_layer = true;
    else if (cli_flag(&a, "--hot")) hot = true;
    else if (cli_opt(&a, "--ghz", &v)) {
      a.bad |= !parse_ghz(v, &ghz);
      ghz_source = "--ghz";
    }
    else if (cli_opt(&a, "--csv", &v)) csv_path = v;
    else if (cli_opt(&a, "--precision", &v)) a.bad |= !parse_precisions(v, precisions, &nprec);
    else if (cli_opt(&a, "--threads", &v)) a.bad |= !cli_parse_threads(a.cmd, v, &threads);
    else if (cli_opt(&a, "--runs", &v)) a.bad |= !cli_parse_uint(a.cmd, "--runs", v, 1, 1000000, &runs);
    else if (cli_opt(&a, "--warmup", &v)) a.bad |= !cli_parse_uint(a.cmd, "--warmup", v, 0, 1000000, &warmup);
    else if (cli_is_option(&a) || model_path != NULL) cli_unexpected(&a, usage);
    else model_path = cli_arg(&a);
  }
  if (a.bad) return CLI_USAGE;
  if (model_path == NULL) return cli_usage("bench", "missing MODEL\n%s", usage);
  if (csv_path != NULL && !per_layer) return cli_usage("bench", "--csv needs --per-layer");
  if (hot && !per_layer) return cli_usage("bench", "--hot needs --per-layer");
  const char* const inputs[] = {model_path, NULL};
  if (csv_path != NULL && !cli_output_distinct("bench", csv_path, inputs)) return CLI_ERROR;

  q8rt_model* model;
  q8rt_status status = q8rt_model_load_file(model_path, &model);
  if (status != Q8RT_OK) return cli_fail_status("bench", status);
  struct q8rt_model_info mi;
  q8rt_model_get_info(model, &mi);
  const uint32_t op_count = mi.op_count;
  struct bench_run br[MAX_PRECISIONS];
  memset(br, 0, sizeof br);
  int rc = 0;
  for (size_t p = 0; p < nprec && rc == 0; p++) {
    struct q8rt_session_options options;
    q8rt_session_options_init(&options);
    options.num_threads = threads;
    options.precision = precisions[p];
    options.profile = !per_layer ? Q8RT_PROFILE_OFF : hot ? Q8RT_PROFILE_OPS_HOT : Q8RT_PROFILE_OPS;
    br[p].precision = precisions[p];
    status = q8rt_session_create(model, &options, &br[p].session);
    if (status != Q8RT_OK) {
      rc = cli_fail("bench", "%s session: %s", cli_precision_name(precisions[p]), q8rt_last_error());
      break;
    }
    br[p].ms = malloc(sizeof(double) * runs);
    if (per_layer) {
      br[p].op_ms = malloc(sizeof(double) * runs * op_count);
      br[p].op_median = malloc(sizeof(double) * op_count);
      br[p].op_min = malloc(sizeof(double) * op_count);
      br[p].op_p90 = malloc(sizeof(double) * op_count);
    }
    if (br[p].ms == NULL ||
        (per_layer && (br[p].op_ms == NULL || br[p].op_median == NULL || br[p].op_min == NULL || br[p].op_p90 == NULL))) {
      rc = cli_fail("bench", "out of memory for %u runs", runs);
    }
  }
  struct bench_op* ops = per_layer && rc == 0 ? calloc(op_count, sizeof *ops) : NULL;
  if (per_layer && rc == 0 && ops == NULL) rc = cli_fail("bench", "out of memory");
  for (uint32_t i = 0; ops != NULL && i < op_count; i++) {
    struct q8rt_op_info* oi = &ops[i].info;
    q8rt_model_get_op_info(model, i, oi);
    if (strcmp(oi->type, "conv") == 0 || strcmp(oi->type, "dwconv") == 0) {
      snprintf(ops[i].kind, sizeof ops[i].kind, "%s %ux%u", oi->type, oi->kernel_h, oi->kernel_w);
    } else {
      snprintf(ops[i].kind, sizeof ops[i].kind, "%s", oi->type);
    }
  }

  const size_t n = (size_t) mi.input_height * mi.input_width * mi.input_channels;
  uint8_t* input = rc == 0 ? malloc(n) : NULL;
  double* scratch = rc == 0 ? malloc(sizeof(double) * runs) : NULL;
  if (rc == 0 && (input == NULL || scratch == NULL)) rc = cli_fail("bench", "out of memory");
  uint32_t state = 12345;
  for (size_t i = 0; rc == 0 && i < n; i++) {
    state = state * 1664525u + 1013904223u;
    input[i] = (uint8_t) (state >> 24);
  }
  /* Alternate the sessions run by run: A B A B ... */
  for (unsigned r = 0; rc == 0 && r < warmup + runs; r++) {
    for (size_t p = 0; p < nprec && rc == 0; p++) {
      const double t0 = cli_now_ms();
      status = q8rt_session_run(br[p].session, Q8RT_INPUT_U8_NHWC, input, n);
      const double t1 = cli_now_ms();
      if (status != Q8RT_OK) {
        rc = cli_fail_status("bench", status);
      } else if (r >= warmup) {
        br[p].ms[r - warmup] = t1 - t0;
        if (per_layer) {
          status = q8rt_session_get_op_times(br[p].session, br[p].op_ms + (size_t) (r - warmup) * op_count, op_count);
          if (status != Q8RT_OK) rc = cli_fail_status("bench", status);
        }
      }
    }
  }

  if (ghz == 0.0) ghz = cpuinfo_ghz();
  const long rss_kib = max_rss_kib();
  for (size_t p = 0; p < nprec && rc == 0; p++) {
    br[p].peak_gmacs = peak_macs_per_cycle(br[p].precision, q8rt_session_isa_name(br[p].session)) * ghz * threads;
  }

  /* fp32/int8 ratio when both run: per pair of runs, then its median and 10th-90th percentiles. */
  int num = -1, den = -1;
  if (nprec == 2) {
    num = br[0].precision == Q8RT_PRECISION_FP32 ? 0 : 1;
    den = 1 - num;
  }
  double ratio_median = 0, ratio_p10 = 0, ratio_p90 = 0;
  double* ratios = num >= 0 && rc == 0 ? malloc(sizeof(double) * runs) : NULL;
  if (num >= 0 && rc == 0 && ratios == NULL) rc = cli_fail("bench", "out of memory");
  if (rc == 0) {
    if (ratios != NULL) {
      for (unsigned r = 0; r < runs; r++) ratios[r] = br[num].ms[r] / br[den].ms[r];
      memcpy(scratch, ratios, sizeof(double) * runs);
      qsort(scratch, runs, sizeof *scratch, cmp_double);
      ratio_median = sorted_median(scratch, runs);
      ratio_p10 = sorted_quantile(scratch, runs, 0.1);
      ratio_p90 = sorted_quantile(scratch, runs, 0.9);
    }
    for (size_t p = 0; p < nprec; p++) {
      struct bench_run* b = &br[p];
      memcpy(scratch, b->ms, sizeof(double) * runs);
      qsort(scratch, runs, sizeof *scratch, cmp_double);
      b->median = sorted_median(scratch, runs);
      b->min = scratch[0];
      b->p90 = sorted_quantile(scratch, runs, 0.9);
      for (uint32_t i = 0; per_layer && i < op_count; i++) {
        for (unsigned r = 0; r < runs; r++) scratch[r] = b->op_ms[(size_t) r * op_count + i];
        qsort(scratch, runs, sizeof *scratch, cmp_double);
        b->op_median[i] = sorted_median(scratch, runs);
        b->op_min[i] = scratch[0];
        b->op_p90[i] = sorted_quantile(scratch, runs, 0.9);
        b->op_total += b->op_median[i];
      }
    }
  }

  /* Op kinds for the summary, in order of first appearance. */
  enum { MAX_KINDS = 32 };
  const char* kinds[MAX_KINDS];
  size_t kind_count = 0;
  uint32_t kind_ops[MAX_KINDS] = {0};
  uint64_t kind_macs[MAX_KINDS] = {0};
  double kind_ms[MAX_PRECISIONS][MAX_KINDS] = {{0}};
  for (uint32_t i = 0; per_layer && rc == 0 && i < op_count; i++) {
    size_t k = 0;
    while (k < kind_count && strcmp(kinds[k], ops[i].kind) != 0) k++;
    if (k == kind_count) {
      if (kind_count == MAX_KINDS) continue;
      kinds[kind_count++] = ops[i].kind;
    }
    kind_ops[k]++;
    kind_macs[k] += ops[i].info.macs;
    for (size_t p = 0; p < nprec; p++) kind_ms[p][k] += br[p].op_median[i];
  }

  if (rc == 0 && csv_path != NULL) {
    char* buf = NULL;
    size_t size = 0;
    FILE* f = open_memstream(&buf, &size);
    if (f == NULL) {
      rc = cli_fail("bench", "out of memory");
    } else {
      write_csv(f, ops, op_count, br, nprec, num, den);
      if (fclose(f) != 0) rc = cli_fail("bench", "out of memory");
      else rc = cli_write_output("bench", csv_path, buf, size);
      free(buf);
    }
  }

  if (rc == 0 && json) {
    FILE* f = stdout;
    fprintf(f, "{\n\"model\":");
    cli_json_string(f, model_path, strlen(model_path));
    fprintf(f, ",\"threads\":%u,\"runs\":%u,\"warmup\":%u,\"alternating\":%s,\"per_layer\":%s,\"hot\":%s,"
               "\"macs\":%llu,"
               "\"loadavg_1min\":%.2f,\"max_rss_kib\":%ld,\"ghz\":%.3f,\"ghz_source\":\"%s\",\n",
            threads, runs, warmup, nprec > 1 ? "true" : "false", per_layer ? "true" : "false",
            hot ? "true" : "false", (unsigned long long) mi.macs, load_average(), rss_kib, ghz, ghz_source);
    if (nprec == 1) { /* the single-precision form's fields, as before */
      fprintf(f, "\"precision\":\"%s\",\"isa\":\"%s\",\"median_ms\":%.4f,\"min_ms\":%.4f,\"p90_ms\":%.4f,"
                 "\"gmacs_per_s\":%.3f,\n",
              cli_precision_name(br[0].precision), q8rt_session_isa_name(br[0].session), br[0].median, br[0].min,
              br[0].p90, gmacs(mi.macs, br[0].median));
    }
    fprintf(f, "\"results\":[\n");
    for (size_t p = 0; p < nprec; p++) {
      const struct bench_run* b = &br[p];
      fprintf(f, "{\"precision\":\"%s\",\"isa\":\"%s\",\"median_ms\":%.4f,\"min_ms\":%.4f,\"p90_ms\":%.4f,"
                 "\"gmacs_per_s\":%.3f,\"peak_gmacs_per_s\":%.3f,\"arena_bytes\":%zu,",
              cli_precision_name(b->precision), q8rt_session_isa_name(b->session), b->median, b->min, b->p90,
              gmacs(mi.macs, b->median), b->peak_gmacs, q8rt_session_arena_bytes(b->session));
      if (per_layer) fprintf(f, "\"sum_of_op_medians_ms\":%.4f,", b->op_total);
      fprintf(f, "\"samples_ms\":");
      print_json_array(f, b->ms, runs);
      fprintf(f, "}%s\n", p + 1 < nprec ? "," : "");
    }
    fprintf(f, "]");
    if (ratios != NULL) {
      fprintf(f, ",\n\"ratio\":{\"of\":\"fp32/int8\",\"median\":%.4f,\"p10\":%.4f,\"p90\":%.4f,"
                 "\"ratio_of_medians\":%.4f,\"samples\":",
              ratio_median, ratio_p10, ratio_p90, br[num].median / br[den].median);
      print_json_array(f, ratios, runs);
      fprintf(f, "}");
    }
    if (per_layer) {
      fprintf(f, ",\n\"layers\":[\n");
      for (uint32_t i = 0; i < op_count; i++) {
        const struct q8rt_op_info* oi = &ops[i].info;
        fprintf(f, "{\"index\":%u,\"type\":\"%s\",\"kind\":\"%s\",\"output\":", i, oi->type, ops[i].kind);
        cli_json_string(f, oi->output_name, oi->output_name_size);
        fprintf(f, ",\"source_op\":%u,\"input_dims\":[%u,%u,%u,%u],\"output_dims\":[%u,%u,%u,%u]", oi->source_op,
                oi->input_dims[0], oi->input_dims[1], oi->input_dims[2], oi->input_dims[3], oi->output_dims[0],
                oi->output_dims[1], oi->output_dims[2], oi->output_dims[3]);
        if (windowed(oi->type)) {
          fprintf(f, ",\"kernel\":[%u,%u],\"stride\":[%u,%u],\"groups\":%u", oi->kernel_h, oi->kernel_w,
                  oi->stride_h, oi->stride_w, oi->groups);
        }
        fprintf(f, ",\"macs\":%llu,\"weight_bytes\":%llu", (unsigned long long) oi->macs,
                (unsigned long long) oi->weight_bytes);
        for (size_t p = 0; p < nprec; p++) {
          const struct bench_run* b = &br[p];
          fprintf(f, ",\"%s\":{\"median_ms\":%.5f,\"min_ms\":%.5f,\"p90_ms\":%.5f,\"gmacs_per_s\":%.3f,\"share\":%.5f,"
                     "\"peak_share\":%.5f}",
                  cli_precision_name(b->precision), b->op_median[i], b->op_min[i], b->op_p90[i],
                  gmacs(oi->macs, b->op_median[i]), b->op_total > 0 ? b->op_median[i] / b->op_total : 0.0,
                  b->peak_gmacs > 0 ? gmacs(oi->macs, b->op_median[i]) / b->peak_gmacs : 0.0);
        }
        if (num >= 0) {
          const double d = br[den].op_median[i];
          fprintf(f, ",\"fp32_over_int8\":%.4f", d > 0 ? br[num].op_median[i] / d : 0.0);
        }
        fprintf(f, "}%s\n", i + 1 < op_count ? "," : "");
      }
      fprintf(f, "],\n\"kinds\":[\n");
      for (size_t k = 0; k < kind_count; k++) {
        fprintf(f, "{\"kind\":\"%s\",\"ops\":%u,\"macs\":%llu", kinds[k], kind_ops[k],
                (unsigned long long) kind_macs[k]);
        for (size_t p = 0; p < nprec; p++) {
          fprintf(f, ",\"%s\":{\"ms\":%.4f,\"gmacs_per_s\":%.3f,\"share\":%.5f,\"peak_share\":%.5f}",
                  cli_precision_name(br[p].precision), kind_ms[p][k], gmacs(kind_macs[k], kind_ms[p][k]),
                  br[p].op_total > 0 ? kind_ms[p][k] / br[p].op_total : 0.0,
                  br[p].peak_gmacs > 0 ? gmacs(kind_macs[k], kind_ms[p][k]) / br[p].peak_gmacs : 0.0);
        }
        if (num >= 0) fprintf(f, ",\"fp32_over_int8\":%.4f", kind_ms[den][k] > 0 ? kind_ms[num][k] / kind_ms[den][k] : 0.0);
        fprintf(f, "}%s\n", k + 1 < kind_count ? "," : "");
      }
      fprintf(f, "]");
    }
    fprintf(f, "\n}\n");
  } else if (rc == 0 && nprec == 1 && !per_layer) {
    printf("%s: %s, %s, %u thread%s, %u runs (+%u warm-up)\n", model_path, cli_precision_name(br[0].precision),
           q8rt_session_isa_name(br[0].session), threads, threads == 1 ? "" : "s", runs, warmup);
    printf("latency ms: median %.3f  min %.3f  p90 %.3f   (%.1f M MACs, %.2f GMAC/s at the median)\n", br[0].median,
           br[0].min, br[0].p90, (double) mi.macs / 1e6, gmacs(mi.macs, br[0].median));
    printf("peak RSS %.1f MiB (model, session, code); ISA peak %.0f GMAC/s at %.2f GHz (%s) x %u thread%s\n",
           (double) rss_kib / 1024.0, br[0].peak_gmacs, ghz, ghz_source, threads, threads == 1 ? "" : "s");
  } else if (rc == 0) {
    printf("%s: %u thread%s, %u runs per precision%s (+%u warm-up), %.1f M MACs%s\n", model_path, threads,
           threads == 1 ? "" : "s", runs, nprec > 1 ? ", alternating" : "", warmup, (double) mi.macs / 1e6,
           !per_layer ? "" : hot ? ", profiled hot (every op run twice, the second timed)" : ", profiled");
    printf("precision  isa      median ms    min ms    p90 ms   GMAC/s%s\n", per_layer ? "   sum of op medians ms" : "");
    for (size_t p = 0; p < nprec; p++) {
      printf("%-9s  %-7s %10.3f %9.3f %9.3f %8.2f", cli_precision_name(br[p].precision),
             q8rt_session_isa_name(br[p].session), br[p].median, br[p].min, br[p].p90, gmacs(mi.macs, br[p].median));
      if (per_layer) printf(" %24.3f", br[p].op_total);
      printf("\n");
    }
    printf("peak RSS %.1f MiB (model, sessions, code); clock %.2f GHz (%s)", (double) rss_kib / 1024.0, ghz, ghz_source);
    for (size_t p = 0; p < nprec; p++) {
      printf("; %s peak %.0f GMAC/s (%.0f MACs/cycle x %u thread%s)", cli_precision_name(br[p].precision),
             br[p].peak_gmacs, peak_macs_per_cycle(br[p].precision, q8rt_session_isa_name(br[p].session)), threads,
             threads == 1 ? "" : "s");
    }
    printf("\n");
    if (ratios != NULL) {
      printf("fp32/int8 latency ratio: %.3f (median of %u per-pair ratios; p10 %.3f, p90 %.3f; ratio of medians %.3f)\n",
             ratio_median, runs, ratio_p10, ratio_p90, br[num].median / br[den].median);
    }
    if (per_layer) {
      printf("\nper layer (median ms over the runs; share = of the sum of op medians; %%pk = GMAC/s / ISA peak)\n");
      printf("  #  type       kernel  input         output          MMACs");
      for (size_t p = 0; p < nprec; p++) printf(" | %-4s ms GMAC/s   %%pk  share", cli_precision_name(br[p].precision));
      if (num >= 0) printf(" | fp32/int8");
      printf("\n");
      for (uint32_t i = 0; i < op_count; i++) {
        const struct q8rt_op_info* oi = &ops[i].info;
        char in[48], out[48], kernel[24] = "-";
        dims_text(oi->input_dims, in, sizeof in);
        dims_text(oi->output_dims, out, sizeof out);
        if (windowed(oi->type)) snprintf(kernel, sizeof kernel, "%ux%u/%u", oi->kernel_h, oi->kernel_w, oi->stride_h);
        printf("%3u  %-10s %-7s %-13s %-13s %7.2f", i, oi->type, kernel, in, out, (double) oi->macs / 1e6);
        for (size_t p = 0; p < nprec; p++) {
          const struct bench_run* b = &br[p];
          const double g = gmacs(oi->macs, b->op_median[i]);
          printf(" | %7.3f %6.2f %5.1f%% %5.1f%%", b->op_median[i], g, b->peak_gmacs > 0 ? 100.0 * g / b->peak_gmacs : 0.0,
                 b->op_total > 0 ? 100.0 * b->op_median[i] / b->op_total : 0.0);
        }
        if (num >= 0) printf(" | %9.2f", br[den].op_median[i] > 0 ? br[num].op_median[i] / br[den].op_median[i] : 0.0);
        printf("\n");
      }
      printf("%-51s %7.2f", "total (sum of op medians)", (double) mi.macs / 1e6);
      for (size_t p = 0; p < nprec; p++) {
        const double g = gmacs(mi.macs, br[p].op_total);
        printf(" | %7.3f %6.2f %5.1f%% %5.1f%%", br[p].op_total, g, br[p].peak_gmacs > 0 ? 100.0 * g / br[p].peak_gmacs : 0.0,
               100.0);
      }
      if (num >= 0) printf(" | %9.2f", br[den].op_total > 0 ? br[num].op_total / br[den].op_total : 0.0);
      printf("\n\nby kind        ops   MMACs");
      for (size_t p = 0; p < nprec; p++) printf(" | %-4s ms GMAC/s   %%pk  share", cli_precision_name(br[p].precision));
      if (num >= 0) printf(" | fp32/int8");
      printf("\n");
      for (size_t k = 0; k < kind_count; k++) {
        printf("%-12s %5u %7.2f", kinds[k], kind_ops[k], (double) kind_macs[k] / 1e6);
        for (size_t p = 0; p < nprec; p++) {
          const double g = gmacs(kind_macs[k], kind_ms[p][k]);
          printf(" | %7.3f %6.2f %5.1f%% %5.1f%%", kind_ms[p][k], g, br[p].peak_gmacs > 0 ? 100.0 * g / br[p].peak_gmacs : 0.0,
                 br[p].op_total > 0 ? 100.0 * kind_ms[p][k] / br[p].op_total : 0.0);
        }
        if (num >= 0) printf(" | %9.2f", kind_ms[den][k] > 0 ? kind_ms[num][k] / kind_ms[den][k] : 0.0);
        printf("\n");
      }
    }
  }

  free(ratios);
  free(scratch);
  free(input);
  free(ops);
  for (size_t p = 0; p < nprec; p++) {
    free(br[p].ms);
    free(br[p].op_ms);
    free(br[p].op_median);
    free(br[p].op_min);
    free(br[p].op_p90);
    q8rt_session_free(br[p].session);
  }
  q8rt_model_free(model);
  return rc;
}
