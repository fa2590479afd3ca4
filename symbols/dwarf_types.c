#include "dwarf_types.h"
#include "types_backend.h"
#include "dwarf_aranges.h"
#include "dwarf_info.h"
#include "dwarf_inline.h"
#include "dwarf_lines.h"
#include "dwarf_object.h"
#include "name_map.h"
#include "addr_map.h"

#include "dwarf_constants.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Name-map namespaces: one per kind of definition indexed. */
enum { NS_ENUMERATOR = 100 };

/* Bounds against hostile or cyclic DWARF: typedef/qualifier chains,
 * anonymous members, arrays of arrays (sizeof). */
enum { MAX_TYPE_CHAIN = 64, MAX_ANON_DEPTH = 16, MAX_PATH = 256, MAX_SIZEOF_DEPTH = 64 };

/* Line tables of recent compile units: stacks cycle through a handful of
 * CUs (sched, locking, entry, the caller's file), evict the least used. */
struct line_cache {
	uint64_t cu_off;
	struct wh_line_table *table; /* NULL: entry unused */
	uint64_t last_use;
};

enum { LINE_CACHE_ENTRIES = 128 };

/* Member lookups are memoized, absent members included: layouts are
 * probed per task and per plugin call, and each lookup walks DIEs. */
struct member_memo {
	char *key; /* "OUTER_DIE:PATH", owned */
	bool absent;
	struct wh_member_info info;
};

/* Inlined calls per code address, answered once: every task's stack
 * passes through the same few hundred return addresses, and a batch slot
 * keeps the answers for the next dumps of its kernel. */
struct inline_memo {
	struct wh_inline_site *sites; /* owned; NULL when none */
	size_t n;
};

enum { MAX_INLINE_MEMOS = 1 << 16 };

struct dwarf_types {
	struct wh_dwarf_object *obj;
	const struct wh_elf_image *img; /* NULL for module objects */
	struct wh_dwarf_info *info;
	struct wh_name_map index;
	struct wh_name_map member_index; /* key -> index in memos */
	struct member_memo *memos;
	size_t n_memos;
	bool scan_done;
	struct wh_dwarf_unit *scanned; /* the last unit of the sequential scan */
	size_t units_scanned;	       /* how many it indexed (not hinted ones) */
	uint64_t hinted[32];	       /* CUs indexed out of order by dwarf_index_cu_at() */
	size_t n_hinted;
	struct wh_aranges *aranges;	 /* loaded on first use */
	struct wh_inline_cache *inlines; /* made on first use */
	struct wh_addr_map inline_index; /* address -> index in inline_memos */
	struct inline_memo *inline_memos;
	size_t n_inline_memos, inline_memos_cap;
	/* Sections for source lines; line_size 0: not loaded yet. */
	struct wh_line_sections line_sections;
	struct wh_unit_sections unit_sections;
	struct line_cache lines[LINE_CACHE_ENTRIES];
	uint64_t line_clock;
	char line_result[512];
};

/* Used before their definitions. */
static void dwarf_destroy(void *priv);
static struct wh_error *dwarf_resolve(void *priv, struct wh_type type, enum wh_type_kind *ret_kind,
				      struct wh_type *ret_type);
static struct wh_error *dwarf_target(void *priv, struct wh_type type, struct wh_type *ret);
static struct wh_error *dwarf_array_length(void *priv, struct wh_type type, uint64_t *ret);
static struct wh_error *dwarf_sizeof(void *priv, struct wh_type type, uint64_t *ret);

static struct wh_error *offdie(struct dwarf_types *t, uint64_t off, struct wh_die *ret)
{
	struct wh_error *err = wh_dwarf_info_die(t->info, off, ret);
	return err ? wh_error_wrap(err, "reading DWARF entry") : NULL;
}

/* DW_AT_name of DIE, NULL when it has none (or one of another form). */
static struct wh_error *die_name(struct dwarf_types *t, const struct wh_die *die, const char **ret)
{
	struct wh_attr a;
	struct wh_error *err = wh_die_attr(t->info, die, DW_AT_name, &a);
	if (err)
		return err;
	*ret = a.string;
	return NULL;
}

static struct wh_error *has_attr(struct dwarf_types *t, const struct wh_die *die, uint64_t name,
				 bool *ret)
{
	struct wh_attr a;
	struct wh_error *err = wh_die_attr(t->info, die, name, &a);
	*ret = !err && a.form;
	return err;
}

/* Unsigned constant or a DW_OP_plus_uconst location (DWARF 2 style);
 * *RET_OK false when DIE has no such attribute, or not of those forms. */
