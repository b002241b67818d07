/* realpath (XSI) */
#define _XOPEN_SOURCE 700

#include "cli.h"

#include "convert/labels.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "image.h"

int cli_report(int status, const char* cmd, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  fprintf(stderr, "q8rt %s: ", cmd);
  vfprintf(stderr, fmt, args);
  fputc('\n', stderr);
  va_end(args);
  return status;
}

int cli_fail_status(const char* cmd, q8rt_status status) {
  const char* msg = q8rt_last_error();
  return cli_fail(cmd, "%s", *msg != '\0' ? msg : q8rt_status_string(status));
}

/* ---- command lines ---------------------------------------------------------------------------- */

struct cli_args cli_args_init(const char* cmd, int argc, char** argv) {
  struct cli_args a = {cmd, argc, argv, 0, false, false};
  return a;
}

bool cli_next(struct cli_args* a) {
  if (a->bad || ++a->i >= a->argc) return false;
  if (!a->positional && strcmp(a->argv[a->i], "--") == 0) {
    a->positional = true;
    return cli_next(a);
  }
  return true;
}

const char* cli_arg(const struct cli_args* a) { return a->argv[a->i]; }

bool cli_is_option(const struct cli_args* a) {
  const char* s = cli_arg(a);
  return !a->positional && s[0] == '-' && s[1] != '\0';
}

bool cli_flag(struct cli_args* a, const char* name) {
  return !a->positional && strcmp(cli_arg(a), name) == 0;
}

bool cli_opt(struct cli_args* a, const char* name, const char** value) {
  if (a->positional) return false;
  const char* s = cli_arg(a);
  const size_t len = strlen(name);
  if (strncmp(s, name, len) != 0) return false;
  if (s[len] == '=' && name[1] == '-') { /* --name=VALUE (long options only) */
    *value = s + len + 1;
    return true;
  }
  if (s[len] != '\0') return false;
  if (a->i + 1 >= a->argc) {
    *value = NULL;
    a->bad = true;
    cli_usage(a->cmd, "%s needs a value (see q8rt %s --help)", name, a->cmd);
    return true;
  }
  *value = a->argv[++a->i];
  return true;
}

void cli_unexpected(struct cli_args* a, const char* usage) {
  a->bad = true;
  cli_usage(a->cmd, "%s '%s'\n%s", cli_is_option(a) ? "unknown option" : "unexpected argument", cli_arg(a), usage);
}

bool cli_parse_uint(const char* cmd, const char* option, const char* text, unsigned lo, unsigned hi, unsigned* out) {
  if (text == NULL) return false;
  char* end = NULL;
  errno = 0;
  const unsigned long v = strtoul(text, &end, 10);
  if (*text < '0' || *text > '9' || *end != '\0' || errno != 0 || v < lo || v > hi) {
    cli_usage(cmd, "%s expects an integer in [%u, %u], got '%s'", option, lo, hi, text);
    return false;
  }
  *out = (unsigned) v;
  return true;
}

bool cli_parse_threads(const char* cmd, const char* text, unsigned* out) {
  if (!cli_parse_uint(cmd, "--threads", text, 1, CLI_MAX_THREADS, out)) return false;
  const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  if (cpus >= 1 && *out > (unsigned long) cpus) {
    fprintf(stderr, "q8rt %s: warning: --threads %u is more than the %ld online CPUs: using %ld\n", cmd, *out, cpus,
            cpus);
    *out = (unsigned) cpus;
  }
  return true;
}

/* ---- files ------------------------------------------------------------------------------------ */

