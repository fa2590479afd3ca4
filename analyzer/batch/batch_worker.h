/* The worker: one dump analysed in a process of its own (forked by
 * batch_run.c), so that a dump that crashes or hangs the analysis costs
 * that dump only. */
#ifndef WHYHUNG_BATCH_WORKER_H
#define WHYHUNG_BATCH_WORKER_H

#include "batch_config.h"

struct wh_elf_image;
struct wh_types;

/* A kernel the worker's parent loaded and warmed on an earlier dump: used
 * when this dump's debug info is the same file. */
struct wh_batch_loaded {
	char vmlinux[4096]; /* "" when none */
	struct wh_elf_image *img;
	struct wh_types *types;
};

/* Analyse PATH and save its row to RESULT_PATH; returns the process exit
 * code. Runs in the child: never returns to the batch's loop. LOADED may
 * be NULL. */
int wh_batch_worker_run(const struct wh_batch_config *c, const char *path,
			const char *result_path, struct wh_batch_loaded *loaded);
/* In the slot process, after a worker analysed PATH: analyse it again here,
 * so that the symbol table, type and unit indexes the analysis builds stay
 * in *LOADED for the next workers (forked from here, they inherit them).
 * Only after a worker succeeded on the same file, so a dump that crashes
 * the analysis never runs outside a worker. Best effort: on failure
 * *LOADED is left empty. */
void wh_batch_worker_warm(const struct wh_batch_config *c, const char *path,
			  struct wh_batch_loaded *loaded);

#endif
