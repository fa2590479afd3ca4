#include "name_map.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash_key(unsigned tag, const char *key)
{
	uint64_t h = 1469598103934665603ull ^ tag; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
		h ^= *p;
		h *= 1099511628211ull;
	}
	return h;
}

void wh_name_map_init(struct wh_name_map *map)
{
	memset(map, 0, sizeof(*map));
}

void wh_name_map_deinit(struct wh_name_map *map)
{
	free(map->entries);
	memset(map, 0, sizeof(*map));
}

static struct wh_name_map_entry *find_slot(const struct wh_name_map *map, unsigned tag,
					   const char *key, uint64_t hash)
{
	size_t mask = map->capacity - 1;
	for (size_t i = (uint32_t)hash & mask;; i = (i + 1) & mask) {
		struct wh_name_map_entry *e = &map->entries[i];
		if (!e->key || (e->hash == (uint32_t)hash && e->tag == tag && !strcmp(e->key, key)))
			return e;
	}
}

static struct wh_error *grow_to(struct wh_name_map *map, size_t cap);

static struct wh_error *grow(struct wh_name_map *map)
{
	return grow_to(map, map->capacity ? map->capacity * 2 : 1024);
}

static struct wh_error *grow_to(struct wh_name_map *map, size_t cap)
{
	struct wh_name_map old = *map;
	map->entries = calloc(cap, sizeof(*map->entries));
	if (!map->entries) {
		*map = old;
		return &wh_error_nomem;
	}
	map->capacity = cap;
	map->count = 0;
	/* Rehash without comparing strings: keys are already unique. */
	size_t mask = cap - 1;
	for (size_t i = 0; i < old.capacity; i++) {
		const struct wh_name_map_entry *e = &old.entries[i];
		if (!e->key)
			continue;
		size_t j = e->hash & mask;
		while (map->entries[j].key)
			j = (j + 1) & mask;
		map->entries[j] = *e;
		map->count++;
	}
	free(old.entries);
	return NULL;
}

struct wh_error *wh_name_map_reserve(struct wh_name_map *map, size_t n)
{
	size_t cap = map->capacity ? map->capacity : 1024;
	while ((map->count + n + 1) * 4 >= cap * 3) {
		if (cap > SIZE_MAX / 4)
			return &wh_error_nomem;
		cap *= 2;
	}
	return cap > map->capacity ? grow_to(map, cap) : NULL;
}

struct wh_error *wh_name_map_add(struct wh_name_map *map, unsigned tag, const char *key,
				 uint64_t value)
{
	if ((map->count + 1) * 4 >= map->capacity * 3) {
		struct wh_error *err = grow(map);
		if (err)
			return err;
	}
	uint64_t hash = hash_key(tag, key);
	struct wh_name_map_entry *e = find_slot(map, tag, key, hash);
	if (e->key)
		return NULL;
	e->key = key;
	e->tag = tag;
	e->hash = (uint32_t)hash;
	e->value = value;
	map->count++;
	return NULL;
}

bool wh_name_map_get(const struct wh_name_map *map, unsigned tag, const char *key, uint64_t *ret)
{
	if (!map->capacity)
		return false;
	const struct wh_name_map_entry *e = find_slot(map, tag, key, hash_key(tag, key));
	if (!e->key)
		return false;
	*ret = e->value;
	return true;
}
