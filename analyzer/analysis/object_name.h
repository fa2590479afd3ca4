/* Names for wait objects the way a person would say them: a global's
 * symbol ("wh_mutex_b [whyhung_fixture]"), or the structure containing the
 * lock ("mmap_lock of mm of java[181134]"). */
#ifndef WHYHUNG_OBJECT_NAME_H
#define WHYHUNG_OBJECT_NAME_H

#include <stddef.h>

#include "tasks.h"

/* Write a name for the object at ADDR of kind KIND into BUF (raw bytes from
 * the dump possible: escape on output). Never fails: falls back to
 * "KIND at 0xADDR". */
void wh_object_name(struct wh_kernel *k, const struct wh_task_list *tasks, const char *kind,
		    uint64_t addr, char *buf, size_t size);

#endif
