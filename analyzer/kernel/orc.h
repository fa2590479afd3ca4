/* The kernel's ORC unwind tables (x86-64, CONFIG_UNWINDER_ORC, 4.14+):
 * from the vmlinux when it carries them sorted (5.10+ sort at build time),
 * otherwise from the dump's memory (debuginfo that strips them, or kernels
 * that sort at boot); modules' tables always from memory. Entries are
 * decoded into one format-independent form. */
#ifndef WHYHUNG_ORC_H
#define WHYHUNG_ORC_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "kernel.h"

enum wh_orc_reg {
	WH_ORC_REG_UNDEFINED = 0,
	WH_ORC_REG_PREV_SP = 1,
	WH_ORC_REG_DX = 2,
	WH_ORC_REG_DI = 3,
	WH_ORC_REG_BP = 4,
	WH_ORC_REG_SP = 5,
	WH_ORC_REG_R10 = 6,
	WH_ORC_REG_R13 = 7,
	WH_ORC_REG_BP_INDIRECT = 8,
	WH_ORC_REG_SP_INDIRECT = 9,
};

enum wh_orc_type {
	WH_ORC_CALL,
	WH_ORC_REGS,
	WH_ORC_REGS_PARTIAL,
	WH_ORC_UNDEFINED,    /* no information: an unwind error */
	WH_ORC_END_OF_STACK, /* the normal end (kernel thread entry) */
};

struct wh_orc_entry {
	int16_t sp_offset;
	int16_t bp_offset;
	enum wh_orc_reg sp_reg;
	enum wh_orc_reg bp_reg;
	enum wh_orc_type type;
	bool signal; /* the next frame's IP is exact (no "- 1" for lookups) */
};

/* Look up the ORC entry for runtime address IP. *ret_found is false when no
 * table covers IP (callers fall back to frame pointers or a stack scan),
 * also when the table that would failed to load: each table is loaded once
 * and its failure kept in wh_orc_diags(). Fails only for lack of memory. */
struct wh_error *wh_orc_find(struct wh_kernel *k, uint64_t ip, struct wh_orc_entry *ret,
			     bool *ret_found);
/* "vmlinux" or "memory": where the kernel's own table came from; an error
 * when it could not be loaded. */
struct wh_error *wh_orc_source(struct wh_kernel *k, const char **ret);
/* The ORC tables that failed to load (the kernel's, a module's), each
 * once; NULL before any lookup. */
const struct wh_diags *wh_orc_diags(const struct wh_kernel *k);
void wh_orc_destroy(struct wh_orc *orc);

/* Decode one raw 6-byte entry of format VERSION (1: 4.14-6.2, 2: 6.3,
 * 3: 6.4+); exposed for unit tests. */
void wh_orc_decode(const unsigned char raw[6], int version, struct wh_orc_entry *ret);

#endif
