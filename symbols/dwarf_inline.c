#include "dwarf_inline.h"
#include "dwarf_cursor.h"

#include "dwarf_constants.h"
#include <stdlib.h>
#include <string.h>

/* Entries of one range list, and nesting of blocks: beyond these the
 * DWARF is hostile (a kernel function has a few dozen ranges at most). */
enum { MAX_RANGE_ENTRIES = 1 << 16, MAX_NESTING = 64, MAX_ORIGIN_CHAIN = 8 };

/* What reading a range of the unit needs, from its root DIE. */
struct unit_ranges {
	struct wh_dwarf_info *info;
	const struct wh_unit_sections *s;
	struct wh_dwarf_unit *unit;
	unsigned version, address_size, offset_size;
	uint64_t base; /* the root's DW_AT_low_pc: base of range lists */
	bool have_rnglists_base, have_addr_base;
	uint64_t rnglists_base, addr_base;
};

static struct wh_error *range_error(const struct unit_ranges *u, const char *what)
{
	return wh_error_create(WH_ERR_FORMAT, "compile unit at .debug_info+0x%llx: %s",
			       (unsigned long long)wh_dwarf_unit_header(u->unit), what);
}

static bool is_addrx(uint64_t form)
{
	return form == DW_FORM_addrx || form == DW_FORM_addrx1 || form == DW_FORM_addrx2 ||
	       form == DW_FORM_addrx3 || form == DW_FORM_addrx4 || form == DW_FORM_GNU_addr_index;
}

static bool is_constant(uint64_t form)
{
	return form == DW_FORM_data1 || form == DW_FORM_data2 || form == DW_FORM_data4 ||
	       form == DW_FORM_data8 || form == DW_FORM_udata || form == DW_FORM_sdata ||
	       form == DW_FORM_implicit_const;
}

static bool is_offset(uint64_t form)
{
	return form == DW_FORM_sec_offset || form == DW_FORM_data4 || form == DW_FORM_data8;
}

static bool is_reference(uint64_t form)
{
	return form == DW_FORM_ref1 || form == DW_FORM_ref2 || form == DW_FORM_ref4 ||
	       form == DW_FORM_ref8 || form == DW_FORM_ref_udata || form == DW_FORM_ref_addr;
}

/* Entry INDEX of the unit's .debug_addr table. */
static struct wh_error *read_addrx(const struct unit_ranges *u, uint64_t index, uint64_t *ret)
{
	if (!u->have_addr_base)
		return range_error(u, "address index without DW_AT_addr_base");
	if (!u->s->addr || u->addr_base > u->s->addr_size ||
	    index >= (u->s->addr_size - u->addr_base) / u->address_size)
		return range_error(u, "address index outside .debug_addr");
	struct wh_cursor c = {u->s->addr + u->addr_base + index * u->address_size,
			      u->s->addr + u->s->addr_size, false};
	*ret = cursor_le(&c, u->address_size);
	return NULL;
}

static struct wh_error *attr_address(const struct unit_ranges *u, const struct wh_attr *a,
				     uint64_t *ret)
{
	if (a->form == DW_FORM_addr) {
		*ret = a->value;
		return NULL;
	}
	if (is_addrx(a->form))
		return read_addrx(u, a->value, ret);
	return range_error(u, "address of a strange form");
}

static struct wh_error *unit_ranges_init(struct wh_dwarf_info *info, struct wh_dwarf_unit *unit,
					 struct unit_ranges *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->info = info;
	ret->s = wh_dwarf_info_sections(info);
	ret->unit = unit;
	ret->version = wh_dwarf_unit_version(unit);
	ret->address_size = wh_dwarf_unit_address_size(unit);
	ret->offset_size = wh_dwarf_unit_offset_size(unit);
	struct wh_die root;
	struct wh_attr a;
	struct wh_error *err = wh_dwarf_unit_root(info, unit, &root);
	if (!err)
		err = wh_die_attr(info, &root, DW_AT_addr_base, &a);
	if (err)
		return err;
	if (a.form) {
		if (!is_offset(a.form))
			return range_error(ret, "DW_AT_addr_base of a strange form");
		ret->have_addr_base = true;
		ret->addr_base = a.value;
	}
	if ((err = wh_die_attr(info, &root, DW_AT_rnglists_base, &a)))
		return err;
	if (a.form) {
		if (!is_offset(a.form))
			return range_error(ret, "DW_AT_rnglists_base of a strange form");
		ret->have_rnglists_base = true;
		ret->rnglists_base = a.value;
	}
	if ((err = wh_die_attr(info, &root, DW_AT_low_pc, &a)))
		return err;
	if (a.form)
		err = attr_address(ret, &a, &ret->base);
	return err;
}

