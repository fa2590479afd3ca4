/* What `whyhung batch` was asked to do, shared by its parts. */
#ifndef WHYHUNG_BATCH_CONFIG_H
#define WHYHUNG_BATCH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* The CLI's mapping of errors to exit codes (README "Exit codes"), passed
 * down so that a dump's row says what a single run would have exited with. */
typedef int (*wh_exit_code_fn)(const struct wh_error *err);

struct wh_batch_config {
	const char *const *debug_dirs;
	size_t n_debug_dirs;
	unsigned jobs;
	double timeout_s;
	uint64_t max_memory; /* bytes of address space per worker, 0: no limit */
	const char *json_path;
	const char *db_path;
	bool progress; /* a progress line on stderr (a TTY) */
	unsigned shard, n_shards; /* this run's share: content id mod n_shards */
	bool reuse; /* keep a warmed kernel between dumps (batch_slot.h) */
	bool offline; /* never ask debuginfod (--offline) */
	wh_exit_code_fn exit_code_for;
};

#endif
