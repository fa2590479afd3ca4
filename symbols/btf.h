/* The kernel's BPF Type Format (BTF): the type information a kernel built
 * with CONFIG_DEBUG_INFO_BTF keeps in its own memory (__start_BTF ..
 * __stop_BTF, and struct module's btf_data for each module, as "split" BTF
 * whose ids and strings continue those of the vmlinux's).
 *
 * The bytes come from a dump and are hostile: parsing checks the header,
 * every record's length against the type section and every name against
 * the string section, and every type id a record refers to. Chains of
 * types (typedefs, qualifiers, arrays) are walked with a bound, so a loop
 * is an error, not a hang. Little-endian only (x86-64). */
#ifndef WHYHUNG_BTF_H
#define WHYHUNG_BTF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Record kinds, numbered as the format numbers them. */
enum wh_btf_kind {
	WH_BTF_UNKNOWN = 0,
	WH_BTF_INT = 1,
	WH_BTF_PTR,
	WH_BTF_ARRAY,
	WH_BTF_STRUCT,
	WH_BTF_UNION,
	WH_BTF_ENUM,
	WH_BTF_FWD,
	WH_BTF_TYPEDEF,
	WH_BTF_VOLATILE,
	WH_BTF_CONST,
	WH_BTF_RESTRICT,
	WH_BTF_FUNC,
	WH_BTF_FUNC_PROTO,
	WH_BTF_VAR,
	WH_BTF_DATASEC,
	WH_BTF_FLOAT,
	WH_BTF_DECL_TAG,
	WH_BTF_TYPE_TAG,
	WH_BTF_ENUM64,
	WH_BTF_KIND_MAX = WH_BTF_ENUM64,
};

struct wh_btf;

/* One type record, decoded. Id 0 is void: kind WH_BTF_UNKNOWN, no name. */
struct wh_btf_type {
	enum wh_btf_kind kind;
	const char *name; /* "" when anonymous; lives as long as the wh_btf */
	uint32_t vlen;	  /* members, enumerators, parameters */
	bool kflag;
	uint32_t size; /* INT, STRUCT, UNION, ENUM, ENUM64, FLOAT, DATASEC */
	uint32_t type; /* PTR, TYPEDEF, qualifiers, FUNC, VAR, tags: the referred id */
	uint32_t array_type, array_nelems; /* ARRAY */
};

struct wh_btf_member {
	const char *name; /* "" for an anonymous struct or union member */
	uint32_t type;
	uint32_t bit_offset;
	uint32_t bit_size; /* 0 when not a bitfield */
};

/* Parse SIZE bytes of BTF at DATA (copied; DATA may go afterwards). BASE,
 * when not NULL, is the BTF this one is split from (a module's, on the
 * vmlinux's): its ids and string offsets come first, and BASE must outlive
 * the result. WH_ERR_FORMAT, naming the offending field, when malformed. */
struct wh_error *wh_btf_parse(const void *data, size_t size, const struct wh_btf *base,
			      struct wh_btf **ret);
void wh_btf_destroy(struct wh_btf *btf);

/* Ids run from 1 to wh_btf_count() - 1 (the base's first). */
uint32_t wh_btf_count(const struct wh_btf *btf);
/* The first id this BTF (not its base) defines. */
uint32_t wh_btf_first_id(const struct wh_btf *btf);

struct wh_error *wh_btf_type(const struct wh_btf *btf, uint32_t id, struct wh_btf_type *ret);
/* Member I of a struct or union. */
struct wh_error *wh_btf_member(const struct wh_btf *btf, uint32_t id, uint32_t i,
			       struct wh_btf_member *ret);
/* Enumerator I of an enum or enum64 (value sign-extended for a signed
 * 32-bit enum). */
struct wh_error *wh_btf_enumerator(const struct wh_btf *btf, uint32_t id, uint32_t i,
				   const char **ret_name, int64_t *ret_value);

/* The first type of KIND named NAME, in this BTF then its base.
 * WH_ERR_ABSENT when none. */
struct wh_error *wh_btf_find(const struct wh_btf *btf, enum wh_btf_kind kind, const char *name,
			     uint32_t *ret);
/* Value of the enumerator NAME of any enum, here then in the base. */
struct wh_error *wh_btf_find_enumerator(const struct wh_btf *btf, const char *name, int64_t *ret);
/* Follow typedefs, qualifiers and type tags to the type they name
 * (0: void). WH_ERR_FORMAT on a loop. */
struct wh_error *wh_btf_skip_modifiers(const struct wh_btf *btf, uint32_t id, uint32_t *ret);
/* Size in bytes of type ID (arrays: element size times count; pointers:
 * 8). WH_ERR_FORMAT on a loop or an overflow, WH_ERR_ABSENT for a type
 * with no size (void, function, forward declaration). */
struct wh_error *wh_btf_sizeof(const struct wh_btf *btf, uint32_t id, uint64_t *ret);

#endif
