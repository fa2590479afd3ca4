/* .debug_aranges sets (symbols/dwarf_aranges.c): parsed, then addresses
 * looked up and the unit list read. Input: the section, then addresses
 * (8 bytes each) after a 4-byte length prefix as in fuzz_input.h. */
#include <stdint.h>

#include "fuzz/fuzz_input.h"
#include "dwarf_aranges.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = {data, size};
	struct fuzz_chunk c = fuzz_take(&in);
	struct wh_aranges *a;
	struct wh_error *err = wh_aranges_create(c.data, c.size, &a);
	if (err) {
		wh_error_destroy(err);
		return 0;
	}
	size_t n;
	const uint64_t *units = wh_aranges_units(a, &n);
	uint64_t sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += units[i];
	if (n && sum == 1) /* keep the reads */
		__asm__ volatile("" ::: "memory");
	for (int i = 0; i < 8 && in.size; i++) {
		uint64_t unit;
		wh_error_destroy(wh_aranges_find(a, fuzz_u64(&in), &unit));
	}
	wh_aranges_destroy(a);
	return 0;
}
