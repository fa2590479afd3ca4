/* The one reader of kernel linked lists. Every walk is bounded, checks that
 * each node's prev points back (list corruption), and detects cycles that
 * do not pass through the head. */
#ifndef WHYHUNG_LIST_WALK_H
#define WHYHUNG_LIST_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel.h"

/* Called with the address of each list_head node (not the head). Set
 * *stop to end the walk early. */
typedef struct wh_error *(*wh_list_visit_fn)(void *arg, uint64_t node, bool *stop);

/* Walk the circular list whose head is at HEAD, visiting at most MAX nodes.
 * Returns WH_ERR_CORRUPT (with the bad node's address) on a broken or looping
 * list and read errors as they come; nodes visited before the error stay
 * visited, so callers keep partial results. */
struct wh_error *wh_list_walk(struct wh_kernel *k, uint64_t head, uint64_t max,
			      wh_list_visit_fn visit, void *arg);

#endif
