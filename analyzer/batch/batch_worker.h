/* The worker: one dump analysed in a process of its own (forked by
 * batch_run.c), so that a dump that crashes or hangs the analysis costs
 * that dump only. */
#ifndef WHYHUNG_BATCH_WORKER_H
#define WHYHUNG_BATCH_WORKER_H

#include "batch_config.h"
#include "batch_find.h"
#include "addr_map.h"

struct wh_elf_image;
struct wh_types;

/* A kernel the worker's slot loaded after an earlier dump: used when this
 * dump's debug info is the same file. */
struct wh_batch_loaded {
	char vmlinux[4096]; /* "" when none */
	struct wh_elf_image *img;
	struct wh_types *types;
	struct wh_addr_map replayed; /* code addresses warmed (batch_warm.h) */
};

/* Analyse DUMP (its file, or the members of a split set) and save its row
 * to RESULT_PATH; returns the process exit code. Runs in the child: never
 * returns to the batch's loop. LOADED may be NULL. */
int wh_batch_worker_run(const struct wh_batch_config *c, const struct wh_batch_input *dump,
			const char *result_path, struct wh_batch_loaded *loaded);
/* In the slot process, after a worker analysed a dump without trouble
 * and left its row at RESULT_PATH: load that dump's kernel here (vmlinux,
 * symbol table, types with the core ones indexed) unless it is loaded
 * already, for the next workers to inherit by fork. The slot never reads
 * a dump itself: what a dump does to the analysis stays in its worker.
 * Best effort: on failure *LOADED is left empty. */
void wh_batch_worker_warm(const struct wh_batch_config *c, const char *result_path,
			  struct wh_batch_loaded *loaded);

#endif
