/* The interface every wait kind implements (v2). A kind is one file in
 * plugins/ that defines one
 *
 *     const struct wh_wait_kind_ops wh_wait_kind_NAME = { .order = N, ... };
 *
 * at the start of a line: CMake generates the registry (the list of
 * kinds, ordered by .order) and enum wh_wait_kind_id from those
 * definitions, and unit.basics fails on a kind file the registry misses.
 *
 * What the core does for a kind, so that the kind does not:
 * - It scans each blocked task's backtrace once for all kinds: past the
 *   scheduler's frames and the kind's .skip frames, the first frame must
 *   be one of the kind's .frames (its mode comes with it), or, for
 *   .in_schedule_caller kinds, the frame that called schedule() is taken
 *   whatever its name. Only then is .find called, with that frame.
 *   .from_task kinds are asked about every blocked task, without a frame:
 *   they find the object from task fields (PREEMPT_RT's
 *   task_struct.pi_blocked_on, say).
 * - It resolves the kind's layout once per kernel, the first time the kind
 *   is needed: the .list description (list-based kinds) into
 *   state->list, the .members into state->members (an absent optional
 *   one recorded in state->have), then .init, for what is not a member
 *   (enumerators, a choice between layouts), into state->layout. A
 *   failure is kept and reported for each task the kind matches, never
 *   probed again.
 * - List-based kinds (the waiter is a {list_head, task} record on its own
 *   stack, linked into a list_head of the object: mutex, semaphore, rwsem,
 *   completion, wait queues) describe that record and list as data in
 *   .list and leave .find NULL: the shared code in list_kind.c finds the
 *   object and reads its waiters (wh_list_kind_waiters()).
 * - It names each object before .describe: a global's symbol, else the
 *   kind's .name_object (a lock by the structure holding it), else "KIND at
 *   0xADDR". .describe may still rename it from what it reads.
 *
 * Converting a v1 kind: its frame list becomes .frames (with the mode
 * each frame implies) and .skip; its layout() becomes .members (read as
 * state->members[i], an enum naming the indexes) or, for the rest, .init
 * (allocate the layout, return it in *ret_layout, read it back from
 * state->layout); recognize() becomes .find, which gets the matched frame
 * in M->frame and fills RET (found, object, mode, record) without
 * looking for the frame again; describe() gains STATE and FIRST; mode
 * strings become struct wh_wait_mode; add .order. A v1 wh_list_lock
 * becomes a wh_list_kind in .list, and .find can then go. */
#ifndef WHYHUNG_WAIT_KIND_H
#define WHYHUNG_WAIT_KIND_H

#include <stdbool.h>

#include "list_kind.h"
#include "wait_model.h"

/* A function a waiter of the kind sleeps in, and the mode it implies
 * (WH_WAIT_PLAIN: none, or read from the waiter record). */
struct wh_wait_frame {
	const char *function;
	enum wh_wait_how how;
	/* Which of the kind's code paths this is, for the kind alone (rwsem:
	 * the 5.3+ slow path or the older one, whose count differs). */
	unsigned variant;
};

/* Where the core found a task's wait, for .find. */
struct wh_wait_match {
	int frame;		  /* index in ctx->bt->stack, -1 for .from_task kinds */
	struct wh_wait_mode mode; /* from the matched frame */
	unsigned variant;	  /* the matched frame's */
};

/* What .find returns: the object, the task's mode, and the task's waiter
 * record (0 if none) that .describe may start from. */
struct wh_wait_found {
	bool found;
	uint64_t object;
	struct wh_wait_mode mode;
	uint64_t record;
	unsigned variant; /* what M said, unless .find knows better */
};

/* A member a kind reads: STRUCT_NAME's PATH ("wait.task_list"), from
 * MODULE's debug file when that is a module (NULL: the vmlinux). An
 * OPTIONAL one may be absent (state->have says), the others must exist. */
struct wh_kind_member {
	const char *struct_name, *path;
	bool optional;
	const char *module;
};

enum { WH_KIND_MAX_MEMBERS = 16 };

/* What the core resolved for a kind, once per kernel. */
struct wh_wait_kind_state {
	struct wh_list_layout list; /* from .list, when the kind has one */
	/* .members[i], in order; have[i] false for an absent optional one. */
	struct wh_member_info members[WH_KIND_MAX_MEMBERS];
	bool have[WH_KIND_MAX_MEMBERS];
	/* From .init, when the kind has one. The state is the core's, the
	 * layout the kind's: it may keep there what it learns later, once
	 * (bitwait looks up jbd2's BH_Shadow only when a buffer needs it). */
	void *layout;
};

struct wh_wait_kind_ops {
	const char *name; /* as the outputs write it */
	/* Registry order, lowest first: the first kind that finds a wait
	 * wins, so specific kinds come before the generic wait queue. */
	int order;
	/* Interruptible sleep (S) on this kind is how idle threads and daemons
	 * wait for work (wait queues, completions): only D waits count. Lock
	 * kinds leave it false: an S waiter (mutex_lock_interruptible) is
	 * still stuck behind the holder. */
	bool sleeping_is_idle;

	/* How the core matches a task to the kind (see above). FRAMES ends
	 * with {NULL}; SKIP (NULL-terminated, may be NULL) lists frames
	 * passed over between the scheduler and the wait frame. */
	const struct wh_wait_frame *frames;
	const char *const *skip;
	bool in_schedule_caller;
	bool from_task;

	/* List-based kinds: the waiter record and wait list, as data. */
	const struct wh_list_kind *list;
	/* The members the kind reads (ends with {NULL}), resolved once,
	 * after indexing the compile unit of the first of TYPE_HINT (a
	 * function whose file defines the types: no scan of every unit). */
	const struct wh_kind_member *members;
	const char *const *type_hint;
	/* Resolve the kind's own layout (DWARF members, enumerators) once per
	 * kernel into *RET_LAYOUT, freed with .deinit (free() when NULL). */
	struct wh_error *(*init)(struct wh_kernel *k, void **ret_layout);
	void (*deinit)(void *layout);

	/* Does ctx->task wait on an object of this kind? M says where the
	 * core matched it. NULL for list-based kinds (wh_list_kind_find). */
	struct wh_error *(*find)(const struct wh_wait_context *ctx,
				 const struct wh_wait_kind_state *state,
				 const struct wh_wait_match *m, struct wh_wait_found *ret);
	/* Fill OBJ (address, kind and name already set): state, owners,
	 * waiters in queue order. CTX is the context of the first task found
	 * waiting on it (its stack holds FIRST->record). Unreadable parts go
	 * to obj->incomplete, not errors. */
	struct wh_error *(*describe)(const struct wh_wait_context *ctx,
				     const struct wh_wait_kind_state *state,
				     const struct wh_wait_found *first, struct wh_wait_object *obj);
	/* Optional: name the object at ADDR by what contains it ("mmap_lock of
	 * mm of java[181134]"); false to leave the default name. */
	bool (*name_object)(const struct wh_wait_context *ctx,
			    const struct wh_wait_kind_state *state, uint64_t addr, char *buf,
			    size_t size);
};

/* A registered kind: its ops and the file that defines it. */
struct wh_wait_kind_entry {
	const struct wh_wait_kind_ops *ops;
	const char *file; /* "mutex.c" */
};

enum { WH_MAX_WAIT_KINDS = 64 }; /* the registry asserts it has no more */

/* Every registered kind, in order; index = enum wh_wait_kind_id. */
const struct wh_wait_kind_entry *wh_wait_kinds(size_t *ret_n);

#endif