static struct wh_error *attr_udata(struct dwarf_types *t, const struct wh_die *die, uint64_t name,
				   uint64_t *ret, bool *ret_ok)
{
	struct wh_attr a;
	*ret_ok = false;
	struct wh_error *err = wh_die_attr(t->info, die, name, &a);
	if (err)
		return err;
	switch (a.form) {
	case DW_FORM_exprloc:
	case DW_FORM_block1:
		if (a.block_len >= 2 && a.block[0] == DW_OP_plus_uconst) {
			uint64_t v = 0;
			unsigned shift = 0;
			for (uint64_t i = 1; i < a.block_len && shift < 64; i++, shift += 7) {
				unsigned char b = a.block[i];
				v |= (uint64_t)(b & 0x7f) << shift;
				if (!(b & 0x80)) {
					*ret = v;
					*ret_ok = true;
					break;
				}
			}
		}
		break;
	case DW_FORM_data1:
	case DW_FORM_data2:
	case DW_FORM_data4:
	case DW_FORM_data8:
	case DW_FORM_udata:
		*ret = a.value;
		*ret_ok = true;
		break;
	case DW_FORM_sdata:
	case DW_FORM_implicit_const:
		if ((int64_t)a.value >= 0) {
			*ret = a.value;
			*ret_ok = true;
		}
		break;
	default: break;
	}
	return NULL;
}

static struct wh_error *attr_sdata(struct dwarf_types *t, const struct wh_die *die, uint64_t name,
				   int64_t *ret, bool *ret_ok)
{
	struct wh_attr a;
	*ret_ok = false;
	struct wh_error *err = wh_die_attr(t->info, die, name, &a);
	if (err)
		return err;
	switch (a.form) {
	/* Fixed-size data forms carry no sign; kernel enumerators are mostly
	 * flag values, so read them unsigned (0x80 must not become -128). */
	case DW_FORM_data1:
	case DW_FORM_data2:
	case DW_FORM_data4:
	case DW_FORM_data8:
	case DW_FORM_udata:
	case DW_FORM_sdata:
	case DW_FORM_implicit_const:
		*ret = (int64_t)a.value;
		*ret_ok = true;
		break;
	default: break;
	}
	return NULL;
}

/* DW_AT_type as a .debug_info offset; 0 (void) when absent. */
static struct wh_error *attr_type(struct dwarf_types *t, const struct wh_die *die, uint64_t *ret)
{
	struct wh_attr a;
	struct wh_error *err = wh_die_attr(t->info, die, DW_AT_type, &a);
	if (err)
		return err;
	*ret = 0;
	switch (a.form) {
	case 0: return NULL;
	case DW_FORM_ref1:
	case DW_FORM_ref2:
	case DW_FORM_ref4:
	case DW_FORM_ref8:
	case DW_FORM_ref_udata:
	case DW_FORM_ref_addr: *ret = a.value; return NULL;
	default:
		return wh_error_create(WH_ERR_FORMAT, "DIE at 0x%llx: DW_AT_type is no reference",
				       (unsigned long long)die->offset);
	}
}

static enum wh_type_kind tag_kind(uint64_t tag)
{
	switch (tag) {
	case DW_TAG_structure_type: return WH_TYPE_STRUCT;
	case DW_TAG_union_type: return WH_TYPE_UNION;
	case DW_TAG_enumeration_type: return WH_TYPE_ENUM;
	case DW_TAG_typedef: return WH_TYPE_TYPEDEF;
	case DW_TAG_base_type: return WH_TYPE_BASE;
	case DW_TAG_pointer_type: return WH_TYPE_POINTER;
	case DW_TAG_array_type: return WH_TYPE_ARRAY;
	case DW_TAG_subroutine_type: return WH_TYPE_FUNCTION;
	default: return WH_TYPE_OTHER;
	}
}

static bool is_qualifier(uint64_t tag)
{
	return tag == DW_TAG_const_type || tag == DW_TAG_volatile_type ||
	       tag == DW_TAG_restrict_type || tag == DW_TAG_atomic_type;
}

/* ---- the lazy name index ---- */

static struct wh_error *index_enumerators(struct dwarf_types *t, const struct wh_die *enum_die)
{
	struct wh_die child;
	struct wh_error *err = wh_die_child(t->info, enum_die, &child);
	while (!err && child.offset) {
		const char *name;
		if ((err = die_name(t, &child, &name)))
			break;
		if (name && (err = wh_name_map_add(&t->index, NS_ENUMERATOR, name, child.offset)))
			break;
		err = wh_die_sibling(t->info, &child, &child);
	}
	return err;
}

static struct wh_error *index_die(struct dwarf_types *t, const struct wh_die *die)
{
	enum wh_type_kind kind = tag_kind(die->tag);
	if (kind == WH_TYPE_POINTER || kind == WH_TYPE_ARRAY || kind == WH_TYPE_OTHER ||
	    kind == WH_TYPE_FUNCTION)
		return NULL;
	bool declaration;
	struct wh_error *err = has_attr(t, die, DW_AT_declaration, &declaration);
	if (err || declaration)
		return err;
	if (kind == WH_TYPE_ENUM && (err = index_enumerators(t, die)))
		return err;
	const char *name;
	if ((err = die_name(t, die, &name)) || !name)
		return err;
	return wh_name_map_add(&t->index, kind, name, die->offset);
}

/* Index the top-level type definitions of UNIT. */
static struct wh_error *index_cu(struct dwarf_types *t, struct wh_dwarf_unit *unit)
{
	struct wh_die root, child;
	struct wh_error *err = wh_dwarf_unit_root(t->info, unit, &root);
	if (!err)
		err = wh_die_child(t->info, &root, &child);
	while (!err && child.offset) {
		if (!(err = index_die(t, &child)))
			err = wh_die_sibling(t->info, &child, &child);
	}
	return err ? wh_error_wrap(err, "indexing compile unit at 0x%llx",
				   (unsigned long long)wh_dwarf_unit_header(unit))
		   : NULL;
}

