/* The interface every wait-kind recognizer implements (mutex, rwsem,
 * completion, ...). One file per kind fills one struct wh_wait_kind_ops;
 * plugins/registry.c lists them. The analysis that calls them arrives with
 * the waits issue; this is the contract they will be written against. */
#ifndef WHYHUNG_WAIT_KIND_H
#define WHYHUNG_WAIT_KIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer/kernel.h"
#include "analyzer/tasks.h"

/* What a recognizer found a blocked task waiting on. */
struct wh_wait_object {
	const char *kind;   /* "mutex", "rwsem", ... (static string) */
	uint64_t address;   /* the lock/completion/wait queue */
};

struct wh_wait_kind_ops {
	const char *name;
	/* Decide whether TASK waits on an object of this kind; set *ret_found
	 * and fill RET when it does. Errors are for reads that failed. */
	struct wh_error *(*recognize)(struct wh_kernel *k, const struct wh_task *task,
				      struct wh_wait_object *ret, bool *ret_found);
};

/* NULL-terminated list of every registered kind. */
const struct wh_wait_kind_ops *const *wh_wait_kinds(void);

#endif
