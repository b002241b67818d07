#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int cli_fail(const char* cmd, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  fprintf(stderr, "q8rt %s: ", cmd);
  vfprintf(stderr, fmt, args);
  fputc('\n', stderr);
  va_end(args);
  return 1;
}

int cli_fail_status(const char* cmd, q8rt_status status) {
  const char* msg = q8rt_last_error();
  return cli_fail(cmd, "%s", *msg != '\0' ? msg : q8rt_status_string(status));
}

bool cli_parse_uint(const char* cmd, const char* option, const char* text, unsigned lo, unsigned hi, unsigned* out) {
  char* end = NULL;
  errno = 0;
  const unsigned long v = text != NULL ? strtoul(text, &end, 10) : 0;
  if (text == NULL || *text == '\0' || *text == '-' || *end != '\0' || errno != 0 || v < lo || v > hi) {
    cli_fail(cmd, "%s expects an integer in [%u, %u], got '%s'", option, lo, hi, text != NULL ? text : "");
    return false;
  }
  *out = (unsigned) v;
  return true;
}

void* cli_read_file(const char* cmd, const char* path, size_t max_size, size_t* size) {
  FILE* f = fopen(path, "rb");
  if (f == NULL) {
    cli_fail(cmd, "%s: %s", path, strerror(errno));
    return NULL;
  }
  struct stat st;
  if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
    fclose(f);
    cli_fail(cmd, "%s: not a regular file", path);
    return NULL;
  }
  if ((uint64_t) st.st_size > max_size) {
    fclose(f);
    cli_fail(cmd, "%s: %lld bytes, more than the %zu allowed", path, (long long) st.st_size, max_size);
    return NULL;
  }
  *size = (size_t) st.st_size;
  void* data = malloc(*size + 1);
  if (data == NULL || fread(data, 1, *size, f) != *size) {
    fclose(f);
    free(data);
    cli_fail(cmd, "%s: read error", path);
    return NULL;
  }
  fclose(f);
  ((char*) data)[*size] = '\0';
  return data;
}

char** cli_load_class_names(const char* cmd, const char* path, size_t expected, size_t* count) {
  size_t size;
  char* text = cli_read_file(cmd, path, 64u << 20, &size);
  if (text == NULL) return NULL;
  char** names = calloc(expected, sizeof *names);
  size_t n = 0;
  for (char* line = text; names != NULL && *line != '\0' && n < expected;) {
    char* eol = strchr(line, '\n');
    if (eol != NULL) *eol = '\0';
    const size_t len = strlen(line);
    if (len > 0 && line[len - 1] == '\r') line[len - 1] = '\0';
    if (*line != '\0') {
      const char* space = strchr(line, ' ');
      names[n] = strdup(space != NULL ? space + 1 : line);
      if (names[n++] == NULL) break;
    }
    if (eol == NULL) break;
    line = eol + 1;
  }
  free(text);
  if (names == NULL || n != expected || names[n - 1] == NULL) {
    cli_free_class_names(names, expected);
    cli_fail(cmd, "%s: expected %zu class names, one per line", path, expected);
    return NULL;
  }
  *count = n;
  return names;
}

void cli_free_class_names(char** names, size_t count) {
  if (names == NULL) return;
  for (size_t i = 0; i < count; i++) free(names[i]);
  free(names);
}

void cli_top_k(const float* logits, size_t n, size_t k, uint32_t* top) {
  if (k > n) k = n;
  for (size_t j = 0; j < k; j++) {
    uint32_t best = UINT32_MAX;
    for (size_t i = 0; i < n; i++) {
      bool taken = false;
      for (size_t t = 0; t < j; t++) taken |= top[t] == i;
      if (!taken && (best == UINT32_MAX || logits[i] > logits[best])) best = (uint32_t) i;
    }
    top[j] = best;
  }
}

int cli_open(const char* cmd, const char* path, unsigned threads, q8rt_model** model, q8rt_session** session) {
  q8rt_status status = q8rt_model_load_file(path, model);
  if (status != Q8RT_OK) return cli_fail_status(cmd, status);
  struct q8rt_session_options options;
  q8rt_session_options_init(&options);
  options.num_threads = threads;
  status = q8rt_session_create(*model, &options, session);
  if (status != Q8RT_OK) {
    q8rt_model_free(*model);
    *model = NULL;
    return cli_fail_status(cmd, status);
  }
  return 0;
}

int cli_write_file_atomic(const char* cmd, const char* path, const void* data, size_t size) {
  const size_t len = strlen(path);
  char* tmp = malloc(len + 16);
  if (tmp == NULL) return cli_fail(cmd, "out of memory");
  snprintf(tmp, len + 16, "%s.tmpXXXXXX", path);
  const int fd = mkstemp(tmp);
  if (fd < 0) {
    const int e = errno;
    free(tmp);
    return cli_fail(cmd, "%s: cannot create a file there: %s", path, strerror(e));
  }
  const uint8_t* p = data;
  size_t left = size;
  int e = 0;
  while (left > 0 && e == 0) {
    const ssize_t n = write(fd, p, left);
    if (n < 0 && errno != EINTR) e = errno;
    if (n > 0) {
      p += n;
      left -= (size_t) n;
    }
  }
  if (e == 0 && fsync(fd) != 0) e = errno;
  if (close(fd) != 0 && e == 0) e = errno;
  if (e == 0 && chmod(tmp, 0644) != 0) e = errno; /* mkstemp creates 0600 */
  if (e == 0 && rename(tmp, path) != 0) e = errno;
  if (e != 0) {
    unlink(tmp);
    free(tmp);
    return cli_fail(cmd, "%s: %s", path, strerror(e));
  }
  free(tmp);
  return 0;
}

void cli_json_string(const char* s, size_t n) {
  putchar('"');
  for (size_t i = 0; i < n; i++) {
    const unsigned char c = (unsigned char) s[i];
    if (c == '"' || c == '\\') printf("\\%c", c);
    else if (c < 0x20) printf("\\u%04x", c);
    else putchar(c);
  }
  putchar('"');
}

double cli_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec * 1e-6;
}
