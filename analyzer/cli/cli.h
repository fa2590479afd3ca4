#ifndef WHYHUNG_CLI_H
#define WHYHUNG_CLI_H

#include "error.h"

/* Process exit codes, documented in README.md ("Exit codes"). */
enum wh_exit_code {
	WH_EXIT_OK = 0,
	WH_EXIT_INTERNAL = 1,
	WH_EXIT_USAGE = 2,
	WH_EXIT_IO = 3,
	WH_EXIT_NOT_DUMP = 4,
	WH_EXIT_TRUNCATED = 5,
	WH_EXIT_NO_VMLINUX = 6,
	WH_EXIT_NO_DEBUGINFO = 7,
	WH_EXIT_MISMATCH = 8,
	WH_EXIT_CORRUPT = 9, /* kernel data needed for the answer is unreadable */
	/* 10: batch ran with failures (analyzer/batch/) */
	WH_EXIT_NETWORK = 11, /* no debuginfod server answered */
};

enum wh_exit_code wh_exit_code_for(const struct wh_error *err);
int wh_cli_main(int argc, char **argv);

#endif
