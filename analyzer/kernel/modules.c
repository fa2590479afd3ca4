#include "modules.h"
#include "list_walk.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bounds on what a module may claim; real ones are far below. */
static const uint64_t MAX_MODULES = 65536;
static const uint64_t MAX_MODULE_SYMBOLS = 1u << 20;
static const uint64_t MAX_STRTAB = 64u << 20;
static const uint32_t MAX_SECTIONS = 4096;

struct module_layout {
	struct wh_member_info list, name, base, size, text_size, kallsyms, num_orcs, orc_ip,
	    orc_entries;
	struct wh_member_info ks_symtab, ks_num, ks_strtab;
	bool have_orc;
	/* 6.4+: mod->mem[MOD_DATA], [MOD_RODATA], [MOD_RO_AFTER_INIT]. */
	struct wh_member_info data_base[WH_MODULE_DATA_REGIONS], data_size[WH_MODULE_DATA_REGIONS];
	size_t n_data;
	char data_missing[128]; /* why a data region is not probed, or "" */
};

/* Section addresses (mod->sect_attrs) are needed only to relocate a
 * module's debug file (-m DIR): probed and read on first use. */
struct sections_layout {
	struct wh_member_info sect_attrs, sa_nsections, sa_attrs, attr_address, attr_name;
	uint64_t attr_size;
	bool have_sections;
};

static struct wh_error *probe_sections(struct wh_kernel *k, struct sections_layout *l)
{
	struct wh_error *err;
	/* struct module_sect_attrs is private to kernel/module/sysfs.c (5.19+;
	 * kernel/module.c before). */
	static const char *const sysfs_hint[] = {"add_sect_attrs", "mod_sysfs_setup", NULL};
	wh_kernel_type_hint(k, sysfs_hint);
	if ((err = wh_kernel_member_opt(k, "module", "sect_attrs", &l->sect_attrs,
					&l->have_sections)))
		return err;
	if (l->have_sections) {
		bool a, b, c, d;
		if ((err = wh_kernel_member_opt(k, "module_sect_attrs", "nsections",
						&l->sa_nsections, &a)) ||
		    (err =
			 wh_kernel_member_opt(k, "module_sect_attrs", "attrs", &l->sa_attrs, &b)) ||
		    (err = wh_kernel_member_opt(k, "module_sect_attr", "address", &l->attr_address,
						&c)) ||
		    (err = wh_kernel_member_opt(k, "module_sect_attr", "battr.attr.name",
						&l->attr_name, &d)))
			return err;
		l->have_sections = a && b && c && d;
		if (l->have_sections &&
		    (err = wh_types_struct_size(k->types, "module_sect_attr", &l->attr_size)))
			return err;
	}
	return NULL;
}

/* 6.4 split a module's core into mod->mem[] regions that need not be
 * adjacent (kernel/module/main.c, layout_sections() and move_module()):
 * its statics are in MOD_DATA, constants in MOD_RODATA and
 * MOD_RO_AFTER_INIT, apart from MOD_TEXT. The indices come from enum
 * mod_mem_type in the DWARF (of kernel/module/main.c's unit). A kernel whose
 * DWARF lacks them loses the names of module data, not the modules. */
static struct wh_error *probe_data_regions(struct wh_kernel *k, struct module_layout *l)
{
	static const char *const names[WH_MODULE_DATA_REGIONS] = {"MOD_DATA", "MOD_RODATA",
								  "MOD_RO_AFTER_INIT"};
	static const char *const hint[] = {"do_init_module", "free_module", NULL};
	wh_kernel_type_hint(k, hint);
	for (size_t i = 0; i < WH_MODULE_DATA_REGIONS; i++) {
		int64_t idx;
		char base[64], size[64];
		struct wh_error *err = wh_types_enumerator(k->types, names[i], &idx);
		if (err && err->code == WH_ERR_ABSENT) {
			snprintf(l->data_missing, sizeof(l->data_missing),
				 "module data regions unknown: enumerator %s not in the DWARF",
				 names[i]);
			wh_error_destroy(err);
			continue;
		}
		if (err)
			return err;
		if (idx <= 0 || idx >= 16)
			return wh_error_create(WH_ERR_FORMAT, "enumerator %s is %lld", names[i],
					       (long long)idx);
		snprintf(base, sizeof(base), "mem[%lld].base", (long long)idx);
		snprintf(size, sizeof(size), "mem[%lld].size", (long long)idx);
		if ((err = wh_kernel_member(k, "module", base, &l->data_base[l->n_data])) ||
		    (err = wh_kernel_member(k, "module", size, &l->data_size[l->n_data])))
			return err;
		l->n_data++;
	}
	return NULL;
}

