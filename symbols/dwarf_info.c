#include "dwarf_info.h"
#include "dwarf_cursor.h"

#include "dwarf_constants.h"
#include <stdlib.h>
#include <string.h>

/* Nesting deeper than this is hostile (the kernel's deepest is ~10). */
enum { MAX_DEPTH = 256 };
/* Abbreviation tables kept parsed: a report touches a few dozen units
 * again and again; the sequential scan releases what it is done with. */
enum { TABLES_KEPT = 64 };

struct abbrev_attr {
	uint64_t name, form;
	int64_t implicit; /* DW_FORM_implicit_const */
};

struct abbrev {
	uint64_t code, tag;
	bool children;
	uint32_t first_attr, n_attrs;
	int64_t fixed_size; /* bytes of all attribute values, -1 when they vary */
};

struct abbrev_table {
	struct abbrev *entries;
	size_t n;
	struct abbrev_attr *attrs;
	size_t n_attrs;
	/* Codes are usually 1..n: INDEX[code] is the entry + 1 (0: none).
	 * Otherwise NULL, and ENTRIES are sorted by code. */
	uint32_t *index;
	uint64_t max_code;
};

struct wh_dwarf_unit {
	uint64_t header, end; /* [header, end) in .debug_info */
	uint64_t first_die;
	unsigned version, offset_size, address_size;
	uint64_t abbrev_offset;
	struct abbrev_table *abbrevs; /* NULL: not parsed, or released */
	uint64_t last_use;
	bool base_read, have_base;
	uint64_t str_offsets_base;
};

struct wh_dwarf_info {
	struct wh_unit_sections s;
	struct wh_string_section str, line_str;
	struct wh_dwarf_unit **units; /* sorted by header offset, never overlapping */
	size_t n_units, units_cap;
	struct wh_dwarf_unit *last; /* the unit of the last DIE asked */
	uint64_t *hints;
	size_t n_hints;
	size_t n_tables; /* units with parsed abbreviations */
	uint64_t clock;
};

static struct wh_error *unit_error(uint64_t header, const char *what)
{
	return wh_error_create(WH_ERR_FORMAT, "compile unit at .debug_info+0x%llx: %s",
			       (unsigned long long)header, what);
}

static struct wh_error *die_error(uint64_t offset, const char *what)
{
	return wh_error_create(WH_ERR_FORMAT, "DIE at .debug_info+0x%llx: %s",
			       (unsigned long long)offset, what);
}

/* ---- units ---- */

static struct wh_error *read_header(const struct wh_dwarf_info *info, uint64_t header,
				    struct wh_dwarf_unit *u)
{
	const struct wh_unit_sections *s = &info->s;
	if (header >= s->info_size)
		return unit_error(header, "offset outside .debug_info");
	struct wh_cursor c = {s->info + header, s->info + s->info_size, false};
	uint64_t length = cursor_le(&c, 4);
	u->offset_size = 4;
	if (length == 0xffffffff) {
		length = cursor_le(&c, 8);
		u->offset_size = 8;
	} else if (length >= 0xfffffff0) {
		return unit_error(header, "reserved unit length");
	}
	if (c.bad || length > (uint64_t)(c.end - c.p))
		return unit_error(header, "unit length past the section");
	c.end = c.p + length;
	u->header = header;
	u->end = (uint64_t)(c.end - s->info);
	u->version = (unsigned)cursor_le(&c, 2);
	if (!c.bad && (u->version < 2 || u->version > 5))
		return unit_error(header, "unsupported version");
	if (u->version >= 5) {
		unsigned type = cursor_u8(&c);
		u->address_size = cursor_u8(&c);
		u->abbrev_offset = cursor_le(&c, u->offset_size);
		if (type == DW_UT_type) {
			cursor_skip(&c, 8 + u->offset_size); /* signature, type_offset */
		} else if (type == DW_UT_skeleton || type == DW_UT_split_compile ||
			   type == DW_UT_split_type) {
			return unit_error(header, "split DWARF is not supported");
		} else if (!c.bad && type != DW_UT_compile && type != DW_UT_partial) {
			return unit_error(header, "unknown unit type");
		}
	} else {
		u->abbrev_offset = cursor_le(&c, u->offset_size);
		u->address_size = cursor_u8(&c);
	}
	if (c.bad)
		return unit_error(header, "truncated header");
	if (u->address_size < 1 || u->address_size > 8)
		return unit_error(header, "strange address size");
	u->first_die = (uint64_t)(c.p - s->info);
	return NULL;
}

