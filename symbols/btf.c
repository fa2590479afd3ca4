#include "btf.h"
#include "name_map.h"

#include <stdlib.h>
#include <string.h>

enum { BTF_MAGIC = 0xeb9f, HEADER_SIZE = 24, RECORD_SIZE = 12 };
/* Longest typedef/qualifier/array chain followed: real kernels need < 10. */
enum { MAX_CHAIN = 64 };
/* Name-map tag for enumerators (types use their kind). */
enum { NS_ENUMERATOR = 100 };
/* A kernel's BTF is a few MB; refuse absurd sizes before copying. */
static const size_t MAX_BTF_SIZE = 256u << 20;

struct wh_btf {
	const struct wh_btf *base;
	unsigned char *data; /* owned copy of the whole blob */
	const unsigned char *types, *strings;
	uint32_t types_len, strings_len;
	uint32_t first_id, count; /* ids first_id .. count-1 are here */
	uint32_t str_start;	  /* string offsets below this are the base's */
	uint32_t *offsets;	  /* record offset in types, per local id */
	struct wh_name_map names; /* (kind, name) -> id; (NS_ENUMERATOR, name) -> id << 16 | i */
};

static uint32_t u32_at(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* Extra bytes after the 12-byte record, by kind; -1 for unknown kinds. */
static int64_t extra_size(unsigned kind, uint32_t vlen)
{
	switch (kind) {
	case WH_BTF_INT:
	case WH_BTF_VAR:
	case WH_BTF_DECL_TAG: return 4;
	case WH_BTF_ARRAY: return 12;
	case WH_BTF_STRUCT:
	case WH_BTF_UNION:
	case WH_BTF_DATASEC:
	case WH_BTF_ENUM64: return 12 * (int64_t)vlen;
	case WH_BTF_ENUM:
	case WH_BTF_FUNC_PROTO: return 8 * (int64_t)vlen;
	case WH_BTF_PTR:
	case WH_BTF_FWD:
	case WH_BTF_TYPEDEF:
	case WH_BTF_VOLATILE:
	case WH_BTF_CONST:
	case WH_BTF_RESTRICT:
	case WH_BTF_FUNC:
	case WH_BTF_FLOAT:
	case WH_BTF_TYPE_TAG: return 0;
	default: return -1;
	}
}

/* NULL when OFF is outside both string sections. */
static const char *string_at(const struct wh_btf *btf, uint32_t off)
{
	if (off < btf->str_start)
		return btf->base ? string_at(btf->base, off) : NULL;
	off -= btf->str_start;
	return off < btf->strings_len ? (const char *)btf->strings + off : NULL;
}

static const unsigned char *record(const struct wh_btf *btf, uint32_t id)
{
	if (id < btf->first_id)
		return btf->base ? record(btf->base, id) : NULL;
	return btf->types + btf->offsets[id - btf->first_id];
}

static struct wh_error *check_header(const unsigned char *d, size_t size, uint32_t *ret_hdr_len)
{
	if (size < HEADER_SIZE)
		return wh_error_create(WH_ERR_FORMAT, "BTF of %zu bytes is shorter than its header",
				       size);
	uint16_t magic;
	memcpy(&magic, d, 2);
	if (magic == 0x9feb)
		return wh_error_create(WH_ERR_FORMAT, "BTF is big-endian");
	if (magic != BTF_MAGIC)
		return wh_error_create(WH_ERR_FORMAT, "BTF magic is 0x%04x, not 0xeb9f", magic);
	if (d[2] != 1)
		return wh_error_create(WH_ERR_FORMAT, "BTF version %u (only 1 is known)", d[2]);
	uint32_t hdr_len = u32_at(d + 4);
	if (hdr_len < HEADER_SIZE || hdr_len > size)
		return wh_error_create(WH_ERR_FORMAT, "BTF header length %u out of range", hdr_len);
	*ret_hdr_len = hdr_len;
	return NULL;
}

/* Section OFF/LEN of the header, relative to its end, inside SIZE. */
static struct wh_error *check_section(const char *what, uint32_t hdr_len, uint32_t off,
				      uint32_t len, size_t size)
{
	if ((uint64_t)hdr_len + off + len > size)
		return wh_error_create(WH_ERR_FORMAT,
				       "BTF %s section (offset %u, %u bytes) beyond its %zu bytes",
				       what, off, len, size);
	return NULL;
}

static struct wh_error *check_strings(struct wh_btf *btf)
{
	if (btf->strings_len == 0 || btf->strings[btf->strings_len - 1] != '\0')
		return wh_error_create(WH_ERR_FORMAT, "BTF string section is not NUL-terminated");
	if (!btf->base && btf->strings[0] != '\0')
		return wh_error_create(WH_ERR_FORMAT, "BTF string section does not start empty");
	return NULL;
}

static struct wh_error *bad_name(uint32_t id, uint32_t off)
{
	return wh_error_create(WH_ERR_FORMAT, "BTF type %u: name offset %u out of range", id, off);
}

static struct wh_error *bad_ref(uint32_t id, uint32_t ref, uint32_t count)
{
	return wh_error_create(WH_ERR_FORMAT, "BTF type %u refers to type %u of %u", id, ref,
			       count);
}

/* First pass: record boundaries and names. */
static struct wh_error *index_records(struct wh_btf *btf)
{
	uint32_t n = 0, cap = 0;
	for (uint64_t off = 0; off < btf->types_len;) {
		uint32_t id = btf->first_id + n;
		if (btf->types_len - off < RECORD_SIZE)
			return wh_error_create(WH_ERR_FORMAT, "BTF type %u truncated", id);
		const unsigned char *r = btf->types + off;
		uint32_t info = u32_at(r + 4);
		unsigned kind = (info >> 24) & 0x1f;
		uint32_t vlen = info & 0xffff;
		int64_t extra = extra_size(kind, vlen);
		if (extra < 0)
			return wh_error_create(WH_ERR_FORMAT, "BTF type %u has unknown kind %u", id,
					       kind);
		if ((uint64_t)extra > btf->types_len - off - RECORD_SIZE)
			return wh_error_create(
			    WH_ERR_FORMAT, "BTF type %u: %u entries run past the end", id, vlen);
		if (!string_at(btf, u32_at(r)))
			return bad_name(id, u32_at(r));
		if (id == UINT32_MAX)
			return wh_error_create(WH_ERR_FORMAT, "too many BTF types");
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			uint32_t *grown = realloc(btf->offsets, cap * sizeof(*grown));
			if (!grown)
				return &wh_error_nomem;
			btf->offsets = grown;
		}
		btf->offsets[n++] = (uint32_t)off;
		off += RECORD_SIZE + (uint64_t)extra;
	}
	btf->count = btf->first_id + n;
	return NULL;
}

