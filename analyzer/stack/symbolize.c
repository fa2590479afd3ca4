#include "symbolize.h"
#include "modules.h"

#include <string.h>

struct wh_error *wh_symbolize(struct wh_kernel *k, uint64_t addr, struct wh_symbolized *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (wh_kernel_in_text(k, addr)) {
		struct wh_symbol sym;
		uint64_t off;
		struct wh_error *err = wh_kernel_symbolize(k, addr - k->kaslr_offset, &sym, &off);
		if (err)
			return err;
		ret->function = sym.name;
		ret->offset = off;
		ret->size = sym.size;
		ret->link_address = addr - k->kaslr_offset;
		return NULL;
	}
	const struct wh_modules *mods;
	struct wh_error *err = wh_modules_get(k, &mods);
	if (err)
		return err;
	const struct wh_module *m = wh_modules_find(mods, addr);
	if (m) {
		ret->module = m->name;
		const struct wh_module_symbol *s = wh_module_symbolize(m, addr);
		if (s) {
			ret->function = s->name;
			ret->offset = addr - s->address;
			ret->size = s->size;
			return NULL;
		}
		return wh_error_at(WH_ERR_ABSENT, addr, "no symbol at 0x%llx in module %s",
				   (unsigned long long)addr, m->name);
	}
	return wh_error_at(WH_ERR_ABSENT, addr, "0x%llx is not kernel text",
			   (unsigned long long)addr);
}

bool wh_is_text_address(struct wh_kernel *k, uint64_t addr)
{
	if (wh_kernel_in_text(k, addr))
		return true;
	const struct wh_modules *mods;
	struct wh_error *err = wh_modules_get(k, &mods);
	if (err) {
		wh_error_destroy(err);
		return false;
	}
	const struct wh_module *m = wh_modules_find(mods, addr);
	return m && addr - m->base < m->text_size;
}

bool wh_function_is_one_of(const char *name, const char *const *names)
{
	if (!name || !names)
		return false;
	size_t n = strcspn(name, ".");
	for (; *names; names++)
		if (strlen(*names) == n && !strncmp(name, *names, n))
			return true;
	return false;
}
