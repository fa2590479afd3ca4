#include "rbtree_walk.h"
#include "addr_map.h"
#include "budget.h"

#include <stdlib.h>

/* A red-black tree of n nodes is at most 2*log2(n+1) deep; 128 covers any
 * tree that fits in memory, with room to spare. */
enum { MAX_DEPTH = 128 };

struct wh_error *wh_rbtree_layout(struct wh_kernel *k, struct wh_rbtree_layout *ret)
{
	struct wh_member_info left, right;
	struct wh_error *err;
	if ((err = wh_kernel_member(k, "rb_node", "rb_left", &left)) ||
	    (err = wh_kernel_member(k, "rb_node", "rb_right", &right)))
		return err;
	*ret = (struct wh_rbtree_layout){.left_off = left.offset, .right_off = right.offset};
	return NULL;
}

static struct wh_error *bad_pointer(uint64_t root, uint64_t from, uint64_t ptr)
{
	return wh_error_at(
	    WH_ERR_CORRUPT, from, "rbtree at 0x%llx: node 0x%llx has a misaligned child 0x%llx",
	    (unsigned long long)root, (unsigned long long)from, (unsigned long long)ptr);
}

struct wh_error *wh_rbtree_walk(struct wh_kernel *k, uint64_t root,
				const struct wh_rbtree_layout *l, uint64_t max,
				wh_rbtree_visit_fn visit, void *arg)
{
	uint64_t stack[MAX_DEPTH];
	size_t depth = 0;
	uint64_t node = root, from = root;
	struct wh_addr_map seen;
	wh_addr_map_init(&seen);
	struct wh_error *err = NULL;
	if (root & 7) {
		err = wh_error_at(WH_ERR_CORRUPT, root, "rbtree root 0x%llx is misaligned",
				  (unsigned long long)root);
		goto out;
	}
	while (node || depth) {
		/* Down the left spine, remembering the way back up. */
		while (node) {
			if (node & 7) {
				err = bad_pointer(root, from, node);
				goto out;
			}
			if (wh_addr_map_get(&seen, node) != SIZE_MAX) {
				err =
				    wh_error_at(WH_ERR_CORRUPT, node,
						"rbtree at 0x%llx loops back to node 0x%llx",
						(unsigned long long)root, (unsigned long long)node);
				goto out;
			}
			if (depth == MAX_DEPTH || seen.count >= max) {
				err = wh_error_at(WH_ERR_CORRUPT, node,
						  "rbtree at 0x%llx is deeper than %d or has more "
						  "than %llu nodes",
						  (unsigned long long)root, MAX_DEPTH,
						  (unsigned long long)max);
				goto out;
			}
			if ((err = wh_budget_steps(wh_dump_budget(k->dump), 1)) ||
			    (err = wh_addr_map_add(&seen, node, depth)))
				goto wrap;
			stack[depth++] = node;
			from = node;
			if ((err = wh_dump_read_u64(k->dump, node + l->left_off, &node)))
				goto wrap;
		}
		node = stack[--depth];
		bool stop = false;
		if ((err = visit(arg, node, &stop)) || stop)
			goto out;
		from = node;
		if ((err = wh_dump_read_u64(k->dump, node + l->right_off, &node)))
			goto wrap;
	}
	goto out;
wrap:
	if (err != &wh_error_nomem)
		err = wh_error_wrap(err, "rbtree at 0x%llx, node 0x%llx", (unsigned long long)root,
				    (unsigned long long)from);
out:
	wh_addr_map_deinit(&seen);
	return err;
}