static struct wh_error *probe(struct wh_kernel *k, struct module_layout *l)
{
	struct wh_error *err;
	bool found;
	if ((err = wh_kernel_member(k, "module", "list", &l->list)) ||
	    (err = wh_kernel_member(k, "module", "name", &l->name)) ||
	    (err = wh_kernel_member(k, "module", "kallsyms", &l->kallsyms)) ||
	    (err = wh_kernel_member(k, "mod_kallsyms", "symtab", &l->ks_symtab)) ||
	    (err = wh_kernel_member(k, "mod_kallsyms", "num_symtab", &l->ks_num)) ||
	    (err = wh_kernel_member(k, "mod_kallsyms", "strtab", &l->ks_strtab)))
		return err;
	/* 6.4 replaced core_layout with mem[MOD_TEXT] (MOD_TEXT == 0). */
	if ((err = wh_kernel_member_opt(k, "module", "core_layout.base", &l->base, &found)))
		return err;
	if (found) {
		if ((err = wh_kernel_member(k, "module", "core_layout.size", &l->size)) ||
		    (err = wh_kernel_member(k, "module", "core_layout.text_size", &l->text_size)))
			return err;
	} else {
		if ((err = wh_kernel_member(k, "module", "mem[0].base", &l->base)) ||
		    (err = wh_kernel_member(k, "module", "mem[0].size", &l->size)))
			return err;
		l->text_size = l->size;
		if ((err = probe_data_regions(k, l)))
			return err;
	}
	if ((err = wh_kernel_member_opt(k, "module", "arch.num_orcs", &l->num_orcs, &l->have_orc)))
		return err;
	if (l->have_orc &&
	    ((err = wh_kernel_member(k, "module", "arch.orc_unwind_ip", &l->orc_ip)) ||
	     (err = wh_kernel_member(k, "module", "arch.orc_unwind", &l->orc_entries))))
		return err;
	return NULL;
}

static int compare_symbols(const void *a, const void *b)
{
	const struct wh_module_symbol *x = a, *y = b;
	return x->address < y->address ? -1 : x->address > y->address;
}

static struct wh_error *read_symbols(struct wh_kernel *k, struct module_layout *l,
				     struct wh_module *m)
{
	uint64_t ks, symtab, num, strtab;
	struct wh_error *err;
	if ((err = wh_kernel_read_member(k, m->address, &l->kallsyms, &ks)))
		return err;
	if (!ks)
		return NULL;
	if ((err = wh_kernel_read_member(k, ks, &l->ks_symtab, &symtab)) ||
	    (err = wh_kernel_read_member(k, ks, &l->ks_num, &num)) ||
	    (err = wh_kernel_read_member(k, ks, &l->ks_strtab, &strtab)))
		return err;
	if (num > MAX_MODULE_SYMBOLS)
		return wh_error_create(WH_ERR_CORRUPT, "module claims %llu symbols",
				       (unsigned long long)num);
	Elf64_Sym *syms = calloc(num ? num : 1, sizeof(*syms));
	if (!syms)
		return &wh_error_nomem;
	if ((err = wh_dump_read(k->dump, symtab, syms, num * sizeof(*syms)))) {
		free(syms);
		return wh_error_wrap(err, "symbol table");
	}
	/* The string table has no recorded size: take what the names need. */
	uint64_t need = 0;
	for (uint64_t i = 0; i < num; i++)
		if (syms[i].st_name < MAX_STRTAB && syms[i].st_name + 256 > need)
			need = syms[i].st_name + 256;
	m->strtab = malloc(need + 1);
	m->symbols = calloc(num ? num : 1, sizeof(*m->symbols));
	if (!m->strtab || !m->symbols) {
		free(syms);
		return &wh_error_nomem;
	}
	/* Names near the end of the table may sit before an unmapped page;
	 * read page by page and keep what is readable. */
	uint64_t got = 0;
	while (got < need) {
		uint64_t chunk = 4096 - ((strtab + got) & 4095);
		if (chunk > need - got)
			chunk = need - got;
		struct wh_error *e = wh_dump_read(k->dump, strtab + got, m->strtab + got, chunk);
		if (e) {
			wh_error_destroy(e);
			break;
		}
		got += chunk;
	}
	m->strtab[got] = '\0';
	m->strtab_size = got;
	size_t n = 0;
	for (uint64_t i = 0; i < num; i++) {
		const Elf64_Sym *s = &syms[i];
		if (!s->st_name || s->st_name >= got || !s->st_value)
			continue;
		if (!memchr(m->strtab + s->st_name, '\0', got - s->st_name))
			continue; /* cut off by the end of what we could read */
		unsigned type = ELF64_ST_TYPE(s->st_info);
		if (type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE)
			continue;
		m->symbols[n].address = s->st_value;
		m->symbols[n].size = s->st_size;
		m->symbols[n].name = m->strtab + s->st_name;
		n++;
	}
	free(syms);
	m->n_symbols = n;
	qsort(m->symbols, n, sizeof(*m->symbols), compare_symbols);
	return NULL;
}

