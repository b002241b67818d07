/* Class-name files for `q8rt convert --labels FILE` (stored in the blob's label table, docs/blob-format.md). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parses `size` bytes of a class-name file: one class per line, either "WNID description" (a WordNet id
 * n + 8 digits, e.g. "n01440764 tench, Tinca tinca": the description is kept) or just the name. A UTF-8 byte
 * order mark, CRLF line ends and empty lines at the end are accepted; the text must be UTF-8 without NUL bytes
 * and no line may be empty. On success *names (free with q8rt_labels_free) holds *count malloc'ed strings. On
 * failure err names `what` and the line. */
bool q8rt_labels_parse(const char* text, size_t size, const char* what, char*** names, uint32_t* count, char* err,
                       size_t err_size);
/* Reads and parses a file (at most 16 MiB). */
bool q8rt_labels_read_file(const char* path, char*** names, uint32_t* count, char* err, size_t err_size);
void q8rt_labels_free(char** names, uint32_t count);
