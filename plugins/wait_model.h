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
#include "stack_index.h"
#include "tasks.h"
#include "wait_kind_ids.h" /* enum wh_wait_kind_id, generated from plugins/ */

/* How a task waits on an object; the outputs name it (wh_wait_mode_name). */
enum wh_wait_how {
	WH_WAIT_PLAIN,	   /* no mode: a mutex, a completion, ... */
	WH_WAIT_READ,	   /* shared: rwsem or percpu rwsem reader */
	WH_WAIT_WRITE,	   /* exclusive: rwsem or percpu rwsem writer */
	WH_WAIT_PAGE_LOCK, /* PG_locked of a folio */
	WH_WAIT_WRITEBACK, /* PG_writeback of a folio */
	WH_WAIT_BIT,	   /* a bit of a word: wh_wait_mode.bit says which */
};

struct wh_wait_mode {
	enum wh_wait_how how;
	uint8_t bit; /* WH_WAIT_BIT (and a folio's other bits): the bit number */
};

/* "read", "write", "lock", "wrback", "bit3", or "" for WH_WAIT_PLAIN. */
const char *wh_wait_mode_name(struct wh_wait_mode mode, char buf[8]);
static inline bool wh_wait_mode_equal(struct wh_wait_mode a, struct wh_wait_mode b)
{
	return a.how == b.how && (a.how != WH_WAIT_BIT || a.bit == b.bit);
}
/* The kind's name as the outputs write it: "mutex", "percpu-rwsem", ... */
const char *wh_wait_kind_name(enum wh_wait_kind_id kind);

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
	enum wh_wait_kind_id kind;
	uint64_t address;
	char name[160];	 /* how a person names it; escaped on output */
	char state[160]; /* decoded lock state, e.g. "held for read by 1 reader" */
	struct wh_owner owners[WH_MAX_OWNERS];
	size_t n_owners;
	uint64_t *waiters;		   /* task addresses in queue order */
	struct wh_wait_mode *waiter_modes; /* per waiter */
	size_t n_waiters;
	char incomplete[192]; /* why the wait list could not be read fully, or "" */
	/* The block device the awaited I/O goes to (writeback, buffer I/O,
	 * journal commits); io.known false otherwise. */
	struct wh_io_target io;
};

struct wh_task_wait {
	uint64_t task;
	size_t object; /* index into wh_waits.objects */
	struct wh_wait_mode mode;
};

struct wh_waits {
	struct wh_wait_object *objects;
	size_t n_objects;
	struct wh_task_wait *waits;
	size_t n_waits;
	char **warnings;
	size_t n_warnings;
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

#endif
