/* A string-keyed hash map to uint64_t values, used for DWARF type names and
 * ELF symbol names. Keys are borrowed: they must outlive the map (they point
 * into mapped or decompressed sections). */
#ifndef WHYHUNG_NAME_MAP_H
#define WHYHUNG_NAME_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct wh_name_map_entry {
	const char *key;
	unsigned tag;  /* lets one map hold several namespaces (struct x / enum x) */
	uint32_t hash; /* compared before the strings: most probes differ here */
	uint64_t value;
};

struct wh_name_map {
	struct wh_name_map_entry *entries;
	size_t capacity; /* power of two */
	size_t count;
};

void wh_name_map_init(struct wh_name_map *map);
void wh_name_map_deinit(struct wh_name_map *map);
/* Insert unless (tag, key) is present; the first insertion wins. */
struct wh_error *wh_name_map_add(struct wh_name_map *map, unsigned tag, const char *key,
				 uint64_t value);
/* Make room for N more entries at once (a table indexed in one go). */
struct wh_error *wh_name_map_reserve(struct wh_name_map *map, size_t n);
bool wh_name_map_get(const struct wh_name_map *map, unsigned tag, const char *key, uint64_t *ret);

#endif
