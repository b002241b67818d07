/* Shared helpers of the q8rt command-line tool. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "q8rt.h"

int q8rt_cmd_info(int argc, char** argv);
int q8rt_cmd_classify(int argc, char** argv);
int q8rt_cmd_eval(int argc, char** argv);
int q8rt_cmd_run(int argc, char** argv);
int q8rt_cmd_bench(int argc, char** argv);

/* Prints "q8rt <cmd>: <message>" to stderr. Returns 1 (the exit status for errors). */
int cli_fail(const char* cmd, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints the library's last error for a failed call. Returns 1. */
int cli_fail_status(const char* cmd, q8rt_status status);

/* Parses a decimal integer in [lo, hi]; false (and a message) otherwise. */
bool cli_parse_uint(const char* cmd, const char* option, const char* text, unsigned lo, unsigned hi, unsigned* out);

/* Class names from a synset_words.txt-style file ("WNID description" per line; the description is shown).
 * Returns NULL and prints a message on failure. */
char** cli_load_class_names(const char* cmd, const char* path, size_t expected, size_t* count);
void cli_free_class_names(char** names, size_t count);

/* Indices of the k largest logits, ties to the lower index (softmax is monotonic, so this is also the
 * ranking by probability, with the finer resolution of the logits). */
void cli_top_k(const float* logits, size_t n, size_t k, uint32_t* top);

/* Loads the model and creates a session; prints errors. */
int cli_open(const char* cmd, const char* path, unsigned threads, q8rt_model** model, q8rt_session** session);

/* Writes size bytes to path atomically (temporary file + rename). Prints errors; returns 0 on success. */
int cli_write_file_atomic(const char* cmd, const char* path, const void* data, size_t size);

/* Reads a whole regular file (at most max_size bytes). Prints errors; returns NULL on failure. */
void* cli_read_file(const char* cmd, const char* path, size_t max_size, size_t* size);

/* Prints s as a JSON string literal. */
void cli_json_string(const char* s, size_t n);

/* Monotonic time in milliseconds. */
double cli_now_ms(void);
