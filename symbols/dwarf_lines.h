/* Source file and line of a code address from one compile unit's line
 * program in .debug_line (DWARF 2 to 5, 32- and 64-bit DWARF), read by us
 * rather than by libdwarf's dwarf_srclines_b(), which decodes, allocates
 * and names every row of the unit's table: ~60% of `whyhung bt` on a
 * distro vmlinux. A table is the unit's header (directories and files)
 * and its rows, 16 bytes each; names are built only for the row asked.
 *
 * Everything read is bounds-checked against the section: a malformed
 * program gives WH_ERR_FORMAT, never a read outside the bytes given. */
#ifndef WHYHUNG_DWARF_LINES_H
#define WHYHUNG_DWARF_LINES_H

#include <stdint.h>

#include "error.h"

/* The section bytes a line program refers to (as relocated and inflated
 * for the reader, see wh_dwarf_object_section()); the string sections may
 * be NULL when absent. They must outlive the tables made from them. */
struct wh_line_sections {
	const unsigned char *line; /* .debug_line */
	uint64_t line_size;
	const unsigned char *line_str; /* .debug_line_str: DW_FORM_line_strp */
	uint64_t line_str_size;
	const unsigned char *str; /* .debug_str: DW_FORM_strp */
	uint64_t str_size;
};

struct wh_line_table;

/* The line program at OFFSET in .debug_line (a compile unit's
 * DW_AT_stmt_list); COMP_DIR is the unit's DW_AT_comp_dir, or NULL.
 * Parses the header and runs the program once; WH_ERR_FORMAT when either
 * is malformed. */
struct wh_error *wh_line_table_create(const struct wh_line_sections *sections, uint64_t offset,
				      const char *comp_dir, struct wh_line_table **ret);
void wh_line_table_destroy(struct wh_line_table *table);

/* The row for ADDR: of the rows at addresses <= ADDR, the one with the
 * greatest address (at equal addresses a row that starts code wins over
 * an end of sequence, then the later one). WH_ERR_ABSENT when there is no
 * such row or it ends a sequence (ADDR is past the code it describes).
 * Rows naming no valid file are not considered. The file is the row's
 * directory and name joined, relative to COMP_DIR when under it; it lives
 * until the next call on TABLE. */
struct wh_error *wh_line_table_find(struct wh_line_table *table, uint64_t addr,
				    const char **ret_file, unsigned *ret_line);

/* The name of file INDEX of the table's file list (as DW_AT_call_file
 * gives it: 0-based in DWARF 5, 1-based before), built as for
 * wh_line_table_find(); it lives until the next call on TABLE.
 * WH_ERR_ABSENT when the table names no valid file INDEX. */
struct wh_error *wh_line_table_file(struct wh_line_table *table, uint64_t index,
				    const char **ret_file);

#endif