void* cli_read_file(const char* cmd, const char* path, size_t max_size, size_t* size) {
  FILE* f = fopen(path, "rb");
  if (f == NULL) {
    cli_fail(cmd, "%s: %s", path, strerror(errno));
    return NULL;
  }
  struct stat st;
  const bool stat_ok = fstat(fileno(f), &st) == 0;
  if (!stat_ok || !S_ISREG(st.st_mode)) {
    fclose(f);
    cli_fail(cmd, "%s: %s", path, stat_ok && S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file");
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

bool cli_output_distinct(const char* cmd, const char* path, const char* const* inputs) {
  struct stat out;
  const int r = strcmp(path, "-") == 0 ? fstat(STDOUT_FILENO, &out) : stat(path, &out);
  if (r != 0 || !S_ISREG(out.st_mode)) return true; /* a new file, or a device / FIFO */
  for (; *inputs != NULL; inputs++) {
    struct stat in;
    if (stat(*inputs, &in) == 0 && in.st_dev == out.st_dev && in.st_ino == out.st_ino) {
      cli_fail(cmd, "%s: the output is the input %s: refusing to overwrite it", path, *inputs);
      return false;
    }
  }
  return true;
}

/* 0 or an errno. */
static int write_all(int fd, const void* data, size_t size) {
  const uint8_t* p = data;
  while (size > 0) {
    const ssize_t n = write(fd, p, size);
    if (n < 0 && errno != EINTR) return errno;
    if (n > 0) {
      p += n;
      size -= (size_t) n;
    }
  }
  return 0;
}

/* Temporary file beside `target` (a real path: no symbolic link in its last component), then rename. */
static int write_atomic(const char* cmd, const char* path, const char* target, mode_t mode, const void* data,
                        size_t size) {
  const size_t len = strlen(target) + 16;
  char* tmp = malloc(len);
  if (tmp == NULL) return cli_fail(cmd, "out of memory");
  snprintf(tmp, len, "%s.tmpXXXXXX", target);
  const int fd = mkstemp(tmp);
  if (fd < 0) {
    const int e = errno;
    free(tmp);
    return cli_fail(cmd, "%s: cannot create a file there: %s", path, strerror(e));
  }
  int e = write_all(fd, data, size);
  if (e == 0 && fchmod(fd, mode) != 0) e = errno; /* mkstemp creates 0600 */
  if (e == 0 && fsync(fd) != 0) e = errno;
  if (close(fd) != 0 && e == 0) e = errno;
  if (e == 0 && rename(tmp, target) != 0) e = errno;
  if (e != 0) unlink(tmp);
  free(tmp);
  return e == 0 ? 0 : cli_fail(cmd, "%s: %s", path, strerror(e));
}

int cli_write_output(const char* cmd, const char* path, const void* data, size_t size) {
  if (strcmp(path, "-") == 0) {
    if (fwrite(data, 1, size, stdout) != size || fflush(stdout) != 0) {
      return cli_fail(cmd, "standard output: %s", strerror(errno));
    }
    return 0;
  }
  struct stat st;
  if (stat(path, &st) != 0) { /* a new file (or a dangling symbolic link) */
    struct stat lst;
    if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
      return cli_fail(cmd, "%s: a symbolic link to a missing file: not writing through it", path);
    }
    const mode_t mask = umask(0);
    umask(mask);
    return write_atomic(cmd, path, path, 0666 & ~mask, data, size);
  }
  if (S_ISDIR(st.st_mode)) return cli_fail(cmd, "%s: is a directory", path);
  if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) { /* written in place, never replaced */
    const int fd = open(path, O_WRONLY | O_CLOEXEC);
    int e = fd < 0 ? errno : write_all(fd, data, size);
    if (fd >= 0 && close(fd) != 0 && e == 0) e = errno;
    return e == 0 ? 0 : cli_fail(cmd, "%s: %s", path, strerror(e));
  }
  if (!S_ISREG(st.st_mode)) return cli_fail(cmd, "%s: not a regular file, character device or FIFO", path);
  char* target = realpath(path, NULL); /* a symbolic link: replace its target, keep the link */
  if (target == NULL) return cli_fail(cmd, "%s: %s", path, strerror(errno));
  const int rc = write_atomic(cmd, path, target, st.st_mode & 07777, data, size);
  free(target);
  return rc;
}

/* ---- class names ------------------------------------------------------------------------------ */

/* Names from a file with one name per model output, or one per dataset class when the model has `offset`
 * leading outputs that are not classes (those get "(output N)"). The name part of a line is kept without a
 * leading WordNet id ("n01440764 tench, Tinca tinca" -> "tench, ..."). */
char** cli_load_class_names(const char* cmd, const char* path, size_t expected, size_t offset, size_t* count) {
  char** names = NULL;
  uint32_t n = 0;
  char err[1024];
  if (!q8rt_labels_read_file(path, &names, &n, err, sizeof err)) { /* the converter's parser: one format */
    cli_fail(cmd, "%s", err);
    return NULL;
  }
  if (n != expected && (offset == 0 || n != expected - offset)) {
    q8rt_labels_free(names, n);
    if (offset != 0) {
      cli_fail(cmd, "%s: %u class names, expected %zu (one per model output) or %zu (one per class)", path,
               (unsigned) n, expected, expected - offset);
    } else {
      cli_fail(cmd, "%s: %u class names, expected %zu (one per line, one per class of the model)", path,
               (unsigned) n, expected);
    }
    return NULL;
  }
  if (n != expected) { /* shift the dataset names behind the leading outputs */
    char** all = calloc(expected, sizeof *all);
    bool ok = all != NULL;
    for (size_t i = 0; ok && i < offset; i++) {
      char buf[32];
      snprintf(buf, sizeof buf, "(output %zu)", i);
      ok = (all[i] = strdup(buf)) != NULL;
    }
    if (!ok) {
      cli_free_class_names(all, offset);
      q8rt_labels_free(names, n);
      cli_fail(cmd, "out of memory");
      return NULL;
    }
    for (size_t i = 0; i < n; i++) all[offset + i] = names[i];
    free(names); /* the strings moved into all */
    names = all;
  }
  *count = expected;
  return names;
}

void cli_free_class_names(char** names, size_t count) {
  if (names == NULL) return;
  for (size_t i = 0; i < count; i++) free(names[i]);
  free(names);
}

int cli_class_names_for_model(const char* cmd, const q8rt_model* model, const char* model_path,
                              const char* labels_path, char*** names, size_t* count) {
  *names = NULL;
  *count = 0;
  struct q8rt_model_info mi;
  if (q8rt_model_get_info(model, &mi) != Q8RT_OK) return cli_fail_status(cmd, Q8RT_ERROR_INVALID_ARGUMENT);
  if (labels_path != NULL) {
    *names = cli_load_class_names(cmd, labels_path, mi.num_classes, mi.class_offset, count);
    return *names != NULL ? 0 : CLI_ERROR;
  }
  if (q8rt_model_class_name(model, 0) != NULL) { /* stored by `q8rt convert --labels` */
    *names = calloc(mi.num_classes, sizeof **names);
    for (uint32_t i = 0; *names != NULL && i < mi.num_classes; i++) {
      const char* stored = q8rt_model_class_name(model, i);
      (*names)[i] = strdup(stored != NULL ? stored : "");
      if ((*names)[i] == NULL) {
        cli_free_class_names(*names, i);
        *names = NULL;
      }
    }
    if (*names == NULL) return cli_fail(cmd, "out of memory");
    *count = mi.num_classes;
    return 0;
  }
  const char* env = getenv("Q8RT_LABELS");
  if (env != NULL && *env != '\0') {
    *names = cli_load_class_names(cmd, env, mi.num_classes, mi.class_offset, count);
    return *names != NULL ? 0 : CLI_ERROR;
  }
  const char* slash = strrchr(model_path, '/');
  const int dir_len = slash != NULL ? (int) (slash - model_path) + 1 : 0; /* with the '/' */
  static const char* const beside[] = {"synset_words.txt", "labels.txt"};
  for (size_t i = 0; i < sizeof beside / sizeof beside[0]; i++) {
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%.*s%s", dir_len, model_path, beside[i]) >= (int) sizeof path) break;
    if (access(path, F_OK) != 0) continue;
    *names = cli_load_class_names(cmd, path, mi.num_classes, mi.class_offset, count);
    if (*names != NULL) return 0;
    fprintf(stderr, "q8rt %s: not using %s: printing class indices (see --labels in q8rt %s --help)\n", cmd, path,
            cmd);
    return 0;
  }
  fprintf(stderr, "q8rt %s: no class names: printing class indices (give --labels FILE, convert the model with "
          "--labels, set Q8RT_LABELS or put synset_words.txt beside the model)\n", cmd);
  return 0;
}

bool cli_run_image(q8rt_session* session, const struct q8rt_model_info* mi, const char* path, float* input,
                   float* logits, char* err, size_t err_size) {
  if (q8rt_image_load_preprocessed(path, &mi->preprocess, input, err, err_size) != 0) return false;
  const size_t bytes = sizeof(float) * mi->input_height * mi->input_width * mi->input_channels;
  q8rt_status status = q8rt_session_run(session, Q8RT_INPUT_F32_NCHW, input, bytes);
  if (status == Q8RT_OK) status = q8rt_session_get_logits_f32(session, logits, mi->num_classes);
  if (status != Q8RT_OK) snprintf(err, err_size, "%s: %s", path, q8rt_last_error());
  return status == Q8RT_OK;
}

/* ---- output ----------------------------------------------------------------------------------- */

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

/* Length of the valid UTF-8 sequence at s (n > 0 bytes), or 0: no overlong forms, surrogates or code points
 * past U+10FFFF. */
static size_t utf8_sequence(const unsigned char* s, size_t n) {
  size_t len;
  uint32_t min;
  if (s[0] < 0x80) return 1;
  if (s[0] >= 0xC2 && s[0] <= 0xDF) len = 2, min = 0x80;
  else if (s[0] >= 0xE0 && s[0] <= 0xEF) len = 3, min = 0x800;
  else if (s[0] >= 0xF0 && s[0] <= 0xF4) len = 4, min = 0x10000;
  else return 0;
  if (n < len) return 0;
  uint32_t cp = s[0] & (0x7Fu >> len);
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = cp << 6 | (s[i] & 0x3Fu);
  }
  return cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ? 0 : len;
}

void cli_json_string(FILE* f, const char* s, size_t n) {
  const unsigned char* p = (const unsigned char*) s;
  fputc('"', f);
  for (size_t i = 0; i < n;) {
    const size_t len = utf8_sequence(p + i, n - i);
    if (len == 0) fputs("\\ufffd", f);
    else if (p[i] == '"' || p[i] == '\\') fprintf(f, "\\%c", p[i]);
    else if (p[i] < 0x20 || p[i] == 0x7F) fprintf(f, "\\u%04x", p[i]);
    else fwrite(p + i, 1, len, f);
    i += len == 0 ? 1 : len;
  }
  fputc('"', f);
}

void cli_json_error(FILE* f, const char* separator, const char* image, const char* error) {
  fprintf(f, "%s{\"image\":", separator);
  cli_json_string(f, image, strlen(image));
  fputs(",\"error\":", f);
  cli_json_string(f, error, strlen(error));
  fputc('}', f);
}

double cli_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec * 1e-6;
}
