/* The analysed kernel: a dump plus its matching vmlinux and types, with the
 * few primitives every higher layer uses: runtime symbol addresses (KASLR
 * applied), per-CPU addresses, and typed reads of struct members. */
#ifndef WHYHUNG_KERNEL_H
#define WHYHUNG_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "dump.h"
#include "dwarf_types.h"
#include "elf_image.h"

enum { WH_MAX_CPUS = 8192 };

struct wh_modules;
struct wh_orc;
struct wh_module_debug;
struct wh_module_btf;

struct wh_kallsyms;

struct wh_kernel {
	struct wh_dump *dump;
	struct wh_elf_image *vmlinux; /* NULL without debug info (kallsyms then) */
	struct wh_kallsyms *kallsyms; /* read from the dump when there is no vmlinux */
	struct wh_types *types;	      /* the vmlinux's DWARF, or the kernel's BTF */
	uint64_t kaslr_offset;
	unsigned nr_cpu_ids;	     /* bound for CPU numbers */
	uint64_t *per_cpu_offset;    /* nr_cpu_ids entries */
	unsigned char *cpu_possible; /* 0/1 per CPU */
	unsigned char *cpu_online;   /* after a panic, only the panicking CPU */
	unsigned char *cpu_present;
	int version_major, version_minor;     /* from the release string */
	struct wh_modules *modules;	      /* lazily, see modules.h */
	struct wh_orc *orc;		      /* lazily, see orc.h */
	struct wh_module_debug *module_debug; /* -m DIR, see module_debug.h */
	struct wh_module_btf *module_btf;     /* no vmlinux: see module_btf.h */
	uint64_t text_start, text_end, inittext_start, inittext_end; /* runtime */
	const char *const *hints_done[32]; /* wh_kernel_type_hint() lists applied */
	size_t n_hints_done;
	/* The kernel tree's root in the DWARF's file names (stack/source_root.h). */
	char source_root[256];
	bool source_root_known;
};

/* Open and cross-check DUMP_PATH against VMLINUX_PATH. Errors name the
 * problem: WH_ERR_NOT_DUMP, WH_ERR_TRUNCATED, WH_ERR_NO_VMLINUX,
 * WH_ERR_NO_DEBUGINFO, WH_ERR_MISMATCH. */
struct wh_error *wh_kernel_open(const char *dump_path, const char *vmlinux_path,
				struct wh_kernel **ret);
/* The dump as several files (split) or a directory: see wh_dump_open_files(). */
struct wh_error *wh_kernel_open_files(const char *const *dump_paths, size_t n_dumps,
				      const char *vmlinux_path, struct wh_kernel **ret);
/* The same on a dump already open, which K owns from then on (destroyed on
 * failure too): a rebuilt dump is rebuilt once. */
struct wh_error *wh_kernel_open_dump(struct wh_dump *dump, const char *vmlinux_path,
				     struct wh_kernel **ret);
void wh_kernel_destroy(struct wh_kernel *k);
/* The dump alone, with no debug vmlinux: symbols from the kernel's
 * kallsyms and types from its BTF, both read from the dump's memory.
 * WH_ERR_NO_DEBUGINFO, saying what is missing, when the kernel lacks them.
 * Takes ownership of DUMP, also on failure. */
struct wh_error *wh_kernel_open_dump_no_debuginfo(struct wh_dump *dump, struct wh_kernel **ret);
/* Which debug info the analysis runs on ("DWARF of VMLINUX" or the
 * kernel's own BTF and kallsyms) and, without DWARF, what that leaves
 * out; both static or living as long as K. */
const char *wh_kernel_debuginfo(const struct wh_kernel *k);
const char *wh_kernel_debuginfo_missing(const struct wh_kernel *k);
/* The same with a vmlinux already open too, and its types (NULL: created
 * here), as a batch slot loads them once for many dumps of one kernel.
 * Takes ownership of all three, also on failure. */
struct wh_error *wh_kernel_open_loaded(struct wh_dump *dump, struct wh_elf_image *vmlinux,
				       struct wh_types *types, struct wh_kernel **ret);

/* Symbol NAME with its link-time address (per-CPU symbols: the offset in
 * the per-CPU area), from the vmlinux or kallsyms. */
struct wh_error *wh_kernel_symbol(struct wh_kernel *k, const char *name, struct wh_symbol *ret);
/* The function containing link-time address ADDR, and ADDR's offset in it. */
struct wh_error *wh_kernel_symbolize(struct wh_kernel *k, uint64_t addr, struct wh_symbol *ret,
				     uint64_t *ret_offset);
/* Runtime address of a global (KASLR slide applied). Per-CPU symbols give
 * their offset inside the per-CPU area; see wh_kernel_percpu_address(). */
struct wh_error *wh_kernel_symbol_address(struct wh_kernel *k, const char *name, uint64_t *ret);
struct wh_error *wh_kernel_percpu_address(struct wh_kernel *k, const char *name, unsigned cpu,
					  uint64_t *ret);
/* Read an unsigned integer member (1, 2, 4 or 8 bytes, or a bitfield) of
 * the object at OBJ. */
struct wh_error *wh_kernel_read_member(struct wh_kernel *k, uint64_t obj,
				       const struct wh_member_info *m, uint64_t *ret);
/* Resolve struct member offsets once; used by every layout table. */
struct wh_error *wh_kernel_member(struct wh_kernel *k, const char *struct_name, const char *path,
				  struct wh_member_info *ret);
/* Like wh_kernel_member() but an absent member is not an error: *ret_found
 * tells. For probing fields that differ across kernel versions. */
struct wh_error *wh_kernel_member_opt(struct wh_kernel *k, const char *struct_name,
				      const char *path, struct wh_member_info *ret,
				      bool *ret_found);
/* Index early the DWARF compile unit of the first of FUNCTIONS (NULL-
 * terminated) this kernel has: a speed hint for types defined late in a
 * big vmlinux. Failing hints are ignored; lookups still find everything. */
void wh_kernel_type_hint(struct wh_kernel *k, const char *const *functions);
/* Is runtime address ADDR in the vmlinux's text (core or init)? */
bool wh_kernel_in_text(struct wh_kernel *k, uint64_t addr);
bool wh_kernel_version_at_least(const struct wh_kernel *k, int major, int minor);

#endif