static bool was_hinted(const struct dwarf_types *t, uint64_t header)
{
	for (size_t i = 0; i < t->n_hinted; i++)
		if (t->hinted[i] == header)
			return true;
	return false;
}

/* Index the top-level type definitions of the next compile unit. Units
 * indexed already through a hint add nothing new (the first name wins). */
static struct wh_error *scan_next_cu(struct dwarf_types *t)
{
	struct wh_dwarf_unit *unit;
	struct wh_error *err = wh_dwarf_info_next_unit(t->info, t->scanned, &unit);
	if (err || !unit) {
		t->scan_done = true;
		return err ? wh_error_wrap(err, "reading compile unit header") : NULL;
	}
	t->scanned = unit;
	if (was_hinted(t, wh_dwarf_unit_header(unit)))
		return NULL;
	t->units_scanned++;
	err = index_cu(t, unit);
	/* Its DIEs are asked again only if one of its types is used. */
	wh_dwarf_unit_release(t->info, unit);
	return err;
}

/* The pages of .debug_info stay resident after a scan: dropping them
 * (madvise) saved ~20 MB of RSS on the stock vmlinux but cost ~0.1 s of
 * re-faults when member lookups touch the same compile units again. */
static struct wh_error *lookup(struct dwarf_types *t, unsigned ns, const char *name, uint64_t *ret)
{
	while (!wh_name_map_get(&t->index, ns, name, ret)) {
		if (t->scan_done)
			return wh_error_create(WH_ERR_ABSENT, "%s not found in DWARF", name);
		struct wh_error *err = scan_next_cu(t);
		if (err)
			return err;
	}
	return NULL;
}

/* The sections the DIE reader and source lines use, as relocated and
 * inflated for this object; .debug_info and .debug_abbrev are required. */
static struct wh_error *load_sections(struct dwarf_types *t)
{
	struct wh_line_sections l = {0};
	struct wh_unit_sections u = {0};
	const struct {
		const char *name;
		const unsigned char **data;
		uint64_t *size;
		bool required;
	} sections[] = {
	    {".debug_info", &u.info, &u.info_size, true},
	    {".debug_abbrev", &u.abbrev, &u.abbrev_size, true},
	    {".debug_str", &u.str, &u.str_size, false},
	    {".debug_line_str", &u.line_str, &u.line_str_size, false},
	    {".debug_str_offsets", &u.str_offsets, &u.str_offsets_size, false},
	    {".debug_ranges", &u.ranges, &u.ranges_size, false},
	    {".debug_rnglists", &u.rnglists, &u.rnglists_size, false},
	    {".debug_addr", &u.addr, &u.addr_size, false},
	};
	for (size_t i = 0; i < sizeof(sections) / sizeof(*sections); i++) {
		struct wh_error *err = wh_dwarf_object_section(t->obj, sections[i].name,
							       sections[i].data, sections[i].size);
		if (err && err->code == WH_ERR_ABSENT && sections[i].required)
			err->code = WH_ERR_NO_DEBUGINFO;
		if (err && err->code == WH_ERR_ABSENT) {
			wh_error_destroy(err);
			err = NULL;
		}
		if (err)
			return err;
	}
	l.str = u.str;
	l.str_size = u.str_size;
	l.line_str = u.line_str;
	l.line_str_size = u.line_str_size;
	t->line_sections = l; /* .debug_line itself on first use */
	t->unit_sections = u;
	return wh_dwarf_info_create(&t->unit_sections, &t->info);
}

static struct wh_error *dwarf_open_object(struct wh_dwarf_object *obj, struct dwarf_types **ret)
{
	struct dwarf_types *t = calloc(1, sizeof(*t));
	if (!t) {
		wh_dwarf_object_destroy(obj);
		return &wh_error_nomem;
	}
	t->obj = obj;
	wh_name_map_init(&t->index);
	wh_name_map_init(&t->member_index);
	wh_addr_map_init(&t->inline_index);
	struct wh_error *err = load_sections(t);
	if (err) {
		dwarf_destroy(t);
		return err;
	}
	*ret = t;
	return NULL;
}


static void dwarf_destroy(void *priv)
{
	struct dwarf_types *t = priv;
	if (!t)
		return;
	wh_name_map_deinit(&t->index);
	wh_name_map_deinit(&t->member_index);
	for (size_t i = 0; i < t->n_memos; i++)
		free(t->memos[i].key);
	free(t->memos);
	for (size_t i = 0; i < LINE_CACHE_ENTRIES; i++)
		wh_line_table_destroy(t->lines[i].table);
	wh_aranges_destroy(t->aranges);
	wh_inline_cache_destroy(t->inlines);
	for (size_t i = 0; i < t->n_inline_memos; i++)
		wh_inline_sites_destroy(t->inline_memos[i].sites, t->inline_memos[i].n);
	free(t->inline_memos);
	wh_addr_map_deinit(&t->inline_index);
	wh_dwarf_info_destroy(t->info);
	wh_dwarf_object_destroy(t->obj);
	free(t);
}

