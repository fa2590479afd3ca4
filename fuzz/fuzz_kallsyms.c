/* The kallsyms decoder (symbols/kallsyms.c) on tables as the kernel lays
 * them out (input chunks: kallsyms_names, kallsyms_token_table,
 * kallsyms_token_index (512 bytes, zero-padded), kallsyms_offsets; then
 * one byte: 64-bit addresses instead of offsets when odd, and 8-byte
 * addresses to symbolize). Every symbol decoded is looked up by name. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz_input.h"
#include "kallsyms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = {data, size};
	struct fuzz_chunk names = fuzz_take(&in), tt = fuzz_take(&in), ti = fuzz_take(&in),
			  table = fuzz_take(&in);
	uint16_t index[256] = {0};
	memcpy(index, ti.data ? ti.data : (const uint8_t *)"", ti.size < 512 ? ti.size : 512);
	uint8_t mode = in.size ? in.data[0] : 0;
	in.data += in.size ? 1 : 0;
	in.size -= in.size ? 1 : 0;
	/* Aligned copies of the address tables. */
	size_t width = mode & 1 ? 8 : 4;
	uint64_t n = table.size / width;
	void *copy = malloc(n ? n * width : 1);
	if (!copy)
		return 0;
	if (n)
		memcpy(copy, table.data, n * width);
	struct wh_kallsyms_tables t = {
	    .num_syms = n,
	    .names = names.data,
	    .names_size = names.size,
	    .token_table = tt.data,
	    .token_table_size = tt.size,
	    .token_index = index,
	    .offsets = mode & 1 ? NULL : copy,
	    .addresses = mode & 1 ? copy : NULL,
	    .relative_base = 0xffffffff81000000ull,
	};
	struct wh_kallsyms *ks;
	if (wh_best_effort(wh_kallsyms_create(&t, &ks))) {
		for (size_t i = 0; i < wh_kallsyms_count(ks) && i < 256; i++) {
			struct wh_symbol s, by_name;
			wh_kallsyms_at(ks, i, &s);
			wh_best_effort(wh_kallsyms_symbol(ks, s.name, &by_name));
		}
		while (in.size) {
			struct wh_symbol s;
			uint64_t off;
			wh_best_effort(wh_kallsyms_symbolize(ks, fuzz_u64(&in), &s, &off));
		}
		wh_kallsyms_destroy(ks);
	}
	free(copy);
	return 0;
}
