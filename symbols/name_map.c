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
					   const char *key)
{
	size_t mask = map->capacity - 1;
	for (size_t i = hash_key(tag, key) & mask;; i = (i + 1) & mask) {
		struct wh_name_map_entry *e = &map->entries[i];
		if (!e->key || (e->tag == tag && !strcmp(e->key, key)))
			return e;
	}
}

static struct wh_error *grow(struct wh_name_map *map)
{
	size_t cap = map->capacity ? map->capacity * 2 : 1024;
	struct wh_name_map old = *map;
	map->entries = calloc(cap, sizeof(*map->entries));
	if (!map->entries) {
		*map = old;
		return &wh_error_nomem;
	}
	map->capacity = cap;
	map->count = 0;
	for (size_t i = 0; i < old.capacity; i++) {
		if (old.entries[i].key) {
			*find_slot(map, old.entries[i].tag, old.entries[i].key) = old.entries[i];
			map->count++;
		}
	}
	free(old.entries);
	return NULL;
}

struct wh_error *wh_name_map_add(struct wh_name_map *map, unsigned tag, const char *key,
				 uint64_t value)
{
	if ((map->count + 1) * 4 >= map->capacity * 3) {
		struct wh_error *err = grow(map);
		if (err)
			return err;
	}
	struct wh_name_map_entry *e = find_slot(map, tag, key);
	if (e->key)
		return NULL;
	e->key = key;
	e->tag = tag;
	e->value = value;
	map->count++;
	return NULL;
}

bool wh_name_map_get(const struct wh_name_map *map, unsigned tag, const char *key, uint64_t *ret)
{
	if (!map->capacity)
		return false;
	const struct wh_name_map_entry *e = find_slot(map, tag, key);
	if (!e->key)
		return false;
	*ret = e->value;
	return true;
}
