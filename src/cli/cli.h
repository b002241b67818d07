/* Shared helpers of the q8rt command-line tool. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "q8rt.h"

int q8rt_cmd_info(int argc, char** argv);
int q8rt_cmd_classify(int argc, char** argv);
int q8rt_cmd_eval(int argc, char** argv);
int q8rt_cmd_run(int argc, char** argv);
int q8rt_cmd_bench(int argc, char** argv);

/* Exit statuses of every subcommand: 0 success, 1 runtime error, 2 usage error. */
#define CLI_ERROR 1
#define CLI_USAGE 2
/* The line every --help ends with. */
#define CLI_EXIT_HELP                                                                                        \
  "Options taking a value accept --opt VALUE and --opt=VALUE; -- ends the options.\n"                       \
  "Exit status: 0 success; 1 runtime error (a file, image or model could not be read, decoded or written);\n" \
  "2 usage error (unknown option, missing or bad value).\n"
/* --threads: at most this many; more than the online CPUs are capped to them (with a warning). */
#define CLI_MAX_THREADS 1024u

/* Prints "q8rt <cmd>: <message>" to stderr. Returns status. */
int cli_report(int status, const char* cmd, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
/* A runtime error: prints the message, returns CLI_ERROR. */
#define cli_fail(cmd, ...) cli_report(CLI_ERROR, (cmd), __VA_ARGS__)
/* A bad command line: prints the message, returns CLI_USAGE. */
#define cli_usage(cmd, ...) cli_report(CLI_USAGE, (cmd), __VA_ARGS__)
/* Prints the library's last error for a failed call. Returns CLI_ERROR. */
int cli_fail_status(const char* cmd, q8rt_status status);

/* Command-line scanning shared by the subcommands:
 *   struct cli_args a = cli_args_init("run", argc, argv);
 *   while (cli_next(&a)) { if (cli_flag(&a, "--json")) ... else if (cli_opt(&a, "--top", &v)) ... }
 *   if (a.bad) return CLI_USAGE;
 * Every problem sets bad after printing one message. */
struct cli_args {
  const char* cmd;
  int argc;
  char** argv;
  int i;            /* index of the current argument */
  bool bad;         /* a usage error was reported */
  bool positional;  /* after "--": everything is an operand */
};
struct cli_args cli_args_init(const char* cmd, int argc, char** argv);
/* Moves to the next argument (skipping a first "--"); false at the end or once bad is set. */
bool cli_next(struct cli_args* a);
/* The current argument (argv[i]). */
const char* cli_arg(const struct cli_args* a);
/* True if the current argument is the flag `name`. */
bool cli_flag(struct cli_args* a, const char* name);
/* True if the current argument is option `name` followed by a value (the next argument, or "--name=VALUE");
 * *value is the value. A missing value prints a message, sets bad and returns true with *value NULL. */
bool cli_opt(struct cli_args* a, const char* name, const char** value);
/* True if the current argument looks like an option ("-x", "--x"; not "-" alone, not after "--"). */
bool cli_is_option(const struct cli_args* a);
/* Reports the current argument as unknown or unexpected (with the usage text), sets bad. */
void cli_unexpected(struct cli_args* a, const char* usage);

/* Parses a decimal integer in [lo, hi]; false (and a message) otherwise. text NULL: false, no message
 * (cli_opt already reported the missing value). */
bool cli_parse_uint(const char* cmd, const char* option, const char* text, unsigned lo, unsigned hi, unsigned* out);
/* --threads N: N in [1, CLI_MAX_THREADS]; more than the online CPUs is capped to them with a warning. */
bool cli_parse_threads(const char* cmd, const char* text, unsigned* out);

/* Class names from a synset_words.txt-style file: one name per non-empty line, a leading WordNet id
 * ("n01440764 ") is dropped; a UTF-8 BOM and CRLF line ends are accepted. The file must hold `expected` names
 * (one per model output), or expected - offset (one per dataset class, for a model whose first `offset` outputs
 * are not classes: they are named "(output N)"). *count is expected. Returns NULL and prints a message (naming
 * the file and the count found) on failure. */
char** cli_load_class_names(const char* cmd, const char* path, size_t expected, size_t offset, size_t* count);
void cli_free_class_names(char** names, size_t count);

/* The rule for class names, in --help texts. */
#define CLI_LABELS_HELP                                                                                      \
  "Class names: --labels FILE if given; else the names stored in the model (q8rt convert --labels); else\n" \
  "the file $Q8RT_LABELS if set; else synset_words.txt or labels.txt beside the model file; else class\n"    \
  "indices only (one hint on stderr). A names file has one name per line ('n01440764 tench, ...' or\n"       \
  "'tench'; UTF-8 BOM and CRLF accepted), exactly one per class.\n"
/* Class names for a model by the CLI_LABELS_HELP rule: *names NULL when there are none (a hint is printed).
 * Returns 0, or CLI_ERROR (message printed) when the file of --labels or $Q8RT_LABELS cannot be used. */
int cli_class_names_for_model(const char* cmd, const q8rt_model* model, const char* model_path,
                              const char* labels_path, char*** names, size_t* count);

/* Indices of the k largest logits, ties to the lower index (softmax is monotonic, so this is also the
 * ranking by probability, with the finer resolution of the logits). */
void cli_top_k(const float* logits, size_t n, size_t k, uint32_t* top);

/* Loads the image at path into input (q8rt_image_load_preprocessed, the model's preprocessing), runs it and
 * copies the num_classes logits as floats into logits. False with the reason, naming the file, in err. */
bool cli_run_image(q8rt_session* session, const struct q8rt_model_info* mi, const char* path, float* input,
                   float* logits, char* err, size_t err_size);

/* Reads a whole regular file (at most max_size bytes). Prints errors; returns NULL on failure. */
void* cli_read_file(const char* cmd, const char* path, size_t max_size, size_t* size);

/* False (and a message) when the output path names the same file (st_dev, st_ino) as one of the inputs
 * (a NULL-terminated list); "-" is standard output. Call before computing anything. */
bool cli_output_distinct(const char* cmd, const char* path, const char* const* inputs);
/* Writes size bytes to an output path:
 *   "-": standard output;
 *   an existing character device or FIFO (/dev/stdout, /dev/null, a pipe): opened O_WRONLY and written,
 *     never replaced; a directory or other non-regular file is an error;
 *   a regular file or a new name: written atomically (temporary file in the same directory + rename);
 *     a symbolic link is followed (realpath) and its target replaced, the link kept; a dangling link is
 *     an error. An existing file keeps its permission bits; a new one gets 0666 & ~umask.
 * Prints errors (naming the path); returns 0 on success, CLI_ERROR otherwise (nothing partial is left). */
int cli_write_output(const char* cmd, const char* path, const void* data, size_t size);

/* Prints s (n bytes) as a JSON string literal: '"', '\\', control characters and DEL escaped (\uXXXX);
 * each byte that is not part of valid UTF-8 becomes \ufffd (U+FFFD), so the output is always valid JSON. */
void cli_json_string(FILE* f, const char* s, size_t n);

/* Prints separator, then {"image":IMAGE,"error":ERROR} (an image that failed, in --json output). */
void cli_json_error(FILE* f, const char* separator, const char* image, const char* error);

/* Monotonic time in milliseconds. */
double cli_now_ms(void);
