#include "types.h"
#include "types_backend.h"

#include <stdlib.h>

struct wh_types {
	const struct wh_types_ops *ops;
	void *priv;
};

struct wh_error *wh_types_wrap(const struct wh_types_ops *ops, void *priv, struct wh_types **ret)
{
	struct wh_types *t = malloc(sizeof(*t));
	if (!t) {
		ops->destroy(priv);
		return &wh_error_nomem;
	}
	t->ops = ops;
	t->priv = priv;
	*ret = t;
	return NULL;
}

void *wh_types_backend_state(const struct wh_types *t, const struct wh_types_ops *ops)
{
	return t && t->ops == ops ? t->priv : NULL;
}

void wh_types_destroy(struct wh_types *t)
{
	if (!t)
		return;
	t->ops->destroy(t->priv);
	free(t);
}

const char *wh_types_source(const struct wh_types *t)
{
	return t->ops->name;
}

size_t wh_types_units_scanned(const struct wh_types *t)
{
	return t->ops->units_scanned ? t->ops->units_scanned(t->priv) : 0;
}

static struct wh_error *unsupported(const struct wh_types *t, const char *what)
{
	return wh_error_create(WH_ERR_ABSENT, "%s: not in the kernel's %s", what, t->ops->name);
}

struct wh_error *wh_types_find(struct wh_types *t, enum wh_type_kind kind, const char *name,
			       struct wh_type *ret)
{
	return t->ops->find(t->priv, kind, name, ret);
}

struct wh_error *wh_types_resolve(struct wh_types *t, struct wh_type type,
				  enum wh_type_kind *ret_kind, struct wh_type *ret_type)
{
	return t->ops->resolve(t->priv, type, ret_kind, ret_type);
}

struct wh_error *wh_types_sizeof(struct wh_types *t, struct wh_type type, uint64_t *ret)
{
	return t->ops->size(t->priv, type, ret);
}

struct wh_error *wh_types_target(struct wh_types *t, struct wh_type type, struct wh_type *ret)
{
	return t->ops->target(t->priv, type, ret);
}

struct wh_error *wh_types_array_length(struct wh_types *t, struct wh_type type, uint64_t *ret)
{
	return t->ops->array_length(t->priv, type, ret);
}

struct wh_error *wh_types_member(struct wh_types *t, struct wh_type outer, const char *path,
				 struct wh_member_info *ret)
{
	return t->ops->member(t->priv, outer, path, ret);
}

struct wh_error *wh_types_struct_size(struct wh_types *t, const char *name, uint64_t *ret)
{
	struct wh_type type;
	struct wh_error *err = wh_types_find(t, WH_TYPE_STRUCT, name, &type);
	return err ? err : wh_types_sizeof(t, type, ret);
}

struct wh_error *wh_types_struct_member(struct wh_types *t, const char *struct_name,
					const char *path, struct wh_member_info *ret)
{
	struct wh_type type;
	struct wh_error *err = wh_types_find(t, WH_TYPE_STRUCT, struct_name, &type);
	if (!err)
		err = wh_types_member(t, type, path, ret);
	return err ? wh_error_wrap(err, "struct %s", struct_name) : NULL;
}

struct wh_error *wh_types_enumerator(struct wh_types *t, const char *name, int64_t *ret)
{
	return t->ops->enumerator(t->priv, name, ret);
}

struct wh_error *wh_types_variable_near(struct wh_types *t, const char *name, uint64_t code_addr,
					struct wh_type *ret)
{
	if (!t->ops->variable_near)
		return unsupported(t, name);
	return t->ops->variable_near(t->priv, name, code_addr, ret);
}

struct wh_error *wh_types_index_cu_at(struct wh_types *t, uint64_t code_addr)
{
	return t->ops->index_cu_at ? t->ops->index_cu_at(t->priv, code_addr) : NULL;
}

struct wh_error *wh_types_source_line(struct wh_types *t, uint64_t addr, const char **ret_file,
				      unsigned *ret_line)
{
	if (!t->ops->source_line)
		return unsupported(t, "source lines");
	return t->ops->source_line(t->priv, addr, ret_file, ret_line);
}

struct wh_error *wh_types_inlined_at(struct wh_types *t, uint64_t addr, struct wh_inline_site **ret,
				     size_t *ret_n)
{
	*ret = NULL;
	*ret_n = 0;
	return t->ops->inlined_at ? t->ops->inlined_at(t->priv, addr, ret, ret_n) : NULL;
}

void wh_inline_sites_destroy(struct wh_inline_site *sites, size_t n)
{
	for (size_t i = 0; sites && i < n; i++) {
		free(sites[i].function);
		free(sites[i].call_file);
	}
	free(sites);
}
