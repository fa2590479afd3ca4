#include "list_walk.h"

#include <stdlib.h>

/* An open-addressing set of visited node addresses. */
struct seen_set {
	uint64_t *slots;
	size_t cap;
	size_t count;
};

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

/* Returns true if ADDR was already present. */
static struct wh_error *seen_add(struct seen_set *s, uint64_t addr, bool *ret_dup)
{
	if ((s->count + 1) * 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		uint64_t *slots = calloc(cap, sizeof(*slots));
		if (!slots)
			return &wh_error_nomem;
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->slots[i])
				continue;
			size_t j = mix(s->slots[i]) & (cap - 1);
			while (slots[j])
				j = (j + 1) & (cap - 1);
			slots[j] = s->slots[i];
		}
		free(s->slots);
		s->slots = slots;
		s->cap = cap;
	}
	size_t j = mix(addr) & (s->cap - 1);
	while (s->slots[j]) {
		if (s->slots[j] == addr) {
			*ret_dup = true;
			return NULL;
		}
		j = (j + 1) & (s->cap - 1);
	}
	s->slots[j] = addr;
	s->count++;
	*ret_dup = false;
	return NULL;
}

struct wh_error *wh_list_walk(struct wh_kernel *k, uint64_t head, uint64_t max,
			      wh_list_visit_fn visit, void *arg)
{
	struct seen_set seen = {0};
	struct wh_error *err = NULL;
	uint64_t prev = head, node;
	err = wh_dump_read_u64(k->dump, head, &node);
	if (err) {
		err = wh_error_wrap(err, "list head at 0x%llx", (unsigned long long)head);
		goto out;
	}
	for (uint64_t n = 0; node != head; n++) {
		if (n >= max) {
			err = wh_error_at(WH_ERR_CORRUPT, node,
					  "list at 0x%llx has more than %llu entries",
					  (unsigned long long)head, (unsigned long long)max);
			goto out;
		}
		if (!node || (node & 7)) {
			err = wh_error_at(WH_ERR_CORRUPT, prev,
					  "list at 0x%llx: bad next pointer 0x%llx after 0x%llx",
					  (unsigned long long)head, (unsigned long long)node,
					  (unsigned long long)prev);
			goto out;
		}
		/* Every walk charges the analysis' budget: a hostile dump can
		 * chain many lists that each stay under MAX. */
		if ((err = wh_budget_steps(wh_dump_budget(k->dump), 1))) {
			err = wh_error_wrap(err, "list at 0x%llx", (unsigned long long)head);
			goto out;
		}
		bool dup;
		if ((err = seen_add(&seen, node, &dup)))
			goto out;
		if (dup) {
			err =
			    wh_error_at(WH_ERR_CORRUPT, node, "list at 0x%llx loops back to 0x%llx",
					(unsigned long long)head, (unsigned long long)node);
			goto out;
		}
		uint64_t next, back;
		if ((err = wh_dump_read_u64(k->dump, node, &next)) ||
		    (err = wh_dump_read_u64(k->dump, node + 8, &back))) {
			err = wh_error_wrap(err, "list at 0x%llx, node 0x%llx",
					    (unsigned long long)head, (unsigned long long)node);
			goto out;
		}
		if (back != prev) {
			err = wh_error_at(
			    WH_ERR_CORRUPT, node,
			    "list at 0x%llx: node 0x%llx has prev 0x%llx, expected 0x%llx",
			    (unsigned long long)head, (unsigned long long)node,
			    (unsigned long long)back, (unsigned long long)prev);
			goto out;
		}
		bool stop = false;
		if ((err = visit(arg, node, &stop)) || stop)
			goto out;
		prev = node;
		node = next;
	}
out:
	free(seen.slots);
	return err;
}
