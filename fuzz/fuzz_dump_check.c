/* The dump file's structural check (analyzer/dump_check.c): ELF program
 * headers, the kdump-compressed header, bitmaps and page descriptors, on
 * the input as a whole file. */
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "analyzer/dump_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-dump", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size)
		wh_error_destroy(wh_dump_check_file(fd));
	close(fd);
	return 0;
}
