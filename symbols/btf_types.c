#include "btf_types.h"
#include "btf.h"
#include "types_backend.h"

#include <stdlib.h>
#include <string.h>

/* Bounds against hostile BTF: anonymous members inside anonymous members,
 * member paths. */
enum { MAX_ANON_DEPTH = 16, MAX_PATH = 256 };

static void btf_destroy(void *priv)
{
	wh_btf_destroy(priv);
}

static enum wh_type_kind kind_of(enum wh_btf_kind k)
{
	switch (k) {
	case WH_BTF_STRUCT: return WH_TYPE_STRUCT;
	case WH_BTF_UNION: return WH_TYPE_UNION;
	case WH_BTF_ENUM:
	case WH_BTF_ENUM64: return WH_TYPE_ENUM;
	case WH_BTF_TYPEDEF: return WH_TYPE_TYPEDEF;
	case WH_BTF_INT:
	case WH_BTF_FLOAT: return WH_TYPE_BASE;
	case WH_BTF_PTR: return WH_TYPE_POINTER;
	case WH_BTF_ARRAY: return WH_TYPE_ARRAY;
	case WH_BTF_FUNC:
	case WH_BTF_FUNC_PROTO: return WH_TYPE_FUNCTION;
	default: return WH_TYPE_OTHER;
	}
}

static uint32_t id_of(struct wh_type type)
{
	/* Ids are 32-bit; a larger value is out of range for wh_btf_type(). */
	return type.die > UINT32_MAX ? UINT32_MAX : (uint32_t)type.die;
}

static struct wh_error *btf_find(void *priv, enum wh_type_kind kind, const char *name,
				 struct wh_type *ret)
{
	static const enum wh_btf_kind kinds[][2] = {
	    [WH_TYPE_STRUCT] = {WH_BTF_STRUCT},
	    [WH_TYPE_UNION] = {WH_BTF_UNION},
	    [WH_TYPE_ENUM] = {WH_BTF_ENUM, WH_BTF_ENUM64},
	    [WH_TYPE_TYPEDEF] = {WH_BTF_TYPEDEF},
	    [WH_TYPE_BASE] = {WH_BTF_INT, WH_BTF_FLOAT},
	    [WH_TYPE_FUNCTION] = {WH_BTF_FUNC},
	};
	if ((unsigned)kind >= sizeof(kinds) / sizeof(*kinds) || !kinds[kind][0])
		return wh_error_create(WH_ERR_ABSENT, "no named BTF type %s of kind %d", name,
				       kind);
	uint32_t id;
	struct wh_error *err = wh_btf_find(priv, kinds[kind][0], name, &id);
	if (err && err->code == WH_ERR_ABSENT && kinds[kind][1]) {
		wh_error_destroy(err);
		err = wh_btf_find(priv, kinds[kind][1], name, &id);
	}
	if (err)
		return err;
	ret->die = id;
	return NULL;
}

static struct wh_error *btf_resolve(void *priv, struct wh_type type, enum wh_type_kind *ret_kind,
				    struct wh_type *ret_type)
{
	uint32_t id;
	struct wh_btf_type t;
	struct wh_error *err = wh_btf_skip_modifiers(priv, id_of(type), &id);
	if (!err)
		err = wh_btf_type(priv, id, &t);
	if (err)
		return err;
	*ret_kind = id ? kind_of(t.kind) : WH_TYPE_OTHER;
	ret_type->die = id;
	return NULL;
}

static struct wh_error *resolved(void *priv, struct wh_type type, struct wh_btf_type *ret)
{
	uint32_t id;
	struct wh_error *err = wh_btf_skip_modifiers(priv, id_of(type), &id);
	return err ? err : wh_btf_type(priv, id, ret);
}

static struct wh_error *btf_target(void *priv, struct wh_type type, struct wh_type *ret)
{
	struct wh_btf_type t;
	struct wh_error *err = resolved(priv, type, &t);
	if (err)
		return err;
	if (t.kind == WH_BTF_PTR)
		ret->die = t.type;
	else if (t.kind == WH_BTF_ARRAY)
		ret->die = t.array_type;
	else
		return wh_error_create(WH_ERR_FORMAT, "BTF type %llu is not a pointer or array",
				       (unsigned long long)type.die);
	return NULL;
}

static struct wh_error *btf_array_length(void *priv, struct wh_type type, uint64_t *ret)
{
	struct wh_btf_type t;
	struct wh_error *err = resolved(priv, type, &t);
	if (err)
		return err;
	if (t.kind != WH_BTF_ARRAY)
		return wh_error_create(WH_ERR_FORMAT, "BTF type %llu is not an array",
				       (unsigned long long)type.die);
	*ret = t.array_nelems;
	return NULL;
}

static struct wh_error *btf_sizeof(void *priv, struct wh_type type, uint64_t *ret)
{
	return wh_btf_sizeof(priv, id_of(type), ret);
}

static struct wh_error *member_info(void *priv, const struct wh_btf_member *m,
				    struct wh_member_info *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->type.die = m->type;
	/* Flexible arrays have no size (0 elements); others must have one. */
	if (!wh_best_effort(wh_btf_sizeof(priv, m->type, &ret->size)))
		ret->size = 0;
	ret->offset = m->bit_offset / 8;
	if (m->bit_size) {
		ret->bit_offset = m->bit_offset;
		ret->bit_size = m->bit_size;
	} else if (m->bit_offset % 8) {
		return wh_error_create(WH_ERR_FORMAT, "BTF member %s at bit %u is not a bitfield",
				       m->name, m->bit_offset);
	}
	return NULL;
}

