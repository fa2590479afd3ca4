#include "kind_memo.h"
#include "addr_map.h"

#include <stdlib.h>

struct entry {
	const void *kind;
	uint64_t key;
	void *value;
	wh_kind_memo_destroy_fn *destroy;
};

struct wh_kind_memo {
	struct wh_addr_map by_key; /* key -> entries index, any kind */
	struct entry *entries;
	size_t n, cap;
};

struct wh_error *wh_kind_memo_create(struct wh_kind_memo **ret)
{
	struct wh_kind_memo *memo = calloc(1, sizeof(*memo));
	if (!memo)
		return &wh_error_nomem;
	wh_addr_map_init(&memo->by_key);
	*ret = memo;
	return NULL;
}

void wh_kind_memo_destroy(struct wh_kind_memo *memo)
{
	if (!memo)
		return;
	for (size_t i = 0; i < memo->n; i++)
		memo->entries[i].destroy(memo->entries[i].value);
	free(memo->entries);
	wh_addr_map_deinit(&memo->by_key);
	free(memo);
}

void *wh_kind_memo_get(const struct wh_kind_memo *memo, const void *kind, uint64_t key)
{
	size_t cursor = 0, i;
	while ((i = wh_addr_map_next(&memo->by_key, key, &cursor)) != SIZE_MAX)
		if (memo->entries[i].kind == kind)
			return memo->entries[i].value;
	return NULL;
}

struct wh_error *wh_kind_memo_put(struct wh_kind_memo *memo, const void *kind, uint64_t key,
				  void *value, wh_kind_memo_destroy_fn *destroy)
{
	if (!destroy)
		destroy = free;
	if (memo->n == memo->cap) {
		size_t cap = memo->cap ? 2 * memo->cap : 16;
		struct entry *e = realloc(memo->entries, cap * sizeof(*e));
		if (!e) {
			destroy(value);
			return &wh_error_nomem;
		}
		memo->entries = e;
		memo->cap = cap;
	}
	struct wh_error *err = wh_addr_map_add(&memo->by_key, key, memo->n);
	if (err) {
		destroy(value);
		return err;
	}
	memo->entries[memo->n++] = (struct entry){kind, key, value, destroy};
	return NULL;
}
