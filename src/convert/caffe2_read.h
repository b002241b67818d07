/* Reading Caffe2 NetDef files with protobuf-c. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "caffe2.pb-c.h"

/* Largest NetDef file accepted. */
#define CV_MAX_NETDEF_BYTES (UINT64_C(1) << 30)

/* Reads a whole file into a malloc'ed buffer. The message names the path. */
bool cv_read_file(const char* path, uint8_t** data, size_t* size, char* err, size_t err_size);

/* Parses a NetDef (free with protobuf_c_message_free_unpacked). NULL on failure, message names `label`. */
Caffe2__NetDef* cv_parse_netdef(const void* data, size_t size, const char* label, char* err,
                                size_t err_size);
