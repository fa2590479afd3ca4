#include "wait_lists.h"
#include "addr_map.h"

#include <stdlib.h>

struct remembered {
	uint64_t task_delta, head;
};

struct wh_wait_lists {
	struct wh_addr_map by_node; /* node -> entries index */
	struct remembered *entries;
	size_t n, cap;
};

struct wh_error *wh_wait_lists_create(struct wh_wait_lists **ret)
{
	struct wh_wait_lists *lists = calloc(1, sizeof(*lists));
	if (!lists)
		return &wh_error_nomem;
	wh_addr_map_init(&lists->by_node);
	*ret = lists;
	return NULL;
}

void wh_wait_lists_destroy(struct wh_wait_lists *lists)
{
	if (!lists)
		return;
	wh_addr_map_deinit(&lists->by_node);
	free(lists->entries);
	free(lists);
}

bool wh_wait_lists_head(const struct wh_wait_lists *lists, uint64_t node, uint64_t task_delta,
			uint64_t *ret_head)
{
	size_t cursor = 0, i;
	while ((i = wh_addr_map_next(&lists->by_node, node, &cursor)) != SIZE_MAX)
		if (lists->entries[i].task_delta == task_delta) {
			*ret_head = lists->entries[i].head;
			return true;
		}
	return false;
}

struct wh_error *wh_wait_lists_remember(struct wh_wait_lists *lists, uint64_t node,
					uint64_t task_delta, uint64_t head)
{
	if (lists->n == lists->cap) {
		size_t cap = lists->cap ? 2 * lists->cap : 64;
		struct remembered *e = realloc(lists->entries, cap * sizeof(*e));
		if (!e)
			return &wh_error_nomem;
		lists->entries = e;
		lists->cap = cap;
	}
	lists->entries[lists->n] = (struct remembered){task_delta, head};
	return wh_addr_map_add(&lists->by_node, node, lists->n++);
}
