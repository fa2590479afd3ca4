/* The one reader of kernel red-black trees (rb_root, rb_root_cached): an
 * in-order walk, the order of rb_first()/rb_next(), which for an rt_mutex's
 * waiter tree is the order the kernel wakes the waiters in. Bounded in
 * nodes and depth, every node visited once (a loop is an error), every
 * read checked. */
#ifndef WHYHUNG_RBTREE_WALK_H
#define WHYHUNG_RBTREE_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel.h"

/* Called with the address of each struct rb_node, in order. Set *stop to
 * end the walk early. */
typedef struct wh_error *(*wh_rbtree_visit_fn)(void *arg, uint64_t node, bool *stop);

/* Offsets of rb_left and rb_right in struct rb_node (from DWARF). */
struct wh_rbtree_layout {
	uint64_t left_off, right_off;
};

/* Walk the tree whose root node is ROOT (0: empty), visiting at most MAX
 * nodes. Returns WH_ERR_CORRUPT (with the bad node's address) when a node
 * is reached twice, a pointer is misaligned, the tree is deeper than any
 * red-black tree of MAX nodes can be, or it has more than MAX nodes; read
 * errors as they come. Nodes visited before an error stay visited. */
struct wh_error *wh_rbtree_walk(struct wh_kernel *k, uint64_t root,
				const struct wh_rbtree_layout *l, uint64_t max,
				wh_rbtree_visit_fn visit, void *arg);
/* The layout from the kernel's DWARF. */
struct wh_error *wh_rbtree_layout(struct wh_kernel *k, struct wh_rbtree_layout *ret);

#endif
