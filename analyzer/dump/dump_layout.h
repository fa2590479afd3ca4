/* Where a dump file keeps its pages, as its headers say once dump_check.c
 * has checked them: what libkdumpfile will trust when it reads a page.
 * dump_pages.c uses it to let the library read only pages whose file
 * bytes have been checked. */
#ifndef WHYHUNG_DUMP_LAYOUT_H
#define WHYHUNG_DUMP_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

enum wh_dump_kind { WH_DUMP_OTHER, WH_DUMP_ELF, WH_DUMP_DISKDUMP };

/* One ELF PT_LOAD: physical range and where its file bytes are. */
struct wh_dump_load {
	uint64_t paddr, memsz, filesz, offset;
};

struct wh_dump_layout {
	enum wh_dump_kind kind;
	uint64_t file_size;
	/* kdump-compressed (diskdump) */
	uint32_t block_size;
	uint64_t max_pfn;	     /* pfns from here on: "no data" */
	uint64_t start_pfn, end_pfn; /* the pfns this file holds (split dumps) */
	uint64_t bitmap_off;	     /* dumpable-page bitmap (the second one) */
	uint64_t bitmap_len;	     /* its bytes */
	uint64_t desc_off;	     /* page descriptor table */
	uint64_t ndesc;		     /* dumpable pages = descriptors */
	/* ELF */
	struct wh_dump_load *loads;
	size_t n_loads;
};

void wh_dump_layout_deinit(struct wh_dump_layout *layout);

#endif