static struct wh_error *check_ref(const struct wh_btf *btf, uint32_t id, uint32_t ref)
{
	return ref < btf->count ? NULL : bad_ref(id, ref, btf->count);
}

/* Members: names, types, and bit offsets inside the struct's size. */
static struct wh_error *check_members(const struct wh_btf *btf, uint32_t id, const unsigned char *r,
				      uint32_t vlen, bool kflag, uint32_t size)
{
	for (uint32_t i = 0; i < vlen; i++) {
		const unsigned char *m = r + RECORD_SIZE + 12 * i;
		if (!string_at(btf, u32_at(m)))
			return bad_name(id, u32_at(m));
		struct wh_error *err = check_ref(btf, id, u32_at(m + 4));
		if (err)
			return err;
		uint32_t off = u32_at(m + 8);
		uint64_t bit_off = kflag ? off & 0xffffff : off;
		uint64_t bit_size = kflag ? off >> 24 : 0;
		if (bit_off + bit_size > (uint64_t)size * 8)
			return wh_error_create(
			    WH_ERR_FORMAT, "BTF type %u: member %u at bit %llu beyond its %u bytes",
			    id, i, (unsigned long long)bit_off, size);
	}
	return NULL;
}

/* Name/value lists (enumerators, parameters): names in range; STRIDE
 * bytes each, the type id (parameters) at byte 4 when CHECK_TYPE. */
static struct wh_error *check_list(const struct wh_btf *btf, uint32_t id, const unsigned char *r,
				   uint32_t vlen, unsigned stride, bool check_type)
{
	for (uint32_t i = 0; i < vlen; i++) {
		const unsigned char *e = r + RECORD_SIZE + (size_t)stride * i;
		if (!string_at(btf, u32_at(e)))
			return bad_name(id, u32_at(e));
		struct wh_error *err = check_type ? check_ref(btf, id, u32_at(e + 4)) : NULL;
		if (err)
			return err;
	}
	return NULL;
}

