/* The worker: one dump analysed in a process of its own (forked by
 * batch_run.c), so that a dump that crashes or hangs the analysis costs
 * that dump only. */
#ifndef WHYHUNG_BATCH_WORKER_H
#define WHYHUNG_BATCH_WORKER_H

#include "batch_config.h"

/* Analyse PATH and save its row to RESULT_PATH; returns the process exit
 * code. Runs in the child: never returns to the batch's loop. */
int wh_batch_worker_run(const struct wh_batch_config *c, const char *path,
			const char *result_path);

#endif