static struct wh_error *dwarf_find(void *priv, enum wh_type_kind kind, const char *name,
			       struct wh_type *ret)
{
	struct dwarf_types *t = priv;
	uint64_t off;
	struct wh_error *err = lookup(t, kind, name, &off);
	if (err)
		return err;
	ret->die = off;
	return NULL;
}

/* ---- type queries ---- */

static struct wh_error *dwarf_resolve(void *priv, struct wh_type type,
				  enum wh_type_kind *ret_kind, struct wh_type *ret_type)
{
	struct dwarf_types *t = priv;
	uint64_t off = type.die;
	for (int i = 0; i < MAX_TYPE_CHAIN; i++) {
		if (!off) {
			*ret_kind = WH_TYPE_OTHER; /* void */
			ret_type->die = 0;
			return NULL;
		}
		struct wh_die die;
		struct wh_error *err = offdie(t, off, &die);
		if (err)
			return err;
		if (die.tag == DW_TAG_typedef || is_qualifier(die.tag)) {
			if ((err = attr_type(t, &die, &off)))
				return err;
			continue;
		}
		*ret_kind = tag_kind(die.tag);
		ret_type->die = off;
		return NULL;
	}
	return wh_error_create(WH_ERR_FORMAT, "typedef chain too long at 0x%llx",
			       (unsigned long long)type.die);
}

static struct wh_error *dwarf_target(void *priv, struct wh_type type, struct wh_type *ret)
{
	struct dwarf_types *t = priv;
	enum wh_type_kind kind;
	struct wh_type r;
	struct wh_error *err = dwarf_resolve(t, type, &kind, &r);
	if (err)
		return err;
	if (kind != WH_TYPE_POINTER && kind != WH_TYPE_ARRAY)
		return wh_error_create(WH_ERR_FORMAT, "type at 0x%llx is not a pointer or array",
				       (unsigned long long)type.die);
	struct wh_die die;
	if ((err = offdie(t, r.die, &die)))
		return err;
	return attr_type(t, &die, &ret->die);
}

static struct wh_error *dwarf_array_length(void *priv, struct wh_type type, uint64_t *ret)
{
	struct dwarf_types *t = priv;
	enum wh_type_kind kind;
	struct wh_type r;
	struct wh_error *err = dwarf_resolve(t, type, &kind, &r);
	if (err)
		return err;
	if (kind != WH_TYPE_ARRAY)
		return wh_error_create(WH_ERR_FORMAT, "type at 0x%llx is not an array",
				       (unsigned long long)type.die);
	struct wh_die die, sub;
	if ((err = offdie(t, r.die, &die)) || (err = wh_die_child(t->info, &die, &sub)))
		return err;
	*ret = 0;
	/* Only the first dimension; multi-dimensional arrays are rare in the
	 * structures we read. */
	if (sub.offset) {
		uint64_t v;
		bool ok;
		if ((err = attr_udata(t, &sub, DW_AT_count, &v, &ok)))
			return err;
		if (ok) {
			*ret = v;
			return NULL;
		}
		if ((err = attr_udata(t, &sub, DW_AT_upper_bound, &v, &ok)))
			return err;
		if (ok)
			*ret = v + 1;
	}
	return NULL;
}

/* The product of the element counts of the dimensions after the first of
 * array R (int a[2][3][4]: 12), 1 for a one-dimensional array. */
static struct wh_error *later_dimensions(struct dwarf_types *t, struct wh_type r, uint64_t *ret)
{
	struct wh_die die, sub;
	struct wh_error *err = offdie(t, r.die, &die);
	if (!err)
		err = wh_die_child(t->info, &die, &sub);
	*ret = 1;
	for (unsigned dim = 0; !err && sub.offset; dim++) {
		if (dim > MAX_SIZEOF_DEPTH)
			return wh_error_create(WH_ERR_FORMAT, "array of too many dimensions");
		if ((err = wh_die_sibling(t->info, &sub, &sub)) || !sub.offset)
			break;
		if (sub.tag != DW_TAG_subrange_type)
			continue;
		uint64_t v, n = 0;
		bool ok;
		if ((err = attr_udata(t, &sub, DW_AT_count, &v, &ok)))
			break;
		if (ok) {
			n = v;
		} else {
			if ((err = attr_udata(t, &sub, DW_AT_upper_bound, &v, &ok)))
				break;
			n = ok ? v + 1 : 0;
		}
		if (n && *ret > UINT64_MAX / n)
			return wh_error_create(WH_ERR_FORMAT, "array size overflows");
		*ret *= n;
	}
	return err;
}

