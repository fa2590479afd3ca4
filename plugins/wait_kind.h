/* The interface every wait-kind recognizer implements. One file per kind
 * (plugins/mutex.c, plugins/rwsem.c, ...) fills one struct
 * wh_wait_kind_ops; plugins/registry.c lists them. Helpers shared by the
 * list-based kinds are in plugins/waiter_scan.h. */
#ifndef WHYHUNG_WAIT_KIND_H
#define WHYHUNG_WAIT_KIND_H

#include <stdbool.h>

#include "wait_model.h"

struct wh_wait_kind_ops {
	const char *name;
	/* Interruptible sleep (S) on this kind is how idle threads and daemons
	 * wait for work (wait queues, completions): only D waits count. Lock
	 * kinds leave it false: an S waiter (mutex_lock_interruptible) is
	 * still stuck behind the holder. */
	bool sleeping_is_idle;
	/* Does ctx->task wait on an object of this kind? If so set *ret_found,
	 * the object's address and the task's mode ("read"/"write"/""). */
	struct wh_error *(*recognize)(const struct wh_wait_context *ctx, uint64_t *ret_object,
				      char ret_mode[8], bool *ret_found);
	/* Fill OBJ (address and kind already set): state, owners, waiters in
	 * queue order. Unreadable parts go to obj->incomplete, not errors. */
	struct wh_error *(*describe)(const struct wh_wait_context *ctx, struct wh_wait_object *obj);
};

/* NULL-terminated list of every registered kind, most specific first. */
const struct wh_wait_kind_ops *const *wh_wait_kinds(void);

#endif
