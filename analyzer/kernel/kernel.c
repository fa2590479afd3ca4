#include "kernel.h"
#include "kallsyms_read.h"
#include "kernel_check.h"
#include "module_btf.h"
#include "module_debug.h"
#include "modules.h"
#include "orc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct wh_error *read_cpumask(struct wh_kernel *k, const char *sym, unsigned char *out)
{
	uint64_t addr;
	struct wh_error *err = wh_kernel_symbol_address(k, sym, &addr);
	if (err)
		return err;
	for (unsigned word = 0; word * 64 < k->nr_cpu_ids; word++) {
		uint64_t bits;
		err = wh_dump_read_u64(k->dump, addr + word * 8, &bits);
		if (err)
			return wh_error_wrap(err, "reading %s", sym);
		for (unsigned b = 0; b < 64 && word * 64 + b < k->nr_cpu_ids; b++)
			out[word * 64 + b] = (bits >> b) & 1;
	}
	return NULL;
}

/* CPU masks and per-CPU offsets. UP kernels have neither; treat as 1 CPU. */
static struct wh_error *load_cpus(struct wh_kernel *k)
{
	uint64_t addr, v;
	struct wh_error *err = wh_kernel_symbol_address(k, "nr_cpu_ids", &addr);
	if (!err) {
		uint32_t n;
		err = wh_dump_read_u32(k->dump, addr, &n);
		if (err)
			return wh_error_wrap(err, "reading nr_cpu_ids");
		if (n == 0 || n > WH_MAX_CPUS)
			return wh_error_create(WH_ERR_CORRUPT, "implausible nr_cpu_ids %u", n);
		k->nr_cpu_ids = n;
	} else if (err->code == WH_ERR_ABSENT) {
		wh_error_destroy(err);
		k->nr_cpu_ids = 1;
	} else {
		return err;
	}
	k->per_cpu_offset = calloc(k->nr_cpu_ids, sizeof(*k->per_cpu_offset));
	k->cpu_possible = calloc(k->nr_cpu_ids, 1);
	k->cpu_online = calloc(k->nr_cpu_ids, 1);
	k->cpu_present = calloc(k->nr_cpu_ids, 1);
	if (!k->per_cpu_offset || !k->cpu_possible || !k->cpu_online || !k->cpu_present)
		return &wh_error_nomem;
	err = wh_kernel_symbol_address(k, "__per_cpu_offset", &addr);
	if (err && err->code != WH_ERR_ABSENT)
		return err;
	bool have_offsets = !err;
	wh_error_destroy(err);
	for (unsigned cpu = 0; have_offsets && cpu < k->nr_cpu_ids; cpu++) {
		err = wh_dump_read_u64(k->dump, addr + cpu * 8ull, &v);
		if (err)
			return wh_error_wrap(err, "reading __per_cpu_offset[%u]", cpu);
		k->per_cpu_offset[cpu] = v;
	}
	err = read_cpumask(k, "__cpu_possible_mask", k->cpu_possible);
	if (!err)
		err = read_cpumask(k, "__cpu_online_mask", k->cpu_online);
	if (!err)
		err = read_cpumask(k, "__cpu_present_mask", k->cpu_present);
	if (err && err->code == WH_ERR_ABSENT) {
		wh_error_destroy(err);
		memset(k->cpu_possible, 1, k->nr_cpu_ids);
		memset(k->cpu_online, 1, k->nr_cpu_ids);
		memset(k->cpu_present, 1, k->nr_cpu_ids);
		err = NULL;
	}
	return err;
}

static void load_text_ranges(struct wh_kernel *k)
{
	struct wh_error *err;
	if ((err = wh_kernel_symbol_address(k, "_stext", &k->text_start)) ||
	    (err = wh_kernel_symbol_address(k, "_etext", &k->text_end)))
		k->text_start = k->text_end = 0;
	wh_error_destroy(err);
	if ((err = wh_kernel_symbol_address(k, "_sinittext", &k->inittext_start)) ||
	    (err = wh_kernel_symbol_address(k, "_einittext", &k->inittext_end)))
		k->inittext_start = k->inittext_end = 0;
	wh_error_destroy(err);
}

bool wh_kernel_in_text(struct wh_kernel *k, uint64_t addr)
{
	return (addr >= k->text_start && addr < k->text_end) ||
	       (addr >= k->inittext_start && addr < k->inittext_end);
}

struct wh_error *wh_kernel_open(const char *dump_path, const char *vmlinux_path,
				struct wh_kernel **ret)
{
	return wh_kernel_open_files(&dump_path, 1, vmlinux_path, ret);
}

struct wh_error *wh_kernel_open_files(const char *const *dump_paths, size_t n_dumps,
				      const char *vmlinux_path, struct wh_kernel **ret)
{
	struct wh_dump *dump;
	struct wh_error *err = wh_dump_open_files(dump_paths, n_dumps, &dump);
	if (err)
		return err;
	return wh_kernel_open_dump(dump, vmlinux_path, ret);
}

