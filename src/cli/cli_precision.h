/* --precision int8|fp32 for classify, eval, run and bench. */
#pragma once

#include <stdbool.h>

#include "q8rt.h"

/* Parses "int8" or "fp32"; false (and a message naming cmd) otherwise; NULL: false, no message. */
bool cli_parse_precision(const char* cmd, const char* text, q8rt_precision* out);

/* "int8" or "fp32". */
const char* cli_precision_name(q8rt_precision precision);

/* Loads the model and creates a session of that precision; prints errors, returns 0 or CLI_ERROR. */
int cli_open_precision(const char* cmd, const char* path, unsigned threads, q8rt_precision precision,
                       q8rt_model** model, q8rt_session** session);