/* Called for each address range [LO, HI) of a DIE; true stops the walk. */
typedef bool range_visit(void *arg, uint64_t lo, uint64_t hi);

/* DWARF 5: the range list at OFFSET in .debug_rnglists. */
static struct wh_error *rnglist_walk(const struct unit_ranges *u, uint64_t offset,
				     range_visit *visit, void *arg)
{
	const struct wh_unit_sections *s = u->s;
	if (!s->rnglists || offset >= s->rnglists_size)
		return range_error(u, "range list outside .debug_rnglists");
	struct wh_cursor c = {s->rnglists + offset, s->rnglists + s->rnglists_size, false};
	uint64_t base = u->base;
	struct wh_error *err = NULL;
	for (unsigned i = 0; i < MAX_RANGE_ENTRIES; i++) {
		uint8_t kind = cursor_u8(&c);
		uint64_t lo = 0, hi = 0, a, b;
		bool range = true;
		switch (kind) {
		case DW_RLE_end_of_list:
			if (c.bad)
				break;
			return NULL;
		case DW_RLE_base_addressx:
			a = cursor_uleb(&c);
			if (!c.bad)
				err = read_addrx(u, a, &base);
			range = false;
			break;
		case DW_RLE_startx_endx:
			a = cursor_uleb(&c);
			b = cursor_uleb(&c);
			if (!c.bad && !(err = read_addrx(u, a, &lo)))
				err = read_addrx(u, b, &hi);
			break;
		case DW_RLE_startx_length:
			a = cursor_uleb(&c);
			b = cursor_uleb(&c);
			if (!c.bad && !(err = read_addrx(u, a, &lo)))
				hi = lo + b;
			break;
		case DW_RLE_offset_pair:
			lo = base + cursor_uleb(&c);
			hi = base + cursor_uleb(&c);
			break;
		case DW_RLE_base_address:
			base = cursor_le(&c, u->address_size);
			range = false;
			break;
		case DW_RLE_start_end:
			lo = cursor_le(&c, u->address_size);
			hi = cursor_le(&c, u->address_size);
			break;
		case DW_RLE_start_length:
			lo = cursor_le(&c, u->address_size);
			hi = lo + cursor_uleb(&c);
			break;
		default: return range_error(u, "unknown range list entry");
		}
		if (err)
			return err;
		if (c.bad)
			return range_error(u, "range list past .debug_rnglists");
		if (range && lo < hi && visit(arg, lo, hi))
			return NULL;
	}
	return range_error(u, "range list too long");
}

/* DWARF 2-4: the range list at OFFSET in .debug_ranges. */
static struct wh_error *ranges_walk(const struct unit_ranges *u, uint64_t offset,
				    range_visit *visit, void *arg)
{
	const struct wh_unit_sections *s = u->s;
	if (!s->ranges || offset >= s->ranges_size)
		return range_error(u, "range list outside .debug_ranges");
	struct wh_cursor c = {s->ranges + offset, s->ranges + s->ranges_size, false};
	uint64_t base = u->base;
	uint64_t max = u->address_size == 8 ? UINT64_MAX : (1ull << (8 * u->address_size)) - 1;
	for (unsigned i = 0; i < MAX_RANGE_ENTRIES; i++) {
		uint64_t lo = cursor_le(&c, u->address_size);
		uint64_t hi = cursor_le(&c, u->address_size);
		if (c.bad)
			return range_error(u, "range list past .debug_ranges");
		if (!lo && !hi)
			return NULL;
		if (lo == max) {
			base = hi;
			continue;
		}
		if (lo < hi && visit(arg, base + lo, base + hi))
			return NULL;
	}
	return range_error(u, "range list too long");
}

/* Every address range of DIE: low/high pc or DW_AT_ranges; none when it
 * has neither. */
