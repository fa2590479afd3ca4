/* The dump files behind what the user named: files as they are, and for a
 * directory (a kdump-tools /var/crash/STAMP/ or a RHEL crash directory)
 * every file in it that starts like a dump (ELF, kdump-compressed,
 * flattened, or compressed as a whole), the kernel logs beside it left out. */
#ifndef WHYHUNG_DUMP_FILES_H
#define WHYHUNG_DUMP_FILES_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* Could a file starting with these bytes be a dump whyhung reads? */
bool wh_dump_files_looks_like_dump(const void *head, size_t len);

/* *RET: a NULL-terminated array of malloc'ed paths (free each and it),
 * never empty. */
struct wh_error *wh_dump_files_expand(const char *const *paths, size_t n, char ***ret,
				      size_t *ret_n);
void wh_dump_files_free(char **files, size_t n);

#endif