/* Index of the last unit whose header is at or before OFFSET, or -1. */
static ptrdiff_t unit_before(const struct wh_dwarf_info *info, uint64_t offset)
{
	size_t lo = 0, hi = info->n_units;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (info->units[mid]->header <= offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (ptrdiff_t)lo - 1;
}

static struct wh_dwarf_unit *known_unit(struct wh_dwarf_info *info, uint64_t offset)
{
	struct wh_dwarf_unit *u = info->last;
	if (u && offset >= u->header && offset < u->end)
		return u;
	ptrdiff_t i = unit_before(info, offset);
	if (i >= 0 && offset < info->units[i]->end)
		return info->units[i];
	return NULL;
}

struct wh_error *wh_dwarf_info_unit(struct wh_dwarf_info *info, uint64_t header,
				    struct wh_dwarf_unit **ret)
{
	ptrdiff_t i = unit_before(info, header);
	if (i >= 0 && info->units[i]->header == header) {
		*ret = info->units[i];
		return NULL;
	}
	struct wh_dwarf_unit u = {0};
	struct wh_error *err = read_header(info, header, &u);
	if (err)
		return err;
	/* A unit inside another, or overlapping the next: a lying offset. */
	size_t at = (size_t)(i + 1);
	if ((i >= 0 && info->units[i]->end > header) ||
	    (at < info->n_units && info->units[at]->header < u.end))
		return unit_error(header, "overlaps another unit");
	if (info->n_units == info->units_cap) {
		size_t cap = info->units_cap ? info->units_cap * 2 : 64;
		struct wh_dwarf_unit **grown = reallocarray(info->units, cap, sizeof(*grown));
		if (!grown)
			return &wh_error_nomem;
		info->units = grown;
		info->units_cap = cap;
	}
	struct wh_dwarf_unit *p = malloc(sizeof(*p));
	if (!p)
		return &wh_error_nomem;
	*p = u;
	memmove(&info->units[at + 1], &info->units[at],
		(info->n_units - at) * sizeof(*info->units));
	info->units[at] = p;
	info->n_units++;
	*ret = p;
	return NULL;
}

struct wh_error *wh_dwarf_info_next_unit(struct wh_dwarf_info *info, struct wh_dwarf_unit *unit,
					 struct wh_dwarf_unit **ret)
{
	uint64_t next = unit ? unit->end : 0;
	*ret = NULL;
	if (next >= info->s.info_size)
		return NULL;
	return wh_dwarf_info_unit(info, next, ret);
}

uint64_t wh_dwarf_unit_header(const struct wh_dwarf_unit *unit)
{
	return unit->header;
}

unsigned wh_dwarf_unit_version(const struct wh_dwarf_unit *unit)
{
	return unit->version;
}

unsigned wh_dwarf_unit_address_size(const struct wh_dwarf_unit *unit)
{
	return unit->address_size;
}

unsigned wh_dwarf_unit_offset_size(const struct wh_dwarf_unit *unit)
{
	return unit->offset_size;
}

const struct wh_unit_sections *wh_dwarf_info_sections(const struct wh_dwarf_info *info)
{
	return &info->s;
}

struct wh_error *wh_dwarf_info_set_unit_hints(struct wh_dwarf_info *info, const uint64_t *offsets,
					      size_t n)
{
	uint64_t *copy = n ? reallocarray(NULL, n, sizeof(*copy)) : NULL;
	if (n && !copy)
		return &wh_error_nomem;
	if (n)
		memcpy(copy, offsets, n * sizeof(*copy));
	free(info->hints);
	info->hints = copy;
	info->n_hints = n;
	return NULL;
}

/* The unit containing OFFSET: a known one, else read forward (headers
 * only) from the end of the known unit before it or from the hint
 * nearest before it, whichever is closer. */
static struct wh_error *unit_of(struct wh_dwarf_info *info, uint64_t offset,
				struct wh_dwarf_unit **ret)
{
	struct wh_dwarf_unit *u = known_unit(info, offset);
	if (u) {
		*ret = u;
		return NULL;
	}
	if (offset >= info->s.info_size)
		return die_error(offset, "offset outside .debug_info");
	ptrdiff_t i = unit_before(info, offset);
	uint64_t start = i >= 0 ? info->units[i]->end : 0;
	size_t lo = 0, hi = info->n_hints;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (info->hints[mid] <= offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && info->hints[lo - 1] > start)
		start = info->hints[lo - 1];
	/* Each step moves past a whole unit: ends with the section. */
	for (;;) {
		struct wh_error *err = wh_dwarf_info_unit(info, start, &u);
		if (err)
			return wh_error_wrap(err, "looking for the unit of DIE 0x%llx",
					     (unsigned long long)offset);
		if (offset < u->end)
			break;
		start = u->end;
	}
	if (offset < u->header) /* the hint lay past OFFSET's unit start */
		return die_error(offset, "not inside any unit");
	*ret = u;
	return NULL;
}

/* ---- abbreviations ---- */

/* Bytes a value of FORM takes in U, -1 when it varies. */
static int64_t form_size(const struct wh_dwarf_unit *u, uint64_t form)
{
	switch (form) {
	case DW_FORM_addr: return u->address_size;
	case DW_FORM_data1:
	case DW_FORM_ref1:
	case DW_FORM_flag:
	case DW_FORM_strx1:
	case DW_FORM_addrx1: return 1;
	case DW_FORM_data2:
	case DW_FORM_ref2:
	case DW_FORM_strx2:
	case DW_FORM_addrx2: return 2;
	case DW_FORM_strx3:
	case DW_FORM_addrx3: return 3;
	case DW_FORM_data4:
	case DW_FORM_ref4:
	case DW_FORM_strx4:
	case DW_FORM_addrx4:
	case DW_FORM_ref_sup4: return 4;
	case DW_FORM_data8:
	case DW_FORM_ref8:
	case DW_FORM_ref_sig8:
	case DW_FORM_ref_sup8: return 8;
	case DW_FORM_data16: return 16;
	case DW_FORM_sec_offset:
	case DW_FORM_strp:
	case DW_FORM_line_strp:
	case DW_FORM_strp_sup:
	case DW_FORM_GNU_ref_alt:
	case DW_FORM_GNU_strp_alt: return u->offset_size;
	case DW_FORM_ref_addr: return u->version <= 2 ? u->address_size : u->offset_size;
	case DW_FORM_flag_present:
	case DW_FORM_implicit_const: return 0;
	default: return -1;
	}
}

static bool known_form(uint64_t form)
{
	switch (form) {
	case DW_FORM_udata:
	case DW_FORM_sdata:
	case DW_FORM_ref_udata:
	case DW_FORM_strx:
	case DW_FORM_addrx:
	case DW_FORM_loclistx:
	case DW_FORM_rnglistx:
	case DW_FORM_GNU_addr_index:
	case DW_FORM_GNU_str_index:
	case DW_FORM_string:
	case DW_FORM_block1:
	case DW_FORM_block2:
	case DW_FORM_block4:
	case DW_FORM_block:
	case DW_FORM_exprloc:
	case DW_FORM_indirect: return true;
	default: return false;
	}
}

static void table_destroy(struct abbrev_table *t)
{
	if (!t)
		return;
	free(t->entries);
	free(t->attrs);
	free(t->index);
	free(t);
}

static int compare_code(const void *a, const void *b)
{
	const struct abbrev *x = a, *y = b;
	return x->code < y->code ? -1 : x->code > y->code;
}

static void *grow(void *array, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return array;
	size_t grown = *cap ? *cap * 2 : 32;
	void *p = reallocarray(array, grown, size);
	if (p)
		*cap = grown;
	return p;
}

static struct wh_error *parse_table(const struct wh_dwarf_info *info, const struct wh_dwarf_unit *u,
				    struct abbrev_table *t)
{
	const struct wh_unit_sections *s = &info->s;
	if (u->abbrev_offset >= s->abbrev_size)
		return unit_error(u->header, "abbreviations outside .debug_abbrev");
	struct wh_cursor c = {s->abbrev + u->abbrev_offset, s->abbrev + s->abbrev_size, false};
	size_t cap = 0, attrs_cap = 0;
	/* Every entry and attribute takes bytes: the section bounds the loop. */
	for (;;) {
		uint64_t code = cursor_uleb(&c);
		if (c.bad)
			return unit_error(u->header, "truncated abbreviations");
		if (!code)
			break;
		struct abbrev a = {.code = code};
		a.tag = cursor_uleb(&c);
		a.children = cursor_u8(&c) != DW_CHILDREN_no;
		a.first_attr = (uint32_t)t->n_attrs;
		for (;;) {
			struct abbrev_attr at = {0};
			at.name = cursor_uleb(&c);
			at.form = cursor_uleb(&c);
			if (at.form == DW_FORM_implicit_const)
				at.implicit = cursor_sleb(&c);
			if (c.bad)
				return unit_error(u->header, "truncated abbreviations");
			if (!at.name && !at.form)
				break;
			int64_t size = form_size(u, at.form);
			if (size < 0 && !known_form(at.form))
				return unit_error(u->header, "unknown attribute form");
			if (t->n_attrs >= UINT32_MAX)
				return unit_error(u->header, "too many abbreviations");
			struct abbrev_attr *attrs =
			    grow(t->attrs, &attrs_cap, t->n_attrs, sizeof(*attrs));
			if (!attrs)
				return &wh_error_nomem;
			t->attrs = attrs;
			t->attrs[t->n_attrs++] = at;
			a.n_attrs++;
		}
		a.fixed_size = 0;
		for (uint32_t i = 0; i < a.n_attrs && a.fixed_size >= 0; i++) {
			int64_t size = form_size(u, t->attrs[a.first_attr + i].form);
			a.fixed_size = size < 0 ? -1 : a.fixed_size + size;
		}
		struct abbrev *entries = grow(t->entries, &cap, t->n, sizeof(*entries));
		if (!entries)
			return &wh_error_nomem;
		t->entries = entries;
		t->entries[t->n++] = a;
	}
	for (size_t i = 0; i < t->n; i++)
		if (t->entries[i].code > t->max_code)
			t->max_code = t->entries[i].code;
	if (t->max_code <= 4 * (uint64_t)t->n + 64) {
		t->index = calloc(t->max_code + 1, sizeof(*t->index));
		if (!t->index)
			return &wh_error_nomem;
		for (size_t i = 0; i < t->n; i++) {
			if (t->index[t->entries[i].code])
				return unit_error(u->header, "duplicate abbreviation code");
			t->index[t->entries[i].code] = (uint32_t)i + 1;
		}
	} else {
		qsort(t->entries, t->n, sizeof(*t->entries), compare_code);
		for (size_t i = 1; i < t->n; i++)
			if (t->entries[i].code == t->entries[i - 1].code)
				return unit_error(u->header, "duplicate abbreviation code");
	}
	return NULL;
}

static void release_table(struct wh_dwarf_info *info, struct wh_dwarf_unit *u)
{
	if (!u->abbrevs)
		return;
	table_destroy(u->abbrevs);
	u->abbrevs = NULL;
	info->n_tables--;
}

void wh_dwarf_unit_release(struct wh_dwarf_info *info, struct wh_dwarf_unit *unit)
{
	release_table(info, unit);
}

/* U's abbreviations, parsed on first use; the least recently used table
 * of another unit is dropped beyond TABLES_KEPT. */
static struct wh_error *unit_abbrevs(struct wh_dwarf_info *info, struct wh_dwarf_unit *u,
				     const struct abbrev_table **ret)
{
	u->last_use = ++info->clock;
	if (u->abbrevs) {
		*ret = u->abbrevs;
		return NULL;
	}
	if (info->n_tables >= TABLES_KEPT) {
		struct wh_dwarf_unit *victim = NULL;
		for (size_t i = 0; i < info->n_units; i++) {
			struct wh_dwarf_unit *v = info->units[i];
			if (v->abbrevs && (!victim || v->last_use < victim->last_use))
				victim = v;
		}
		if (victim)
			release_table(info, victim);
	}
	struct abbrev_table *t = calloc(1, sizeof(*t));
	if (!t)
		return &wh_error_nomem;
	struct wh_error *err = parse_table(info, u, t);
	if (err) {
		table_destroy(t);
		return err;
	}
	u->abbrevs = t;
	info->n_tables++;
	*ret = t;
	return NULL;
}

/* Index of abbreviation CODE in T, -1 when T has none. */
static int64_t find_abbrev(const struct abbrev_table *t, uint64_t code)
{
	if (t->index)
		return code <= t->max_code ? (int64_t)t->index[code] - 1 : -1;
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->entries[mid].code == code)
			return (int64_t)mid;
		if (t->entries[mid].code < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* ---- DIEs ---- */

/* The DIE at OFFSET in U; RET->offset 0 for a null entry. */
static struct wh_error *read_die(struct wh_dwarf_info *info, struct wh_dwarf_unit *u,
				 uint64_t offset, struct wh_die *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (offset < u->first_die || offset >= u->end)
		return die_error(offset, "not inside its unit's entries");
	struct wh_cursor c = {info->s.info + offset, info->s.info + u->end, false};
	uint64_t code = cursor_uleb(&c);
	if (c.bad)
		return die_error(offset, "truncated abbreviation code");
	if (!code)
		return NULL;
	const struct abbrev_table *t;
	struct wh_error *err = unit_abbrevs(info, u, &t);
	if (err)
		return err;
	int64_t i = find_abbrev(t, code);
	if (i < 0)
		return die_error(offset, "unknown abbreviation code");
	ret->unit = u;
	ret->offset = offset;
	ret->tag = t->entries[i].tag;
	ret->has_children = t->entries[i].children;
	ret->abbrev = (uint32_t)i;
	ret->attrs = (uint64_t)(c.p - info->s.info);
	return NULL;
}

struct wh_error *wh_dwarf_unit_root(struct wh_dwarf_info *info, struct wh_dwarf_unit *unit,
				    struct wh_die *ret)
{
	struct wh_error *err = read_die(info, unit, unit->first_die, ret);
	if (!err && !ret->offset)
		err = unit_error(unit->header, "no root DIE");
	return err;
}

struct wh_error *wh_dwarf_info_die(struct wh_dwarf_info *info, uint64_t offset, struct wh_die *ret)
{
	struct wh_dwarf_unit *u = NULL;
	struct wh_error *err = unit_of(info, offset, &u);
	if (err)
		return err;
	info->last = u;
	if ((err = read_die(info, u, offset, ret)))
		return err;
	if (!ret->offset)
		return die_error(offset, "a null entry, not a DIE");
	return NULL;
}

/* Read a value of FORM at C into V (strings and references unresolved). */
static struct wh_error *read_form(const struct wh_dwarf_unit *u, struct wh_cursor *c, uint64_t form,
				  int64_t implicit, struct wh_attr *v)
{
	v->form = form;
	v->value = 0;
	v->string = NULL;
	v->block = NULL;
	v->block_len = 0;
	switch (form) {
	case DW_FORM_udata:
	case DW_FORM_ref_udata:
	case DW_FORM_strx:
	case DW_FORM_addrx:
	case DW_FORM_loclistx:
	case DW_FORM_rnglistx:
	case DW_FORM_GNU_addr_index:
	case DW_FORM_GNU_str_index: v->value = cursor_uleb(c); break;
	case DW_FORM_sdata: v->value = (uint64_t)cursor_sleb(c); break;
	case DW_FORM_implicit_const: v->value = (uint64_t)implicit; break;
	case DW_FORM_flag_present: v->value = 1; break;
	case DW_FORM_string: v->string = cursor_cstr(c); break;
	case DW_FORM_block1: v->block_len = cursor_le(c, 1); goto block;
	case DW_FORM_block2: v->block_len = cursor_le(c, 2); goto block;
	case DW_FORM_block4: v->block_len = cursor_le(c, 4); goto block;
	case DW_FORM_block:
	case DW_FORM_exprloc:
		v->block_len = cursor_uleb(c);
	block:
		v->block = c->p;
		cursor_skip(c, v->block_len);
		break;
	case DW_FORM_data16:
		v->block = c->p;
		v->block_len = 16;
		cursor_skip(c, 16);
		break;
	case DW_FORM_indirect: /* read_attr() has followed it */
		return unit_error(u->header, "DW_FORM_indirect to DW_FORM_indirect");
	default: {
		int64_t size = form_size(u, form);
		if (size < 0)
			return unit_error(u->header, "unknown attribute form");
		v->value = cursor_le(c, (unsigned)size);
	}
	}
	if (c->bad)
		return unit_error(u->header, "attribute value past the unit's end");
	return NULL;
}

/* The value of attribute specification A at C, following DW_FORM_indirect. */
static struct wh_error *read_attr(const struct wh_dwarf_unit *u, struct wh_cursor *c,
				  const struct abbrev_attr *a, struct wh_attr *v)
{
	uint64_t form = a->form;
	if (form == DW_FORM_indirect) {
		form = cursor_uleb(c);
		if (c->bad)
			return unit_error(u->header, "truncated DW_FORM_indirect");
		/* Its value would be in the abbreviation, which has none. */
		if (form == DW_FORM_indirect || form == DW_FORM_implicit_const)
			return unit_error(u->header, "DW_FORM_indirect to a form it cannot name");
	}
	return read_form(u, c, form, a->implicit, v);
}

/* References within the unit, as .debug_info offsets. */
static struct wh_error *unit_ref(const struct wh_dwarf_unit *u, struct wh_attr *v)
{
	if (v->value >= u->end - u->header)
		return unit_error(u->header, "reference outside its unit");
	v->value += u->header;
	return NULL;
}

static bool is_unit_ref(uint64_t form)
{
	return form == DW_FORM_ref1 || form == DW_FORM_ref2 || form == DW_FORM_ref4 ||
	       form == DW_FORM_ref8 || form == DW_FORM_ref_udata;
}

/* The offset just past DIE's attributes, and DW_AT_sibling's target when
 * RET_SIBLING is not NULL (0 when DIE has none). */
static struct wh_error *skip_attrs(struct wh_dwarf_info *info, const struct wh_die *die,
				   uint64_t *ret_end, uint64_t *ret_sibling)
{
	struct wh_dwarf_unit *u = die->unit;
	const struct abbrev_table *t;
	struct wh_error *err = unit_abbrevs(info, u, &t);
	if (err)
		return err;
	const struct abbrev *a = &t->entries[die->abbrev];
	if (ret_sibling)
		*ret_sibling = 0;
	if (a->fixed_size >= 0 && !ret_sibling) {
		if ((uint64_t)a->fixed_size > u->end - die->attrs)
			return die_error(die->offset, "attributes past the unit's end");
		*ret_end = die->attrs + (uint64_t)a->fixed_size;
		return NULL;
	}
	struct wh_cursor c = {info->s.info + die->attrs, info->s.info + u->end, false};
	for (uint32_t i = 0; i < a->n_attrs; i++) {
		const struct abbrev_attr *spec = &t->attrs[a->first_attr + i];
		struct wh_attr v;
		if ((err = read_attr(u, &c, spec, &v)))
			return wh_error_wrap(err, "DIE at 0x%llx", (unsigned long long)die->offset);
		if (ret_sibling && spec->name == DW_AT_sibling && is_unit_ref(v.form)) {
			if ((err = unit_ref(u, &v)))
				return err;
			*ret_sibling = v.value;
		}
	}
	*ret_end = (uint64_t)(c.p - info->s.info);
	return NULL;
}

/* The entry at OFFSET of U as a sibling or child: none at a null entry
 * or at the unit's end. */
static struct wh_error *entry_at(struct wh_dwarf_info *info, struct wh_dwarf_unit *u,
				 uint64_t offset, struct wh_die *ret)
{
	if (offset >= u->end) {
		memset(ret, 0, sizeof(*ret));
		return NULL;
	}
	return read_die(info, u, offset, ret);
}

struct wh_error *wh_die_child(struct wh_dwarf_info *info, const struct wh_die *die,
			      struct wh_die *ret)
{
	if (!die->has_children) {
		memset(ret, 0, sizeof(*ret));
		return NULL;
	}
	uint64_t end;
	struct wh_error *err = skip_attrs(info, die, &end, NULL);
	if (err)
		return err;
	return entry_at(info, die->unit, end, ret);
}

struct wh_error *wh_die_sibling(struct wh_dwarf_info *info, const struct wh_die *die,
				struct wh_die *ret)
{
	struct wh_dwarf_unit *u = die->unit;
	uint64_t end, sibling;
	struct wh_error *err = skip_attrs(info, die, &end, die->has_children ? &sibling : NULL);
	if (err)
		return err;
	if (!die->has_children)
		return entry_at(info, u, end, ret);
	if (sibling) {
		/* Forward only, so walks always end. */
		if (sibling < end)
			return die_error(die->offset, "DW_AT_sibling points backwards");
		return entry_at(info, u, sibling, ret);
	}
	/* Skip the subtree entry by entry; each takes at least a byte. */
	unsigned depth = 1;
	uint64_t at = end;
	while (depth) {
		struct wh_die d;
		if ((err = entry_at(info, u, at, &d)))
			return err;
		if (!d.offset) {
			if (at >= u->end) /* unterminated children: the unit ends them */
				break;
			depth--;
			at++;
			continue;
		}
		uint64_t sib = 0;
		if ((err = skip_attrs(info, &d, &at, d.has_children ? &sib : NULL)))
			return err;
		if (d.has_children && sib >= at)
			at = sib; /* past its subtree at once */
		else if (d.has_children && ++depth > MAX_DEPTH)
			return die_error(die->offset, "entries nested too deep");
	}
	return entry_at(info, u, at, ret);
}

static struct wh_error *unit_str_offsets_base(struct wh_dwarf_info *info, struct wh_dwarf_unit *u);

/* Strings and references of V, resolved. */
static struct wh_error *resolve(struct wh_dwarf_info *info, struct wh_dwarf_unit *u,
				struct wh_attr *v)
{
	const struct wh_unit_sections *s = &info->s;
	switch (v->form) {
	case DW_FORM_string: return NULL;
	case DW_FORM_strp:
		if (!(v->string = wh_string_section_at(&info->str, v->value)))
			return unit_error(u->header, "string offset outside .debug_str");
		return NULL;
	case DW_FORM_line_strp:
		if (!(v->string = wh_string_section_at(&info->line_str, v->value)))
			return unit_error(u->header, "string offset outside .debug_line_str");
		return NULL;
	case DW_FORM_strx:
	case DW_FORM_strx1:
	case DW_FORM_strx2:
	case DW_FORM_strx3:
	case DW_FORM_strx4:
	case DW_FORM_GNU_str_index: {
		struct wh_error *err = unit_str_offsets_base(info, u);
		if (err)
			return err;
		if (!u->have_base)
			return unit_error(u->header, "string index without DW_AT_str_offsets_base");
		uint64_t base = u->str_offsets_base;
		if (!s->str_offsets || v->value > (s->str_offsets_size - base) / u->offset_size)
			return unit_error(u->header, "string index outside .debug_str_offsets");
		uint64_t at = base + v->value * u->offset_size;
		if (u->offset_size > s->str_offsets_size - at)
			return unit_error(u->header, "string index outside .debug_str_offsets");
		struct wh_cursor c = {s->str_offsets + at, s->str_offsets + s->str_offsets_size,
				      false};
		if (!(v->string = wh_string_section_at(&info->str, cursor_le(&c, u->offset_size))))
			return unit_error(u->header, "string offset outside .debug_str");
		return NULL;
	}
	case DW_FORM_strp_sup:
	case DW_FORM_GNU_strp_alt:
		return unit_error(u->header, "string in a supplementary (dwz) file");
	case DW_FORM_ref1:
	case DW_FORM_ref2:
	case DW_FORM_ref4:
	case DW_FORM_ref8:
	case DW_FORM_ref_udata: return unit_ref(u, v);
	case DW_FORM_ref_addr:
		if (v->value >= s->info_size)
			return unit_error(u->header, "DW_FORM_ref_addr outside .debug_info");
		return NULL;
	case DW_FORM_ref_sig8:
		return unit_error(u->header, "type unit signatures are not supported");
	case DW_FORM_ref_sup4:
	case DW_FORM_ref_sup8:
	case DW_FORM_GNU_ref_alt:
		return unit_error(u->header, "reference into a supplementary (dwz) file");
	default: return NULL;
	}
}

/* Attribute NAME of DIE, unresolved. */
static struct wh_error *find_attr(struct wh_dwarf_info *info, const struct wh_die *die,
				  uint64_t name, struct wh_attr *ret)
{
	struct wh_dwarf_unit *u = die->unit;
	const struct abbrev_table *t;
	struct wh_error *err = unit_abbrevs(info, u, &t);
	if (err)
		return err;
	const struct abbrev *a = &t->entries[die->abbrev];
	struct wh_cursor c = {info->s.info + die->attrs, info->s.info + u->end, false};
	memset(ret, 0, sizeof(*ret));
	for (uint32_t i = 0; i < a->n_attrs; i++) {
		const struct abbrev_attr *spec = &t->attrs[a->first_attr + i];
		int64_t size = spec->name == name ? -1 : form_size(u, spec->form);
		if (size >= 0) {
			cursor_skip(&c, (uint64_t)size);
			continue;
		}
		struct wh_attr v;
		if ((err = read_attr(u, &c, spec, &v)))
			return wh_error_wrap(err, "DIE at 0x%llx", (unsigned long long)die->offset);
		if (spec->name == name) {
			*ret = v;
			return NULL;
		}
	}
	if (c.bad)
		return die_error(die->offset, "attributes past the unit's end");
	return NULL;
}

static struct wh_error *unit_str_offsets_base(struct wh_dwarf_info *info, struct wh_dwarf_unit *u)
{
	if (u->base_read)
		return NULL;
	struct wh_die root;
	struct wh_attr v;
	struct wh_error *err = wh_dwarf_unit_root(info, u, &root);
	if (!err)
		err = find_attr(info, &root, DW_AT_str_offsets_base, &v);
	if (err)
		return err;
	/* A bad base is not recorded: every string index is refused. */
	if (v.form && v.form != DW_FORM_sec_offset && v.form != DW_FORM_data4 &&
	    v.form != DW_FORM_data8)
		return unit_error(u->header, "DW_AT_str_offsets_base of a strange form");
	if (v.form && v.value > info->s.str_offsets_size)
		return unit_error(u->header, "DW_AT_str_offsets_base outside .debug_str_offsets");
	u->base_read = true;
	u->have_base = v.form != 0;
	u->str_offsets_base = v.value;
	return NULL;
}

struct wh_error *wh_die_attr(struct wh_dwarf_info *info, const struct wh_die *die, uint64_t name,
			     struct wh_attr *ret)
{
	struct wh_error *err = find_attr(info, die, name, ret);
	if (err || !ret->form)
		return err;
	return resolve(info, die->unit, ret);
}

/* ---- setup ---- */

struct wh_error *wh_dwarf_info_create(const struct wh_unit_sections *sections,
				      struct wh_dwarf_info **ret)
{
	if (!sections->info || !sections->info_size || !sections->abbrev || !sections->abbrev_size)
		return wh_error_create(WH_ERR_NO_DEBUGINFO, "no .debug_info or .debug_abbrev");
	struct wh_dwarf_info *info = calloc(1, sizeof(*info));
	if (!info)
		return &wh_error_nomem;
	info->s = *sections;
	wh_string_section_init(&info->str, ".debug_str", sections->str, sections->str_size);
	wh_string_section_init(&info->line_str, ".debug_line_str", sections->line_str,
			       sections->line_str_size);
	*ret = info;
	return NULL;
}

void wh_dwarf_info_destroy(struct wh_dwarf_info *info)
{
	if (!info)
		return;
	for (size_t i = 0; i < info->n_units; i++) {
		table_destroy(info->units[i]->abbrevs);
		free(info->units[i]);
	}
	free(info->units);
	free(info->hints);
	free(info);
}

struct wh_error *wh_dwarf_unit_line_program(struct wh_dwarf_info *info, uint64_t header,
					    uint64_t *ret_stmt_list, const char **ret_comp_dir)
{
	struct wh_dwarf_unit *unit;
	struct wh_die root;
	struct wh_attr stmt = {0}, dir = {0};
	struct wh_error *err = wh_dwarf_info_unit(info, header, &unit);
	if (err)
		return err;
	if (!(err = wh_dwarf_unit_root(info, unit, &root)) &&
	    !(err = wh_die_attr(info, &root, DW_AT_stmt_list, &stmt)))
		err = wh_die_attr(info, &root, DW_AT_comp_dir, &dir);
	wh_dwarf_unit_release(info, unit);
	if (err)
		return err;
	if (!stmt.form)
		return wh_error_create(WH_ERR_ABSENT, "no line table");
	if (stmt.string || stmt.block)
		return wh_error_create(WH_ERR_FORMAT,
				       "unit at 0x%llx: DW_AT_stmt_list of a non-offset form",
				       (unsigned long long)header);
	*ret_stmt_list = stmt.value;
	*ret_comp_dir = dir.form ? dir.string : NULL;
	return NULL;
}
