/* DWARF units, abbreviations and attribute forms (symbols/dwarf_info.c):
 * every unit's DIE tree walked by child and sibling, the attributes the
 * type layer and the unwinder ask for read, references followed, and the
 * unit's line program located. Input chunks: .debug_info, .debug_abbrev,
 * .debug_str, .debug_line_str, .debug_str_offsets. */
#include <stdint.h>

#include "fuzz/fuzz_input.h"
#include "dwarf_constants.h"
#include "dwarf_info.h"

/* Bounds that keep one run short: every attribute of the first DIES_ALL
 * entries, names and types of the rest. */
enum { MAX_UNITS = 16, MAX_DIES = 2048, DIES_ALL = 256 };

static const uint64_t attr_names[] = {
	DW_AT_name,	 DW_AT_type,	       DW_AT_data_member_location, DW_AT_sibling,
	DW_AT_byte_size, DW_AT_bit_size,
	DW_AT_low_pc,	 DW_AT_high_pc,	       DW_AT_upper_bound,   DW_AT_count,
	DW_AT_abstract_origin, DW_AT_declaration,
	DW_AT_specification, DW_AT_ranges,	    DW_AT_call_file,
	DW_AT_data_bit_offset, DW_AT_const_value, DW_AT_str_offsets_base, DW_AT_addr_base,
};

static void read_attrs(struct wh_dwarf_info *info, const struct wh_die *die, bool all)
{
	size_t n = all ? sizeof(attr_names) / sizeof(attr_names[0]) : 3;
	for (size_t i = 0; i < n; i++) {
		struct wh_attr a;
		struct wh_error *err = wh_die_attr(info, die, attr_names[i], &a);
		if (err) {
			wh_error_destroy(err);
			continue;
		}
		if (a.form == DW_FORM_ref4 || a.form == DW_FORM_ref_addr || a.form == DW_FORM_ref1 ||
		    a.form == DW_FORM_ref2 || a.form == DW_FORM_ref8 || a.form == DW_FORM_ref_udata) {
			struct wh_die target;
			wh_error_destroy(wh_dwarf_info_die(info, a.value, &target));
		}
	}
}

/* Depth-first over the unit's tree without recursion: child first, else
 * sibling, else back up. */
static void walk_unit(struct wh_dwarf_info *info, struct wh_dwarf_unit *unit)
{
	struct wh_die stack[64];
	size_t depth = 0;
	struct wh_error *err = wh_dwarf_unit_root(info, unit, &stack[0]);
	if (err) {
		wh_error_destroy(err);
		return;
	}
	for (unsigned steps = 0; steps < MAX_DIES; steps++) {
		struct wh_die *die = &stack[depth];
		read_attrs(info, die, steps < DIES_ALL);
		struct wh_die next;
		if (depth + 1 < 64 && !(err = wh_die_child(info, die, &next)) && next.offset) {
			stack[++depth] = next;
			continue;
		}
		wh_error_destroy(err);
		for (;;) {
			err = wh_die_sibling(info, &stack[depth], &next);
			if (!err && next.offset) {
				stack[depth] = next;
				break;
			}
			wh_error_destroy(err);
			if (depth == 0)
				return;
			depth--;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = {data, size};
	struct wh_unit_sections s = {0};
	struct fuzz_chunk c = fuzz_take(&in);
	s.info = c.data, s.info_size = c.size;
	c = fuzz_take(&in);
	s.abbrev = c.data, s.abbrev_size = c.size;
	c = fuzz_take(&in);
	s.str = c.data, s.str_size = c.size;
	c = fuzz_take(&in);
	s.line_str = c.data, s.line_str_size = c.size;
	c = fuzz_take(&in);
	s.str_offsets = c.data, s.str_offsets_size = c.size;

	struct wh_dwarf_info *info;
	struct wh_error *err = wh_dwarf_info_create(&s, &info);
	if (err) { /* only the absence of sections fails here */
		wh_error_destroy(err);
		return 0;
	}
	struct wh_dwarf_unit *unit = NULL;
	for (unsigned n = 0; n < MAX_UNITS; n++) {
		err = wh_dwarf_info_next_unit(info, unit, &unit);
		if (err || !unit) {
			wh_error_destroy(err);
			break;
		}
		walk_unit(info, unit);
		uint64_t stmt_list;
		const char *comp_dir;
		wh_error_destroy(
		    wh_dwarf_unit_line_program(info, wh_dwarf_unit_header(unit), &stmt_list, &comp_dir));
		wh_dwarf_unit_release(info, unit);
	}
	wh_dwarf_info_destroy(info);
	return 0;
}