static struct wh_error *type_size(struct dwarf_types *t, struct wh_type type, unsigned depth,
				  uint64_t *ret)
{
	if (depth > MAX_SIZEOF_DEPTH)
		return wh_error_create(WH_ERR_FORMAT, "array types nested too deep at 0x%llx",
				       (unsigned long long)type.die);
	enum wh_type_kind kind;
	struct wh_type r;
	struct wh_error *err = dwarf_resolve(t, type, &kind, &r);
	if (err)
		return err;
	if (!r.die)
		return wh_error_create(WH_ERR_FORMAT, "sizeof(void)");
	if (kind == WH_TYPE_POINTER) {
		*ret = 8;
		return NULL;
	}
	if (kind == WH_TYPE_ARRAY) {
		uint64_t n, elem_size;
		struct wh_type elem;
		uint64_t later;
		if ((err = dwarf_array_length(t, r, &n)) ||
		    (err = later_dimensions(t, r, &later)) || (err = dwarf_target(t, r, &elem)) ||
		    (err = type_size(t, elem, depth + 1, &elem_size)))
			return err;
		*ret = n * later * elem_size;
		return NULL;
	}
	struct wh_die die;
	bool ok;
	if ((err = offdie(t, r.die, &die)) ||
	    (err = attr_udata(t, &die, DW_AT_byte_size, ret, &ok)))
		return err;
	if (!ok)
		return wh_error_create(WH_ERR_FORMAT, "type at 0x%llx has no size",
				       (unsigned long long)r.die);
	return NULL;
}

static struct wh_error *dwarf_sizeof(void *priv, struct wh_type type, uint64_t *ret)
{
	struct dwarf_types *t = priv;
	return type_size(t, type, 0, ret);
}

/* Fill INFO from a DW_TAG_member DIE (offsets relative to its parent). */
static struct wh_error *member_info(struct dwarf_types *t, const struct wh_die *die,
				    struct wh_member_info *info)
{
	memset(info, 0, sizeof(*info));
	uint64_t loc = 0, bit_size = 0, v;
	bool ok;
	struct wh_error *err = attr_type(t, die, &info->type.die);
	if (!err) /* unions: absent = 0 */
		err = attr_udata(t, die, DW_AT_data_member_location, &loc, &ok);
	if (err)
		return err;
	if (!ok)
		loc = 0;
	if ((err = dwarf_sizeof(t, info->type, &info->size))) {
		/* Flexible arrays have no size; keep going with 0. */
		wh_error_destroy(err);
		info->size = 0;
	}
	if ((err = attr_udata(t, die, DW_AT_bit_size, &bit_size, &ok)))
		return err;
	if (ok && bit_size) {
		uint64_t bit_off;
		if ((err = attr_udata(t, die, DW_AT_data_bit_offset, &v, &ok)))
			return err;
		if (ok) {
			bit_off = v; /* DWARF 4+: from the start of the parent */
		} else {
			/* DWARF 2/3: DW_AT_bit_offset counts from the storage
			 * unit's most significant bit (little-endian here). */
			uint64_t unit = info->size, msb_off = 0;
			if ((err = attr_udata(t, die, DW_AT_byte_size, &v, &ok)))
				return err;
			if (ok)
				unit = v;
			if ((err = attr_udata(t, die, DW_AT_bit_offset, &v, &ok)))
				return err;
			if (ok)
				msb_off = v;
			bit_off = loc * 8 + unit * 8 - msb_off - bit_size;
		}
		info->bit_offset = (uint32_t)bit_off;
		info->bit_size = (uint32_t)bit_size;
		info->offset = bit_off / 8;
		return NULL;
	}
	info->offset = loc;
	return NULL;
}

/* Find NAME among the members of the struct/union at OFF, descending into
 * anonymous members. Offsets in RET are relative to OFF's type. */
static struct wh_error *find_member(struct dwarf_types *t, uint64_t off, const char *name,
				    unsigned depth, struct wh_member_info *ret)
{
	if (depth > MAX_ANON_DEPTH)
		return wh_error_create(WH_ERR_FORMAT, "anonymous members nested too deep");
	struct wh_die die, child;
	struct wh_error *err = offdie(t, off, &die);
	if (!err)
		err = wh_die_child(t->info, &die, &child);
	if (err)
		return wh_error_wrap(err, "reading members");
	for (; child.offset; err = wh_die_sibling(t->info, &child, &child)) {
		if (err)
			return wh_error_wrap(err, "reading members");
		if (child.tag != DW_TAG_member)
			continue;
		const char *mname;
		if ((err = die_name(t, &child, &mname)))
			return err;
		if (mname && !strcmp(mname, name))
			return member_info(t, &child, ret);
		if (mname)
			continue;
		struct wh_member_info anon;
		enum wh_type_kind kind;
		struct wh_type inner;
		err = member_info(t, &child, &anon);
		if (!err)
			err = dwarf_resolve(t, anon.type, &kind, &inner);
		if (err)
			return err;
		if (kind != WH_TYPE_STRUCT && kind != WH_TYPE_UNION)
			continue;
		err = find_member(t, inner.die, name, depth + 1, ret);
		if (!err) {
			ret->offset += anon.offset;
			ret->bit_offset += (uint32_t)anon.offset * 8;
			return NULL;
		}
		if (err->code != WH_ERR_ABSENT)
			return err;
		wh_error_destroy(err);
		err = NULL;
	}
	if (err)
		return wh_error_wrap(err, "reading members");
	return wh_error_create(WH_ERR_ABSENT, "no member %s", name);
}