static struct wh_error *die_ranges(const struct unit_ranges *u, const struct wh_die *die,
				   range_visit *visit, void *arg)
{
	struct wh_attr low, high, ranges;
	struct wh_error *err = wh_die_attr(u->info, die, DW_AT_low_pc, &low);
	if (!err)
		err = wh_die_attr(u->info, die, DW_AT_high_pc, &high);
	if (err)
		return err;
	if (low.form && high.form) {
		uint64_t lo, hi;
		if ((err = attr_address(u, &low, &lo)))
			return err;
		if (is_constant(high.form))
			hi = lo + high.value;
		else if ((err = attr_address(u, &high, &hi)))
			return err;
		if (lo < hi)
			visit(arg, lo, hi);
		return NULL;
	}
	if ((err = wh_die_attr(u->info, die, DW_AT_ranges, &ranges)))
		return err;
	if (!ranges.form)
		return NULL;
	uint64_t offset = ranges.value;
	if (ranges.form == DW_FORM_rnglistx) {
		const struct wh_unit_sections *s = u->s;
		if (!u->have_rnglists_base)
			return range_error(u, "DW_FORM_rnglistx without DW_AT_rnglists_base");
		if (!s->rnglists || u->rnglists_base > s->rnglists_size ||
		    ranges.value >= (s->rnglists_size - u->rnglists_base) / u->offset_size)
			return range_error(u, "range list index outside .debug_rnglists");
		struct wh_cursor c = {s->rnglists + u->rnglists_base +
					  ranges.value * u->offset_size,
				      s->rnglists + s->rnglists_size, false};
		offset = cursor_le(&c, u->offset_size);
		if (offset > UINT64_MAX - u->rnglists_base)
			return range_error(u, "range list index outside .debug_rnglists");
		offset += u->rnglists_base;
	} else if (!is_offset(ranges.form)) {
		return range_error(u, "DW_AT_ranges of a strange form");
	}
	if (u->version >= 5)
		return rnglist_walk(u, offset, visit, arg);
	return ranges_walk(u, offset, visit, arg);
}

struct contains_arg {
	uint64_t pc;
	bool in;
};

static bool visit_contains(void *arg, uint64_t lo, uint64_t hi)
{
	struct contains_arg *c = arg;
	c->in = lo <= c->pc && c->pc < hi;
	return c->in;
}

static struct wh_error *contains(const struct unit_ranges *u, const struct wh_die *die, uint64_t pc,
				 bool *ret)
{
	struct contains_arg arg = {pc, false};
	struct wh_error *err = die_ranges(u, die, visit_contains, &arg);
	*ret = arg.in;
	return err;
}

struct wh_error *wh_die_contains(struct wh_dwarf_info *info, const struct wh_die *die, uint64_t pc,
				 bool *ret)
{
	struct unit_ranges u;
	struct wh_error *err = unit_ranges_init(info, die->unit, &u);
	return err ? err : contains(&u, die, pc, ret);
}

/* DW_AT_name of DIE or of what its abstract_origin/specification chain
 * leads to; NULL when none has one. */
static struct wh_error *function_name(struct wh_dwarf_info *info, const struct wh_die *die,
				      const char **ret)
{
	struct wh_die d = *die;
	*ret = NULL;
	for (unsigned i = 0; i < MAX_ORIGIN_CHAIN; i++) {
		struct wh_attr a;
		struct wh_error *err = wh_die_attr(info, &d, DW_AT_name, &a);
		if (err)
			return err;
		if (a.form) {
			*ret = a.string;
			return NULL;
		}
		if ((err = wh_die_attr(info, &d, DW_AT_abstract_origin, &a)))
			return err;
		if (!a.form && (err = wh_die_attr(info, &d, DW_AT_specification, &a)))
			return err;
		if (!a.form)
			return NULL;
		if (!is_reference(a.form))
			return wh_error_create(
			    WH_ERR_FORMAT, "DIE at .debug_info+0x%llx: origin of a strange form",
			    (unsigned long long)d.offset);
		if ((err = wh_dwarf_info_die(info, a.value, &d)))
			return err;
	}
	return NULL; /* a cycle, or a chain no compiler makes: no name */
}

