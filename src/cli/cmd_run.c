/* q8rt run MODEL --input FILE --output FILE [--input-format u8-nhwc|f32-nchw|f32-nhwc]
 *                [--output-format u8-logits|f32-probs] [--threads N] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_precision.h"

static const char usage[] =
    "usage: q8rt run MODEL.q8rt --input FILE --output FILE [--input-format u8-nhwc|f32-nchw|f32-nhwc]\n"
    "                [--output-format u8-logits|f32-logits|f32-probs] [--threads N] [--precision int8|fp32]\n"
    "Runs one already-preprocessed input tensor (raw bytes, little-endian floats) and writes the raw output:\n"
    "the uint8 logits of the last layer before the softmax (default) or the float32 probabilities.\n"
    "f32-logits: the logits as floats (int8: dequantized). --precision fp32 runs the float network the int8\n"
    "model stands for (docs/arithmetic.md \"fp32\"); it has no uint8 logits, so it needs f32-logits or f32-probs.\n"
    "Defaults: --input-format f32-nchw, --output-format u8-logits (int8) or f32-probs (fp32).\n"
    "--output -: standard output. A regular file is replaced atomically (temporary file + rename; a symbolic\n"
    "link keeps pointing at its target, which is replaced); a character device or FIFO (/dev/stdout, /dev/null,\n"
    "a named pipe) is written in place; an output that is the model or the input file is refused.\n"
    "--threads N (default 1, at most 1024) is capped at the number of online CPUs, with a warning.\n"
    CLI_EXIT_HELP;

int q8rt_cmd_run(int argc, char** argv) {
  const char *model_path = NULL, *in_path = NULL, *out_path = NULL;
  const char *in_fmt = "f32-nchw", *out_fmt = NULL;
  unsigned threads = 1;
  q8rt_precision precision = Q8RT_PRECISION_INT8;
  struct cli_args a = cli_args_init("run", argc, argv);
  while (cli_next(&a)) {
    const char* v = NULL;
    if (cli_flag(&a, "--help") || cli_flag(&a, "-h")) return fputs(usage, stdout), 0;
    if (cli_opt(&a, "--precision", &v)) a.bad |= !cli_parse_precision(a.cmd, v, &precision);
    else if (cli_opt(&a, "--input", &v)) in_path = v;
    else if (cli_opt(&a, "--output", &v)) out_path = v;
    else if (cli_opt(&a, "--input-format", &v)) in_fmt = v;
    else if (cli_opt(&a, "--output-format", &v)) out_fmt = v;
    else if (cli_opt(&a, "--threads", &v)) a.bad |= !cli_parse_threads(a.cmd, v, &threads);
    else if (cli_is_option(&a) || model_path != NULL) cli_unexpected(&a, usage);
    else model_path = cli_arg(&a);
  }
  if (a.bad) return CLI_USAGE;
  if (model_path == NULL || in_path == NULL || out_path == NULL) {
    return cli_usage("run", "MODEL, --input and --output are required\n%s", usage);
  }
  q8rt_input_format format;
  if (strcmp(in_fmt, "u8-nhwc") == 0) format = Q8RT_INPUT_U8_NHWC;
  else if (strcmp(in_fmt, "f32-nchw") == 0) format = Q8RT_INPUT_F32_NCHW;
  else if (strcmp(in_fmt, "f32-nhwc") == 0) format = Q8RT_INPUT_F32_NHWC;
  else return cli_usage("run", "--input-format must be u8-nhwc, f32-nchw or f32-nhwc, not '%s'", in_fmt);
  if (out_fmt == NULL) out_fmt = precision == Q8RT_PRECISION_FP32 ? "f32-probs" : "u8-logits";
  const bool probs_out = strcmp(out_fmt, "f32-probs") == 0;
  const bool f32_logits_out = strcmp(out_fmt, "f32-logits") == 0;
  if (!probs_out && !f32_logits_out && strcmp(out_fmt, "u8-logits") != 0) {
    return cli_usage("run", "--output-format must be u8-logits, f32-logits or f32-probs, not '%s'", out_fmt);
  }
  if (precision == Q8RT_PRECISION_FP32 && strcmp(out_fmt, "u8-logits") == 0) {
    return cli_usage("run", "--precision fp32 has no uint8 logits: use --output-format f32-logits or f32-probs");
  }
  const char* const inputs[] = {model_path, in_path, NULL};
  if (!cli_output_distinct("run", out_path, inputs)) return CLI_ERROR;
  q8rt_model* model;
  q8rt_session* session;
  if (cli_open_precision("run", model_path, threads, precision, &model, &session) != 0) return CLI_ERROR;
  struct q8rt_model_info mi;
  q8rt_model_get_info(model, &mi);
  const size_t elements = (size_t) mi.input_height * mi.input_width * mi.input_channels;
  const size_t expected = format == Q8RT_INPUT_U8_NHWC ? elements : elements * sizeof(float);
  size_t size = 0;
  void* input = cli_read_file("run", in_path, expected, &size);
  int rc = input == NULL ? 1 : 0;
  if (rc == 0 && size != expected) {
    rc = cli_fail("run", "%s: %zu bytes, expected %zu for %s [1,%u,%u,%u]", in_path, size, expected, in_fmt,
                  mi.input_height, mi.input_width, mi.input_channels);
  }
  if (rc == 0) {
    q8rt_status status = q8rt_session_run(session, format, input, size);
    if (status != Q8RT_OK) {
      rc = cli_fail_status("run", status);
    } else if (probs_out || f32_logits_out) {
      float* probs = malloc(sizeof(float) * mi.num_classes);
      if (probs == NULL) rc = cli_fail("run", "out of memory");
      else if ((probs_out ? q8rt_session_get_probabilities(session, probs, mi.num_classes)
                          : q8rt_session_get_logits_f32(session, probs, mi.num_classes)) != Q8RT_OK)
        rc = cli_fail_status("run", 1);
      else rc = cli_write_output("run", out_path, probs, sizeof(float) * mi.num_classes);
      free(probs);
    } else {
      const uint8_t* logits;
      if (q8rt_session_get_logits(session, &logits, NULL, NULL) != Q8RT_OK) rc = cli_fail_status("run", 1);
      else rc = cli_write_output("run", out_path, logits, mi.num_classes);
    }
  }
  free(input);
  q8rt_session_free(session);
  q8rt_model_free(model);
  return rc;
}
