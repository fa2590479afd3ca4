/* The kernel's own symbol table, kallsyms, as it sits in kernel memory:
 * what stands in for the vmlinux's .symtab when there is no vmlinux.
 * The tables are copied out of a dump by the caller (analyzer/kernel/
 * kallsyms_read.c) and are hostile: every length byte, token index and
 * token is bounds-checked, names are capped, and a table that does not
 * decode to exactly NUM_SYMS symbols is an error.
 *
 * Layout (scripts/kallsyms.c): kallsyms_names holds one entry per symbol,
 * a length (one byte, or two when the first has bit 7 set: 6.1's "big"
 * symbols) then that many token numbers; kallsyms_token_index gives each
 * of the 256 tokens' offset in kallsyms_token_table (NUL-terminated
 * strings). The first character of a name is its nm type letter.
 * Addresses are kallsyms_relative_base plus each 32-bit kallsyms_offsets
 * entry, or, with CONFIG_KALLSYMS_ABSOLUTE_PERCPU (x86-64 SMP up to
 * 6.14), the entry itself when non-negative (per-CPU symbols) and
 * base - 1 - entry when negative; or, on kernels without relative
 * offsets, 64-bit kallsyms_addresses. */
#ifndef WHYHUNG_KALLSYMS_H
#define WHYHUNG_KALLSYMS_H

#include <stddef.h>
#include <stdint.h>

#include "elf_image.h"
#include "error.h"

struct wh_kallsyms_tables {
	uint64_t num_syms;
	const unsigned char *names;
	size_t names_size;
	const unsigned char *token_table;
	size_t token_table_size;
	const uint16_t *token_index; /* 256 entries */
	const int32_t *offsets;	     /* num_syms entries, or NULL: use addresses */
	uint64_t relative_base;
	const uint64_t *addresses; /* num_syms entries when offsets is NULL */
};

struct wh_kallsyms;

/* Decode the tables (nothing of them is kept). WH_ERR_FORMAT, naming the
 * symbol and the field, when they do not decode. */
struct wh_error *wh_kallsyms_create(const struct wh_kallsyms_tables *tables,
				    struct wh_kallsyms **ret);
void wh_kallsyms_destroy(struct wh_kallsyms *ks);
size_t wh_kallsyms_count(const struct wh_kallsyms *ks);
/* Symbol I (0 .. count-1) in address order. */
void wh_kallsyms_at(const struct wh_kallsyms *ks, size_t i, struct wh_symbol *ret);

/* As wh_elf_image_symbol()/_symbolize(), with runtime addresses (the
 * tables hold them, KASLR applied). Per-CPU symbols have percpu set and
 * their offset in the per-CPU area. TYPE is the nm letter; size is the
 * distance to the next symbol. */
struct wh_error *wh_kallsyms_symbol(const struct wh_kallsyms *ks, const char *name,
				    struct wh_symbol *ret);
struct wh_error *wh_kallsyms_symbolize(const struct wh_kallsyms *ks, uint64_t addr,
				       struct wh_symbol *ret, uint64_t *ret_offset);

#endif
