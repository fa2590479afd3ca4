/* Inlined-subroutine walks (symbols/dwarf_inline.c): a unit's subprogram
 * ranges indexed, then the chain of inlined calls at addresses, through
 * low/high pc, .debug_ranges, .debug_rnglists and .debug_addr. Input
 * chunks: .debug_info, .debug_abbrev, .debug_str, .debug_ranges,
 * .debug_rnglists, .debug_addr, then 8-byte addresses. */
#include <stdint.h>

#include "fuzz/fuzz_input.h"
#include "dwarf_inline.h"

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
	s.ranges = c.data, s.ranges_size = c.size;
	c = fuzz_take(&in);
	s.rnglists = c.data, s.rnglists_size = c.size;
	c = fuzz_take(&in);
	s.addr = c.data, s.addr_size = c.size;
	uint64_t pcs[8];
	size_t n_pcs = 0;
	while (n_pcs < 8 && in.size)
		pcs[n_pcs++] = fuzz_u64(&in);

	struct wh_dwarf_info *info;
	struct wh_error *err = wh_dwarf_info_create(&s, &info);
	if (err) {
		wh_error_destroy(err);
		return 0;
	}
	struct wh_inline_cache *cache;
	if ((err = wh_inline_cache_create(info, &cache))) {
		wh_error_destroy(err);
		wh_dwarf_info_destroy(info);
		return 0;
	}
	struct wh_dwarf_unit *unit = NULL;
	for (unsigned u = 0; u < 8; u++) {
		err = wh_dwarf_info_next_unit(info, unit, &unit);
		if (err || !unit) {
			wh_error_destroy(err);
			break;
		}
		for (size_t i = 0; i < n_pcs; i++) {
			struct wh_inline_call calls[WH_MAX_INLINE_DEPTH];
			size_t n;
			wh_error_destroy(
			    wh_dwarf_inline_chain(cache, wh_dwarf_unit_header(unit), pcs[i], calls, &n));
			struct wh_die root;
			bool in_range;
			if (!(err = wh_dwarf_unit_root(info, unit, &root)))
				err = wh_die_contains(info, &root, pcs[i], &in_range);
			wh_error_destroy(err);
		}
	}
	wh_inline_cache_destroy(cache);
	wh_dwarf_info_destroy(info);
	return 0;
}
