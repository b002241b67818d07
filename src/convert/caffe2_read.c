#include "caffe2_read.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool cv_read_file(const char* path, uint8_t** data, size_t* size, char* err, size_t err_size) {
  *data = NULL;
  *size = 0;
  FILE* f = fopen(path, "rb");
  if (f == NULL) {
    snprintf(err, err_size, "%s: cannot open: %s", path, strerror(errno));
    return false;
  }
  size_t cap = 0, n = 0;
  uint8_t* buf = NULL;
  for (;;) {
    if (n == cap) {
      if (cap >= CV_MAX_NETDEF_BYTES) {
        snprintf(err, err_size, "%s: file too large (more than %llu bytes)", path,
                 (unsigned long long) CV_MAX_NETDEF_BYTES);
        goto fail;
      }
      size_t new_cap = cap ? cap * 2 : 65536;
      uint8_t* p = realloc(buf, new_cap);
      if (p == NULL) {
        snprintf(err, err_size, "%s: out of memory", path);
        goto fail;
      }
      buf = p;
      cap = new_cap;
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0) {
      if (ferror(f)) {
        snprintf(err, err_size, "%s: read error: %s", path, strerror(errno));
        goto fail;
      }
      break;
    }
  }
  fclose(f);
  *data = buf;
  *size = n;
  return true;
fail:
  free(buf);
  fclose(f);
  return false;
}

Caffe2__NetDef* cv_parse_netdef(const void* data, size_t size, const char* label, char* err,
                                size_t err_size) {
  if (size == 0) {
    snprintf(err, err_size, "%s: empty file, expected a Caffe2 NetDef", label);
    return NULL;
  }
  Caffe2__NetDef* net = caffe2__net_def__unpack(NULL, size, (const uint8_t*) data);
  if (net == NULL) {
    snprintf(err, err_size,
             "%s: not a valid Caffe2 NetDef (protobuf parsing failed: truncated or corrupt file, %zu bytes)",
             label, size);
  }
  return net;
}
