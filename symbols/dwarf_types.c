#include "dwarf_types.h"
#include "dwarf_lines.h"
#include "dwarf_object.h"
#include "dwarf_unit.h"
#include "name_map.h"

#include <libdwarf/dwarf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Name-map namespaces: one per kind of definition indexed. */
enum { NS_ENUMERATOR = 100 };

/* Bounds against hostile or cyclic DWARF. */
enum { MAX_TYPE_CHAIN = 64, MAX_ANON_DEPTH = 16, MAX_PATH = 256 };

/* Line tables of recent compile units: stacks cycle through a handful of
 * CUs (sched, locking, entry, the caller's file), evict the least used. */
struct line_cache {
	uint64_t cu_off;
	struct wh_line_table *table; /* NULL: entry unused */
	uint64_t last_use;
};

enum { LINE_CACHE_ENTRIES = 16 };

/* Member lookups are memoized, absent members included: layouts are
 * probed per task and per plugin call, and each lookup walks DIEs. */
struct member_memo {
	char *key; /* "OUTER_DIE:PATH", owned */
	bool absent;
	struct wh_member_info info;
};

struct wh_types {
	struct wh_dwarf_object *obj;
	const struct wh_elf_image *img; /* NULL for module objects */
	Dwarf_Debug dbg;
	struct wh_name_map index;
	struct wh_name_map member_index; /* key -> index in memos */
	struct member_memo *memos;
	size_t n_memos;
	bool scan_done;
	unsigned cus_scanned;
	uint64_t hinted[32]; /* CUs indexed out of order by wh_types_index_cu_at() */
	size_t n_hinted;
	Dwarf_Arange *aranges; /* loaded on first use */
	/* Sections for source lines; line_size 0: not loaded yet. */
	struct wh_line_sections line_sections;
	struct wh_unit_sections unit_sections;
	struct line_cache lines[LINE_CACHE_ENTRIES];
	uint64_t line_clock;
	char line_result[512];
	Dwarf_Signed n_aranges;
};

static struct wh_error *derr(struct wh_types *t, Dwarf_Error e, const char *what)
{
	return wh_dwarf_error(t->dbg, e, what);
}

static struct wh_error *offdie(struct wh_types *t, uint64_t off, Dwarf_Die *ret)
{
	Dwarf_Error e = NULL;
	int rc = dwarf_offdie_b(t->dbg, off, true, ret, &e);
	if (rc == DW_DLV_OK)
		return NULL;
	struct wh_error *err = derr(t, e, "reading DWARF entry");
	return wh_error_wrap(err, "DIE at 0x%llx", (unsigned long long)off);
}

static Dwarf_Half die_tag(struct wh_types *t, Dwarf_Die die)
{
	Dwarf_Half tag = 0;
	Dwarf_Error e = NULL;
	if (dwarf_tag(die, &tag, &e) != DW_DLV_OK) {
		if (e)
			dwarf_dealloc_error(t->dbg, e);
		return 0;
	}
	return tag;
}

static const char *die_name(struct wh_types *t, Dwarf_Die die)
{
	char *name = NULL;
	Dwarf_Error e = NULL;
	int rc = dwarf_diename(die, &name, &e);
	if (rc == DW_DLV_ERROR && e)
		dwarf_dealloc_error(t->dbg, e);
	return rc == DW_DLV_OK ? name : NULL;
}

static bool has_attr(struct wh_types *t, Dwarf_Die die, Dwarf_Half attr)
{
	Dwarf_Bool yes = false;
	Dwarf_Error e = NULL;
	if (dwarf_hasattr(die, attr, &yes, &e) == DW_DLV_ERROR && e)
		dwarf_dealloc_error(t->dbg, e);
	return yes;
}