static struct wh_error *resolve_member(struct dwarf_types *t, struct wh_type outer, const char *path,
				       struct wh_member_info *ret)
{
	if (strlen(path) >= MAX_PATH)
		return wh_error_create(WH_ERR_USAGE, "member path too long");
	char buf[MAX_PATH];
	strcpy(buf, path);
	struct wh_member_info acc = {.type = outer};
	bool first = true;
	char *save = NULL;
	for (char *comp = strtok_r(buf, ".", &save); comp; comp = strtok_r(NULL, ".", &save)) {
		char *bracket = strchr(comp, '[');
		if (bracket)
			*bracket = '\0';
		enum wh_type_kind kind;
		struct wh_type r;
		struct wh_error *err = dwarf_resolve(t, acc.type, &kind, &r);
		if (err)
			return err;
		if (kind != WH_TYPE_STRUCT && kind != WH_TYPE_UNION)
			return wh_error_create(WH_ERR_USAGE, "%s: %s is not in a struct or union",
					       path, comp);
		struct wh_member_info m;
		err = find_member(t, r.die, comp, 0, &m);
		if (err)
			return wh_error_wrap(err, "%s", path);
		uint64_t base = first ? 0 : acc.offset;
		acc = m;
		acc.offset += base;
		acc.bit_offset += (uint32_t)base * 8;
		first = false;
		/* Any number of [N] subscripts. */
		while (bracket) {
			char *end;
			unsigned long long idx = strtoull(bracket + 1, &end, 10);
			if (*end != ']')
				return wh_error_create(WH_ERR_USAGE, "%s: bad subscript", path);
			uint64_t len, elem_size;
			struct wh_type elem;
			if ((err = dwarf_array_length(t, acc.type, &len)) ||
			    (err = dwarf_target(t, acc.type, &elem)) ||
			    (err = dwarf_sizeof(t, elem, &elem_size)))
				return wh_error_wrap(err, "%s", path);
			if (len && idx >= len)
				return wh_error_create(WH_ERR_USAGE, "%s: index %llu out of bounds",
						       path, idx);
			acc.offset += idx * elem_size;
			acc.type = elem;
			acc.size = elem_size;
			acc.bit_offset = (uint32_t)acc.offset * 8;
			bracket = end[1] == '[' ? end + 1 : NULL;
			if (!bracket && end[1])
				return wh_error_create(WH_ERR_USAGE, "%s: bad subscript", path);
		}
	}
	if (first)
		return wh_error_create(WH_ERR_USAGE, "empty member path");
	*ret = acc;
	return NULL;
}

static struct wh_error *dwarf_member(void *priv, struct wh_type outer, const char *path,
				 struct wh_member_info *ret)
{
	struct dwarf_types *t = priv;
	char key[MAX_PATH + 24];
	if (snprintf(key, sizeof(key), "%llx:%s", (unsigned long long)outer.die, path) >=
	    (int)sizeof(key))
		return wh_error_create(WH_ERR_USAGE, "member path too long");
	uint64_t idx;
	if (wh_name_map_get(&t->member_index, 0, key, &idx)) {
		const struct member_memo *m = &t->memos[idx];
		if (m->absent)
			return wh_error_create(WH_ERR_ABSENT, "%s: no such member", path);
		*ret = m->info;
		return NULL;
	}
	struct wh_error *err = resolve_member(t, outer, path, ret);
	if (err && err->code != WH_ERR_ABSENT)
		return err; /* not cached: may be a passing read problem */
	struct member_memo *grown = realloc(t->memos, (t->n_memos + 1) * sizeof(*grown));
	if (!grown)
		return err ? err : NULL;
	t->memos = grown;
	struct member_memo *m = &grown[t->n_memos];
	m->key = strdup(key);
	if (!m->key)
		return err;
	m->absent = err != NULL;
	if (!err)
		m->info = *ret;
	/* A memo that cannot be indexed (out of memory) is only not cached. */
	if (wh_best_effort(wh_name_map_add(&t->member_index, 0, m->key, t->n_memos)))
		t->n_memos++;
	else
		free(m->key);
	return err;
}

static struct wh_error *dwarf_enumerator(void *priv, const char *name, int64_t *ret)
{
	struct dwarf_types *t = priv;
	uint64_t off;
	struct wh_error *err = lookup(t, NS_ENUMERATOR, name, &off);
	if (err)
		return err;
	struct wh_die die;
	bool ok;
	if ((err = offdie(t, off, &die)) ||
	    (err = attr_sdata(t, &die, DW_AT_const_value, ret, &ok)))
		return err;
	if (!ok)
		return wh_error_create(WH_ERR_FORMAT, "enumerator %s has no value", name);
	return NULL;
}

/* Header offset of the compile unit of CODE_ADDR, from .debug_aranges. */
static struct wh_error *cu_at(struct dwarf_types *t, uint64_t code_addr, uint64_t *ret)
{
	if (!t->aranges) {
		const unsigned char *data;
		uint64_t size;
		struct wh_error *err =
		    wh_dwarf_object_section(t->obj, ".debug_aranges", &data, &size);
		if (err && err->code == WH_ERR_ABSENT) {
			wh_error_destroy(err);
			return wh_error_create(WH_ERR_ABSENT, "no .debug_aranges");
		}
		if (!err)
			err = wh_aranges_create(data, size, &t->aranges);
		if (err)
			return wh_error_wrap(err, "reading .debug_aranges");
		size_t n;
		const uint64_t *units = wh_aranges_units(t->aranges, &n);
		if ((err = wh_dwarf_info_set_unit_hints(t->info, units, n)))
			return err;
	}
	return wh_aranges_find(t->aranges, code_addr, ret);
}

