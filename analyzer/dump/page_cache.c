#include "page_cache.h"

#include <stdlib.h>

static const uint32_t NONE = UINT32_MAX;

struct wh_page_cache {
	uint32_t page_size;
	size_t budget, used, evictions, pages_held;
	struct wh_page_slot *slots;
	size_t n_slots, cap_slots;
	uint32_t *buckets; /* hash of page -> first slot; a power of two of them */
	size_t n_buckets;
	uint32_t newest, oldest; /* the recency list */
	uint32_t free_slots;	 /* evicted slots, linked through `older` */
	unsigned char *spare;	 /* a page buffer to reuse */
};

static size_t bucket_of(const struct wh_page_cache *c, uint64_t page)
{
	return (size_t)((page * 0x9e3779b97f4a7c15ull) >> 24) & (c->n_buckets - 1);
}

static size_t slot_cost(const struct wh_page_cache *c, const struct wh_page_slot *s)
{
	return sizeof(*s) + (s->data ? c->page_size : 0);
}

struct wh_error *wh_page_cache_create(uint32_t page_size, size_t budget, struct wh_page_cache **ret)
{
	struct wh_page_cache *c = calloc(1, sizeof(*c));
	if (!c)
		return &wh_error_nomem;
	c->page_size = page_size;
	c->budget = budget > (size_t)64 * page_size ? budget : (size_t)64 * page_size;
	c->newest = c->oldest = c->free_slots = NONE;
	c->n_buckets = 1024;
	c->buckets = malloc(c->n_buckets * sizeof(*c->buckets));
	if (!c->buckets) {
		free(c);
		return &wh_error_nomem;
	}
	for (size_t i = 0; i < c->n_buckets; i++)
		c->buckets[i] = NONE;
	*ret = c;
	return NULL;
}

void wh_page_cache_destroy(struct wh_page_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_slots; i++)
		free(c->slots[i].data);
	free(c->slots);
	free(c->buckets);
	free(c->spare);
	free(c);
}

static void unlink_recency(struct wh_page_cache *c, uint32_t i)
{
	struct wh_page_slot *s = &c->slots[i];
	if (s->newer != NONE)
		c->slots[s->newer].older = s->older;
	else
		c->newest = s->older;
	if (s->older != NONE)
		c->slots[s->older].newer = s->newer;
	else
		c->oldest = s->newer;
}

static void link_newest(struct wh_page_cache *c, uint32_t i)
{
	struct wh_page_slot *s = &c->slots[i];
	s->newer = NONE;
	s->older = c->newest;
	if (c->newest != NONE)
		c->slots[c->newest].newer = i;
	c->newest = i;
	if (c->oldest == NONE)
		c->oldest = i;
}

struct wh_page_slot *wh_page_cache_lookup(struct wh_page_cache *c, uint64_t page)
{
	for (uint32_t i = c->buckets[bucket_of(c, page)]; i != NONE; i = c->slots[i].next_in_bucket)
		if (c->slots[i].page == page) {
			if (c->newest != i) {
				unlink_recency(c, i);
				link_newest(c, i);
			}
			return &c->slots[i];
		}
	return NULL;
}

static void unlink_bucket(struct wh_page_cache *c, uint32_t i)
{
	uint32_t *link = &c->buckets[bucket_of(c, c->slots[i].page)];
	while (*link != i)
		link = &c->slots[*link].next_in_bucket;
	*link = c->slots[i].next_in_bucket;
}

static void drop_buffer(struct wh_page_cache *c, struct wh_page_slot *s)
{
	if (!s->data)
		return;
	c->used -= c->page_size;
	c->pages_held--;
	if (c->spare)
		free(s->data);
	else
		c->spare = s->data;
	s->data = NULL;
}

/* Put slot I on the free list. */
static void evict(struct wh_page_cache *c, uint32_t i)
{
	struct wh_page_slot *s = &c->slots[i];
	unlink_recency(c, i);
	unlink_bucket(c, i);
	drop_buffer(c, s);
	c->used -= sizeof(*s);
	s->state = WH_SLOT_FREE;
	s->older = c->free_slots;
	c->free_slots = i;
}

/* The least recently used slot makes room. */
static void evict_oldest(struct wh_page_cache *c)
{
	evict(c, c->oldest);
	c->evictions++;
}

/* Twice as many buckets once slots outnumber them: chains stay short. */
static struct wh_error *grow_buckets(struct wh_page_cache *c)
{
	size_t n = c->n_buckets * 2;
	uint32_t *b = malloc(n * sizeof(*b));
	if (!b)
		return &wh_error_nomem;
	free(c->buckets);
	c->buckets = b;
	c->n_buckets = n;
	for (size_t i = 0; i < n; i++)
		b[i] = NONE;
	for (size_t i = 0; i < c->n_slots; i++) {
		if (c->slots[i].state == WH_SLOT_FREE)
			continue;
		size_t k = bucket_of(c, c->slots[i].page);
		c->slots[i].next_in_bucket = b[k];
		b[k] = (uint32_t)i;
	}
	return NULL;
}

static struct wh_error *take_slot(struct wh_page_cache *c, uint32_t *ret)
{
	if (c->free_slots != NONE) {
		*ret = c->free_slots;
		c->free_slots = c->slots[*ret].older;
		return NULL;
	}
	if (c->n_slots == c->cap_slots) {
		size_t cap = c->cap_slots ? 2 * c->cap_slots : 256;
		if (cap >= NONE)
			return wh_error_create(WH_ERR_INTERNAL, "page cache slots exhausted");
		struct wh_page_slot *s = realloc(c->slots, cap * sizeof(*s));
		if (!s)
			return &wh_error_nomem;
		c->slots = s;
		c->cap_slots = cap;
	}
	*ret = (uint32_t)c->n_slots++;
	c->slots[*ret].state = WH_SLOT_FREE; /* not in a bucket yet */
	if (c->n_slots > c->n_buckets)
		return grow_buckets(c);
	return NULL;
}

struct wh_error *wh_page_cache_insert(struct wh_page_cache *c, uint64_t page,
				      struct wh_page_slot **ret)
{
	size_t cost = sizeof(struct wh_page_slot) + c->page_size;
	while (c->oldest != NONE && c->used + cost > c->budget)
		evict_oldest(c);
	unsigned char *data = c->spare;
	c->spare = NULL;
	if (!data && !(data = malloc(c->page_size)))
		return &wh_error_nomem;
	uint32_t i = NONE;
	struct wh_error *err = take_slot(c, &i);
	if (err) {
		c->spare = data;
		return err;
	}
	struct wh_page_slot *s = &c->slots[i];
	*s = (struct wh_page_slot){.page = page, .state = WH_SLOT_DATA, .data = data};
	size_t k = bucket_of(c, page);
	s->next_in_bucket = c->buckets[k];
	c->buckets[k] = i;
	link_newest(c, i);
	c->used += slot_cost(c, s);
	c->pages_held++;
	*ret = s;
	return NULL;
}

void wh_page_cache_drop_data(struct wh_page_cache *c, struct wh_page_slot *slot)
{
	drop_buffer(c, slot);
}

void wh_page_cache_get_stats(const struct wh_page_cache *c, struct wh_page_cache_stats *ret)
{
	*ret = (struct wh_page_cache_stats){.slots = c->n_slots,
					    .pages_held = c->pages_held,
					    .bytes_used = c->used,
					    .evictions = c->evictions};
}

void wh_page_cache_forget(struct wh_page_cache *c, struct wh_page_slot *slot)
{
	evict(c, (uint32_t)(slot - c->slots));
}
