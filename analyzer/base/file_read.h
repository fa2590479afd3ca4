/* Reading a file at an offset, whole: the one pread loop (EINTR, short
 * reads) that the dump checks, the dump forms and the batch share. */
#ifndef WHYHUNG_FILE_READ_H
#define WHYHUNG_FILE_READ_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Reads up to LEN bytes at OFF into BUF; *RET is how many (fewer only at
 * the end of the file). WH_ERR_IO when the read fails. */
struct wh_error *wh_file_read_at(int fd, uint64_t off, void *buf, size_t len, size_t *ret);

#endif
