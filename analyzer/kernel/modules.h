/* Loaded kernel modules, read from the dump itself: name, text range,
 * symbol table (mod->kallsyms) and ORC tables (mod->arch), so that frames
 * in ext4, fuse or the fixture module resolve without any file. */
#ifndef WHYHUNG_MODULES_H
#define WHYHUNG_MODULES_H

#include <stdint.h>

#include "diag.h"
#include "kernel.h"

enum { WH_MODULE_NAME_LEN = 56, WH_MODULE_DATA_REGIONS = 3 };

struct wh_module_symbol {
	uint64_t address;
	uint64_t size;
	const char *name; /* points into the module's strtab copy */
};

struct wh_module_section {
	char *name;
	uint64_t address;
};

struct wh_module {
	uint64_t address;		   /* struct module */
	char name[WH_MODULE_NAME_LEN + 1]; /* escaped on output */
	uint64_t base, size;		   /* core layout (6.4+: mem[MOD_TEXT]) */
	uint64_t text_size;
	struct {
		uint64_t base, size;
	} data[WH_MODULE_DATA_REGIONS]; /* 6.4+: the core's data regions */
	size_t n_data;
	struct wh_module_symbol *symbols; /* sorted by address */
	size_t n_symbols;
	char *strtab;
	uint64_t strtab_size;
	uint64_t orc_ip, orc_entries; /* kernel addresses of the ORC tables */
	uint32_t num_orcs;
	struct wh_module_section *sections; /* from sect_attrs, for -m DIR relocation: */
	size_t n_sections;		    /* read by wh_module_load_sections() */
	bool sections_loaded;
};

struct wh_modules {
	struct wh_module *modules;
	size_t count;
	struct wh_diags diags; /* modules skipped, layout parts missing */
};

/* Read the module list once; later calls return the cached result.
 * Unreadable modules are skipped with a warning. */
struct wh_error *wh_modules_get(struct wh_kernel *k, const struct wh_modules **ret);
void wh_modules_destroy(struct wh_modules *mods);
/* Read MOD's section addresses (once); only relocating its debug file
 * needs them. */
struct wh_error *wh_module_load_sections(struct wh_kernel *k, const struct wh_module *mod);
/* The module whose core layout (6.4+: core text or data region) contains
 * ADDR, or NULL. */
const struct wh_module *wh_modules_find(const struct wh_modules *mods, uint64_t addr);
/* Address of symbol NAME in the vmlinux, else in a loaded module's symbol
 * table (for objects of code that may be modular, e.g. dm_blk_dops).
 * WH_ERR_ABSENT when neither has it. */
struct wh_error *wh_symbol_address_any(struct wh_kernel *k, const char *name, uint64_t *ret);
/* Function symbol containing ADDR in MOD, or NULL. */
const struct wh_module_symbol *wh_module_symbolize(const struct wh_module *mod, uint64_t addr);

#endif