static struct wh_error *complete_open(struct wh_kernel *k, struct wh_error *err,
				      struct wh_kernel **ret);

struct wh_error *wh_kernel_open_dump(struct wh_dump *dump, const char *vmlinux_path,
				     struct wh_kernel **ret)
{
	struct wh_kernel *k = calloc(1, sizeof(*k));
	if (!k) {
		wh_dump_destroy(dump);
		return &wh_error_nomem;
	}
	k->dump = dump;
	return complete_open(k, wh_elf_image_open(vmlinux_path, &k->vmlinux), ret);
}

struct wh_error *wh_kernel_open_loaded(struct wh_dump *dump, struct wh_elf_image *vmlinux,
				       struct wh_types *types, struct wh_kernel **ret)
{
	struct wh_kernel *k = calloc(1, sizeof(*k));
	if (!k) {
		wh_dump_destroy(dump);
		wh_types_destroy(types);
		wh_elf_image_destroy(vmlinux);
		return &wh_error_nomem;
	}
	k->dump = dump;
	k->vmlinux = vmlinux;
	k->types = types;
	return complete_open(k, NULL, ret);
}

/* The checks and tables every open ends with; ERR is the vmlinux's. */
static struct wh_error *complete_open(struct wh_kernel *k, struct wh_error *err,
				      struct wh_kernel **ret)
{
	if (!err) {
		k->kaslr_offset = wh_dump_kaslr_offset(k->dump);
		sscanf(wh_dump_release(k->dump), "%d.%d", &k->version_major, &k->version_minor);
		/* Without a vmlinux the dump's own tables cannot mismatch it. */
		if (k->vmlinux)
			err = wh_kernel_check_match(k);
	}
	if (!err && !k->types)
		err = wh_types_create(k->vmlinux, &k->types);
	if (!err)
		err = load_cpus(k);
	if (!err)
		load_text_ranges(k);
	if (err && wh_dump_source_incomplete(k->dump))
		err = wh_dump_wrap_error(k->dump, err);
	if (err) {
		wh_kernel_destroy(k);
		return err;
	}
	*ret = k;
	return NULL;
}

void wh_kernel_destroy(struct wh_kernel *k)
{
	if (!k)
		return;
	wh_module_debug_destroy(k->module_debug);
	wh_module_btf_destroy(k->module_btf);
	wh_modules_destroy(k->modules);
	wh_orc_destroy(k->orc);
	wh_types_destroy(k->types);
	wh_elf_image_destroy(k->vmlinux);
	wh_kallsyms_destroy(k->kallsyms);
	wh_dump_destroy(k->dump);
	free(k->per_cpu_offset);
	free(k->cpu_possible);
	free(k->cpu_online);
	free(k->cpu_present);
	free(k);
}

struct wh_error *wh_kernel_open_dump_no_debuginfo(struct wh_dump *dump, struct wh_kernel **ret)
{
	struct wh_kernel *k = calloc(1, sizeof(*k));
	if (!k) {
		wh_dump_destroy(dump);
		return &wh_error_nomem;
	}
	k->dump = dump;
	struct wh_error *err = wh_kallsyms_read(dump, &k->kallsyms);
	if (err)
		err = wh_error_wrap(err, "no debug info: reading the kernel's kallsyms");
	if (!err && (err = wh_btf_read(dump, k->kallsyms, &k->types)))
		err = wh_error_wrap(err, "no debug info: reading the kernel's BTF");
	if (err && (err->code == WH_ERR_ABSENT || err->code == WH_ERR_FORMAT))
		err->code = WH_ERR_NO_DEBUGINFO;
	return complete_open(k, err, ret);
}

const char *wh_kernel_debuginfo(const struct wh_kernel *k)
{
	return k->vmlinux ? "DWARF" : "BTF and kallsyms from the dump (no debug vmlinux)";
}

const char *wh_kernel_debuginfo_missing(const struct wh_kernel *k)
{
	return k->vmlinux ? NULL
			  : "no source file:line and no inlined frames in stacks; "
			    "module types from each module's BTF, unless -m gives their debug files";
}

/* Link-time addresses from kallsyms' runtime ones: the KASLR slide off. */
static void kallsyms_to_link(const struct wh_kernel *k, struct wh_symbol *sym)
{
	if (!sym->percpu)
		sym->address -= k->kaslr_offset;
}

struct wh_error *wh_kernel_symbol(struct wh_kernel *k, const char *name, struct wh_symbol *ret)
{
	if (k->vmlinux)
		return wh_elf_image_symbol(k->vmlinux, name, ret);
	if (!k->kallsyms)
		return wh_error_create(WH_ERR_ABSENT, "no symbol table for %s", name);
	struct wh_error *err = wh_kallsyms_symbol(k->kallsyms, name, ret);
	if (!err)
		kallsyms_to_link(k, ret);
	return err;
}

