#include "object_name.h"
#include "modules.h"

#include <stdio.h>

static bool global_symbol(struct wh_kernel *k, uint64_t addr, char *buf, size_t size)
{
	const struct wh_modules *mods;
	struct wh_error *err = wh_modules_get(k, &mods);
	const struct wh_module *m = err ? NULL : wh_modules_find(mods, addr);
	wh_error_destroy(err);
	if (m) {
		const struct wh_module_symbol *s = wh_module_symbolize(m, addr);
		if (!s || !s->size)
			return false;
		if (addr == s->address)
			snprintf(buf, size, "%s [%s]", s->name, m->name);
		else
			snprintf(buf, size, "%s+0x%llx [%s]", s->name,
				 (unsigned long long)(addr - s->address), m->name);
		return true;
	}
	struct wh_symbol sym;
	uint64_t off;
	err = wh_elf_image_symbolize(k->vmlinux, addr - k->kaslr_offset, &sym, &off);
	bool ok = !err && sym.size && off < sym.size && !sym.percpu;
	wh_error_destroy(err);
	if (!ok)
		return false;
	if (off)
		snprintf(buf, size, "%s+0x%llx", sym.name, (unsigned long long)off);
	else
		snprintf(buf, size, "%s", sym.name);
	return true;
}

void wh_symbol_object_name(struct wh_kernel *k, const char *kind, uint64_t addr, char *buf,
			   size_t size)
{
	if (!global_symbol(k, addr, buf, size))
		snprintf(buf, size, "%s at 0x%llx", kind, (unsigned long long)addr);
}

void wh_object_name(struct wh_wait_kinds *kinds, const struct wh_wait_context *ctx,
		    enum wh_wait_kind_id kind, uint64_t addr, char *buf, size_t size)
{
	if (global_symbol(ctx->k, addr, buf, size))
		return;
	if (wh_wait_kinds_name(kinds, kind, ctx, addr, buf, size))
		return;
	snprintf(buf, size, "%s at 0x%llx", wh_wait_kind_name(kind), (unsigned long long)addr);
}
