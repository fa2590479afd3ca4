/* Names for wait objects the way a person would say them: a global's
 * symbol ("wh_mutex_b [whyhung_fixture]"), or what the kind calls it by
 * the structure containing it ("mmap_lock of mm of java[181134]"). */
#ifndef WHYHUNG_OBJECT_NAME_H
#define WHYHUNG_OBJECT_NAME_H

#include <stddef.h>

#include "wait_kinds.h"

/* Write a name for the object at ADDR of kind KIND into BUF (raw bytes from
 * the dump possible: escape on output). Never fails: falls back to
 * "KIND at 0xADDR". CTX is the context of a task waiting on it. */
void wh_object_name(struct wh_wait_kinds *kinds, const struct wh_wait_context *ctx,
		    enum wh_wait_kind_id kind, uint64_t addr, char *buf, size_t size);

/* The same for an object no wait kind knows (a spinlock): its symbol, or
 * "KIND at 0xADDR". */
void wh_symbol_object_name(struct wh_kernel *k, const char *kind, uint64_t addr, char *buf,
			   size_t size);

#endif