static struct wh_error *dwarf_index_cu_at(void *priv, uint64_t code_addr)
{
	struct dwarf_types *t = priv;
	uint64_t header;
	struct wh_error *err = cu_at(t, code_addr, &header);
	if (err)
		return err;
	/* Each CU once; the sequential scan skips it. */
	if (was_hinted(t, header))
		return NULL;
	struct wh_dwarf_unit *unit;
	if ((err = wh_dwarf_info_unit(t->info, header, &unit)))
		return err;
	if (t->n_hinted < sizeof(t->hinted) / sizeof(*t->hinted))
		t->hinted[t->n_hinted++] = header;
	return index_cu(t, unit);
}

static struct wh_error *dwarf_variable_near(void *priv, const char *name, uint64_t code_addr,
					struct wh_type *ret)
{
	struct dwarf_types *t = priv;
	uint64_t header;
	struct wh_error *err = cu_at(t, code_addr, &header);
	if (err)
		return err;
	struct wh_dwarf_unit *unit;
	struct wh_die root, child;
	if ((err = wh_dwarf_info_unit(t->info, header, &unit)) ||
	    (err = wh_dwarf_unit_root(t->info, unit, &root)) ||
	    (err = wh_die_child(t->info, &root, &child)))
		return err;
	while (child.offset) {
		if (child.tag == DW_TAG_variable) {
			const char *vname;
			if ((err = die_name(t, &child, &vname)))
				return err;
			if (vname && !strcmp(vname, name))
				return attr_type(t, &child, &ret->die);
		}
		if ((err = wh_die_sibling(t->info, &child, &child)))
			return err;
	}
	return wh_error_create(WH_ERR_ABSENT, "variable %s not found", name);
}

/* .debug_line, loaded on first use. */
static struct wh_error *load_line_section(struct dwarf_types *t)
{
	if (t->line_sections.line_size)
		return NULL;
	struct wh_error *err = wh_dwarf_object_section(
	    t->obj, ".debug_line", &t->line_sections.line, &t->line_sections.line_size);
	if (!err && !t->line_sections.line_size)
		err = wh_error_create(WH_ERR_ABSENT, "empty .debug_line");
	return err;
}

/* The line table of the CU whose header is at HEADER. */
static struct wh_error *load_lines(struct dwarf_types *t, uint64_t header, struct wh_line_table **ret)
{
	struct wh_error *err = load_line_section(t);
	if (err)
		return err;
	uint64_t offset;
	const char *comp_dir;
	if ((err = wh_dwarf_unit_line_program(t->info, header, &offset, &comp_dir)))
		return err;
	return wh_line_table_create(&t->line_sections, offset, comp_dir, ret);
}

/* The line table of the CU whose header is at CU_OFF, from the cache. */
static struct wh_error *cached_lines(struct dwarf_types *t, uint64_t cu_off,
				     struct wh_line_table **ret)
{
	struct line_cache *c = NULL, *victim = &t->lines[0];
	for (size_t i = 0; i < LINE_CACHE_ENTRIES && !c; i++) {
		if (t->lines[i].table && t->lines[i].cu_off == cu_off)
			c = &t->lines[i];
		else if (!t->lines[i].table || t->lines[i].last_use < victim->last_use)
			victim = &t->lines[i];
	}
	if (!c) {
		struct wh_line_table *table;
		struct wh_error *err = load_lines(t, cu_off, &table);
		if (err)
			return err;
		if (t->img)
			wh_elf_image_release_section(t->img, ".debug_line");
		c = victim;
		wh_line_table_destroy(c->table);
		c->table = table;
		c->cu_off = cu_off;
	}
	c->last_use = ++t->line_clock;
	*ret = c->table;
	return NULL;
}

static struct wh_error *dwarf_source_line(void *priv, uint64_t addr, const char **ret_file,
				      unsigned *ret_line)
{
	struct dwarf_types *t = priv;
	uint64_t cu_off;
	struct wh_line_table *table;
	struct wh_error *err = cu_at(t, addr, &cu_off);
	if (!err)
		err = cached_lines(t, cu_off, &table);
	const char *file;
	if (!err)
		err = wh_line_table_find(table, addr, &file, ret_line);
	if (err)
		return err;
	snprintf(t->line_result, sizeof(t->line_result), "%s", file);
	*ret_file = t->line_result;
	return NULL;
}

