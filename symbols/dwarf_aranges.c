#include "dwarf_aranges.h"
#include "dwarf_cursor.h"

#include <stdlib.h>
#include <string.h>

struct range {
	uint64_t start, end; /* [start, end) */
	uint64_t unit;	     /* header offset in .debug_info */
	size_t order;	     /* position in the section: the first listed wins */
};

struct wh_aranges {
	struct range *ranges; /* sorted by start */
	uint64_t *max_end;    /* max_end[i]: largest end among ranges[0..i] */
	size_t n;
	uint64_t *units;
	size_t n_units;
};

static int compare_start(const void *a, const void *b)
{
	const struct range *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int compare_u64(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;
	return *x < *y ? -1 : *x > *y;
}

static struct wh_error *set_error(uint64_t offset, const char *what)
{
	return wh_error_create(WH_ERR_FORMAT, "address range set at .debug_aranges+0x%llx: %s",
			       (unsigned long long)offset, what);
}

static struct wh_error *parse(struct wh_aranges *a, const unsigned char *data, uint64_t size)
{
	size_t cap = 0, units_cap = 0;
	struct wh_cursor all = {data, data + size, false};
	while (all.p < all.end) {
		uint64_t set = (uint64_t)(all.p - data);
		struct wh_cursor c = all;
		uint64_t length = cursor_le(&c, 4);
		unsigned offset_size = 4;
		if (length == 0xffffffff) {
			length = cursor_le(&c, 8);
			offset_size = 8;
		} else if (length >= 0xfffffff0) {
			return set_error(set, "reserved length");
		}
		if (c.bad || length > (uint64_t)(c.end - c.p))
			return set_error(set, "length past the section");
		c.end = c.p + length;
		all.p = c.end; /* the next set, whatever this one holds */
		unsigned version = (unsigned)cursor_le(&c, 2);
		uint64_t unit = cursor_le(&c, offset_size);
		unsigned address_size = cursor_u8(&c);
		unsigned segment_size = cursor_u8(&c);
		if (c.bad)
			return set_error(set, "truncated header");
		if (version != 2)
			return set_error(set, "unsupported version");
		if (address_size < 1 || address_size > 8 || segment_size > 8)
			return set_error(set, "strange address or segment size");
		/* Tuples start at a multiple of their size from the set's start. */
		uint64_t tuple = 2 * address_size + segment_size;
		uint64_t used = (uint64_t)(c.p - (data + set));
		cursor_skip(&c, (tuple - used % tuple) % tuple);
		bool any = false;
		while (!c.bad && c.p < c.end) {
			cursor_skip(&c, segment_size);
			uint64_t start = cursor_le(&c, address_size);
			uint64_t len = cursor_le(&c, address_size);
			if (c.bad)
				return set_error(set, "truncated range");
			if (!len) /* the terminator (or an empty range, which covers nothing) */
				continue;
			struct range *grown = a->ranges;
			if (a->n == cap) {
				cap = cap ? cap * 2 : 256;
				if (!(grown = reallocarray(a->ranges, cap, sizeof(*grown))))
					return &wh_error_nomem;
				a->ranges = grown;
			}
			uint64_t end = start + len < start ? UINT64_MAX : start + len;
			a->ranges[a->n] = (struct range){start, end, unit, a->n};
			a->n++;
			any = true;
		}
		if (!any)
			continue;
		if (a->n_units == units_cap) {
			units_cap = units_cap ? units_cap * 2 : 256;
			uint64_t *grown = reallocarray(a->units, units_cap, sizeof(*grown));
			if (!grown)
				return &wh_error_nomem;
			a->units = grown;
		}
		a->units[a->n_units++] = unit;
	}
	if (a->n)
		qsort(a->ranges, a->n, sizeof(*a->ranges), compare_start);
	if (!(a->max_end = reallocarray(NULL, a->n ? a->n : 1, sizeof(*a->max_end))))
		return &wh_error_nomem;
	for (size_t i = 0; i < a->n; i++)
		a->max_end[i] = i && a->max_end[i - 1] > a->ranges[i].end ? a->max_end[i - 1]
									  : a->ranges[i].end;
	if (a->n_units)
		qsort(a->units, a->n_units, sizeof(*a->units), compare_u64);
	size_t kept = 0;
	for (size_t i = 0; i < a->n_units; i++)
		if (!kept || a->units[kept - 1] != a->units[i])
			a->units[kept++] = a->units[i];
	a->n_units = kept;
	return NULL;
}

struct wh_error *wh_aranges_create(const unsigned char *data, uint64_t size,
				   struct wh_aranges **ret)
{
	struct wh_aranges *a = calloc(1, sizeof(*a));
	if (!a)
		return &wh_error_nomem;
	struct wh_error *err = data ? parse(a, data, size) : NULL;
	if (err) {
		wh_aranges_destroy(a);
		return err;
	}
	*ret = a;
	return NULL;
}

void wh_aranges_destroy(struct wh_aranges *a)
{
	if (!a)
		return;
	free(a->ranges);
	free(a->max_end);
	free(a->units);
	free(a);
}

struct wh_error *wh_aranges_find(const struct wh_aranges *a, uint64_t addr, uint64_t *ret)
{
	/* The last range starting at or before ADDR, then back while an
	 * earlier one may still reach ADDR: one step without overlaps. */
	size_t lo = 0, hi = a->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (a->ranges[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	const struct range *best = NULL;
	for (size_t i = lo; i-- > 0 && a->max_end[i] > addr;)
		if (a->ranges[i].end > addr && (!best || a->ranges[i].order < best->order))
			best = &a->ranges[i];
	if (!best)
		return wh_error_create(WH_ERR_ABSENT, "no compile unit covers 0x%llx",
				       (unsigned long long)addr);
	*ret = best->unit;
	return NULL;
}

const uint64_t *wh_aranges_units(const struct wh_aranges *a, size_t *ret_n)
{
	*ret_n = a->n_units;
	return a->units;
}
