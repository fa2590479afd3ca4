/* Inlined functions at a code address, from one compile unit's DIEs: the
 * top-level DW_TAG_subprogram whose address ranges contain the address,
 * then the DW_TAG_inlined_subroutine and DW_TAG_lexical_block entries
 * inside it that contain it too, as drgn and gdb show them.
 *
 * Ranges are DW_AT_low_pc with DW_AT_high_pc (an address or, DWARF 4+, a
 * length) or DW_AT_ranges: DWARF 5 .debug_rnglists (by offset or by
 * DW_FORM_rnglistx through DW_AT_rnglists_base, every DW_RLE_* kind,
 * DW_FORM_addrx* through DW_AT_addr_base), DWARF 2-4 .debug_ranges.
 * Everything read is bounds-checked; walks are bounded in depth and in
 * list length. Malformed DWARF is WH_ERR_FORMAT. */
#ifndef WHYHUNG_DWARF_INLINE_H
#define WHYHUNG_DWARF_INLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dwarf_info.h"

/* Inlined calls nested deeper than this are refused (the kernel's
 * deepest are ~10). */
enum { WH_MAX_INLINE_DEPTH = 32 };

/* One DW_TAG_inlined_subroutine containing the address. */
struct wh_inline_call {
	uint64_t die;	      /* its offset in .debug_info */
	const char *function; /* DW_AT_name via abstract_origin/specification; NULL: none */
	/* Where it was inlined: DW_AT_call_file, an index into the unit's
	 * line-program file table (wh_line_table_file()), and DW_AT_call_line;
	 * HAVE_CALL_FILE false and CALL_LINE 0 when the DIE does not say. */
	bool have_call_file;
	uint64_t call_file;
	unsigned call_line;
};

/* The units asked about, each indexed once: the address ranges of its
 * top-level subprograms, sorted (a unit's DIEs are walked once, not per
 * address). INFO must outlive it. */
struct wh_inline_cache;
struct wh_error *wh_inline_cache_create(struct wh_dwarf_info *info, struct wh_inline_cache **ret);
void wh_inline_cache_destroy(struct wh_inline_cache *cache);

/* The inlined calls containing PC in the unit whose header is at HEADER,
 * innermost first, in RET (room for WH_MAX_INLINE_DEPTH); *RET_N is 0
 * when no subprogram of the unit contains PC or nothing is inlined there.
 * Function names live in the sections. */
struct wh_error *wh_dwarf_inline_chain(struct wh_inline_cache *cache, uint64_t header, uint64_t pc,
				       struct wh_inline_call *ret, size_t *ret_n);

/* Does DIE's address range (low/high pc or DW_AT_ranges) contain PC?
 * False when DIE has no range. Exposed for tests. */
struct wh_error *wh_die_contains(struct wh_dwarf_info *info, const struct wh_die *die, uint64_t pc,
				 bool *ret);

#endif
