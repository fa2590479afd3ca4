#include "module_btf.h"
#include "btf_types.h"
#include "list_walk.h"
#include "modules.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* A module's BTF is tens of KB; bound what a hostile size makes us copy. */
static const uint64_t MAX_MODULE_BTF = 64u << 20;

struct slot {
	bool tried;
	struct wh_types *types; /* NULL: none or unusable */
	struct wh_error *why;	/* why not, when tried and NULL */
};

struct wh_module_btf {
	struct slot *slots; /* parallel to wh_modules' array */
	size_t n;
};

/* Loaded modules with BTF; a bound for the walk of btf_modules. */
enum { MAX_BTF_MODULES = 1 << 16 };

struct find_arg {
	struct wh_kernel *k;
	uint64_t module;
	struct wh_member_info list, mod, btf;
	uint64_t found_btf; /* struct btf of the module, 0 until found */
};

static struct wh_error *visit(void *arg, uint64_t node, bool *stop)
{
	struct find_arg *a = arg;
	uint64_t entry = node - a->list.offset, mod, btf;
	struct wh_error *err;
	if ((err = wh_kernel_read_member(a->k, entry, &a->mod, &mod)) ||
	    (err = wh_kernel_read_member(a->k, entry, &a->btf, &btf)))
		return err;
	if (mod == a->module) {
		a->found_btf = btf;
		*stop = true;
	}
	return NULL;
}

/* After a module's init the kernel drops its .BTF section and clears
 * btf_data (do_init_module(), CONFIG_DEBUG_INFO_BTF_MODULES): the parsed
 * copy lives on, a struct btf on the btf_modules list of
 * kernel/bpf/btf.c. */
static struct wh_error *btf_of_module(struct wh_kernel *k, const struct wh_module *mod,
				      uint64_t *ret_data, uint64_t *ret_size)
{
	struct find_arg a = {.k = k, .module = mod->address};
	struct wh_member_info data_m, size_m;
	uint64_t head;
	struct wh_error *err;
	if ((err = wh_kernel_member(k, "btf_module", "list", &a.list)) ||
	    (err = wh_kernel_member(k, "btf_module", "module", &a.mod)) ||
	    (err = wh_kernel_member(k, "btf_module", "btf", &a.btf)) ||
	    (err = wh_kernel_member(k, "btf", "data", &data_m)) ||
	    (err = wh_kernel_member(k, "btf", "data_size", &size_m)) ||
	    (err = wh_kernel_symbol_address(k, "btf_modules", &head)) ||
	    (err = wh_list_walk(k, head, MAX_BTF_MODULES, visit, &a)))
		return wh_error_wrap(err, "module %s's BTF on btf_modules", mod->name);
	if (!a.found_btf)
		return wh_error_create(WH_ERR_ABSENT, "module %s has no BTF", mod->name);
	if ((err = wh_kernel_read_member(k, a.found_btf, &data_m, ret_data)) ||
	    (err = wh_kernel_read_member(k, a.found_btf, &size_m, ret_size)))
		return wh_error_wrap(err, "module %s's struct btf", mod->name);
	return NULL;
}

static struct wh_error *load(struct wh_kernel *k, const struct wh_module *mod,
			     struct wh_types **ret)
{
	struct wh_member_info data_m, size_m;
	bool have_data, have_size;
	uint64_t data, size;
	struct wh_error *err;
	if ((err = wh_kernel_member_opt(k, "module", "btf_data", &data_m, &have_data)) ||
	    (err = wh_kernel_member_opt(k, "module", "btf_data_size", &size_m, &have_size)))
		return err;
	if (!have_data || !have_size)
		return wh_error_create(WH_ERR_ABSENT,
				       "this kernel keeps no module BTF (no module.btf_data)");
	if ((err = wh_kernel_read_member(k, mod->address, &data_m, &data)) ||
	    (err = wh_kernel_read_member(k, mod->address, &size_m, &size)))
		return wh_error_wrap(err, "reading module %s's btf_data", mod->name);
	if ((!data || !size) && (err = btf_of_module(k, mod, &data, &size)))
		return err;
	if (!data || !size)
		return wh_error_create(WH_ERR_ABSENT, "module %s has no BTF", mod->name);
	if (size > MAX_MODULE_BTF)
		return wh_error_create(WH_ERR_CORRUPT, "module %s: BTF of %" PRIu64 " bytes",
				       mod->name, size);
	void *buf = malloc(size);
	if (!buf)
		return &wh_error_nomem;
	err = wh_dump_read(k->dump, data, buf, size);
	if (!err)
		err = wh_types_create_btf_split(buf, size, k->types, ret);
	free(buf);
	return err ? wh_error_wrap(err, "module %s's BTF", mod->name) : NULL;
}

struct wh_error *wh_module_btf_types(struct wh_kernel *k, const char *name, struct wh_types **ret)
{
	const struct wh_modules *mods;
	struct wh_error *err = wh_modules_get(k, &mods);
	if (err)
		return err;
	if (!k->module_btf && !(k->module_btf = calloc(1, sizeof(*k->module_btf))))
		return &wh_error_nomem;
	struct wh_module_btf *mb = k->module_btf;
	if (mb->n < mods->count) {
		struct slot *s = realloc(mb->slots, mods->count * sizeof(*s));
		if (!s)
			return &wh_error_nomem;
		memset(s + mb->n, 0, (mods->count - mb->n) * sizeof(*s));
		mb->slots = s;
		mb->n = mods->count;
	}
	for (size_t i = 0; i < mods->count; i++) {
		if (strcmp(mods->modules[i].name, name))
			continue;
		struct slot *s = &mb->slots[i];
		if (!s->tried) {
			s->tried = true;
			err = load(k, &mods->modules[i], &s->types);
			if (err == &wh_error_nomem)
				return err;
			s->why = err;
		}
		if (!s->types)
			return wh_error_create(s->why ? s->why->code : WH_ERR_ABSENT, "%s",
					       s->why ? s->why->message : "no BTF");
		*ret = s->types;
		return NULL;
	}
	return wh_error_create(WH_ERR_ABSENT, "module %s is not loaded", name);
}

void wh_module_btf_destroy(struct wh_module_btf *mb)
{
	if (!mb)
		return;
	for (size_t i = 0; i < mb->n; i++) {
		wh_types_destroy(mb->slots[i].types);
		wh_error_destroy(mb->slots[i].why);
	}
	free(mb->slots);
	free(mb);
}
