/* `q8rt convert`: Caffe2 quantized NetDef or TFLite uint8 model -> q8rt blob. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/image.h"
#include "convert/caffe2_read.h"
#include "convert/convert.h"
#include "convert/labels.h"
#include "convert/tflite_import.h"

static void usage(FILE* f) {
  fprintf(f,
          "usage: q8rt convert INIT_NET PREDICT_NET -o OUT.q8rt [options]\n"
          "       q8rt convert MODEL.tflite -o OUT.q8rt [options]\n"
          "\n"
          "Converts a Caffe2 quantized (Int8*) NetDef pair, or a TFLite uint8 model (recognised by its \"TFL3\"\n"
          "identifier), into a q8rt blob. TFLite models take their input size from the model and default to\n"
          "TensorFlow's evaluation preprocessing: central crop 0.875, TF1 bilinear resize, RGB, pixels as the\n"
          "uint8 input (mean = input zero point, std = 1 / input scale).\n"
          "\n"
          "options:\n"
          "  -o, --output PATH          output blob; - is standard output. A regular file is replaced\n"
          "                             atomically (a symbolic link is kept and its target replaced); a\n"
          "                             character device or FIFO is written in place; an input is refused\n"
          "  --input-size HxW           Caffe2: model input size (default 224x224), each side in [1, %u];\n"
          "                             TFLite: must equal the model's input\n"
          "  --resize-shorter N         resize the shorter image side to N (Pillow bilinear), then centre crop\n"
          "                             (Caffe2 default 256), at least the larger input side, at most %u\n"
          "  --crop-fraction F          instead: central crop of F of each side, then TF1 bilinear resize to the\n"
          "                             input size (TFLite default 0.875), F in (0, 1]\n"
          "  --class-offset N           leading outputs that are not dataset classes (TFLite default: 1 for\n"
          "                             1001 outputs, \"background\"; else 0)\n"
          "  --rounding tflite|tflite-single|qnnpack\n"
          "                             TFLite arithmetic: the reference kernels' two roundings (default) or\n"
          "                             TFLITE_SINGLE_ROUNDING; qnnpack runs the graph with Caffe2's QNNPACK\n"
          "                             arithmetic instead (not TFLite's results: for comparing the rules' cost)\n"
          "  --channel-order bgr|rgb    input channel order (Caffe2 default bgr, TFLite rgb)\n"
          "  --mean a,b,c               per-channel mean, pixel units, in channel order\n"
          "                             (Caffe2 default 103.53,116.28,123.675 for bgr)\n"
          "  --std a,b,c                per-channel std (Caffe2 default 57.375,57.12,58.395 for bgr)\n"
          "  --labels FILE              store class names in the blob: one line per class, \"WNID description\"\n"
          "                             (synset_words.txt) or just the name; UTF-8 (BOM and CRLF accepted)\n"
          "  -h, --help                 this help\n"
          "\n%s",
          Q8RT_IMAGE_MAX_DIM, Q8RT_IMAGE_MAX_DIM, CLI_EXIT_HELP);
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

/* --mean / --std a,b,c (value NULL: cli_opt reported it missing). */
static bool parse_normalization(const char* option, const char* value, float v[3], bool* given) {
  if (value == NULL) return false;
  if (!parse_triple(value, v)) {
    cli_usage("convert", "%s \"%s\": expected three numbers a,b,c", option, value);
    return false;
  }
  *given = true;
  return true;
}

/* What a Caffe2 NetDef holds: only GivenTensor fills (an init_net), no fills (a predict_net), or neither. */
enum net_kind { NET_OTHER, NET_INIT, NET_PREDICT };

static enum net_kind net_kind(const void* data, size_t size) {
  char err[256];
  Caffe2__NetDef* net = cv_parse_netdef(data, size, "net", err, sizeof err);
  if (net == NULL) return NET_OTHER;
  size_t fills = 0;
  for (size_t i = 0; i < net->n_op; i++) {
    const char* t = net->op[i]->type != NULL ? net->op[i]->type : "";
    const size_t len = strlen(t);
    fills += strstr(t, "Given") != NULL && len >= 4 && strcmp(t + len - 4, "Fill") == 0;
  }
  const enum net_kind kind = net->n_op == 0         ? NET_OTHER
                             : fills == net->n_op ? NET_INIT
                             : fills == 0         ? NET_PREDICT
                                                  : NET_OTHER;
  protobuf_c_message_free_unpacked(&net->base, NULL);
  return kind;
}