/* Second pass, once every id is known: references and per-kind entries. */
static struct wh_error *check_record(const struct wh_btf *btf, uint32_t id)
{
	const unsigned char *r = record(btf, id);
	uint32_t info = u32_at(r + 4), st = u32_at(r + 8);
	unsigned kind = (info >> 24) & 0x1f;
	uint32_t vlen = info & 0xffff;
	bool kflag = info >> 31;
	switch (kind) {
	case WH_BTF_PTR:
	case WH_BTF_TYPEDEF:
	case WH_BTF_VOLATILE:
	case WH_BTF_CONST:
	case WH_BTF_RESTRICT:
	case WH_BTF_FUNC:
	case WH_BTF_VAR:
	case WH_BTF_DECL_TAG:
	case WH_BTF_TYPE_TAG:
	case WH_BTF_FUNC_PROTO: {
		struct wh_error *err = check_ref(btf, id, st);
		if (err || kind != WH_BTF_FUNC_PROTO)
			return err;
		return check_list(btf, id, r, vlen, 8, true);
	}
	case WH_BTF_ARRAY: {
		struct wh_error *err = check_ref(btf, id, u32_at(r + RECORD_SIZE));
		return err ? err : check_ref(btf, id, u32_at(r + RECORD_SIZE + 4));
	}
	case WH_BTF_STRUCT:
	case WH_BTF_UNION: return check_members(btf, id, r, vlen, kflag, st);
	case WH_BTF_ENUM: return check_list(btf, id, r, vlen, 8, false);
	case WH_BTF_ENUM64: return check_list(btf, id, r, vlen, 12, false);
	case WH_BTF_DATASEC:
		for (uint32_t i = 0; i < vlen; i++) {
			struct wh_error *err = check_ref(btf, id, u32_at(r + RECORD_SIZE + 12 * i));
			if (err)
				return err;
		}
		return NULL;
	default: return NULL;
	}
}

static struct wh_error *index_names(struct wh_btf *btf)
{
	/* Most types are named; enumerators come on top (grown as needed). */
	struct wh_error *reserve = wh_name_map_reserve(&btf->names, btf->count - btf->first_id);
	if (reserve)
		return reserve;
	for (uint32_t id = btf->first_id; id < btf->count; id++) {
		struct wh_btf_type t;
		struct wh_error *err = wh_btf_type(btf, id, &t);
		/* Functions are half of a vmlinux's records and rarely looked
		 * up: wh_btf_find() scans for them. */
		if (!err && t.name[0] && t.kind != WH_BTF_FUNC)
			err = wh_name_map_add(&btf->names, t.kind, t.name, id);
		for (uint32_t i = 0;
		     !err && i < t.vlen && (t.kind == WH_BTF_ENUM || t.kind == WH_BTF_ENUM64);
		     i++) {
			const char *name;
			int64_t value;
			err = wh_btf_enumerator(btf, id, i, &name, &value);
			if (!err && name[0])
				err = wh_name_map_add(&btf->names, NS_ENUMERATOR, name,
						      (uint64_t)id << 16 | i);
		}
		if (err)
			return err;
	}
	return NULL;
}

static struct wh_error *parse(struct wh_btf *btf, size_t size)
{
	uint32_t hdr_len = 0;
	struct wh_error *err = check_header(btf->data, size, &hdr_len);
	if (err)
		return err;
	const unsigned char *h = btf->data;
	uint32_t type_off = u32_at(h + 8), type_len = u32_at(h + 12);
	uint32_t str_off = u32_at(h + 16), str_len = u32_at(h + 20);
	if ((err = check_section("type", hdr_len, type_off, type_len, size)) ||
	    (err = check_section("string", hdr_len, str_off, str_len, size)))
		return err;
	btf->types = btf->data + hdr_len + type_off;
	btf->types_len = type_len;
	btf->strings = btf->data + hdr_len + str_off;
	btf->strings_len = str_len;
	if (btf->base) {
		btf->first_id = btf->base->count;
		btf->str_start = btf->base->str_start + btf->base->strings_len;
	} else {
		btf->first_id = 1;
	}
	if ((err = check_strings(btf)) || (err = index_records(btf)))
		return err;
	for (uint32_t id = btf->first_id; id < btf->count; id++)
		if ((err = check_record(btf, id)))
			return err;
	return index_names(btf);
}