struct wh_error *wh_kernel_symbolize(struct wh_kernel *k, uint64_t addr, struct wh_symbol *ret,
				     uint64_t *ret_offset)
{
	if (k->vmlinux)
		return wh_elf_image_symbolize(k->vmlinux, addr, ret, ret_offset);
	if (!k->kallsyms)
		return wh_error_create(WH_ERR_ABSENT, "no symbol table");
	struct wh_error *err =
	    wh_kallsyms_symbolize(k->kallsyms, addr + k->kaslr_offset, ret, ret_offset);
	if (!err)
		kallsyms_to_link(k, ret);
	return err;
}

struct wh_error *wh_kernel_symbol_address(struct wh_kernel *k, const char *name, uint64_t *ret)
{
	struct wh_symbol sym;
	struct wh_error *err = wh_kernel_symbol(k, name, &sym);
	if (err)
		return err;
	*ret = sym.percpu ? sym.address : sym.address + k->kaslr_offset;
	return NULL;
}

struct wh_error *wh_kernel_percpu_address(struct wh_kernel *k, const char *name, unsigned cpu,
					  uint64_t *ret)
{
	struct wh_symbol sym;
	struct wh_error *err = wh_kernel_symbol(k, name, &sym);
	if (err)
		return err;
	if (!sym.percpu)
		return wh_error_create(WH_ERR_ABSENT, "%s is not a per-CPU symbol", name);
	if (cpu >= k->nr_cpu_ids)
		return wh_error_create(WH_ERR_USAGE, "CPU %u out of range", cpu);
	*ret = sym.address + k->per_cpu_offset[cpu];
	return NULL;
}

struct wh_error *wh_kernel_read_member(struct wh_kernel *k, uint64_t obj,
				       const struct wh_member_info *m, uint64_t *ret)
{
	if (m->bit_size) {
		if (m->bit_size > 57)
			return wh_error_create(WH_ERR_FORMAT, "bitfield of %u bits", m->bit_size);
		uint64_t raw = 0;
		unsigned shift = m->bit_offset % 8;
		size_t bytes = (shift + m->bit_size + 7) / 8;
		struct wh_error *err = wh_dump_read(k->dump, obj + m->bit_offset / 8, &raw, bytes);
		if (err)
			return err;
		*ret = (raw >> shift) & ((1ull << m->bit_size) - 1);
		return NULL;
	}
	uint8_t b1;
	uint16_t b2;
	uint32_t b4;
	uint64_t b8;
	struct wh_error *err;
	switch (m->size) {
	case 1:
		err = wh_dump_read(k->dump, obj + m->offset, &b1, 1);
		*ret = b1;
		break;
	case 2:
		err = wh_dump_read(k->dump, obj + m->offset, &b2, 2);
		*ret = b2;
		break;
	case 4:
		err = wh_dump_read(k->dump, obj + m->offset, &b4, 4);
		*ret = b4;
		break;
	case 8:
		err = wh_dump_read(k->dump, obj + m->offset, &b8, 8);
		*ret = b8;
		break;
	default:
		return wh_error_create(WH_ERR_FORMAT, "member of size %llu is not an integer",
				       (unsigned long long)m->size);
	}
	return err;
}

struct wh_error *wh_kernel_member(struct wh_kernel *k, const char *struct_name, const char *path,
				  struct wh_member_info *ret)
{
	return wh_types_struct_member(k->types, struct_name, path, ret);
}

struct wh_error *wh_kernel_member_opt(struct wh_kernel *k, const char *struct_name,
				      const char *path, struct wh_member_info *ret, bool *ret_found)
{
	struct wh_error *err = wh_types_struct_member(k->types, struct_name, path, ret);
	*ret_found = !err;
	if (err && err->code == WH_ERR_ABSENT) {
		wh_error_destroy(err);
		return NULL;
	}
	return err;
}

bool wh_kernel_version_at_least(const struct wh_kernel *k, int major, int minor)
{
	return k->version_major > major || (k->version_major == major && k->version_minor >= minor);
}

void wh_kernel_type_hint(struct wh_kernel *k, const char *const *functions)
{
	/* Callers pass static lists, once per task or plugin call: apply each
	 * list once (an .debug_aranges lookup is a linear search). */
	for (size_t i = 0; i < k->n_hints_done; i++)
		if (k->hints_done[i] == functions)
			return;
	if (k->n_hints_done < sizeof(k->hints_done) / sizeof(*k->hints_done))
		k->hints_done[k->n_hints_done++] = functions;
	for (; *functions; functions++) {
		struct wh_symbol sym;
		struct wh_error *err = wh_kernel_symbol(k, *functions, &sym);
		if (!err)
			err = wh_types_index_cu_at(k->types, sym.address);
		bool done = !err;
		wh_error_destroy(err);
		if (done)
			return;
	}
}
