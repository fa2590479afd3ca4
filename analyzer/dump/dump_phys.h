/* Reading a dump's pages without letting libkdumpfile read anything that
 * was not checked: every physical page is checked by dump_pages.c before
 * kdump_read(KDUMP_MACHPHYSADDR) reads it, and kernel virtual addresses
 * are translated here, with libaddrxlat and a translation context whose
 * page reads go through the same check. (The library's own translation
 * reads page-table pages, and at its lazy set-up other pages, through its
 * unchecked reader: that is never used.) */
#ifndef WHYHUNG_DUMP_PHYS_H
#define WHYHUNG_DUMP_PHYS_H

#include <libkdumpfile/kdumpfile.h>
#include <stdint.h>

#include "dump_pages.h"
#include "error.h"

struct wh_dump_phys;

/* CTX (opened) and PAGES are borrowed and must outlive the result. */
struct wh_error *wh_dump_phys_create(kdump_ctx_t *ctx, struct wh_dump_pages *pages,
				     uint32_t page_size, struct wh_dump_phys **ret);
void wh_dump_phys_destroy(struct wh_dump_phys *phys);

/* One whole page at page-aligned physical address PADDR into BUF. Errors:
 * WH_ERR_EXCLUDED (not in the dump), WH_ERR_INCOMPLETE (past the end of an
 * incomplete file), WH_ERR_CORRUPT (damaged page descriptor or data). */
struct wh_error *wh_dump_phys_read(struct wh_dump_phys *phys, uint64_t paddr, unsigned char *buf);
/* The same at page-aligned kernel virtual address VADDR; WH_ERR_FAULT when
 * the page tables do not map it. */
struct wh_error *wh_dump_phys_read_virt(struct wh_dump_phys *phys, uint64_t vaddr,
					unsigned char *buf);
struct wh_error *wh_dump_phys_translate(struct wh_dump_phys *phys, uint64_t vaddr, uint64_t *ret);

#endif