/* Unsigned constant or a DW_OP_plus_uconst location (DWARF 2 style). */
static bool attr_udata(struct wh_types *t, Dwarf_Die die, Dwarf_Half name, uint64_t *ret)
{
	Dwarf_Attribute attr = NULL;
	Dwarf_Error e = NULL;
	int rc = dwarf_attr(die, name, &attr, &e);
	if (rc != DW_DLV_OK) {
		if (e)
			dwarf_dealloc_error(t->dbg, e);
		return false;
	}
	bool ok = false;
	Dwarf_Unsigned u;
	Dwarf_Signed s;
	Dwarf_Half form = 0;
	dwarf_whatform(attr, &form, &e);
	if (form == DW_FORM_exprloc || form == DW_FORM_block1) {
		Dwarf_Unsigned len = 0;
		Dwarf_Ptr ptr = NULL;
		if (dwarf_formexprloc(attr, &len, &ptr, &e) == DW_DLV_OK && len >= 2 &&
		    ((unsigned char *)ptr)[0] == DW_OP_plus_uconst) {
			uint64_t v = 0;
			unsigned shift = 0;
			for (Dwarf_Unsigned i = 1; i < len && shift < 64; i++, shift += 7) {
				unsigned char b = ((unsigned char *)ptr)[i];
				v |= (uint64_t)(b & 0x7f) << shift;
				if (!(b & 0x80)) {
					*ret = v;
					ok = true;
					break;
				}
			}
		}
	} else if (dwarf_formudata(attr, &u, &e) == DW_DLV_OK) {
		*ret = u;
		ok = true;
	} else {
		if (e) {
			dwarf_dealloc_error(t->dbg, e);
			e = NULL;
		}
		if (dwarf_formsdata(attr, &s, &e) == DW_DLV_OK && s >= 0) {
			*ret = (uint64_t)s;
			ok = true;
		}
	}
	if (e)
		dwarf_dealloc_error(t->dbg, e);
	dwarf_dealloc_attribute(attr);
	return ok;
}

static bool attr_sdata(struct wh_types *t, Dwarf_Die die, Dwarf_Half name, int64_t *ret)
{
	Dwarf_Attribute attr = NULL;
	Dwarf_Error e = NULL;
	if (dwarf_attr(die, name, &attr, &e) != DW_DLV_OK) {
		if (e)
			dwarf_dealloc_error(t->dbg, e);
		return false;
	}
	bool ok = false;
	Dwarf_Signed s;
	Dwarf_Unsigned u;
	Dwarf_Half form = 0;
	dwarf_whatform(attr, &form, &e);
	/* Fixed-size data forms carry no sign; kernel enumerators are mostly
	 * flag values, so read them unsigned (0x80 must not become -128). */
	if (form != DW_FORM_sdata && form != DW_FORM_implicit_const) {
		if (dwarf_formudata(attr, &u, &e) == DW_DLV_OK) {
			*ret = (int64_t)u;
			ok = true;
		}
	} else if (dwarf_formsdata(attr, &s, &e) == DW_DLV_OK) {
		*ret = s;
		ok = true;
	}
	if (e)
		dwarf_dealloc_error(t->dbg, e);
	dwarf_dealloc_attribute(attr);
	return ok;
}

/* DW_AT_type as a global .debug_info offset; 0 (void) when absent. */
static uint64_t attr_type(struct wh_types *t, Dwarf_Die die)
{
	Dwarf_Attribute attr = NULL;
	Dwarf_Error e = NULL;
	if (dwarf_attr(die, DW_AT_type, &attr, &e) != DW_DLV_OK) {
		if (e)
			dwarf_dealloc_error(t->dbg, e);
		return 0;
	}
	Dwarf_Off off = 0;
	if (dwarf_global_formref(attr, &off, &e) != DW_DLV_OK) {
		off = 0;
		if (e)
			dwarf_dealloc_error(t->dbg, e);
	}
	dwarf_dealloc_attribute(attr);
	return off;
}

static enum wh_type_kind tag_kind(Dwarf_Half tag)
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

static bool is_qualifier(Dwarf_Half tag)
{
	return tag == DW_TAG_const_type || tag == DW_TAG_volatile_type ||
	       tag == DW_TAG_restrict_type || tag == DW_TAG_atomic_type;
}

/* ---- the lazy name index ---- */

