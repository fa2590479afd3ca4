/* The dump's pages as read and (for makedumpfile dumps) inflated, kept up
 * to a byte budget with the least recently used evicted first: a report
 * reads each page of its working set once, however many times the
 * analysis comes back to it. Pages that cannot be read are kept as
 * entries without data (an entry, no page buffer), so a corrupt list
 * pointing at them stays cheap. Used by dump.c only. */
#ifndef WHYHUNG_PAGE_CACHE_H
#define WHYHUNG_PAGE_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

enum wh_page_slot_state { WH_SLOT_FREE, WH_SLOT_DATA, WH_SLOT_ERROR };

struct wh_page_slot {
	uint64_t page; /* address >> page shift */
	enum wh_page_slot_state state;
	enum wh_error_code error_code; /* WH_SLOT_ERROR: why it cannot be read */
	unsigned char *data;	       /* page_size bytes; NULL for errors */
	/* The cache's own links (slot indices, UINT32_MAX for none). */
	uint32_t next_in_bucket, newer, older;
};

/* 256 MiB: a 10,000-task report's working set (stacks, task_structs,
 * locks) with room; whyhung's other memory is a few tens of MiB. */
static const size_t WH_PAGE_CACHE_DEFAULT_BUDGET = (size_t)256 << 20;

struct wh_page_cache;

/* BUDGET in bytes, counting page buffers and entries; at least 64 pages. */
struct wh_error *wh_page_cache_create(uint32_t page_size, size_t budget,
				      struct wh_page_cache **ret);
void wh_page_cache_destroy(struct wh_page_cache *cache);
/* The slot of PAGE (now the most recently used), or NULL. */
struct wh_page_slot *wh_page_cache_lookup(struct wh_page_cache *cache, uint64_t page);
/* A new slot for PAGE, with a page buffer to read into and state
 * WH_SLOT_DATA; the least recently used slots make room. The pointer is
 * valid until the next insertion. */
struct wh_error *wh_page_cache_insert(struct wh_page_cache *cache, uint64_t page,
				      struct wh_page_slot **ret);
/* SLOT's page could not be read: give its buffer back, keep the entry. */
void wh_page_cache_drop_data(struct wh_page_cache *cache, struct wh_page_slot *slot);
/* SLOT's page could not be read for a reason of the moment (out of memory,
 * an I/O error): drop the entry, so that a later read tries again. */
void wh_page_cache_forget(struct wh_page_cache *cache, struct wh_page_slot *slot);

struct wh_page_cache_stats {
	size_t slots; /* ever allocated: pages and errors held at once, at most */
	size_t pages_held, bytes_used, evictions;
};
void wh_page_cache_get_stats(const struct wh_page_cache *cache, struct wh_page_cache_stats *ret);

#endif