/* Writes the blob with cli_write_output and prints the summary. */
static int finish(const struct q8rt_convert_options* opts, int rc, void* blob, size_t blob_size,
                  const struct q8rt_convert_stats* stats) {
  if (rc == 0) rc = cli_write_output("convert", opts->output_path, blob, blob_size);
  if (rc == 0) {
    /* The summary goes to stderr when the blob goes to stdout. */
    fprintf(strcmp(opts->output_path, "-") == 0 ? stderr : stdout,
            "converted %u ops, %u tensors, %llu weight bytes (%llu byte blob%s) -> %s\n", stats->op_count,
            stats->tensor_count, (unsigned long long) stats->weight_bytes, (unsigned long long) stats->file_size,
            opts->label_count != 0 ? ", with class names" : "", opts->output_path);
  }
  return rc;
}

static int convert_tflite(const struct q8rt_convert_options* opts, const char* path, const void* model,
                          size_t model_size) {
  void* blob = NULL;
  size_t blob_size = 0;
  struct q8rt_convert_stats stats;
  char err[1024];
  int rc = 0;
  if (!q8rt_convert_tflite_buffer(model, model_size, path, opts, &blob, &blob_size, &stats, err, sizeof err)) {
    rc = cli_fail("convert", "%s", err);
  }
  rc = finish(opts, rc, blob, blob_size, &stats);
  free(blob);
  return rc;
}

/* Converts the two files in memory and writes the blob with cli_write_output. */
static int convert_files(const struct q8rt_convert_options* opts) {
  size_t init_size = 0, predict_size = 0, blob_size = 0;
  void* init = cli_read_file("convert", opts->init_net_path, CV_MAX_NETDEF_BYTES, &init_size);
  void* predict = init != NULL ? cli_read_file("convert", opts->predict_net_path, CV_MAX_NETDEF_BYTES, &predict_size)
                               : NULL;
  void* blob = NULL;
  struct q8rt_convert_stats stats;
  char err[1024];
  int rc = init == NULL || predict == NULL ? CLI_ERROR : 0;
  if (rc == 0 && (cv_is_tflite(init, init_size) || cv_is_tflite(predict, predict_size))) {
    rc = cli_usage("convert", "%s is a TFLite model: convert it alone (q8rt convert MODEL.tflite -o OUT.q8rt)",
                   cv_is_tflite(init, init_size) ? opts->init_net_path : opts->predict_net_path);
  }
  if (rc == 0 && !q8rt_convert_buffers(init, init_size, predict, predict_size, opts, &blob, &blob_size, &stats, err,
                                       sizeof err)) {
    if (net_kind(init, init_size) == NET_PREDICT && net_kind(predict, predict_size) == NET_INIT) {
      rc = cli_fail("convert", "%s looks like a predict_net and %s like an init_net: they look swapped (the order "
                    "is INIT_NET PREDICT_NET)", opts->init_net_path, opts->predict_net_path);
    } else {
      rc = cli_fail("convert", "%s", err);
    }
  }
  rc = finish(opts, rc, blob, blob_size, &stats);
  free(blob);
  free(predict);
  free(init);
  return rc;
}

static bool parse_fraction(const char* s, float* f) {
  char* end;
  errno = 0;
  const double x = strtod(s, &end);
  if (end == s || *end != '\0' || errno != 0 || !(x > 0.0 && x <= 1.0)) return false;
  *f = (float) x;
  return true;
}