/* The inlined calls at ADDR as the DWARF says them (uncached). */
static struct wh_error *inlined_at(void *priv, uint64_t addr, struct wh_inline_site **ret,
				   size_t *ret_n)
{
	struct dwarf_types *t = priv;
	uint64_t cu_off;
	struct wh_inline_call calls[WH_MAX_INLINE_DEPTH];
	size_t n;
	*ret = NULL;
	*ret_n = 0;
	struct wh_error *err = cu_at(t, addr, &cu_off);
	if (!err && !t->inlines)
		err = wh_inline_cache_create(t->info, &t->inlines);
	if (!err)
		err = wh_dwarf_inline_chain(t->inlines, cu_off, addr, calls, &n);
	if (err || !n)
		return err;
	bool any_file = false;
	for (size_t i = 0; i < n; i++)
		any_file |= calls[i].have_call_file;
	/* Without a file table the calls keep their lines, not files. */
	struct wh_line_table *table = NULL;
	struct wh_error *lines_err = any_file ? cached_lines(t, cu_off, &table) : NULL;
	if (lines_err)
		table = NULL;
	wh_error_destroy(lines_err);
	struct wh_inline_site *sites = calloc(n, sizeof(*sites));
	if (!sites)
		return &wh_error_nomem;
	for (size_t i = 0; i < n; i++) {
		const char *file = NULL;
		if (table && calls[i].have_call_file) {
			struct wh_error *e = wh_line_table_file(table, calls[i].call_file, &file);
			if (e)
				file = NULL;
			wh_error_destroy(e);
		}
		sites[i].call_line = calls[i].call_line;
		if ((calls[i].function && !(sites[i].function = strdup(calls[i].function))) ||
		    (file && !(sites[i].call_file = strdup(file)))) {
			wh_inline_sites_destroy(sites, n);
			return &wh_error_nomem;
		}
	}
	*ret = sites;
	*ret_n = n;
	return NULL;
}

static struct wh_error *copy_sites(const struct wh_inline_site *from, size_t n,
				   struct wh_inline_site **ret)
{
	*ret = NULL;
	if (!n)
		return NULL;
	struct wh_inline_site *sites = calloc(n, sizeof(*sites));
	if (!sites)
		return &wh_error_nomem;
	for (size_t i = 0; i < n; i++) {
		sites[i].call_line = from[i].call_line;
		if ((from[i].function && !(sites[i].function = strdup(from[i].function))) ||
		    (from[i].call_file && !(sites[i].call_file = strdup(from[i].call_file)))) {
			wh_inline_sites_destroy(sites, n);
			return &wh_error_nomem;
		}
	}
	*ret = sites;
	return NULL;
}

/* Keep a copy of a good answer (best effort: a full memo answers anew). */
static void remember_sites(struct dwarf_types *t, uint64_t addr, const struct wh_inline_site *sites,
			   size_t n)
{
	if (t->n_inline_memos == MAX_INLINE_MEMOS)
		return;
	if (t->n_inline_memos == t->inline_memos_cap) {
		size_t cap = t->inline_memos_cap ? 2 * t->inline_memos_cap : 256;
		struct inline_memo *m = realloc(t->inline_memos, cap * sizeof(*m));
		if (!m)
			return;
		t->inline_memos = m;
		t->inline_memos_cap = cap;
	}
	struct inline_memo *m = &t->inline_memos[t->n_inline_memos];
	if (!wh_best_effort(copy_sites(sites, n, &m->sites)))
		return;
	m->n = n;
	if (!wh_best_effort(wh_addr_map_add(&t->inline_index, addr, t->n_inline_memos))) {
		wh_inline_sites_destroy(m->sites, n);
		return;
	}
	t->n_inline_memos++;
}

static struct wh_error *dwarf_inlined_at(void *priv, uint64_t addr, struct wh_inline_site **ret,
				     size_t *ret_n)
{
	struct dwarf_types *t = priv;
	size_t i = wh_addr_map_get(&t->inline_index, addr);
	if (i != SIZE_MAX) {
		*ret_n = 0;
		struct wh_error *err = copy_sites(t->inline_memos[i].sites, t->inline_memos[i].n, ret);
		if (!err)
			*ret_n = t->inline_memos[i].n;
		return err;
	}
	struct wh_error *err = inlined_at(t, addr, ret, ret_n);
	if (!err)
		remember_sites(t, addr, *ret, *ret_n);
	return err;
}

static size_t dwarf_units_scanned(const void *priv)
{
	const struct dwarf_types *t = priv;
	return t->units_scanned;
}

static const struct wh_types_ops dwarf_ops = {
	.name = "DWARF",
	.destroy = dwarf_destroy,
	.find = dwarf_find,
	.resolve = dwarf_resolve,
	.target = dwarf_target,
	.array_length = dwarf_array_length,
	.size = dwarf_sizeof,
	.member = dwarf_member,
	.enumerator = dwarf_enumerator,
	.variable_near = dwarf_variable_near,
	.index_cu_at = dwarf_index_cu_at,
	.source_line = dwarf_source_line,
	.inlined_at = dwarf_inlined_at,
	.units_scanned = dwarf_units_scanned,
};

struct wh_error *wh_types_create_from_object(struct wh_dwarf_object *obj, struct wh_types **ret)
{
	struct dwarf_types *t;
	struct wh_error *err = dwarf_open_object(obj, &t);
	return err ? err : wh_types_wrap(&dwarf_ops, t, ret);
}

struct wh_error *wh_types_create(struct wh_elf_image *img, struct wh_types **ret)
{
	struct wh_dwarf_object *obj;
	struct dwarf_types *t;
	struct wh_error *err = wh_dwarf_object_open(img, &obj);
	if (!err)
		err = dwarf_open_object(obj, &t);
	if (err)
		return err;
	t->img = img;
	return wh_types_wrap(&dwarf_ops, t, ret);
}
