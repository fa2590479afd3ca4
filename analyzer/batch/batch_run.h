/* The batch itself: inputs found, dumps already in the results skipped,
 * one forked worker per dump (at most -j at once) under a wall-time and
 * an address-space limit, each row written to the sinks as it comes, a
 * progress line on a TTY, and the closing summary with the kernels whose
 * debug info is missing. */
#ifndef WHYHUNG_BATCH_RUN_H
#define WHYHUNG_BATCH_RUN_H

#include <stdio.h>

#include "batch_config.h"

/* Exit code of a batch that ran but had dumps that did not analyse
 * (README "Exit codes"). */
enum { WH_EXIT_BATCH_FAILURES = 10 };

/* Run the batch over PATHS[0..N); *RET_FAILURES counts the rows whose
 * status is not ok. Errors are what stops the whole batch (no input, an
 * unwritable database). */
struct wh_error *wh_batch_run(const struct wh_batch_config *c, const char *const *paths,
			      size_t n, FILE *out, size_t *ret_failures);

#endif
