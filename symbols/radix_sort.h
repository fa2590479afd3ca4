/* Stable LSD radix sort of (key, index) pairs: the ELF symbol table of a
 * distro vmlinux (170k symbols) sorts in a few passes instead of qsort's
 * n log n comparisons. */
#ifndef WHYHUNG_RADIX_SORT_H
#define WHYHUNG_RADIX_SORT_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct wh_sort_pair {
	uint64_t key;
	uint32_t index;
};

/* Sort PAIRS by key; equal keys keep their order. Only out of memory fails. */
struct wh_error *wh_radix_sort(struct wh_sort_pair *pairs, size_t n);

#endif
