/* q8rt command-line subcommands. Each takes argv[0] = the subcommand name and returns the exit status. */
#pragma once

/* q8rt convert INIT_NET PREDICT_NET -o OUT.q8rt [options] (src/cli/cmd_convert.c) */
int q8rt_cmd_convert(int argc, char** argv);
