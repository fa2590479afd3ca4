/* Which wait list a waiter record is on, remembered per list node. A task
 * finds its lock by walking from its own waiter record to the list head;
 * without this, 4,000 waiters of one mutex walk 8 million nodes between
 * them. With it each node is walked once: a walk stops at the first node
 * an earlier walk passed. */
#ifndef WHYHUNG_WAIT_LISTS_H
#define WHYHUNG_WAIT_LISTS_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

struct wh_wait_lists;

struct wh_error *wh_wait_lists_create(struct wh_wait_lists **ret);
void wh_wait_lists_destroy(struct wh_wait_lists *lists);
/* The head of the list NODE is on, as walked with waiter records whose
 * task field is TASK_DELTA bytes from their list node (what makes a node
 * a record: two kinds may read one queue with different records). */
bool wh_wait_lists_head(const struct wh_wait_lists *lists, uint64_t node, uint64_t task_delta,
			uint64_t *ret_head);
struct wh_error *wh_wait_lists_remember(struct wh_wait_lists *lists, uint64_t node,
					uint64_t task_delta, uint64_t head);

#endif
