/* makedumpfile's flattened format (analyzer/dump/flattened.c): the
 * stream's header and records rebuilt into a file (a memfd), fed in
 * pieces of the sizes a decompressor or a pipe would give; the first
 * input byte picks the piece size. */
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "flattened.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t pieces[] = {1, 7, 4096, 65536};
	if (size < 1)
		return 0;
	size_t piece = pieces[data[0] & 3];
	int fd = memfd_create("fuzz-flat", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	struct wh_flat_rebuild *r;
	struct wh_error *err = wh_flat_rebuild_create(fd, &r);
	if (!err) {
		for (size_t off = 1; off < size && !err; off += piece)
			err = wh_flat_rebuild_feed(r, data + off, size - off < piece ? size - off : piece);
		struct wh_flat_result result;
		if (!err)
			err = wh_flat_rebuild_finish(r, &result);
		wh_flat_rebuild_destroy(r);
	}
	wh_error_destroy(err);
	close(fd);
	return 0;
}