struct wh_error *wh_btf_parse(const void *data, size_t size, const struct wh_btf *base,
			      struct wh_btf **ret)
{
	if (size > MAX_BTF_SIZE)
		return wh_error_create(WH_ERR_FORMAT, "BTF of %zu bytes is implausibly large",
				       size);
	struct wh_btf *btf = calloc(1, sizeof(*btf));
	if (!btf)
		return &wh_error_nomem;
	btf->base = base;
	btf->data = malloc(size ? size : 1);
	if (!btf->data) {
		free(btf);
		return &wh_error_nomem;
	}
	if (size)
		memcpy(btf->data, data, size);
	wh_name_map_init(&btf->names);
	struct wh_error *err = parse(btf, size);
	if (err) {
		wh_btf_destroy(btf);
		return err;
	}
	*ret = btf;
	return NULL;
}

void wh_btf_destroy(struct wh_btf *btf)
{
	if (!btf)
		return;
	wh_name_map_deinit(&btf->names);
	free(btf->offsets);
	free(btf->data);
	free(btf);
}

uint32_t wh_btf_count(const struct wh_btf *btf)
{
	return btf->count;
}

uint32_t wh_btf_first_id(const struct wh_btf *btf)
{
	return btf->first_id;
}

struct wh_error *wh_btf_type(const struct wh_btf *btf, uint32_t id, struct wh_btf_type *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->name = "";
	if (id == 0)
		return NULL;
	if (id >= btf->count)
		return wh_error_create(WH_ERR_FORMAT, "BTF type %u out of range (%u types)", id,
				       btf->count);
	const struct wh_btf *owner = btf;
	while (id < owner->first_id)
		owner = owner->base;
	const unsigned char *r = record(owner, id);
	uint32_t info = u32_at(r + 4), st = u32_at(r + 8);
	ret->name = string_at(owner, u32_at(r)); /* checked when parsed */
	ret->kind = (info >> 24) & 0x1f;
	ret->vlen = info & 0xffff;
	ret->kflag = info >> 31;
	switch (ret->kind) {
	case WH_BTF_INT:
	case WH_BTF_STRUCT:
	case WH_BTF_UNION:
	case WH_BTF_ENUM:
	case WH_BTF_ENUM64:
	case WH_BTF_FLOAT:
	case WH_BTF_DATASEC: ret->size = st; break;
	case WH_BTF_ARRAY:
		ret->array_type = u32_at(r + RECORD_SIZE);
		ret->array_nelems = u32_at(r + RECORD_SIZE + 8);
		break;
	default: ret->type = st; break;
	}
	return NULL;
}

/* The record of ID if it is one of KIND_A/KIND_B with more than I entries. */
static struct wh_error *entry(const struct wh_btf *btf, uint32_t id, uint32_t i, unsigned kind_a,
			      unsigned kind_b, struct wh_btf_type *t, const struct wh_btf **owner)
{
	struct wh_error *err = wh_btf_type(btf, id, t);
	if (err)
		return err;
	if (t->kind != kind_a && t->kind != kind_b)
		return wh_error_create(WH_ERR_FORMAT, "BTF type %u is of kind %u", id, t->kind);
	if (i >= t->vlen)
		return wh_error_create(WH_ERR_FORMAT, "BTF type %u has no entry %u", id, i);
	*owner = btf;
	while (id < (*owner)->first_id)
		*owner = (*owner)->base;
	return NULL;
}

struct wh_error *wh_btf_member(const struct wh_btf *btf, uint32_t id, uint32_t i,
			       struct wh_btf_member *ret)
{
	struct wh_btf_type t;
	const struct wh_btf *owner;
	struct wh_error *err = entry(btf, id, i, WH_BTF_STRUCT, WH_BTF_UNION, &t, &owner);
	if (err)
		return err;
	const unsigned char *m = record(owner, id) + RECORD_SIZE + 12 * i;
	uint32_t off = u32_at(m + 8);
	ret->name = string_at(owner, u32_at(m));
	ret->type = u32_at(m + 4);
	ret->bit_offset = t.kflag ? off & 0xffffff : off;
	ret->bit_size = t.kflag ? off >> 24 : 0;
	return NULL;
}

