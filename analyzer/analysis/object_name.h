/* Names for wait objects the way a person would say them: a global's
 * symbol ("wh_mutex_b [whyhung_fixture]"), or the structure containing the
 * lock ("mmap_lock of mm of java[181134]"). */
#ifndef WHYHUNG_OBJECT_NAME_H
#define WHYHUNG_OBJECT_NAME_H

#include <stddef.h>

#include "tasks.h"

/* Which process each mm_struct's mmap_lock belongs to, read once for all
 * the rwsems of a report (each would otherwise read every task's mm).
 * Only out-of-memory fails: a kernel without the fields gets an empty one. */
struct wh_mmap_locks;
struct wh_error *wh_mmap_locks_build(struct wh_kernel *k, const struct wh_task_list *tasks,
				     struct wh_mmap_locks **ret);
void wh_mmap_locks_destroy(struct wh_mmap_locks *m);

/* Write a name for the object at ADDR of kind KIND into BUF (raw bytes from
 * the dump possible: escape on output). Never fails: falls back to
 * "KIND at 0xADDR". MM (may be NULL) names mmap_locks. */
void wh_object_name(struct wh_kernel *k, const struct wh_task_list *tasks,
		    const struct wh_mmap_locks *mm, const char *kind, uint64_t addr, char *buf,
		    size_t size);

#endif