static struct wh_error *read_sections(struct wh_kernel *k, const struct sections_layout *l,
				      struct wh_module *m)
{
	uint64_t sa, n;
	struct wh_error *err;
	if (!l->have_sections)
		return NULL;
	if ((err = wh_kernel_read_member(k, m->address, &l->sect_attrs, &sa)) || !sa)
		return err;
	if ((err = wh_kernel_read_member(k, sa, &l->sa_nsections, &n)))
		return err;
	if (n > MAX_SECTIONS)
		return wh_error_create(WH_ERR_CORRUPT, "module claims %llu sections",
				       (unsigned long long)n);
	m->sections = calloc(n ? n : 1, sizeof(*m->sections));
	if (!m->sections)
		return &wh_error_nomem;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t attr = sa + l->sa_attrs.offset + i * l->attr_size, name_ptr, addr;
		char name[128];
		if ((err = wh_kernel_read_member(k, attr, &l->attr_address, &addr)) ||
		    (err = wh_kernel_read_member(k, attr, &l->attr_name, &name_ptr)) ||
		    (err = wh_dump_read_cstr(k->dump, name_ptr, name, sizeof(name))))
			return err;
		m->sections[m->n_sections].name = strdup(name);
		if (!m->sections[m->n_sections].name)
			return &wh_error_nomem;
		m->sections[m->n_sections++].address = addr;
	}
	return NULL;
}

static void free_module(struct wh_module *m)
{
	free(m->symbols);
	free(m->strtab);
	for (size_t i = 0; i < m->n_sections; i++)
		free(m->sections[i].name);
	free(m->sections);
}

static struct wh_error *read_module(struct wh_kernel *k, struct module_layout *l, uint64_t addr,
				    struct wh_module *m)
{
	memset(m, 0, sizeof(*m));
	m->address = addr;
	uint64_t v;
	struct wh_error *err;
	if ((err = wh_dump_read(k->dump, addr + l->name.offset, m->name, WH_MODULE_NAME_LEN)))
		return err;
	m->name[WH_MODULE_NAME_LEN] = '\0';
	if ((err = wh_kernel_read_member(k, addr, &l->base, &m->base)) ||
	    (err = wh_kernel_read_member(k, addr, &l->size, &m->size)) ||
	    (err = wh_kernel_read_member(k, addr, &l->text_size, &m->text_size)))
		return err;
	for (size_t i = 0; i < l->n_data; i++)
		if ((err = wh_kernel_read_member(k, addr, &l->data_base[i], &m->data[i].base)) ||
		    (err = wh_kernel_read_member(k, addr, &l->data_size[i], &m->data[i].size)))
			return wh_error_wrap(err, "data regions");
	m->n_data = l->n_data;
	if (l->have_orc) {
		if ((err = wh_kernel_read_member(k, addr, &l->num_orcs, &v)) ||
		    (err = wh_kernel_read_member(k, addr, &l->orc_ip, &m->orc_ip)) ||
		    (err = wh_kernel_read_member(k, addr, &l->orc_entries, &m->orc_entries)))
			return err;
		m->num_orcs = (uint32_t)v;
	}
	if ((err = read_symbols(k, l, m)))
		return wh_error_wrap(err, "symbols");
	return NULL;
}

struct walk_ctx {
	struct wh_kernel *k;
	struct module_layout *l;
	struct wh_modules *mods;
	size_t cap;
};