struct wh_error *wh_btf_enumerator(const struct wh_btf *btf, uint32_t id, uint32_t i,
				   const char **ret_name, int64_t *ret_value)
{
	struct wh_btf_type t;
	const struct wh_btf *owner;
	struct wh_error *err = entry(btf, id, i, WH_BTF_ENUM, WH_BTF_ENUM64, &t, &owner);
	if (err)
		return err;
	const unsigned char *r = record(owner, id) + RECORD_SIZE;
	if (t.kind == WH_BTF_ENUM) {
		const unsigned char *e = r + 8 * i;
		uint32_t v = u32_at(e + 4);
		*ret_name = string_at(owner, u32_at(e));
		/* kflag: signed values (5.16+); older BTF: signed too. */
		*ret_value = (int32_t)v;
		return NULL;
	}
	const unsigned char *e = r + 12 * i;
	*ret_name = string_at(owner, u32_at(e));
	*ret_value = (int64_t)((uint64_t)u32_at(e + 8) << 32 | u32_at(e + 4));
	return NULL;
}

struct wh_error *wh_btf_find(const struct wh_btf *btf, enum wh_btf_kind kind, const char *name,
			     uint32_t *ret)
{
	for (; btf; btf = btf->base) {
		uint64_t v;
		if (kind != WH_BTF_FUNC && wh_name_map_get(&btf->names, kind, name, &v)) {
			*ret = (uint32_t)v;
			return NULL;
		}
		for (uint32_t id = btf->first_id; kind == WH_BTF_FUNC && id < btf->count; id++) {
			struct wh_btf_type t;
			if (wh_best_effort(wh_btf_type(btf, id, &t)) && t.kind == WH_BTF_FUNC &&
			    !strcmp(t.name, name)) {
				*ret = id;
				return NULL;
			}
		}
	}
	return wh_error_create(WH_ERR_ABSENT, "no BTF type %s", name);
}

struct wh_error *wh_btf_find_enumerator(const struct wh_btf *btf, const char *name, int64_t *ret)
{
	for (const struct wh_btf *b = btf; b; b = b->base) {
		uint64_t v;
		if (wh_name_map_get(&b->names, NS_ENUMERATOR, name, &v)) {
			const char *found;
			return wh_btf_enumerator(b, (uint32_t)(v >> 16), v & 0xffff, &found, ret);
		}
	}
	return wh_error_create(WH_ERR_ABSENT, "no BTF enumerator %s", name);
}

static bool is_modifier(enum wh_btf_kind kind)
{
	return kind == WH_BTF_TYPEDEF || kind == WH_BTF_VOLATILE || kind == WH_BTF_CONST ||
	       kind == WH_BTF_RESTRICT || kind == WH_BTF_TYPE_TAG;
}

struct wh_error *wh_btf_skip_modifiers(const struct wh_btf *btf, uint32_t id, uint32_t *ret)
{
	for (unsigned steps = 0; steps < MAX_CHAIN; steps++) {
		struct wh_btf_type t;
		struct wh_error *err = wh_btf_type(btf, id, &t);
		if (err)
			return err;
		if (!is_modifier(t.kind)) {
			*ret = id;
			return NULL;
		}
		id = t.type;
	}
	return wh_error_create(WH_ERR_FORMAT, "BTF type chain longer than %d (a loop?)", MAX_CHAIN);
}

struct wh_error *wh_btf_sizeof(const struct wh_btf *btf, uint32_t id, uint64_t *ret)
{
	uint64_t factor = 1;
	for (unsigned steps = 0; steps < MAX_CHAIN; steps++) {
		struct wh_btf_type t;
		struct wh_error *err = wh_btf_skip_modifiers(btf, id, &id);
		if (!err)
			err = wh_btf_type(btf, id, &t);
		if (err)
			return err;
		switch (t.kind) {
		case WH_BTF_PTR: *ret = 8 * factor; return NULL;
		case WH_BTF_ARRAY:
			if (t.array_nelems && factor > UINT64_MAX / 2 / t.array_nelems)
				return wh_error_create(WH_ERR_FORMAT, "BTF array size overflows");
			factor *= t.array_nelems;
			id = t.array_type;
			continue;
		case WH_BTF_INT:
		case WH_BTF_STRUCT:
		case WH_BTF_UNION:
		case WH_BTF_ENUM:
		case WH_BTF_ENUM64:
		case WH_BTF_FLOAT:
			if (t.size && factor > UINT64_MAX / 2 / t.size)
				return wh_error_create(WH_ERR_FORMAT, "BTF array size overflows");
			*ret = factor * t.size;
			return NULL;
		default: return wh_error_create(WH_ERR_ABSENT, "BTF type %u has no size", id);
		}
	}
	return wh_error_create(WH_ERR_FORMAT, "BTF array chain longer than %d (a loop?)",
			       MAX_CHAIN);
}
