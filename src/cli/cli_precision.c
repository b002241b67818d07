/* --precision int8|fp32 for classify, eval, run and bench. */
#include "cli_precision.h"

#include <string.h>

#include "cli.h"

bool cli_parse_precision(const char* cmd, const char* text, q8rt_precision* out) {
  if (text == NULL) return false; /* cli_opt reported the missing value */
  if (strcmp(text, "int8") == 0) {
    *out = Q8RT_PRECISION_INT8;
  } else if (strcmp(text, "fp32") == 0) {
    *out = Q8RT_PRECISION_FP32;
  } else {
    cli_usage(cmd, "--precision must be int8 or fp32, not '%s'", text);
    return false;
  }
  return true;
}

const char* cli_precision_name(q8rt_precision precision) {
  return precision == Q8RT_PRECISION_FP32 ? "fp32" : "int8";
}

int cli_open_precision(const char* cmd, const char* path, unsigned threads, q8rt_precision precision,
                       q8rt_model** model, q8rt_session** session) {
  q8rt_status status = q8rt_model_load_file(path, model);
  if (status != Q8RT_OK) return cli_fail_status(cmd, status);
  struct q8rt_session_options options;
  q8rt_session_options_init(&options);
  options.num_threads = threads;
  options.precision = precision;
  status = q8rt_session_create(*model, &options, session);
  if (status != Q8RT_OK) {
    q8rt_model_free(*model);
    *model = NULL;
    return cli_fail_status(cmd, status);
  }
  return 0;
}