int q8rt_cmd_convert(int argc, char** argv) {
  struct q8rt_convert_options opts;
  q8rt_convert_options_init(&opts);
  const char* positional[2] = {NULL, NULL};
  int npos = 0;
  bool have_mean = false, have_std = false, have_size = false, have_resize = false, have_fraction = false;
  bool have_order = false, have_offset = false;
  float mean[3], std[3], fraction = 0.0f;
  uint32_t height = 0, width = 0, resize = 0, order = 0, offset = 0;
  const char* labels_path = NULL;
  struct cli_args a = cli_args_init("convert", argc, argv);
  while (cli_next(&a)) {
    const char* v = NULL;
    if (cli_flag(&a, "-h") || cli_flag(&a, "--help")) {
      usage(stdout);
      return 0;
    }
    if (cli_opt(&a, "-o", &v) || cli_opt(&a, "--output", &v)) {
      opts.output_path = v;
    } else if (cli_opt(&a, "--labels", &v)) {
      labels_path = v;
    } else if (cli_opt(&a, "--input-size", &v)) {
      if (v != NULL && !parse_size(v, &height, &width)) {
        cli_usage("convert", "--input-size \"%s\": expected HxW, e.g. 224x224", v);
        a.bad = true;
      }
      have_size = v != NULL;
    } else if (cli_opt(&a, "--resize-shorter", &v)) {
      if (v != NULL && parse_u32(v, &resize) != 1) {
        cli_usage("convert", "--resize-shorter \"%s\": expected a positive integer", v);
        a.bad = true;
      }
      have_resize = v != NULL;
    } else if (cli_opt(&a, "--crop-fraction", &v)) {
      if (v != NULL && !parse_fraction(v, &fraction)) {
        cli_usage("convert", "--crop-fraction \"%s\": expected a number in (0, 1], e.g. 0.875", v);
        a.bad = true;
      }
      have_fraction = v != NULL;
    } else if (cli_opt(&a, "--class-offset", &v)) {
      if (v != NULL && parse_u32(v, &offset) != 1) {
        cli_usage("convert", "--class-offset \"%s\": expected a non-negative integer", v);
        a.bad = true;
      }
      have_offset = v != NULL;
    } else if (cli_opt(&a, "--rounding", &v)) {
      if (v == NULL) {
        /* reported by cli_opt */
      } else if (strcmp(v, "tflite") == 0) {
        opts.tflite_rule = Q8RT_BLOB_RULE_TFLITE;
      } else if (strcmp(v, "tflite-single") == 0) {
        opts.tflite_rule = Q8RT_BLOB_RULE_TFLITE_SINGLE;
      } else if (strcmp(v, "qnnpack") == 0) {
        opts.tflite_rule = Q8RT_BLOB_RULE_CAFFE2;
      } else {
        cli_usage("convert", "--rounding \"%s\": expected tflite, tflite-single or qnnpack", v);
        a.bad = true;
      }
    } else if (cli_opt(&a, "--channel-order", &v)) {
      if (v == NULL) {
        /* reported by cli_opt */
      } else if (strcmp(v, "bgr") == 0 || strcmp(v, "BGR") == 0) {
        order = Q8RT_CHANNELS_BGR;
        have_order = true;
      } else if (strcmp(v, "rgb") == 0 || strcmp(v, "RGB") == 0) {
        order = Q8RT_CHANNELS_RGB;
        have_order = true;
      } else {
        cli_usage("convert", "--channel-order \"%s\": expected bgr or rgb", v);
        a.bad = true;
      }
    } else if (cli_opt(&a, "--mean", &v)) {
      a.bad |= !parse_normalization("--mean", v, mean, &have_mean);
    } else if (cli_opt(&a, "--std", &v)) {
      a.bad |= !parse_normalization("--std", v, std, &have_std);
    } else if (cli_is_option(&a) || npos >= 2) {
      cli_unexpected(&a, "(see q8rt convert --help)");
    } else {
      positional[npos++] = cli_arg(&a);
    }
  }
  if (a.bad) return CLI_USAGE;
  if (npos < 1 || opts.output_path == NULL) {
    fprintf(stderr, "q8rt convert: expected INIT_NET PREDICT_NET -o OUT.q8rt, or MODEL.tflite -o OUT.q8rt\n");
    usage(stderr);
    return CLI_USAGE;
  }
  if (have_resize && have_fraction) {
    return cli_usage("convert", "--resize-shorter and --crop-fraction are two different preprocessings: give one");
  }
  /* One positional: a TFLite model (its size, quantization and outputs give the defaults). */
  void* model = NULL;
  size_t model_size = 0;
  if (npos == 1) {
    model = cli_read_file("convert", positional[0], CV_MAX_NETDEF_BYTES, &model_size);
    if (model == NULL) return CLI_ERROR;
    if (!cv_is_tflite(model, model_size)) {
      free(model);
      return cli_usage("convert", "%s is not a TFLite model (no \"TFL3\" identifier); a Caffe2 model needs two "
                       "files: INIT_NET PREDICT_NET", positional[0]);
    }
    struct cv_tflite_probe probe;
    char err[1024];
    if (!cv_tflite_probe(model, model_size, positional[0], &probe, err, sizeof err)) {
      free(model);
      return cli_fail("convert", "%s", err);
    }
    if (have_size && (height != probe.input_height || width != probe.input_width)) {
      free(model);
      return cli_usage("convert", "--input-size %ux%u: the model's input is %ux%u", height, width, probe.input_height,
                       probe.input_width);
    }
    if (probe.input_channels != 3) {
      free(model);
      return cli_fail("convert", "%s: the model input has %u channels, q8rt's image tools need 3", positional[0],
                      probe.input_channels);
    }
    q8rt_convert_options_tflite(&opts, probe.input_height, probe.input_width, probe.input_scale,
                                probe.input_zero_point, probe.output_elements);
  } else {
    if (have_size) {
      opts.input_height = height;
      opts.input_width = width;
    }
    if (have_order) q8rt_convert_default_normalization(order, opts.mean, opts.std);
  }
  if (have_order) opts.channel_order = order;
  if (have_resize) {
    opts.preprocess = Q8RT_PREPROCESS_RESIZE_CROP;
    opts.resize_shorter = resize;
  }
  if (have_fraction) {
    opts.preprocess = Q8RT_PREPROCESS_CENTRAL_CROP;
    opts.crop_fraction = fraction;
  }
  if (have_offset) opts.class_offset = offset;
  const uint32_t larger = opts.input_height > opts.input_width ? opts.input_height : opts.input_width;
  int rc = 0;
  if (opts.input_height < 1 || opts.input_width < 1 || larger > Q8RT_IMAGE_MAX_DIM) {
    rc = cli_usage("convert", "--input-size %ux%u: each side must be in [1, %u]", opts.input_height, opts.input_width,
                   Q8RT_IMAGE_MAX_DIM);
  } else if (opts.preprocess == Q8RT_PREPROCESS_RESIZE_CROP &&
             (opts.resize_shorter < larger || opts.resize_shorter > Q8RT_IMAGE_MAX_DIM)) {
    rc = cli_usage("convert", "--resize-shorter %u must be in [%u, %u]: at least the larger input side (the "
                   "crop) and at most the largest image side", opts.resize_shorter, larger, Q8RT_IMAGE_MAX_DIM);
  }
  if (rc != 0) {
    free(model);
    return rc;
  }
  opts.init_net_path = positional[0];
  opts.predict_net_path = npos == 2 ? positional[1] : NULL;
  /* Explicit values are taken as given (in channel order). */
  if (have_mean) memcpy(opts.mean, mean, sizeof mean);
  if (have_std) memcpy(opts.std, std, sizeof std);
  const char* const inputs[] = {positional[0], positional[1], NULL};
  if (!cli_output_distinct("convert", opts.output_path, inputs)) {
    free(model);
    return CLI_ERROR;
  }
  char** labels = NULL;
  uint32_t label_count = 0;
  if (labels_path != NULL) {
    char err[1024];
    if (!q8rt_labels_read_file(labels_path, &labels, &label_count, err, sizeof err)) {
      free(model);
      return cli_fail("convert", "--labels %s", err);
    }
    opts.labels = (const char* const*) labels;
    opts.label_count = label_count;
    opts.labels_what = labels_path;
  }
  rc = npos == 1 ? convert_tflite(&opts, positional[0], model, model_size) : convert_files(&opts);
  q8rt_labels_free(labels, label_count);
  free(model);
  return rc;
}
