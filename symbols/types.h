/* Kernel types and what is known about code addresses, from whichever
 * source the kernel has: DWARF of a debug vmlinux or module
 * (dwarf_types.h) or the BTF the kernel keeps in its memory
 * (btf_types.h). Callers do not know which; a source that cannot answer a
 * question (BTF has no source lines) says WH_ERR_ABSENT. Types are probed
 * by name, never by hard-coded offsets. */
#ifndef WHYHUNG_TYPES_H
#define WHYHUNG_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct wh_types;

enum wh_type_kind {
	WH_TYPE_STRUCT = 1,
	WH_TYPE_UNION,
	WH_TYPE_ENUM,
	WH_TYPE_TYPEDEF,
	WH_TYPE_BASE,
	WH_TYPE_POINTER,
	WH_TYPE_ARRAY,
	WH_TYPE_FUNCTION,
	WH_TYPE_OTHER,
};

/* A type is its DWARF DIE's offset in .debug_info or its BTF id, as the
 * source numbers them; 0 means "no type" (void). */
struct wh_type {
	uint64_t die;
};

struct wh_member_info {
	uint64_t offset;     /* bytes from the start of the outer type */
	uint64_t size;	     /* bytes of the member's type (storage unit for bitfields) */
	uint32_t bit_offset; /* bitfields: bit offset from the start of the outer type */
	uint32_t bit_size;   /* 0 when not a bitfield */
	struct wh_type type; /* the member's declared type (typedefs kept) */
};

void wh_types_destroy(struct wh_types *types);
/* "DWARF" or "BTF": the source of the types, for the report. */
const char *wh_types_source(const struct wh_types *types);
/* Compile units indexed by the sequential scan so far (DWARF; 0 for
 * others): a regression guard for type hints. */
size_t wh_types_units_scanned(const struct wh_types *types);

/* Find a named type definition. WH_ERR_ABSENT when this kernel has none. */
struct wh_error *wh_types_find(struct wh_types *types, enum wh_type_kind kind, const char *name,
			       struct wh_type *ret);
/* Kind after following typedefs and qualifiers; and the type it resolves to. */
struct wh_error *wh_types_resolve(struct wh_types *types, struct wh_type type,
				  enum wh_type_kind *ret_kind, struct wh_type *ret_type);
struct wh_error *wh_types_sizeof(struct wh_types *types, struct wh_type type, uint64_t *ret);
/* Pointed-to type of a pointer, element type of an array. */
struct wh_error *wh_types_target(struct wh_types *types, struct wh_type type, struct wh_type *ret);
/* Element count of an array type (0 for flexible arrays). */
struct wh_error *wh_types_array_length(struct wh_types *types, struct wh_type type, uint64_t *ret);
/* Member by path: "thread.sp", "numbers[0].nr", "pids[1]"; anonymous
 * structs/unions are searched transparently. WH_ERR_ABSENT when missing. */
struct wh_error *wh_types_member(struct wh_types *types, struct wh_type outer, const char *path,
				 struct wh_member_info *ret);

/* Shortcuts by struct name. */
struct wh_error *wh_types_struct_size(struct wh_types *types, const char *name, uint64_t *ret);
struct wh_error *wh_types_struct_member(struct wh_types *types, const char *struct_name,
					const char *path, struct wh_member_info *ret);
/* Value of enumerator NAME (any enum). WH_ERR_ABSENT when missing. */
struct wh_error *wh_types_enumerator(struct wh_types *types, const char *name, int64_t *ret);

/* Type of variable NAME defined at the top level of the compile unit that
 * contains link-time code address CODE_ADDR (found via .debug_aranges).
 * For file-local statics such as tk_core whose type is anonymous. */
struct wh_error *wh_types_variable_near(struct wh_types *types, const char *name,
					uint64_t code_addr, struct wh_type *ret);

/* Index the compile unit containing link-time code address CODE_ADDR now,
 * ahead of the sequential scan: a hint for types defined late in a big
 * vmlinux (struct rq lives in kernel/sched/core.c, CU ~300 of 2,300). */
struct wh_error *wh_types_index_cu_at(struct wh_types *types, uint64_t code_addr);

/* Source file and line of code address ADDR, from .debug_line: link-time
 * for the vmlinux, runtime for a module's relocated DWARF.
 * The file is relative to the compile directory when under it; it lives
 * until the next call. WH_ERR_ABSENT when no line covers ADDR. */
struct wh_error *wh_types_source_line(struct wh_types *types, uint64_t addr, const char **ret_file,
				      unsigned *ret_line);

/* An inlined call containing a code address: the inlined function
 * (NULL: unnamed) and where it was inlined, in the function around it
 * (CALL_FILE NULL, CALL_LINE 0 when the DWARF does not say). Owned. */
struct wh_inline_site {
	char *function;
	char *call_file;
	unsigned call_line;
};

/* The inlined calls at code address ADDR (as for wh_types_source_line()),
 * innermost first; none (*RET NULL, *RET_N 0) when nothing is inlined
 * there. Free with wh_inline_sites_destroy(). */
struct wh_error *wh_types_inlined_at(struct wh_types *types, uint64_t addr,
				     struct wh_inline_site **ret, size_t *ret_n);
void wh_inline_sites_destroy(struct wh_inline_site *sites, size_t n);

#endif