static struct wh_error *index_enumerators(struct wh_types *t, Dwarf_Die enum_die)
{
	Dwarf_Die child = NULL;
	Dwarf_Error e = NULL;
	if (dwarf_child(enum_die, &child, &e) != DW_DLV_OK) {
		if (e)
			dwarf_dealloc_error(t->dbg, e);
		return NULL;
	}
	while (child) {
		struct wh_error *err = NULL;
		const char *name = die_name(t, child);
		Dwarf_Off off;
		if (name && dwarf_dieoffset(child, &off, &e) == DW_DLV_OK)
			err = wh_name_map_add(&t->index, NS_ENUMERATOR, name, off);
		Dwarf_Die next = NULL;
		int rc = dwarf_siblingof_b(t->dbg, child, true, &next, &e);
		dwarf_dealloc_die(child);
		if (err)
			return err;
		child = rc == DW_DLV_OK ? next : NULL;
	}
	if (e)
		dwarf_dealloc_error(t->dbg, e);
	return NULL;
}

static struct wh_error *index_die(struct wh_types *t, Dwarf_Die die)
{
	Dwarf_Half tag = die_tag(t, die);
	enum wh_type_kind kind = tag_kind(tag);
	if (kind == WH_TYPE_POINTER || kind == WH_TYPE_ARRAY || kind == WH_TYPE_OTHER ||
	    kind == WH_TYPE_FUNCTION)
		return NULL;
	if (has_attr(t, die, DW_AT_declaration))
		return NULL;
	if (kind == WH_TYPE_ENUM) {
		struct wh_error *err = index_enumerators(t, die);
		if (err)
			return err;
	}
	const char *name = die_name(t, die);
	if (!name)
		return NULL;
	Dwarf_Off off;
	Dwarf_Error e = NULL;
	if (dwarf_dieoffset(die, &off, &e) != DW_DLV_OK)
		return derr(t, e, "DIE offset");
	return wh_name_map_add(&t->index, kind, name, off);
}

static struct wh_error *index_cu(struct wh_types *t, Dwarf_Die cu);

/* Index the top-level type definitions of the next compile unit. */
static struct wh_error *scan_next_cu(struct wh_types *t)
{
	Dwarf_Unsigned hdr_len, abbrev_off_unused, typeoff, next_off;
	Dwarf_Half version, addr_size, len_size, ext_size, cu_type;
	Dwarf_Off abbrev_off;
	Dwarf_Sig8 sig;
	Dwarf_Error e = NULL;
	(void)abbrev_off_unused;
	int rc =
	    dwarf_next_cu_header_d(t->dbg, true, &hdr_len, &version, &abbrev_off, &addr_size,
				   &len_size, &ext_size, &sig, &typeoff, &next_off, &cu_type, &e);
	if (rc == DW_DLV_NO_ENTRY) {
		t->scan_done = true;
		return NULL;
	}
	if (rc != DW_DLV_OK) {
		t->scan_done = true;
		return derr(t, e, "reading compile unit header");
	}
	t->cus_scanned++;
	Dwarf_Die cu = NULL;
	if (dwarf_siblingof_b(t->dbg, NULL, true, &cu, &e) != DW_DLV_OK)
		return derr(t, e, "reading compile unit");
	return index_cu(t, cu);
}

/* Index the top-level children of CU (and release it). */
static struct wh_error *index_cu(struct wh_types *t, Dwarf_Die cu)
{
	Dwarf_Error e = NULL;
	Dwarf_Die child = NULL;
	int rc = dwarf_child(cu, &child, &e);
	dwarf_dealloc_die(cu);
	if (rc == DW_DLV_ERROR)
		return derr(t, e, "reading compile unit children");
	while (rc == DW_DLV_OK && child) {
		struct wh_error *err = index_die(t, child);
		if (err) {
			dwarf_dealloc_die(child);
			return err;
		}
		Dwarf_Die next = NULL;
		rc = dwarf_siblingof_b(t->dbg, child, true, &next, &e);
		dwarf_dealloc_die(child);
		child = next;
	}
	if (rc == DW_DLV_ERROR)
		return derr(t, e, "walking compile unit");
	return NULL;
}

/* The pages of .debug_info stay resident after a scan: dropping them
 * (madvise) saved ~20 MB of RSS on the stock vmlinux but cost ~0.1 s of
 * re-faults when member lookups touch the same compile units again. */
static struct wh_error *lookup(struct wh_types *t, unsigned ns, const char *name, uint64_t *ret)
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

