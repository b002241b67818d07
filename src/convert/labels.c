/* Class-name files (labels.h). */
#include "labels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caffe2_read.h"

/* Strict UTF-8 (no overlong forms, no surrogates, at most U+10FFFF). */
static bool utf8_valid(const unsigned char* s, size_t n) {
  size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    size_t len;
    unsigned cp;
    if (c < 0x80) {
      i++;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF) len = 2, cp = c & 0x1Fu;
    else if (c >= 0xE0 && c <= 0xEF) len = 3, cp = c & 0x0Fu;
    else if (c >= 0xF0 && c <= 0xF4) len = 4, cp = c & 0x07u;
    else return false;
    if (n - i < len) return false;
    for (size_t j = 1; j < len; j++) {
      if ((s[i + j] & 0xC0) != 0x80) return false;
      cp = cp << 6 | (s[i + j] & 0x3Fu);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
      return false;
    }
    i += len;
  }
  return true;
}

/* "n" + 8 digits + a space or tab. */
static bool has_wnid(const char* line, size_t len) {
  if (len < 10 || line[0] != 'n' || (line[9] != ' ' && line[9] != '\t')) return false;
  for (int i = 1; i <= 8; i++) {
    if (line[i] < '0' || line[i] > '9') return false;
  }
  return true;
}

void q8rt_labels_free(char** names, uint32_t count) {
  if (names == NULL) return;
  for (uint32_t i = 0; i < count; i++) free(names[i]);
  free(names);
}

bool q8rt_labels_parse(const char* text, size_t size, const char* what, char*** names_out, uint32_t* count_out,
                       char* err, size_t err_size) {
  *names_out = NULL;
  *count_out = 0;
  if (size >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) text += 3, size -= 3;
  if (memchr(text, '\0', size) != NULL) {
    snprintf(err, err_size, "%s: contains a NUL byte (not a text file)", what);
    return false;
  }
  /* Lines, without trailing empty ones. */
  size_t end = size;
  while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == '\r')) end--;
  if (end == 0) {
    snprintf(err, err_size, "%s: no class names", what);
    return false;
  }
  size_t lines = 1;
  for (size_t i = 0; i < end; i++) lines += text[i] == '\n';
  if (lines > 65536) {
    snprintf(err, err_size, "%s: %zu lines, more than the 65536 class names a blob holds", what, lines);
    return false;
  }
  char** names = calloc(lines, sizeof *names);
  if (names == NULL) {
    snprintf(err, err_size, "%s: out of memory", what);
    return false;
  }
  size_t pos = 0;
  for (size_t n = 0; n < lines; n++) {
    const char* nl = memchr(text + pos, '\n', end - pos);
    const size_t stop = nl != NULL ? (size_t) (nl - text) : end;
    const char* line = text + pos;
    size_t len = stop - pos;
    if (len > 0 && line[len - 1] == '\r') len--;
    if (has_wnid(line, len)) {
      line += 10;
      len -= 10;
    }
    if (len == 0) {
      snprintf(err, err_size, "%s: line %zu is empty (one class name per line)", what, n + 1);
      q8rt_labels_free(names, (uint32_t) lines);
      return false;
    }
    if (!utf8_valid((const unsigned char*) line, len)) {
      snprintf(err, err_size, "%s: line %zu is not valid UTF-8", what, n + 1);
      q8rt_labels_free(names, (uint32_t) lines);
      return false;
    }
    names[n] = malloc(len + 1);
    if (names[n] == NULL) {
      snprintf(err, err_size, "%s: out of memory", what);
      q8rt_labels_free(names, (uint32_t) lines);
      return false;
    }
    memcpy(names[n], line, len);
    names[n][len] = '\0';
    pos = stop + 1;
  }
  *names_out = names;
  *count_out = (uint32_t) lines;
  return true;
}

bool q8rt_labels_read_file(const char* path, char*** names, uint32_t* count, char* err, size_t err_size) {
  uint8_t* data = NULL;
  size_t size = 0;
  if (!cv_read_file(path, &data, &size, err, err_size)) return false;
  bool ok = size <= (16u << 20);
  if (!ok) snprintf(err, err_size, "%s: larger than 16 MiB, not a class-name file", path);
  if (ok) ok = q8rt_labels_parse((const char*) data, size, path, names, count, err, err_size);
  free(data);
  return ok;
}
