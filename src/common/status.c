#include <stdarg.h>
#include <stdio.h>

#include "common.h"

static _Thread_local char last_error[512];

const char* q8rt_status_string(q8rt_status status) {
  switch (status) {
    case Q8RT_OK: return "ok";
    case Q8RT_ERROR_INVALID_ARGUMENT: return "invalid argument";
    case Q8RT_ERROR_IO: return "i/o error";
    case Q8RT_ERROR_INVALID_MODEL: return "invalid model";
    case Q8RT_ERROR_UNSUPPORTED: return "unsupported";
    case Q8RT_ERROR_OUT_OF_MEMORY: return "out of memory";
    case Q8RT_ERROR_LIMIT: return "limit exceeded";
  }
  return "unknown status";
}

const char* q8rt_last_error(void) { return last_error; }

void q8rt_clear_error(void) { last_error[0] = '\0'; }

q8rt_status q8rt_error(q8rt_status status, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vsnprintf(last_error, sizeof last_error, fmt, args);
  va_end(args);
  return status;
}