/* NAME among the members of struct/union ID, descending into anonymous
 * members; offsets relative to ID. */
static struct wh_error *find_member(void *priv, uint32_t id, const char *name, unsigned depth,
				    struct wh_member_info *ret)
{
	if (depth > MAX_ANON_DEPTH)
		return wh_error_create(WH_ERR_FORMAT, "anonymous BTF members nested too deep");
	struct wh_btf_type t;
	struct wh_error *err = wh_btf_type(priv, id, &t);
	if (err)
		return err;
	for (uint32_t i = 0; i < t.vlen; i++) {
		struct wh_btf_member m;
		if ((err = wh_btf_member(priv, id, i, &m)))
			return err;
		if (m.name[0]) {
			if (!strcmp(m.name, name))
				return member_info(priv, &m, ret);
			continue;
		}
		uint32_t inner;
		struct wh_btf_type it;
		if ((err = wh_btf_skip_modifiers(priv, m.type, &inner)) ||
		    (err = wh_btf_type(priv, inner, &it)))
			return err;
		if (it.kind != WH_BTF_STRUCT && it.kind != WH_BTF_UNION)
			continue;
		err = find_member(priv, inner, name, depth + 1, ret);
		if (!err) {
			ret->offset += m.bit_offset / 8;
			ret->bit_offset += m.bit_offset / 8 * 8;
			return NULL;
		}
		if (err->code != WH_ERR_ABSENT)
			return err;
		wh_error_destroy(err);
	}
	return wh_error_create(WH_ERR_ABSENT, "no member %s", name);
}

/* One "[N]" subscript of the array member ACC. */
static struct wh_error *subscript(void *priv, const char *path, unsigned long long idx,
				  struct wh_member_info *acc)
{
	uint64_t len, elem_size;
	struct wh_type elem;
	struct wh_error *err;
	if ((err = btf_array_length(priv, acc->type, &len)) ||
	    (err = btf_target(priv, acc->type, &elem)) ||
	    (err = btf_sizeof(priv, elem, &elem_size)))
		return wh_error_wrap(err, "%s", path);
	if (len && idx >= len)
		return wh_error_create(WH_ERR_USAGE, "%s: index %llu out of bounds", path, idx);
	acc->offset += idx * elem_size;
	acc->type = elem;
	acc->size = elem_size;
	acc->bit_offset = (uint32_t)acc->offset * 8;
	acc->bit_size = 0;
	return NULL;
}

/* "a.b[2].c": the path grammar of the DWARF backend. */
static struct wh_error *btf_member(void *priv, struct wh_type outer, const char *path,
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
		uint32_t id;
		struct wh_btf_type t;
		struct wh_error *err = wh_btf_skip_modifiers(priv, id_of(acc.type), &id);
		if (!err)
			err = wh_btf_type(priv, id, &t);
		if (err)
			return err;
		if (t.kind != WH_BTF_STRUCT && t.kind != WH_BTF_UNION)
			return wh_error_create(WH_ERR_USAGE, "%s: %s is not in a struct or union",
					       path, comp);
		struct wh_member_info m;
		if ((err = find_member(priv, id, comp, 0, &m)))
			return wh_error_wrap(err, "%s", path);
		uint64_t base = first ? 0 : acc.offset;
		acc = m;
		acc.offset += base;
		acc.bit_offset += (uint32_t)base * 8;
		first = false;
		while (bracket) {
			char *end;
			unsigned long long idx = strtoull(bracket + 1, &end, 10);
			if (*end != ']')
				return wh_error_create(WH_ERR_USAGE, "%s: bad subscript", path);
			if ((err = subscript(priv, path, idx, &acc)))
				return err;
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

static struct wh_error *btf_enumerator(void *priv, const char *name, int64_t *ret)
{
	return wh_btf_find_enumerator(priv, name, ret);
}

static const struct wh_types_ops btf_ops = {
    .name = "BTF",
    .destroy = btf_destroy,
    .find = btf_find,
    .resolve = btf_resolve,
    .target = btf_target,
    .array_length = btf_array_length,
    .size = btf_sizeof,
    .member = btf_member,
    .enumerator = btf_enumerator,
};

struct wh_error *wh_types_create_btf(const void *data, size_t size, struct wh_types **ret)
{
	struct wh_btf *btf;
	struct wh_error *err = wh_btf_parse(data, size, NULL, &btf);
	return err ? err : wh_types_wrap(&btf_ops, btf, ret);
}

struct wh_error *wh_types_create_btf_split(const void *data, size_t size,
					   const struct wh_types *base, struct wh_types **ret)
{
	const struct wh_btf *b = wh_types_backend_state(base, &btf_ops);
	if (!b)
		return wh_error_create(WH_ERR_USAGE, "split BTF needs a BTF base");
	struct wh_btf *btf;
	struct wh_error *err = wh_btf_parse(data, size, b, &btf);
	return err ? err : wh_types_wrap(&btf_ops, btf, ret);
}