struct wh_error *wh_types_create_from_object(struct wh_dwarf_object *obj, struct wh_types **ret)
{
	struct wh_types *t = calloc(1, sizeof(*t));
	if (!t) {
		wh_dwarf_object_destroy(obj);
		return &wh_error_nomem;
	}
	t->obj = obj;
	t->dbg = wh_dwarf_object_dbg(t->obj);
	wh_name_map_init(&t->index);
	wh_name_map_init(&t->member_index);
	*ret = t;
	return NULL;
}

struct wh_error *wh_types_create(struct wh_elf_image *img, struct wh_types **ret)
{
	struct wh_dwarf_object *obj;
	struct wh_error *err = wh_dwarf_object_open(img, &obj);
	if (err)
		return err;
	if ((err = wh_types_create_from_object(obj, ret)))
		return err;
	(*ret)->img = img;
	return NULL;
}

void wh_types_destroy(struct wh_types *t)
{
	if (!t)
		return;
	wh_name_map_deinit(&t->index);
	wh_name_map_deinit(&t->member_index);
	for (size_t i = 0; i < t->n_memos; i++)
		free(t->memos[i].key);
	free(t->memos);
	for (size_t i = 0; i < LINE_CACHE_ENTRIES; i++)
		wh_line_table_destroy(t->lines[i].table);
	if (t->aranges) {
		for (Dwarf_Signed i = 0; i < t->n_aranges; i++)
			dwarf_dealloc(t->dbg, t->aranges[i], DW_DLA_ARANGE);
		dwarf_dealloc(t->dbg, t->aranges, DW_DLA_LIST);
	}
	wh_dwarf_object_destroy(t->obj);
	free(t);
}

struct wh_error *wh_types_find(struct wh_types *t, enum wh_type_kind kind, const char *name,
			       struct wh_type *ret)
{
	uint64_t off;
	struct wh_error *err = lookup(t, kind, name, &off);
	if (err)
		return err;
	ret->die = off;
	return NULL;
}

/* ---- type queries ---- */

struct wh_error *wh_types_resolve(struct wh_types *t, struct wh_type type,
				  enum wh_type_kind *ret_kind, struct wh_type *ret_type)
{
	uint64_t off = type.die;
	for (int i = 0; i < MAX_TYPE_CHAIN; i++) {
		if (!off) {
			*ret_kind = WH_TYPE_OTHER; /* void */
			ret_type->die = 0;
			return NULL;
		}
		Dwarf_Die die;
		struct wh_error *err = offdie(t, off, &die);
		if (err)
			return err;
		Dwarf_Half tag = die_tag(t, die);
		if (tag == DW_TAG_typedef || is_qualifier(tag)) {
			off = attr_type(t, die);
			dwarf_dealloc_die(die);
			continue;
		}
		dwarf_dealloc_die(die);
		*ret_kind = tag_kind(tag);
		ret_type->die = off;
		return NULL;
	}
	return wh_error_create(WH_ERR_FORMAT, "typedef chain too long at 0x%llx",
			       (unsigned long long)type.die);
}

struct wh_error *wh_types_target(struct wh_types *t, struct wh_type type, struct wh_type *ret)
{
	enum wh_type_kind kind;
	struct wh_type r;
	struct wh_error *err = wh_types_resolve(t, type, &kind, &r);
	if (err)
		return err;
	if (kind != WH_TYPE_POINTER && kind != WH_TYPE_ARRAY)
		return wh_error_create(WH_ERR_FORMAT, "type at 0x%llx is not a pointer or array",
				       (unsigned long long)type.die);
	Dwarf_Die die;
	err = offdie(t, r.die, &die);
	if (err)
		return err;
	ret->die = attr_type(t, die);
	dwarf_dealloc_die(die);
	return NULL;
}

