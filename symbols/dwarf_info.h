/* Debugging information entries of .debug_info, read by us rather than by
 * libdwarf: a unit is set up only when one of its DIEs is asked for (its
 * header read, its abbreviations parsed), never because it comes before
 * another. libdwarf's dwarf_offdie_b() builds a context for every unit
 * before the one asked; for the types a `report` needs on Debian's
 * vmlinux that meant ~100 MB of touched pages.
 *
 * Everything read is bounds-checked against the sections given; walks are
 * bounded (offsets must progress, nesting is limited); forms this reader
 * cannot follow (dwz's DW_FORM_GNU_ref_alt/strp_alt, supplementary files,
 * type signatures, split DWARF) are WH_ERR_FORMAT, not guesses. */
#ifndef WHYHUNG_DWARF_INFO_H
#define WHYHUNG_DWARF_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* As relocated and inflated by wh_dwarf_object_section(); the
 * string sections may be NULL when absent. */
struct wh_unit_sections {
	const unsigned char *info; /* .debug_info */
	uint64_t info_size;
	const unsigned char *abbrev; /* .debug_abbrev */
	uint64_t abbrev_size;
	const unsigned char *str; /* .debug_str */
	uint64_t str_size;
	const unsigned char *line_str; /* .debug_line_str */
	uint64_t line_str_size;
	const unsigned char *str_offsets; /* .debug_str_offsets: DW_FORM_strx* */
	uint64_t str_offsets_size;
	/* For address ranges (dwarf_inline.c); NULL when absent. */
	const unsigned char *ranges; /* .debug_ranges: DWARF 2-4 */
	uint64_t ranges_size;
	const unsigned char *rnglists; /* .debug_rnglists: DWARF 5 */
	uint64_t rnglists_size;
	const unsigned char *addr; /* .debug_addr: DW_FORM_addrx*, DW_RLE_*x */
	uint64_t addr_size;
};

struct wh_dwarf_info;
struct wh_dwarf_unit;

/* A DIE: OFFSET 0 means "none" (no unit header is empty, so no DIE sits
 * at 0). Valid while its wh_dwarf_info lives. */
struct wh_die {
	struct wh_dwarf_unit *unit;
	uint64_t offset; /* in .debug_info */
	uint64_t tag;
	bool has_children;
	uint32_t abbrev; /* index in the unit's abbreviation table */
	uint64_t attrs;	 /* offset of its first attribute value */
};

/* An attribute value, by form: constants, addresses, indexes, section
 * offsets in VALUE (sdata and implicit_const as two's complement);
 * references as a .debug_info offset; strings resolved in STRING; blocks
 * and exprlocs as BLOCK/BLOCK_LEN. FORM 0: the attribute is absent. */
struct wh_attr {
	uint64_t form;
	uint64_t value;
	const char *string;
	const unsigned char *block;
	uint64_t block_len;
};

/* SECTIONS must outlive the result (they are copied, not their bytes).
 * WH_ERR_NO_DEBUGINFO when .debug_info or .debug_abbrev is missing. */
struct wh_error *wh_dwarf_info_create(const struct wh_unit_sections *sections,
				      struct wh_dwarf_info **ret);
void wh_dwarf_info_destroy(struct wh_dwarf_info *info);

/* Header offsets of units known from elsewhere (.debug_aranges), sorted:
 * where wh_dwarf_info_die() may start looking for the unit of an offset
 * that no unit read so far contains. Copied. */
struct wh_error *wh_dwarf_info_set_unit_hints(struct wh_dwarf_info *info, const uint64_t *offsets,
					      size_t n);

/* The unit whose header is at HEADER: only that header is read. */
struct wh_error *wh_dwarf_info_unit(struct wh_dwarf_info *info, uint64_t header,
				    struct wh_dwarf_unit **ret);
/* The unit after UNIT in .debug_info (the first when UNIT is NULL); NULL
 * in RET past the last one. */
struct wh_error *wh_dwarf_info_next_unit(struct wh_dwarf_info *info, struct wh_dwarf_unit *unit,
					 struct wh_dwarf_unit **ret);
uint64_t wh_dwarf_unit_header(const struct wh_dwarf_unit *unit);
/* The unit's DWARF version (2 to 5), address and offset sizes. */
unsigned wh_dwarf_unit_version(const struct wh_dwarf_unit *unit);
unsigned wh_dwarf_unit_address_size(const struct wh_dwarf_unit *unit);
unsigned wh_dwarf_unit_offset_size(const struct wh_dwarf_unit *unit);
/* The sections INFO was created on. */
const struct wh_unit_sections *wh_dwarf_info_sections(const struct wh_dwarf_info *info);
/* Stop keeping UNIT's abbreviations (a scan is done with it); they are
 * parsed again if one of its DIEs is asked for later. */
void wh_dwarf_unit_release(struct wh_dwarf_info *info, struct wh_dwarf_unit *unit);

/* The unit's root DIE (DW_TAG_compile_unit, ...). */
struct wh_error *wh_dwarf_unit_root(struct wh_dwarf_info *info, struct wh_dwarf_unit *unit,
				    struct wh_die *ret);
/* The DIE at OFFSET in .debug_info, found in the units read so far or, if
 * none contains it, by reading headers from the nearest hint before it. */
struct wh_error *wh_dwarf_info_die(struct wh_dwarf_info *info, uint64_t offset, struct wh_die *ret);

/* First child of DIE, and next sibling (by DW_AT_sibling when present,
 * else past DIE's subtree); RET->offset 0 when there is none. */
struct wh_error *wh_die_child(struct wh_dwarf_info *info, const struct wh_die *die,
			      struct wh_die *ret);
struct wh_error *wh_die_sibling(struct wh_dwarf_info *info, const struct wh_die *die,
				struct wh_die *ret);

/* Attribute NAME of DIE; RET->form 0 when DIE has none. Strings are
 * resolved (WH_ERR_FORMAT when they live in another file); references
 * are turned into .debug_info offsets (DW_FORM_ref_sig8 and dwz's
 * references are WH_ERR_FORMAT). */
struct wh_error *wh_die_attr(struct wh_dwarf_info *info, const struct wh_die *die, uint64_t name,
			     struct wh_attr *ret);

/* Where the line program of the unit whose header is at HEADER is:
 * DW_AT_stmt_list and DW_AT_comp_dir of its root DIE (NULL when it has
 * none; the string lives in the sections). Only that unit is read, and its
 * abbreviations are dropped again. WH_ERR_ABSENT when the unit has no line
 * program; WH_ERR_FORMAT when it is malformed. */
struct wh_error *wh_dwarf_unit_line_program(struct wh_dwarf_info *info, uint64_t header,
					    uint64_t *ret_stmt_list, const char **ret_comp_dir);

#endif
