/* Which physical pages libkdumpfile may be asked to read. The library
 * trusts a kdump-compressed page's descriptor (it copies `size` bytes into
 * a one-page buffer and reads `offset` through an mmap of the file) and an
 * ELF segment's file range, so a damaged or cut file would make it
 * overflow a buffer or fault (SIGBUS). Every page is checked here before
 * the library reads it.
 *
 * kdump-compressed dumps: descriptors are checked lazily, a chunk of 4096
 * pfns at a time, the first time a page of the chunk is asked for. The
 * dumpable-pages bitmap is held in memory (1 bit per page: 3.2 MB for 100
 * GB of RAM) with a count of its set bits per chunk (8 bytes per 16 MB of
 * RAM), which gives a pfn's descriptor index without reading the table;
 * checking a chunk reads at most its 96 KB of descriptors. An analysis
 * reads only the chunks its pages lie in.
 *
 * A file that ends early (an incomplete capture) is found at open from
 * its last descriptors; then the pages whose data lies past the end are
 * located by a binary search for the first of them and a scan of the
 * descriptors after it (24 bytes a page from that point on). */
#ifndef WHYHUNG_DUMP_PAGES_H
#define WHYHUNG_DUMP_PAGES_H

#include <stdbool.h>
#include <stdint.h>

#include "dump_layout.h"
#include "error.h"

struct wh_dump_pages;

/* What a read of one physical page would give. */
enum wh_page_state {
	WH_PAGE_OK,	 /* the library may read it */
	WH_PAGE_ABSENT,	 /* not in the dump (filtered out, or no such page) */
	WH_PAGE_MISSING, /* its data lies past the end of the file */
	WH_PAGE_CORRUPT, /* its descriptor is damaged */
};

enum { WH_MISSING_RANGES = 8 };

/* Pages of an incomplete dump whose data is not in the file. */
struct wh_dump_missing {
	uint64_t pages;
	struct {
		uint64_t first_pfn, last_pfn;
	} ranges[WH_MISSING_RANGES]; /* the first ones, ascending */
	size_t n_ranges;
	bool more_ranges;
};

/* LAYOUT is copied. For WH_DUMP_OTHER every page is left to the library. */
struct wh_error *wh_dump_pages_create(int fd, const struct wh_dump_layout *layout,
				      struct wh_dump_pages **ret);
/* Destroys the chain. */
void wh_dump_pages_destroy(struct wh_dump_pages *pages);
/* Split dumps: NEXT (owned from now on) checks the pfns outside PAGES's
 * range; one checker per member file. */
void wh_dump_pages_chain(struct wh_dump_pages *pages, struct wh_dump_pages *next);

/* Errors only for I/O failures while checking. */
struct wh_error *wh_dump_pages_check(struct wh_dump_pages *pages, uint64_t pfn,
				     enum wh_page_state *ret);

/* NULL when the file holds all its pages. */
const struct wh_dump_missing *wh_dump_pages_missing(const struct wh_dump_pages *pages);

/* Descriptor chunks checked so far (for tests and the cost statement). */
uint64_t wh_dump_pages_chunks_checked(const struct wh_dump_pages *pages);

#endif