struct wh_error *wh_types_array_length(struct wh_types *t, struct wh_type type, uint64_t *ret)
{
	enum wh_type_kind kind;
	struct wh_type r;
	struct wh_error *err = wh_types_resolve(t, type, &kind, &r);
	if (err)
		return err;
	if (kind != WH_TYPE_ARRAY)
		return wh_error_create(WH_ERR_FORMAT, "type at 0x%llx is not an array",
				       (unsigned long long)type.die);
	Dwarf_Die die, sub = NULL;
	err = offdie(t, r.die, &die);
	if (err)
		return err;
	Dwarf_Error e = NULL;
	*ret = 0;
	/* Only the first dimension; multi-dimensional arrays are rare in the
	 * structures we read. */
	if (dwarf_child(die, &sub, &e) == DW_DLV_OK) {
		uint64_t v;
		if (attr_udata(t, sub, DW_AT_count, &v))
			*ret = v;
		else if (attr_udata(t, sub, DW_AT_upper_bound, &v))
			*ret = v + 1;
		dwarf_dealloc_die(sub);
	} else if (e) {
		dwarf_dealloc_error(t->dbg, e);
	}
	dwarf_dealloc_die(die);
	return NULL;
}

struct wh_error *wh_types_sizeof(struct wh_types *t, struct wh_type type, uint64_t *ret)
{
	enum wh_type_kind kind;
	struct wh_type r;
	struct wh_error *err = wh_types_resolve(t, type, &kind, &r);
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
		if ((err = wh_types_array_length(t, r, &n)) ||
		    (err = wh_types_target(t, r, &elem)) ||
		    (err = wh_types_sizeof(t, elem, &elem_size)))
			return err;
		*ret = n * elem_size;
		return NULL;
	}
	Dwarf_Die die;
	err = offdie(t, r.die, &die);
	if (err)
		return err;
	bool ok = attr_udata(t, die, DW_AT_byte_size, ret);
	dwarf_dealloc_die(die);
	if (!ok)
		return wh_error_create(WH_ERR_FORMAT, "type at 0x%llx has no size",
				       (unsigned long long)r.die);
	return NULL;
}

