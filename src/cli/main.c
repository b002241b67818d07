/* q8rt: one binary, subcommands. Results on stdout, diagnostics on stderr, non-zero exit on error. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

static const struct {
  const char* name;
  int (*run)(int argc, char** argv);
  const char* summary;
} commands[] = {
  {"convert", q8rt_cmd_convert, "convert a Caffe2 quantized model (init_net.pb + predict_net.pb) to a q8rt blob"},
  {"info", q8rt_cmd_info, "print a blob's ops, tensors, MACs, weight and arena bytes"},
  {"classify", q8rt_cmd_classify, "classify JPEG / PNG images, print the top-K classes"},
  {"eval", q8rt_cmd_eval, "top-1 / top-5 accuracy over an ImageNet-style folder"},
  {"run", q8rt_cmd_run, "run one preprocessed input tensor, write the raw output"},
  {"bench", q8rt_cmd_bench, "batch-1 latency: median, min, p90 in ms"},
};

static void usage(FILE* out) {
  fprintf(out, "usage: q8rt COMMAND [ARGS...]   (q8rt COMMAND --help for details)\n\ncommands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
    fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
  }
  fprintf(out, "\n%s", CLI_EXIT_HELP);
}

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
    usage(stdout);
    return 0;
  }
  if (strcmp(argv[1], "--version") == 0) {
    printf("q8rt %s\n", q8rt_version());
    return 0;
  }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
    if (strcmp(argv[1], commands[i].name) == 0) return commands[i].run(argc - 1, argv + 1);
  }
  fprintf(stderr, "q8rt: unknown command '%s'\n", argv[1]);
  usage(stderr);
  return 2;
}