static struct wh_error *inline_call(struct wh_dwarf_info *info, const struct wh_die *die,
				    struct wh_inline_call *ret)
{
	struct wh_attr file, line;
	memset(ret, 0, sizeof(*ret));
	ret->die = die->offset;
	struct wh_error *err = function_name(info, die, &ret->function);
	if (!err)
		err = wh_die_attr(info, die, DW_AT_call_file, &file);
	if (!err)
		err = wh_die_attr(info, die, DW_AT_call_line, &line);
	if (err)
		return err;
	if (file.form && is_constant(file.form)) {
		ret->have_call_file = true;
		ret->call_file = file.value;
	}
	if (line.form && is_constant(line.form) && line.value <= UINT32_MAX)
		ret->call_line = (unsigned)line.value;
	return NULL;
}

/* The child of PARENT with one of the two tags whose range contains PC;
 * RET->offset 0 when none. */
static struct wh_error *child_containing(const struct unit_ranges *u, const struct wh_die *parent,
					 uint64_t tag1, uint64_t tag2, uint64_t pc,
					 struct wh_die *ret)
{
	struct wh_die d;
	struct wh_error *err = wh_die_child(u->info, parent, &d);
	/* wh_die_sibling() only moves forward: the loop ends with the unit. */
	while (!err && d.offset) {
		if (d.tag == tag1 || d.tag == tag2) {
			bool in = false;
			if ((err = contains(u, &d, pc, &in)))
				return err;
			if (in) {
				*ret = d;
				return NULL;
			}
		}
		err = wh_die_sibling(u->info, &d, &d);
	}
	memset(ret, 0, sizeof(*ret));
	return err;
}

/* ---- the top-level subprograms of a unit, by address ---- */

struct sub_range {
	uint64_t lo, hi, die;
};

/* Indexed as far as lookups needed: the ranges of the subprograms before
 * NEXT, the next top-level DIE to read (0: all read). */
struct cu_index {
	uint64_t header;
	struct sub_range *ranges; /* sorted by LO */
	size_t n, cap;
	uint64_t next;
	bool used;
	uint64_t last_use;
};

/* Units indexed: a set of stacks runs through a handful (sched, locking,
 * the callers'); the least recently used is dropped. A unit is read only
 * as far as the subprograms asked for: core.c's DIEs are megabytes. */
enum { INDEXED_UNITS = 16, MAX_UNIT_RANGES = 1 << 20 };

struct wh_inline_cache {
	struct wh_dwarf_info *info;
	struct cu_index units[INDEXED_UNITS];
	uint64_t clock;
};

struct wh_error *wh_inline_cache_create(struct wh_dwarf_info *info, struct wh_inline_cache **ret)
{
	struct wh_inline_cache *c = calloc(1, sizeof(*c));
	if (!c)
		return &wh_error_nomem;
	c->info = info;
	*ret = c;
	return NULL;
}

void wh_inline_cache_destroy(struct wh_inline_cache *cache)
{
	if (!cache)
		return;
	for (size_t i = 0; i < INDEXED_UNITS; i++)
		free(cache->units[i].ranges);
	free(cache);
}

struct add_arg {
	struct cu_index *index;
	uint64_t die;
	bool nomem, too_many;
};

static bool visit_add(void *arg, uint64_t lo, uint64_t hi)
{
	struct add_arg *a = arg;
	struct cu_index *x = a->index;
	if (x->n >= MAX_UNIT_RANGES) {
		a->too_many = true;
		return true;
	}
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 256;
		struct sub_range *grown = reallocarray(x->ranges, cap, sizeof(*grown));
		if (!grown) {
			a->nomem = true;
			return true;
		}
		x->ranges = grown;
		x->cap = cap;
	}
	x->ranges[x->n++] = (struct sub_range){lo, hi, a->die};
	return false;
}

