/* What a source of types fills in to stand behind types.h: one table of
 * operations and its private state, as libkdumpfile's formats do. Only
 * the backends (dwarf_types.c, btf_types.c) include this. An operation
 * left NULL answers WH_ERR_ABSENT (or nothing, for the hints). */
#ifndef WHYHUNG_TYPES_BACKEND_H
#define WHYHUNG_TYPES_BACKEND_H

#include "types.h"

struct wh_types_ops {
	const char *name; /* "DWARF", "BTF" */
	void (*destroy)(void *priv);
	struct wh_error *(*find)(void *priv, enum wh_type_kind kind, const char *name,
				 struct wh_type *ret);
	struct wh_error *(*resolve)(void *priv, struct wh_type type, enum wh_type_kind *ret_kind,
				    struct wh_type *ret_type);
	struct wh_error *(*target)(void *priv, struct wh_type type, struct wh_type *ret);
	struct wh_error *(*array_length)(void *priv, struct wh_type type, uint64_t *ret);
	struct wh_error *(*size)(void *priv, struct wh_type type, uint64_t *ret);
	struct wh_error *(*member)(void *priv, struct wh_type outer, const char *path,
				   struct wh_member_info *ret);
	struct wh_error *(*enumerator)(void *priv, const char *name, int64_t *ret);
	struct wh_error *(*variable_near)(void *priv, const char *name, uint64_t code_addr,
					  struct wh_type *ret);
	struct wh_error *(*index_cu_at)(void *priv, uint64_t code_addr);
	struct wh_error *(*source_line)(void *priv, uint64_t addr, const char **ret_file,
					unsigned *ret_line);
	struct wh_error *(*inlined_at)(void *priv, uint64_t addr, struct wh_inline_site **ret,
				       size_t *ret_n);
	size_t (*units_scanned)(const void *priv);
};

/* The types.h handle on backend state PRIV; destroys PRIV with
 * OPS->destroy when that fails. */
struct wh_error *wh_types_wrap(const struct wh_types_ops *ops, void *priv, struct wh_types **ret);

/* T's backend state when T is of the backend OPS, else NULL (a split BTF
 * needs its base's). */
void *wh_types_backend_state(const struct wh_types *t, const struct wh_types_ops *ops);

#endif