/* Fill INFO from a DW_TAG_member DIE (offsets relative to its parent). */
static struct wh_error *member_info(struct wh_types *t, Dwarf_Die die, struct wh_member_info *info)
{
	memset(info, 0, sizeof(*info));
	info->type.die = attr_type(t, die);
	uint64_t loc = 0, bit_size = 0, v;
	attr_udata(t, die, DW_AT_data_member_location, &loc); /* unions: absent = 0 */
	struct wh_error *err = wh_types_sizeof(t, info->type, &info->size);
	if (err) {
		/* Flexible arrays have no size; keep going with 0. */
		wh_error_destroy(err);
		info->size = 0;
	}
	if (attr_udata(t, die, DW_AT_bit_size, &bit_size) && bit_size) {
		uint64_t bit_off;
		if (attr_udata(t, die, DW_AT_data_bit_offset, &v)) {
			bit_off = v; /* DWARF 4+: from the start of the parent */
		} else {
			/* DWARF 2/3: DW_AT_bit_offset counts from the storage
			 * unit's most significant bit (little-endian here). */
			uint64_t unit = info->size;
			attr_udata(t, die, DW_AT_byte_size, &unit);
			uint64_t msb_off = 0;
			attr_udata(t, die, DW_AT_bit_offset, &msb_off);
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
static struct wh_error *find_member(struct wh_types *t, uint64_t off, const char *name,
				    unsigned depth, struct wh_member_info *ret)
{
	if (depth > MAX_ANON_DEPTH)
		return wh_error_create(WH_ERR_FORMAT, "anonymous members nested too deep");
	Dwarf_Die die, child = NULL;
	struct wh_error *err = offdie(t, off, &die);
	if (err)
		return err;
	Dwarf_Error e = NULL;
	int rc = dwarf_child(die, &child, &e);
	dwarf_dealloc_die(die);
	if (rc == DW_DLV_ERROR)
		return derr(t, e, "reading members");
	bool found = false;
	while (rc == DW_DLV_OK && child && !found) {
		if (die_tag(t, child) == DW_TAG_member) {
			const char *mname = die_name(t, child);
			if (mname && !strcmp(mname, name)) {
				err = member_info(t, child, ret);
				found = !err;
			} else if (!mname) {
				struct wh_member_info anon;
				enum wh_type_kind kind;
				struct wh_type inner;
				err = member_info(t, child, &anon);
				if (!err)
					err = wh_types_resolve(t, anon.type, &kind, &inner);
				if (!err && (kind == WH_TYPE_STRUCT || kind == WH_TYPE_UNION)) {
					err = find_member(t, inner.die, name, depth + 1, ret);
					if (!err) {
						ret->offset += anon.offset;
						ret->bit_offset += (uint32_t)anon.offset * 8;
						found = true;
					} else if (err->code == WH_ERR_ABSENT) {
						wh_error_destroy(err);
						err = NULL;
					}
				}
			}
			if (err) {
				dwarf_dealloc_die(child);
				return err;
			}
		}
		if (found)
			break;
		Dwarf_Die next = NULL;
		rc = dwarf_siblingof_b(t->dbg, child, true, &next, &e);
		dwarf_dealloc_die(child);
		child = next;
	}
	if (found) {
		dwarf_dealloc_die(child);
		return NULL;
	}
	if (rc == DW_DLV_ERROR)
		return derr(t, e, "reading members");
	return wh_error_create(WH_ERR_ABSENT, "no member %s", name);
}

static struct wh_error *resolve_member(struct wh_types *t, struct wh_type outer, const char *path,
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
		struct wh_error *err = wh_types_resolve(t, acc.type, &kind, &r);
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
			if ((err = wh_types_array_length(t, acc.type, &len)) ||
			    (err = wh_types_target(t, acc.type, &elem)) ||
			    (err = wh_types_sizeof(t, elem, &elem_size)))
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

struct wh_error *wh_types_member(struct wh_types *t, struct wh_type outer, const char *path,
				 struct wh_member_info *ret)
{
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
	if (wh_name_map_add(&t->member_index, 0, m->key, t->n_memos) == NULL)
		t->n_memos++;
	else
		free(m->key);
	return err;
}

struct wh_error *wh_types_struct_size(struct wh_types *t, const char *name, uint64_t *ret)
{
	struct wh_type type;
	struct wh_error *err = wh_types_find(t, WH_TYPE_STRUCT, name, &type);
	if (err)
		return err;
	return wh_types_sizeof(t, type, ret);
}

struct wh_error *wh_types_struct_member(struct wh_types *t, const char *struct_name,
					const char *path, struct wh_member_info *ret)
{
	struct wh_type type;
	struct wh_error *err = wh_types_find(t, WH_TYPE_STRUCT, struct_name, &type);
	if (err)
		return err;
	err = wh_types_member(t, type, path, ret);
	return err ? wh_error_wrap(err, "struct %s", struct_name) : NULL;
}

struct wh_error *wh_types_enumerator(struct wh_types *t, const char *name, int64_t *ret)
{
	uint64_t off;
	struct wh_error *err = lookup(t, NS_ENUMERATOR, name, &off);
	if (err)
		return err;
	Dwarf_Die die;
	err = offdie(t, off, &die);
	if (err)
		return err;
	bool ok = attr_sdata(t, die, DW_AT_const_value, ret);
	dwarf_dealloc_die(die);
	if (!ok)
		return wh_error_create(WH_ERR_FORMAT, "enumerator %s has no value", name);
	return NULL;
}

/* The compile unit of CODE_ADDR: its root DIE's offset in .debug_info,
 * and its header's when RET_HEADER is not NULL. */
static struct wh_error *cu_offset_at(struct wh_types *t, uint64_t code_addr, Dwarf_Off *ret,
				     Dwarf_Off *ret_header)
{
	Dwarf_Error e = NULL;
	if (!t->aranges && dwarf_get_aranges(t->dbg, &t->aranges, &t->n_aranges, &e) != DW_DLV_OK) {
		t->aranges = NULL;
		return e ? derr(t, e, "reading .debug_aranges")
			 : wh_error_create(WH_ERR_ABSENT, "no .debug_aranges");
	}
	Dwarf_Arange ar;
	if (dwarf_get_arange(t->aranges, (Dwarf_Unsigned)t->n_aranges, code_addr, &ar, &e) !=
		DW_DLV_OK ||
	    dwarf_get_cu_die_offset(ar, ret, &e) != DW_DLV_OK ||
	    (ret_header && dwarf_get_arange_cu_header_offset(ar, ret_header, &e) != DW_DLV_OK)) {
		if (e)
			dwarf_dealloc_error(t->dbg, e);
		return wh_error_create(WH_ERR_ABSENT, "no compile unit covers 0x%llx",
				       (unsigned long long)code_addr);
	}
	return NULL;
}

struct wh_error *wh_types_index_cu_at(struct wh_types *t, uint64_t code_addr)
{
	Dwarf_Off cu_off;
	struct wh_error *err = cu_offset_at(t, code_addr, &cu_off, NULL);
	if (err)
		return err;
	/* Each CU once; the sequential scan may meet it again (first wins). */
	for (size_t i = 0; i < t->n_hinted; i++)
		if (t->hinted[i] == cu_off)
			return NULL;
	if (t->n_hinted < sizeof(t->hinted) / sizeof(*t->hinted))
		t->hinted[t->n_hinted++] = cu_off;
	Dwarf_Die cu;
	if ((err = offdie(t, cu_off, &cu)))
		return err;
	return index_cu(t, cu);
}

struct wh_error *wh_types_variable_near(struct wh_types *t, const char *name, uint64_t code_addr,
					struct wh_type *ret)
{
	Dwarf_Error e = NULL;
	Dwarf_Off cu_off;
	struct wh_error *cerr = cu_offset_at(t, code_addr, &cu_off, NULL);
	if (cerr)
		return cerr;
	Dwarf_Die cu, child = NULL;
	struct wh_error *err = offdie(t, cu_off, &cu);
	if (err)
		return err;
	int rc = dwarf_child(cu, &child, &e);
	dwarf_dealloc_die(cu);
	while (rc == DW_DLV_OK && child) {
		if (die_tag(t, child) == DW_TAG_variable) {
			const char *vname = die_name(t, child);
			if (vname && !strcmp(vname, name)) {
				ret->die = attr_type(t, child);
				dwarf_dealloc_die(child);
				return NULL;
			}
		}
		Dwarf_Die next = NULL;
		rc = dwarf_siblingof_b(t->dbg, child, true, &next, &e);
		dwarf_dealloc_die(child);
		child = next;
	}
	if (e)
		dwarf_dealloc_error(t->dbg, e);
	return wh_error_create(WH_ERR_ABSENT, "variable %s not found", name);
}

static char *comp_dir_of(struct wh_types *t, Dwarf_Die cu)
{
	Dwarf_Attribute attr;
	Dwarf_Error e = NULL;
	char *dir = NULL;
	if (dwarf_attr(cu, DW_AT_comp_dir, &attr, &e) == DW_DLV_OK) {
		char *s = NULL;
		if (dwarf_formstring(attr, &s, &e) == DW_DLV_OK && s)
			dir = strdup(s);
		dwarf_dealloc_attribute(attr);
	}
	if (e)
		dwarf_dealloc_error(t->dbg, e);
	return dir;
}

/* The CU's DW_AT_stmt_list: its line program's offset in .debug_line. */
static struct wh_error *stmt_list_of(struct wh_types *t, Dwarf_Die cu, uint64_t *ret)
{
	Dwarf_Attribute attr;
	Dwarf_Error e = NULL;
	int rc = dwarf_attr(cu, DW_AT_stmt_list, &attr, &e);
	if (rc == DW_DLV_NO_ENTRY)
		return wh_error_create(WH_ERR_ABSENT, "no line table");
	if (rc == DW_DLV_OK) {
		Dwarf_Off off;
		rc = dwarf_global_formref(attr, &off, &e);
		dwarf_dealloc_attribute(attr);
		if (rc == DW_DLV_OK) {
			*ret = off;
			return NULL;
		}
	}
	return derr(t, e, "reading DW_AT_stmt_list");
}

/* The sections source lines use, as libdwarf sees them (module DWARF
 * relocated, compressed sections inflated); only .debug_line is needed. */
static struct wh_error *load_line_sections(struct wh_types *t)
{
	if (t->line_sections.line_size)
		return NULL;
	struct wh_line_sections l = {0};
	struct wh_unit_sections u = {0};
	const struct {
		const char *name;
		const unsigned char **data;
		uint64_t *size;
	} sections[] = {
	    {".debug_line", &l.line, &l.line_size},
	    {".debug_line_str", &l.line_str, &l.line_str_size},
	    {".debug_str", &l.str, &l.str_size},
	    {".debug_info", &u.info, &u.info_size},
	    {".debug_abbrev", &u.abbrev, &u.abbrev_size},
	    {".debug_str_offsets", &u.str_offsets, &u.str_offsets_size},
	};
	struct wh_error *err = NULL;
	for (size_t i = 0; i < sizeof(sections) / sizeof(*sections) && !err; i++) {
		err = wh_dwarf_object_section(t->obj, sections[i].name, sections[i].data,
					      sections[i].size);
		if (err && err->code == WH_ERR_ABSENT && i > 0) {
			wh_error_destroy(err);
			err = NULL;
		}
	}
	if (!err && !l.line_size)
		err = wh_error_create(WH_ERR_ABSENT, "empty .debug_line");
	if (err)
		return err;
	u.str = l.str;
	u.str_size = l.str_size;
	u.line_str = l.line_str;
	u.line_str_size = l.line_str_size;
	t->line_sections = l;
	t->unit_sections = u;
	return NULL;
}

/* The CU's line table, the CU's attributes read by libdwarf: for what
 * wh_dwarf_unit_lines() does not read (e.g. a dwz file's strings). */
static struct wh_error *load_lines_via_libdwarf(struct wh_types *t, uint64_t cu_off,
						struct wh_line_table **ret)
{
	Dwarf_Die cu;
	struct wh_error *err = offdie(t, cu_off, &cu);
	if (err)
		return err;
	uint64_t offset = 0;
	err = stmt_list_of(t, cu, &offset);
	char *comp_dir = err ? NULL : comp_dir_of(t, cu);
	dwarf_dealloc_die(cu);
	if (!err)
		err = wh_line_table_create(&t->line_sections, offset, comp_dir, ret);
	free(comp_dir);
	return err;
}

/* The line table of the CU whose root DIE is at CU_OFF and header at
 * HEADER: its attributes read without libdwarf, whose dwarf_offdie_b()
 * would first set up every CU before it (see dwarf_unit.h). */
static struct wh_error *load_lines(struct wh_types *t, uint64_t cu_off, uint64_t header,
				   struct wh_line_table **ret)
{
	struct wh_error *err = load_line_sections(t);
	if (err)
		return err;
	uint64_t offset;
	const char *comp_dir;
	err = wh_dwarf_unit_lines(&t->unit_sections, header, &offset, &comp_dir);
	if (err && err->code == WH_ERR_FORMAT) {
		wh_error_destroy(err);
		return load_lines_via_libdwarf(t, cu_off, ret);
	}
	if (err)
		return err;
	return wh_line_table_create(&t->line_sections, offset, comp_dir, ret);
}

struct wh_error *wh_types_source_line(struct wh_types *t, uint64_t addr, const char **ret_file,
				      unsigned *ret_line)
{
	Dwarf_Off cu_off, header;
	struct wh_error *err = cu_offset_at(t, addr, &cu_off, &header);
	if (err)
		return err;
	struct line_cache *c = NULL, *victim = &t->lines[0];
	for (size_t i = 0; i < LINE_CACHE_ENTRIES && !c; i++) {
		if (t->lines[i].table && t->lines[i].cu_off == cu_off)
			c = &t->lines[i];
		else if (!t->lines[i].table || t->lines[i].last_use < victim->last_use)
			victim = &t->lines[i];
	}
	if (!c) {
		struct wh_line_table *table;
		if ((err = load_lines(t, cu_off, header, &table)))
			return err;
		if (t->img)
			wh_elf_image_release_section(t->img, ".debug_line");
		c = victim;
		wh_line_table_destroy(c->table);
		c->table = table;
		c->cu_off = cu_off;
	}
	c->last_use = ++t->line_clock;
	const char *file;
	err = wh_line_table_find(c->table, addr, &file, ret_line);
	if (err)
		return err;
	snprintf(t->line_result, sizeof(t->line_result), "%s", file);
	*ret_file = t->line_result;
	return NULL;
}
