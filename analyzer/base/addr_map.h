/* A hash table from 64-bit kernel addresses (task_struct, lock, list node)
 * to indices, so that the analysis finds a task, an object or a waiter
 * record in constant time and stays linear in tasks and waiters. A key may
 * be stored more than once (two wait kinds may name one address):
 * wh_addr_map_next() visits every value stored under a key. */
#ifndef WHYHUNG_ADDR_MAP_H
#define WHYHUNG_ADDR_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct wh_addr_map_slot {
	uint64_t key;
	size_t value; /* SIZE_MAX: empty slot */
};

struct wh_addr_map {
	struct wh_addr_map_slot *slots;
	size_t capacity; /* a power of two, or 0 before the first insertion */
	size_t count;
};

void wh_addr_map_init(struct wh_addr_map *map);
void wh_addr_map_deinit(struct wh_addr_map *map);
/* Room for N entries without rehashing (optional). */
struct wh_error *wh_addr_map_reserve(struct wh_addr_map *map, size_t n);
/* Add (KEY, VALUE); VALUE must not be SIZE_MAX. Existing entries under KEY
 * are kept. */
struct wh_error *wh_addr_map_add(struct wh_addr_map *map, uint64_t key, size_t value);
/* A value stored under KEY (the one, for keys stored once), or SIZE_MAX. */
size_t wh_addr_map_get(const struct wh_addr_map *map, uint64_t key);
/* The values under KEY one by one: start with *CURSOR = 0; SIZE_MAX when
 * there are no more. */
size_t wh_addr_map_next(const struct wh_addr_map *map, uint64_t key, size_t *cursor);

#endif
