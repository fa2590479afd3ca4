/* Where a compile unit's line program is: DW_AT_stmt_list and
 * DW_AT_comp_dir of the unit's root DIE, read straight from .debug_info
 * and .debug_abbrev. libdwarf's dwarf_offdie_b() first builds a context
 * for every unit before the one asked (abbreviations parsed, headers of
 * .debug_loclists/.debug_rnglists read): for the units a `bt` on the
 * Debian vmlinux asks about that was ~0.1 s and ~45 MB of touched pages.
 *
 * Everything read is bounds-checked against the sections given. */
#ifndef WHYHUNG_DWARF_UNIT_H
#define WHYHUNG_DWARF_UNIT_H

#include <stdint.h>

#include "../analyzer/error.h"

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
};

/* For the unit whose header is at OFFSET in .debug_info: the offset of its
 * line program in .debug_line and its compilation directory (NULL when it
 * has none; the string lives in the sections). WH_ERR_ABSENT when the
 * unit has no line program; WH_ERR_FORMAT when it is malformed or uses a
 * form this reader does not know. */
struct wh_error *wh_dwarf_unit_lines(const struct wh_unit_sections *sections, uint64_t offset,
				     uint64_t *ret_stmt_list, const char **ret_comp_dir);

#endif
