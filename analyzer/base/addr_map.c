#include "addr_map.h"

#include <stdlib.h>

/* Kernel addresses share their high bits and are aligned: multiply and
 * take the top bits, which every bit of the key reaches (Fibonacci
 * hashing). */
static size_t slot_of(uint64_t key, size_t capacity)
{
	unsigned bits = (unsigned)__builtin_ctzll(capacity);
	return bits ? (size_t)((key * 0x9e3779b97f4a7c15ull) >> (64 - bits)) : 0;
}

void wh_addr_map_init(struct wh_addr_map *map)
{
	map->slots = NULL;
	map->capacity = map->count = 0;
}

void wh_addr_map_deinit(struct wh_addr_map *map)
{
	free(map->slots);
	wh_addr_map_init(map);
}

static void place(struct wh_addr_map_slot *slots, size_t capacity, uint64_t key, size_t value)
{
	size_t i = slot_of(key, capacity);
	while (slots[i].value != SIZE_MAX)
		i = (i + 1) & (capacity - 1);
	slots[i] = (struct wh_addr_map_slot){key, value};
}

static struct wh_error *grow(struct wh_addr_map *map, size_t capacity)
{
	struct wh_addr_map_slot *slots = malloc(capacity * sizeof(*slots));
	if (!slots)
		return &wh_error_nomem;
	for (size_t i = 0; i < capacity; i++)
		slots[i].value = SIZE_MAX;
	for (size_t i = 0; i < map->capacity; i++)
		if (map->slots[i].value != SIZE_MAX)
			place(slots, capacity, map->slots[i].key, map->slots[i].value);
	free(map->slots);
	map->slots = slots;
	map->capacity = capacity;
	return NULL;
}

struct wh_error *wh_addr_map_reserve(struct wh_addr_map *map, size_t n)
{
	size_t capacity = map->capacity ? map->capacity : 16;
	/* At most half full: probe runs stay short. */
	while (capacity / 2 < n)
		capacity *= 2;
	return capacity == map->capacity ? NULL : grow(map, capacity);
}

struct wh_error *wh_addr_map_add(struct wh_addr_map *map, uint64_t key, size_t value)
{
	struct wh_error *err = wh_addr_map_reserve(map, map->count + 1);
	if (err)
		return err;
	place(map->slots, map->capacity, key, value);
	map->count++;
	return NULL;
}

size_t wh_addr_map_next(const struct wh_addr_map *map, uint64_t key, size_t *cursor)
{
	if (!map->capacity)
		return SIZE_MAX;
	/* *CURSOR is 1 + the slot to look at next; 0 starts at KEY's slot. */
	size_t i = *cursor ? *cursor - 1 : slot_of(key, map->capacity);
	for (; map->slots[i].value != SIZE_MAX; i = (i + 1) & (map->capacity - 1)) {
		if (map->slots[i].key == key) {
			*cursor = ((i + 1) & (map->capacity - 1)) + 1;
			return map->slots[i].value;
		}
	}
	*cursor = i + 1;
	return SIZE_MAX;
}

size_t wh_addr_map_get(const struct wh_addr_map *map, uint64_t key)
{
	size_t cursor = 0;
	return wh_addr_map_next(map, key, &cursor);
}
