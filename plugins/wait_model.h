/* The wait model the wait-kind plugins fill and the analysis reads: the
 * objects blocked tasks wait on, with owners and waiters in queue order.
 * Every owner says how it is known: read from an owner field, or inferred
 * with the evidence. */
#ifndef WHYHUNG_WAIT_MODEL_H
#define WHYHUNG_WAIT_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backtraces.h"
#include "blockdev.h"
#include "diag.h"
#include "stack_index.h"
#include "tasks.h"

enum wh_owner_how {
	WH_OWNER_FIELD,	   /* read from the lock's owner field */
	WH_OWNER_INFERRED, /* a candidate, see evidence */
};

struct wh_owner {
	uint64_t task; /* task_struct address */
	int32_t pid;   /* -1 if the task is not in the task list */
	enum wh_owner_how how;
	char evidence[192];
};

enum { WH_MAX_OWNERS = 16, WH_MAX_WAITERS = 4096 };

struct wh_wait_object {
	char kind[24]; /* "mutex", "rwsem", ... (plugin name) */
	uint64_t address;
	char name[160];	 /* how a person names it; escaped on output */
	char state[160]; /* decoded lock state, e.g. "held for read by 1 reader" */
	struct wh_owner owners[WH_MAX_OWNERS];
	size_t n_owners;
	uint64_t *waiters;	 /* task addresses in queue order */
	char (*waiter_modes)[8]; /* "read"/"write"/"" per waiter */
	size_t n_waiters;
	struct wh_diags incomplete; /* why the wait list could not be read fully */
	/* The block device the awaited I/O goes to (writeback, buffer I/O,
	 * journal commits); io.known false otherwise. */
	struct wh_io_target io;
};

struct wh_task_wait {
	uint64_t task;
	size_t object; /* index into wh_waits.objects */
	char mode[8];  /* "read", "write" or "" */
};

struct wh_waits {
	struct wh_wait_object *objects;
	size_t n_objects;
	struct wh_task_wait *waits;
	size_t n_waits;
	struct wh_diags diags;
	/* Lookups by task address, made by wh_waits_index(). */
	struct wh_addr_map wait_of_task; /* -> waits index */
	struct wh_addr_map held_by;	 /* owner -> objects index, once per object held */
	bool indexed;
};

/* Everything a plugin may use about one blocked task. */
struct wh_wait_context {
	struct wh_kernel *k;
	const struct wh_task_list *tasks;
	const struct wh_task *task;
	const struct wh_backtrace *bt;
	uint64_t stack_lo, stack_hi;
	const struct wh_stack_index *stacks;
	struct wh_blockdev_cache *devices; /* devices described so far */
	struct wh_wait_lists *lists;	   /* wait lists walked so far */
	struct wh_kind_memo *memo;	   /* what kinds learnt once (kind_memo.h) */
	const struct wh_waits *waits;	   /* found so far: all of them when describing */
};

/* Note what of OBJ could not be read (its problems, in order); a problem
 * about no address in particular is at OBJ's. */
void wh_object_incomplete(struct wh_wait_object *obj, enum wh_error_code code, uint64_t address,
			  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