static int compare_lo(const void *a, const void *b)
{
	const struct sub_range *x = a, *y = b;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* The indexed unit at HEADER, made (empty) now when it is not. */
static struct wh_error *unit_index(struct wh_inline_cache *c, const struct wh_die *root,
				   uint64_t header, struct cu_index **ret)
{
	struct cu_index *x = NULL, *victim = &c->units[0];
	for (size_t i = 0; i < INDEXED_UNITS && !x; i++) {
		if (c->units[i].used && c->units[i].header == header)
			x = &c->units[i];
		else if (!c->units[i].used || c->units[i].last_use < victim->last_use)
			victim = &c->units[i];
	}
	if (!x) {
		struct wh_die first;
		struct wh_error *err = wh_die_child(c->info, root, &first);
		if (err)
			return err;
		x = victim;
		free(x->ranges);
		memset(x, 0, sizeof(*x));
		x->header = header;
		x->next = first.offset;
		x->used = true;
	}
	x->last_use = ++c->clock;
	*ret = x;
	return NULL;
}

/* The top-level subprogram whose range contains PC among those indexed:
 * of the ranges starting at or before PC, the one starting last
 * (subprograms do not overlap); 0 when none. */
static uint64_t subprogram_at(const struct cu_index *x, uint64_t pc)
{
	size_t lo = 0, hi = x->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (x->ranges[mid].lo <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo && pc < x->ranges[lo - 1].hi ? x->ranges[lo - 1].die : 0;
}

/* Index the top-level DIEs after those read so far until a subprogram
 * containing PC turns up (its offset in RET) or the unit ends (0). */
static struct wh_error *index_until(const struct unit_ranges *u, struct cu_index *x, uint64_t pc,
				    uint64_t *ret)
{
	struct wh_error *err = NULL;
	*ret = 0;
	/* wh_die_sibling() only moves forward: the loop ends with the unit. */
	while (!err && x->next && !*ret) {
		struct wh_die d;
		if ((err = wh_dwarf_info_die(u->info, x->next, &d)))
			break;
		if (d.tag == DW_TAG_subprogram) {
			size_t first = x->n;
			struct add_arg arg = {x, d.offset, false, false};
			if ((err = die_ranges(u, &d, visit_add, &arg)))
				break;
			if (arg.nomem) {
				err = &wh_error_nomem;
				break;
			}
			if (arg.too_many) {
				err = range_error(u, "too many subprogram ranges");
				break;
			}
			for (size_t i = first; i < x->n; i++)
				if (x->ranges[i].lo <= pc && pc < x->ranges[i].hi)
					*ret = d.offset;
		}
		if (!(err = wh_die_sibling(u->info, &d, &d)))
			x->next = d.offset;
	}
	if (err)
		x->next = 0; /* what was indexed stays; the rest is unreadable */
	if (x->n)
		qsort(x->ranges, x->n, sizeof(*x->ranges), compare_lo);
	return err;
}

struct wh_error *wh_dwarf_inline_chain(struct wh_inline_cache *cache, uint64_t header, uint64_t pc,
				       struct wh_inline_call *ret, size_t *ret_n)
{
	struct wh_dwarf_info *info = cache->info;
	struct wh_dwarf_unit *unit;
	struct unit_ranges u;
	struct wh_die root, d = {0};
	struct cu_index *x;
	*ret_n = 0;
	struct wh_error *err = wh_dwarf_info_unit(info, header, &unit);
	if (!err)
		err = wh_dwarf_unit_root(info, unit, &root);
	if (!err)
		err = unit_ranges_init(info, unit, &u);
	if (!err)
		err = unit_index(cache, &root, header, &x);
	uint64_t sub = err ? 0 : subprogram_at(x, pc);
	if (!err && !sub)
		err = index_until(&u, x, pc, &sub);
	if (!err && sub)
		err = wh_dwarf_info_die(info, sub, &d);
	size_t n = 0;
	/* Outermost first while descending. */
	for (unsigned depth = 0; !err && d.offset; depth++) {
		if (depth >= MAX_NESTING)
			return range_error(&u, "blocks nested too deep");
		if ((err = child_containing(&u, &d, DW_TAG_inlined_subroutine, DW_TAG_lexical_block,
					    pc, &d)))
			break;
		if (!d.offset || d.tag != DW_TAG_inlined_subroutine)
			continue;
		if (n >= WH_MAX_INLINE_DEPTH)
			return range_error(&u, "inlined calls nested too deep");
		err = inline_call(info, &d, &ret[n++]);
	}
	if (err)
		return wh_error_wrap(err, "inlined functions at 0x%llx", (unsigned long long)pc);
	for (size_t i = 0; i < n / 2; i++) {
		struct wh_inline_call t = ret[i];
		ret[i] = ret[n - 1 - i];
		ret[n - 1 - i] = t;
	}
	*ret_n = n;
	return NULL;
}
