/* The checks of a dump's ELF notes (CPU registers, VMCOREINFO) and of
 * VMCOREINFO text (analyzer/dump/dump_check.c), on bytes in memory: what
 * libkdumpfile would trust once they pass. The first input byte picks the
 * page size the notes are checked against. */
#include <stdint.h>

#include "dump_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t page_sizes[] = {4096, 8192, 65536, 0};
	if (size < 1)
		return 0;
	uint32_t page_size = page_sizes[data[0] & 3];
	wh_error_destroy(wh_dump_check_notes(data + 1, size - 1, page_size));
	wh_error_destroy(wh_dump_check_vmcoreinfo((const char *)data + 1, size - 1, page_size));
	return 0;
}
