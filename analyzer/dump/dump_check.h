/* Structural checks of a dump file before libkdumpfile opens it. The
 * library trusts the headers it reads (sizes, offsets, the page size in
 * VMCOREINFO) and, in 0.5.1, cannot be freed safely after it refused a
 * file; so everything it will use at open is checked here first, and a bad
 * file gets one line in whyhung's words. A copy cut short after its
 * headers (an incomplete capture) is not refused: dump_pages.c says which
 * pages are missing. */
#ifndef WHYHUNG_DUMP_CHECK_H
#define WHYHUNG_DUMP_CHECK_H

#include "dump_layout.h"
#include "error.h"

/* Fills *RET (to be deinit'ed) with where the pages are. Errors:
 * WH_ERR_TRUNCATED when the headers, notes or bitmaps are cut,
 * WH_ERR_NOT_DUMP for a bad signature or a header field the library would
 * refuse or misread, WH_ERR_IO. Formats whyhung does not check (pipes,
 * s390, LKCD, ...) give kind WH_DUMP_OTHER. */
struct wh_error *wh_dump_check_layout(int fd, struct wh_dump_layout *ret);

/* The same check, layout discarded. */
struct wh_error *wh_dump_check_file(int fd);

/* The checks of an ELF note area (CPU notes, VMCOREINFO) on bytes in
 * memory; PAGE_SIZE is what the dump's pages are. For the fuzzers. */
struct wh_error *wh_dump_check_notes(const unsigned char *notes, uint64_t size, uint32_t page_size);
/* The checks of VMCOREINFO text alone. */
struct wh_error *wh_dump_check_vmcoreinfo(const char *text, uint64_t size, uint32_t page_size);

#endif