static struct wh_error *visit_module(void *arg, uint64_t node, bool *stop)
{
	struct walk_ctx *c = arg;
	if (c->mods->count == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct wh_module *m = realloc(c->mods->modules, cap * sizeof(*m));
		if (!m)
			return &wh_error_nomem;
		c->mods->modules = m;
		c->cap = cap;
	}
	uint64_t addr = node - c->l->list.offset;
	struct wh_module *m = &c->mods->modules[c->mods->count];
	struct wh_error *err = read_module(c->k, c->l, addr, m);
	if (err) {
		free_module(m);
		if (err == &wh_error_nomem)
			return err;
		wh_diags_add_error(&c->mods->diags, "modules",
				   wh_error_wrap(err, "module at 0x%llx", (unsigned long long)addr));
		return NULL;
	}
	c->mods->count++;
	return NULL;
}

struct wh_error *wh_modules_get(struct wh_kernel *k, const struct wh_modules **ret)
{
	if (k->modules) {
		*ret = k->modules;
		return NULL;
	}
	struct wh_modules *mods = calloc(1, sizeof(*mods));
	if (!mods)
		return &wh_error_nomem;
	uint64_t head;
	struct wh_error *err = wh_kernel_symbol_address(k, "modules", &head);
	if (err && err->code == WH_ERR_ABSENT) {
		/* CONFIG_MODULES=n: no modules, not an error. */
		wh_error_destroy(err);
		k->modules = mods;
		*ret = mods;
		return NULL;
	}
	struct module_layout l = {0};
	if (!err)
		err = probe(k, &l);
	if (!err && l.data_missing[0])
		wh_diags_add(&mods->diags, "modules", WH_ERR_ABSENT, "%s", l.data_missing);
	if (!err) {
		struct walk_ctx c = {.k = k, .l = &l, .mods = mods};
		err = wh_list_walk(k, head, MAX_MODULES, visit_module, &c);
		if (err && err != &wh_error_nomem) {
			wh_diags_add_error(&mods->diags, "modules", wh_error_wrap(err, "module list"));
			err = NULL;
		}
	}
	if (err) {
		wh_modules_destroy(mods);
		return err;
	}
	k->modules = mods;
	*ret = mods;
	return NULL;
}

void wh_modules_destroy(struct wh_modules *mods)
{
	if (!mods)
		return;
	for (size_t i = 0; i < mods->count; i++)
		free_module(&mods->modules[i]);
	free(mods->modules);
	wh_diags_deinit(&mods->diags);
	free(mods);
}

struct wh_error *wh_module_load_sections(struct wh_kernel *k, const struct wh_module *mod)
{
	if (!k->modules || mod < k->modules->modules ||
	    mod >= k->modules->modules + k->modules->count)
		return wh_error_create(WH_ERR_USAGE, "not a module of this kernel");
	struct wh_module *m = &k->modules->modules[mod - k->modules->modules];
	if (m->sections_loaded)
		return NULL;
	m->sections_loaded = true;
	struct sections_layout l;
	struct wh_error *err = probe_sections(k, &l);
	if (!err)
		err = read_sections(k, &l, m);
	return err ? wh_error_wrap(err, "sections of module %s", m->name) : NULL;
}

const struct wh_module *wh_modules_find(const struct wh_modules *mods, uint64_t addr)
{
	for (size_t i = 0; i < mods->count; i++) {
		const struct wh_module *m = &mods->modules[i];
		if (addr >= m->base && addr - m->base < m->size)
			return m;
		for (size_t j = 0; j < m->n_data; j++)
			if (addr >= m->data[j].base && addr - m->data[j].base < m->data[j].size)
				return m;
	}
	return NULL;
}

const struct wh_module_symbol *wh_module_symbolize(const struct wh_module *m, uint64_t addr)
{
	size_t lo = 0, hi = m->n_symbols;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->symbols[mid].address <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	const struct wh_module_symbol *s = &m->symbols[lo - 1];
	/* A sized symbol must cover ADDR; an unsized one is taken as is. */
	if (s->size && addr - s->address >= s->size)
		return NULL;
	return s;
}

struct wh_error *wh_symbol_address_any(struct wh_kernel *k, const char *name, uint64_t *ret)
{
	struct wh_error *err = wh_kernel_symbol_address(k, name, ret);
	if (!err || err->code != WH_ERR_ABSENT)
		return err;
	wh_error_destroy(err);
	const struct wh_modules *mods;
	if ((err = wh_modules_get(k, &mods)))
		return err;
	for (size_t i = 0; i < mods->count; i++)
		for (size_t j = 0; j < mods->modules[i].n_symbols; j++)
			if (!strcmp(mods->modules[i].symbols[j].name, name)) {
				*ret = mods->modules[i].symbols[j].address;
				return NULL;
			}
	return wh_error_create(WH_ERR_ABSENT, "symbol %s not found", name);
}
