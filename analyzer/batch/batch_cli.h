/* The command lines of `whyhung batch`, `clusters` and `merge`; the CLI
 * (analyzer/cli/) dispatches here with its mapping of errors to exit
 * codes. */
#ifndef WHYHUNG_BATCH_CLI_H
#define WHYHUNG_BATCH_CLI_H

#include "batch_config.h"

/* ARGV[0] is the command name. Returns the process exit code. */
int wh_batch_main(int argc, char **argv, wh_exit_code_fn exit_code_for);
int wh_clusters_main(int argc, char **argv, wh_exit_code_fn exit_code_for);
int wh_merge_main(int argc, char **argv, wh_exit_code_fn exit_code_for);

#endif
