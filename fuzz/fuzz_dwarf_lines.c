/* .debug_line programs (symbols/dwarf_lines.c): the header with its
 * directory and file tables (DWARF 2-5, 32/64-bit), the program run, rows
 * found and file names built. Input chunks: .debug_line, .debug_line_str,
 * .debug_str, then 8-byte numbers: the program's offset, then addresses
 * and file indexes to look up. */
#include <stdint.h>

#include "fuzz/fuzz_input.h"
#include "dwarf_lines.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = {data, size};
	struct wh_line_sections s = {0};
	struct fuzz_chunk c = fuzz_take(&in);
	s.line = c.data, s.line_size = c.size;
	c = fuzz_take(&in);
	s.line_str = c.data, s.line_str_size = c.size;
	c = fuzz_take(&in);
	s.str = c.data, s.str_size = c.size;
	uint64_t offset = fuzz_u64(&in);
	const char *comp_dir = offset & 1 ? "/build/linux" : NULL;
	struct wh_line_table *t;
	struct wh_error *err = wh_line_table_create(&s, offset >> 1, comp_dir, &t);
	if (err) {
		wh_error_destroy(err);
		return 0;
	}
	for (int i = 0; i < 8 && in.size; i++) {
		uint64_t v = fuzz_u64(&in);
		const char *file;
		unsigned line;
		wh_error_destroy(wh_line_table_find(t, v, &file, &line));
		wh_error_destroy(wh_line_table_file(t, v & 0xff, &file));
	}
	wh_line_table_destroy(t);
	return 0;
}
