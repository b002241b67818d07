/* `q8rt convert`: Caffe2 quantized NetDef -> q8rt blob. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "convert/convert.h"
#include "convert/labels.h"

static void usage(FILE* f) {
  fprintf(f,
          "usage: q8rt convert INIT_NET PREDICT_NET -o OUT.q8rt [options]\n"
          "\n"
          "Converts a Caffe2 quantized (Int8*) NetDef pair into a q8rt blob.\n"
          "\n"
          "options:\n"
          "  -o, --output PATH          output blob (written atomically)\n"
          "  --input-size HxW           model input size (default 224x224)\n"
          "  --resize-shorter N         resize the shorter image side to N before the crop (default 256)\n"
          "  --channel-order bgr|rgb    input channel order (default bgr)\n"
          "  --mean a,b,c               per-channel mean, pixel units, in channel order\n"
          "                             (default 103.53,116.28,123.675 for bgr)\n"
          "  --std a,b,c                per-channel std (default 57.375,57.12,58.395 for bgr)\n"
          "  --labels FILE              store class names in the blob: one line per class, \"WNID description\"\n"
          "                             (synset_words.txt) or just the name; UTF-8 (BOM and CRLF accepted)\n"
          "  -h, --help                 this help\n");
}

static int parse_u32(const char* s, uint32_t* v) {
  char* end;
  errno = 0;
  if (s[0] < '0' || s[0] > '9') return 0;
  unsigned long x = strtoul(s, &end, 10);
  if (errno != 0 || end == s || x > UINT32_MAX) return 0;
  *v = (uint32_t) x;
  return *end == '\0' ? 1 : 2; /* 2: more text follows (at end) */
}

static int parse_size(const char* s, uint32_t* h, uint32_t* w) {
  char* end;
  errno = 0;
  if (s[0] < '0' || s[0] > '9') return 0;
  unsigned long a = strtoul(s, &end, 10);
  if (errno != 0 || a > UINT32_MAX || (*end != 'x' && *end != 'X')) return 0;
  const char* rest = end + 1;
  uint32_t b;
  if (parse_u32(rest, &b) != 1) return 0;
  *h = (uint32_t) a;
  *w = b;
  return 1;
}

static int parse_triple(const char* s, float v[3]) {
  const char* p = s;
  for (int i = 0; i < 3; i++) {
    char* end;
    errno = 0;
    double x = strtod(p, &end);
    if (end == p || errno != 0 || !isfinite(x)) return 0;
    v[i] = (float) x;
    if (i < 2) {
      if (*end != ',') return 0;
      p = end + 1;
    } else if (*end != '\0') {
      return 0;
    }
  }
  return 1;
}

int q8rt_cmd_convert(int argc, char** argv) {
  struct q8rt_convert_options opts;
  q8rt_convert_options_init(&opts);
  const char* positional[2] = {NULL, NULL};
  int npos = 0;
  int have_mean = 0, have_std = 0;
  float mean[3], std[3];
  const char* labels_path = NULL;

  for (int i = 1; i < argc; i++) {
    const char* a = argv[i];
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      usage(stdout);
      return 0;
    }
    if (a[0] == '-' && a[1] != '\0') {
      /* Options with a value: "--opt value" or "--opt=value". */
      static const char* const names[] = {"-o", "--output", "--input-size", "--resize-shorter", "--channel-order",
                                          "--mean", "--std", "--labels"};
      const char* name = NULL;
      const char* value = NULL;
      for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        size_t len = strlen(names[k]);
        if (strcmp(a, names[k]) == 0) {
          name = names[k];
          if (i + 1 >= argc) {
            fprintf(stderr, "q8rt convert: option %s needs a value\n", a);
            return 2;
          }
          value = argv[++i];
        } else if (strncmp(a, names[k], len) == 0 && a[len] == '=' && names[k][1] == '-') {
          name = names[k];
          value = a + len + 1;
        }
        if (name != NULL) break;
      }
      if (name == NULL) {
        fprintf(stderr, "q8rt convert: unknown option %s (see q8rt convert --help)\n", a);
        return 2;
      }
      if (strcmp(name, "-o") == 0 || strcmp(name, "--output") == 0) {
        opts.output_path = value;
      } else if (strcmp(name, "--labels") == 0) {
        labels_path = value;
      } else if (strcmp(name, "--input-size") == 0) {
        if (!parse_size(value, &opts.input_height, &opts.input_width)) {
          fprintf(stderr, "q8rt convert: --input-size \"%s\": expected HxW, e.g. 224x224\n", value);
          return 2;
        }
      } else if (strcmp(name, "--resize-shorter") == 0) {
        if (parse_u32(value, &opts.resize_shorter) != 1) {
          fprintf(stderr, "q8rt convert: --resize-shorter \"%s\": expected a positive integer\n", value);
          return 2;
        }
      } else if (strcmp(name, "--channel-order") == 0) {
        if (strcmp(value, "bgr") == 0 || strcmp(value, "BGR") == 0) {
          opts.channel_order = Q8RT_CHANNELS_BGR;
        } else if (strcmp(value, "rgb") == 0 || strcmp(value, "RGB") == 0) {
          opts.channel_order = Q8RT_CHANNELS_RGB;
        } else {
          fprintf(stderr, "q8rt convert: --channel-order \"%s\": expected bgr or rgb\n", value);
          return 2;
        }
      } else if (strcmp(name, "--mean") == 0 || strcmp(name, "--std") == 0) {
        int is_mean = name[2] == 'm';
        if (!parse_triple(value, is_mean ? mean : std)) {
          fprintf(stderr, "q8rt convert: %s \"%s\": expected three numbers a,b,c\n", name, value);
          return 2;
        }
        if (is_mean) have_mean = 1;
        else have_std = 1;
      }
      continue;
    }
    if (npos >= 2) {
      fprintf(stderr, "q8rt convert: unexpected argument \"%s\" (see q8rt convert --help)\n", a);
      return 2;
    }
    positional[npos++] = a;
  }
  if (npos != 2 || opts.output_path == NULL) {
    fprintf(stderr, "q8rt convert: expected INIT_NET PREDICT_NET -o OUT.q8rt\n");
    usage(stderr);
    return 2;
  }
  opts.init_net_path = positional[0];
  opts.predict_net_path = positional[1];
  /* Defaults follow the channel order; explicit values are taken as given (in channel order). */
  q8rt_convert_default_normalization(opts.channel_order, opts.mean, opts.std);
  if (have_mean) memcpy(opts.mean, mean, sizeof mean);
  if (have_std) memcpy(opts.std, std, sizeof std);

  char err[1024];
  char** labels = NULL;
  uint32_t label_count = 0;
  if (labels_path != NULL) {
    if (!q8rt_labels_read_file(labels_path, &labels, &label_count, err, sizeof err)) {
      fprintf(stderr, "q8rt convert: --labels %s\n", err);
      return 1;
    }
    opts.labels = (const char* const*) labels;
    opts.label_count = label_count;
    opts.labels_what = labels_path;
  }
  struct q8rt_convert_stats stats;
  const bool ok = q8rt_convert(&opts, &stats, err, sizeof err);
  q8rt_labels_free(labels, label_count);
  if (!ok) {
    fprintf(stderr, "q8rt convert: %s\n", err);
    return 1;
  }
  printf("converted %u ops, %u tensors, %llu weight bytes (%llu byte blob%s) -> %s\n", stats.op_count,
         stats.tensor_count, (unsigned long long) stats.weight_bytes, (unsigned long long) stats.file_size,
         label_count != 0 ? ", with class names" : "", opts.output_path);
  return 0;
}
