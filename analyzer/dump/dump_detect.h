/* Is this file a kernel dump? Decided by content, from the first bytes and,
 * for ELF, the notes: the one place that knows the signatures of the dump
 * forms whyhung reads, so that finding dumps in a directory tree (batch)
 * and opening one agree. A new form is one line in the table of
 * dump_detect.c. */
#ifndef WHYHUNG_DUMP_DETECT_H
#define WHYHUNG_DUMP_DETECT_H

#include <stddef.h>

#include "error.h"

/* Sets *RET_KIND to a short name of the form ("elf", "kdump", "diskdump",
 * "flattened", or the compression of a file compressed as a whole: "gzip",
 * "bzip2", "lz4", "xz", "zstd") or to NULL when FD holds no dump. Errors only for reads
 * that fail (WH_ERR_IO); a short file is simply not a dump. */
struct wh_error *wh_dump_detect(int fd, const char **ret_kind);

/* Which kernel wrote the dump, as far as its headers say without opening
 * it (a "kdump" header's utsname release and version; an ELF dump's
 * VMCOREINFO OSRELEASE and BUILD-ID lines): a key to group dumps of one
 * kernel, read with bounds, not trusted for anything else. "" when
 * unknown. KIND is what wh_dump_detect() said. */
void wh_dump_kernel_key(int fd, const char *kind, char *ret, size_t size);

#endif
