/* Dumps compressed as a whole file (kdump-tools' KDUMP_COMPRESSION, or by
 * hand): recognised by their magic bytes, never by name, and streamed
 * through the compression library into a dump stream (dump_stream.h). */
#ifndef WHYHUNG_DECOMPRESS_H
#define WHYHUNG_DECOMPRESS_H

#include <stddef.h>

#include "dump_stream.h"
#include "error.h"

enum wh_compression {
	WH_COMPRESSION_NONE,
	WH_COMPRESSION_GZIP,
	WH_COMPRESSION_BZIP2,
	WH_COMPRESSION_LZ4,
	WH_COMPRESSION_XZ,
	WH_COMPRESSION_ZSTD,
};

/* From the file's first bytes (at least 6 needed to tell them all). */
enum wh_compression wh_compression_detect(const void *head, size_t len);
/* "gzip", "bzip2", "lz4", "xz", "zstd". */
const char *wh_compression_name(enum wh_compression c);

/* Decompress the whole of IN_FD (read from its current offset) into SINK.
 * Data that ends early or turns corrupt is not an error: what came before
 * is kept and EARLY says what happened ("" when all was read). */
struct wh_error *wh_decompress(int in_fd, enum wh_compression c, struct wh_dump_stream *sink,
			       char *early, size_t early_size);

#endif
