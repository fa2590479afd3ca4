/* A slot of the batch: a long-lived process that forks one worker per dump
 * it is given (a crash or hang still costs that dump only) and, between
 * dumps, keeps the kernel of the last good one loaded (vmlinux, symbol
 * table, types with the core ones indexed), which the next workers inherit
 * by fork: a kernel is loaded once per slot, not once per dump. The batch talks to
 * it over a socket: a dump's index in, "started worker PID" and "done:
 * wait status, rusage" out. */
#ifndef WHYHUNG_BATCH_SLOT_H
#define WHYHUNG_BATCH_SLOT_H

#include <stdbool.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "batch_config.h"
#include "batch_find.h"

struct wh_batch_slot {
	pid_t pid; /* the slot process, 0 when not running */
	int sock;  /* the batch's end */
	bool busy;
	size_t input;  /* the dump in progress */
	pid_t worker;  /* its worker, 0 until the slot says */
	double started;
	bool timed_out;
};

struct wh_batch_slot_done {
	int status; /* wait status of the worker */
	struct rusage ru;
};

/* Beside the row's path: touched by the worker while it fetches debug
 * info from debuginfod, which the time limit does not count. */
static const char WH_BATCH_FETCHING_SUFFIX[] = ".fetching";

/* Where the worker of INPUT leaves its row. */
void wh_batch_result_path(const char *tmpdir, size_t input, char *buf, size_t size);

struct wh_error *wh_batch_slot_start(struct wh_batch_slot *s, const struct wh_batch_config *c,
				     const struct wh_batch_inputs *in, const char *tmpdir);
struct wh_error *wh_batch_slot_send(struct wh_batch_slot *s, size_t input, double now);
/* One message from the slot: *RET_DONE says whether the dump is finished
 * (*RET filled). WH_ERR_IO when the slot process is gone. */
struct wh_error *wh_batch_slot_receive(struct wh_batch_slot *s, bool *ret_done,
				       struct wh_batch_slot_done *ret);
/* Kill the slot and its worker and reap the slot. */
void wh_batch_slot_stop(struct wh_batch_slot *s);

#endif
