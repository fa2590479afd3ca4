#include "dump_pages.h"
#include "file_read.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	CHUNK_SHIFT = 12, /* pfns per checked chunk: 4096 */
	CHUNK_PFNS = 1 << CHUNK_SHIFT,
	DESC_SIZE = 24,
	ELF_PAGE_SHIFT = 12,
};

/* makedumpfile's page descriptor flags: the compression used. */
static const uint32_t DESC_COMPRESSED = 0x1 | 0x2 | 0x4 | 0x20; /* zlib lzo snappy zstd */

enum chunk_state { CHUNK_UNCHECKED, CHUNK_OK, CHUNK_MIXED };

struct wh_dump_pages {
	struct wh_dump_layout layout;
	int fd;
	/* diskdump */
	unsigned char *bitmap;	 /* dumpable pages, pfns [0, end_pfn) */
	uint64_t *prefix;	 /* descriptors before each chunk */
	unsigned char *state;	 /* enum chunk_state per chunk */
	unsigned char **verdict; /* CHUNK_MIXED: enum wh_page_state per pfn */
	uint64_t n_chunks, chunks_checked;
	struct wh_dump_missing missing;
	bool incomplete;
	/* The next member of a split set (makedumpfile --split): each file
	 * holds the pfns [start_pfn, end_pfn) of its layout. */
	struct wh_dump_pages *next;
};

struct desc {
	uint64_t offset;
	uint32_t size, flags;
};

/* Has pfn PFN a descriptor? (The library counts descriptors over the
 * whole bitmap, also past max_mapnr.) */
static bool has_desc(const struct wh_dump_pages *p, uint64_t pfn)
{
	return pfn >= p->layout.start_pfn && pfn < p->layout.end_pfn &&
	       (p->bitmap[pfn >> 3] >> (pfn & 7) & 1);
}

/* Will the library look for pfn PFN's descriptor? */
static bool dumpable(const struct wh_dump_pages *p, uint64_t pfn)
{
	return pfn < p->layout.max_pfn && has_desc(p, pfn);
}

/* The verdict on one descriptor as libkdumpfile 0.5.1 would use it
 * (diskdump_read_page): its buffer for compressed data is one page. */
static enum wh_page_state judge(const struct wh_dump_pages *p, const struct desc *d)
{
	uint32_t bs = p->layout.block_size;
	/* All zeros: a part of the file never written (a flattened or
	 * compressed stream that ended early leaves holes in the rebuilt
	 * file); makedumpfile never writes it (offset 0 is its header). */
	if (!d->offset && !d->size && !d->flags)
		return WH_PAGE_MISSING;
	if (d->flags & ~DESC_COMPRESSED)
		return WH_PAGE_CORRUPT;
	if (d->flags ? (d->size == 0 || d->size > bs) : d->size != bs)
		return WH_PAGE_CORRUPT;
	if (d->offset + d->size < d->offset)
		return WH_PAGE_CORRUPT;
	if (d->offset + d->size > p->layout.file_size)
		return WH_PAGE_MISSING;
	return WH_PAGE_OK;
}

static void decode(const unsigned char *raw, struct desc *d)
{
	memcpy(&d->offset, raw, 8);
	memcpy(&d->size, raw + 8, 4);
	memcpy(&d->flags, raw + 12, 4);
}

/* Reads descriptors [FIRST, FIRST + N) into BUF; those past the end of
 * the file are reported by *RET_HAVE (how many were read whole). */
static struct wh_error *read_descs(struct wh_dump_pages *p, uint64_t first, size_t n,
				   unsigned char *buf, size_t *ret_have)
{
	size_t got;
	struct wh_error *err = wh_file_read_at(p->fd, p->layout.desc_off + first * DESC_SIZE, buf,
					       n * DESC_SIZE, &got);
	if (err)
		return err;
	*ret_have = got / DESC_SIZE;
	return NULL;
}

static struct wh_error *check_chunk(struct wh_dump_pages *p, uint64_t c)
{
	uint64_t lo = c << CHUNK_SHIFT, hi = lo + CHUNK_PFNS;
	uint64_t idx = p->prefix[c], n = p->prefix[c + 1] - idx;
	unsigned char *raw = malloc(n ? n * DESC_SIZE : 1);
	unsigned char *verdict = calloc(CHUNK_PFNS, 1);
	if (!raw || !verdict) {
		free(raw);
		free(verdict);
		return &wh_error_nomem;
	}
	size_t have = 0;
	struct wh_error *err = read_descs(p, idx, n, raw, &have);
	if (err) {
		free(raw);
		free(verdict);
		return err;
	}
	bool mixed = false;
	size_t k = 0;
	for (uint64_t pfn = lo; pfn < hi && pfn < p->layout.end_pfn; pfn++) {
		if (!has_desc(p, pfn))
			continue;
		enum wh_page_state s = WH_PAGE_MISSING; /* descriptor past the end */
		if (k < have) {
			struct desc d;
			decode(raw + k * DESC_SIZE, &d);
			s = judge(p, &d);
		}
		k++;
		verdict[pfn - lo] = (unsigned char)s;
		mixed |= s != WH_PAGE_OK;
	}
	free(raw);
	if (mixed)
		p->verdict[c] = verdict;
	else
		free(verdict);
	p->state[c] = mixed ? CHUNK_MIXED : CHUNK_OK;
	p->chunks_checked++;
	return NULL;
}

static struct wh_error *check_diskdump_page(struct wh_dump_pages *p, uint64_t pfn,
					    enum wh_page_state *ret)
{
	if (!dumpable(p, pfn)) {
		*ret = WH_PAGE_ABSENT;
		return NULL;
	}
	uint64_t c = pfn >> CHUNK_SHIFT;
	if (p->state[c] == CHUNK_UNCHECKED) {
		struct wh_error *err = check_chunk(p, c);
		if (err)
			return err;
	}
	*ret = p->state[c] == CHUNK_OK ? WH_PAGE_OK
				       : (enum wh_page_state)p->verdict[c][pfn & (CHUNK_PFNS - 1)];
	return NULL;
}

/* ELF: a page is unsafe when a segment's file bytes for it go past the
 * end; pages in no segment are for the library to refuse. */
static enum wh_page_state check_elf_page(const struct wh_dump_pages *p, uint64_t pfn)
{
	uint64_t lo = pfn << ELF_PAGE_SHIFT, hi = lo + (1u << ELF_PAGE_SHIFT);
	for (size_t i = 0; i < p->layout.n_loads; i++) {
		const struct wh_dump_load *ld = &p->layout.loads[i];
		if (hi <= ld->paddr || lo >= ld->paddr + ld->filesz)
			continue;
		uint64_t end = (hi < ld->paddr + ld->filesz ? hi : ld->paddr + ld->filesz);
		if (ld->offset + (end - ld->paddr) > p->layout.file_size)
			return WH_PAGE_MISSING;
	}
	return WH_PAGE_OK;
}

struct wh_error *wh_dump_pages_check(struct wh_dump_pages *p, uint64_t pfn, enum wh_page_state *ret)
{
	while (p->next && p->layout.kind == WH_DUMP_DISKDUMP &&
	       (pfn < p->layout.start_pfn || pfn >= p->layout.end_pfn))
		p = p->next;
	switch (p->layout.kind) {
	case WH_DUMP_DISKDUMP: return check_diskdump_page(p, pfn, ret);
	case WH_DUMP_ELF: *ret = check_elf_page(p, pfn); return NULL;
	case WH_DUMP_OTHER: break;
	}
	*ret = WH_PAGE_OK;
	return NULL;
}

static void note_missing(struct wh_dump_missing *m, uint64_t first, uint64_t last)
{
	m->pages += last - first + 1;
	if (m->n_ranges && m->ranges[m->n_ranges - 1].last_pfn + 1 >= first) {
		m->ranges[m->n_ranges - 1].last_pfn = last;
		return;
	}
	if (m->n_ranges == WH_MISSING_RANGES) {
		m->more_ranges = true;
		return;
	}
	m->ranges[m->n_ranges].first_pfn = first;
	m->ranges[m->n_ranges++].last_pfn = last;
}

static void elf_missing(struct wh_dump_pages *p)
{
	for (size_t i = 0; i < p->layout.n_loads; i++) {
		const struct wh_dump_load *ld = &p->layout.loads[i];
		if (!ld->filesz || ld->offset + ld->filesz <= p->layout.file_size)
			continue;
		uint64_t kept =
		    p->layout.file_size > ld->offset ? p->layout.file_size - ld->offset : 0;
		uint64_t first = (ld->paddr + kept) >> ELF_PAGE_SHIFT;
		uint64_t last = (ld->paddr + ld->filesz - 1) >> ELF_PAGE_SHIFT;
		note_missing(&p->missing, first, last);
		p->incomplete = true;
	}
}

/* pfn of the descriptor with index IDX (the IDX-th dumpable page). */
static uint64_t pfn_of_index(const struct wh_dump_pages *p, uint64_t idx)
{
	uint64_t lo = 0, hi = p->n_chunks; /* last chunk with prefix <= idx */
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (p->prefix[mid] <= idx)
			lo = mid;
		else
			hi = mid;
	}
	uint64_t seen = p->prefix[lo];
	for (uint64_t pfn = lo << CHUNK_SHIFT; pfn < p->layout.end_pfn; pfn++)
		if (has_desc(p, pfn) && seen++ == idx)
			return pfn;
	return p->layout.end_pfn;
}

/* Is descriptor IDX's page (or the first following one that has its own
 * data, not the shared zero page) past the end of the file? At most
 * MAX_ZERO_RUN zero-page descriptors are skipped, so that a hostile file
 * cannot make each step of the binary search read the whole table. */
static struct wh_error *past_end(struct wh_dump_pages *p, uint64_t idx, uint64_t zero_off,
				 bool *ret)
{
	enum { MAX_ZERO_RUN = 1 << 16 };
	unsigned char raw[DESC_SIZE * 256];
	uint64_t limit = idx + MAX_ZERO_RUN;
	while (idx < p->layout.ndesc && idx < limit) {
		size_t n = p->layout.ndesc - idx < 256 ? (size_t)(p->layout.ndesc - idx) : 256;
		size_t have;
		struct wh_error *err = read_descs(p, idx, n, raw, &have);
		if (err)
			return err;
		for (size_t k = 0; k < n; k++) {
			if (k >= have) {
				*ret = true;
				return NULL;
			}
			struct desc d;
			decode(raw + k * DESC_SIZE, &d);
			if (d.offset == zero_off)
				continue;
			*ret = judge(p, &d) == WH_PAGE_MISSING;
			return NULL;
		}
		idx += n;
	}
	*ret = false;
	return NULL;
}

/* makedumpfile writes the page data in descriptor order after one shared
 * zero page, so the pages cut off are those from some descriptor on:
 * found by binary search, then the descriptors after it are read. */
static struct wh_error *diskdump_missing(struct wh_dump_pages *p)
{
	uint64_t n = p->layout.ndesc;
	if (!n)
		return NULL;
	uint64_t zero_off = p->layout.desc_off + n * DESC_SIZE;
	bool cut;
	uint64_t hi = n - 1; /* a descriptor whose data is cut */
	struct wh_error *err = past_end(p, n - 1, zero_off, &cut);
	if (err)
		return err;
	if (!cut) {
		/* The last pages may share the zero page: look at the last
		 * descriptor with data of its own, reading backwards a block at
		 * a time (at most MAX_TAIL descriptors: a hostile file of zero
		 * pages cannot make this read the whole table). */
		enum { BLOCK = 256, MAX_TAIL = 1 << 20 };
		unsigned char raw[DESC_SIZE * BLOCK];
		uint64_t end = n;
		bool found = false;
		while (!found && end > 0 && n - end < MAX_TAIL) {
			uint64_t start = end > BLOCK ? end - BLOCK : 0;
			size_t have;
			if ((err = read_descs(p, start, (size_t)(end - start), raw, &have)))
				return err;
			for (uint64_t i = end; i-- > start;) {
				struct desc d = {0};
				if (i - start < have)
					decode(raw + (i - start) * DESC_SIZE, &d);
				if (i - start >= have || d.offset != zero_off || i == 0) {
					cut = i - start >= have || judge(p, &d) == WH_PAGE_MISSING;
					hi = i;
					found = true;
					break;
				}
			}
			end = start;
		}
		if (!cut)
			return NULL;
	}
	/* The first descriptor whose data is cut lies in [lo, hi]; all of
	 * them when even the shared zero page is. */
	uint64_t lo = 0;
	if (zero_off + p->layout.block_size > p->layout.file_size)
		hi = 0;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if ((err = past_end(p, mid, zero_off, &cut)))
			return err;
		if (cut)
			hi = mid;
		else
			lo = mid + 1;
	}
	p->incomplete = true;
	uint64_t pfn = pfn_of_index(p, lo);
	unsigned char raw[DESC_SIZE * 256];
	for (uint64_t idx = lo; idx < n;) {
		size_t want = n - idx < 256 ? (size_t)(n - idx) : 256, have;
		if ((err = read_descs(p, idx, want, raw, &have)))
			return err;
		for (size_t k = 0; k < want; k++, pfn++) {
			while (!has_desc(p, pfn) && pfn < p->layout.end_pfn)
				pfn++;
			struct desc d = {0};
			if (k < have)
				decode(raw + k * DESC_SIZE, &d);
			if (k >= have || judge(p, &d) == WH_PAGE_MISSING)
				note_missing(&p->missing, pfn, pfn);
		}
		idx += want;
	}
	return NULL;
}

static struct wh_error *diskdump_setup(struct wh_dump_pages *p)
{
	const struct wh_dump_layout *l = &p->layout;
	uint64_t bytes = (l->end_pfn + 7) / 8;
	p->n_chunks = (l->end_pfn + CHUNK_PFNS - 1) >> CHUNK_SHIFT;
	p->bitmap = calloc(bytes + 1, 1);
	p->prefix = calloc(p->n_chunks + 1, sizeof(*p->prefix));
	p->state = calloc(p->n_chunks + 1, 1);
	p->verdict = calloc(p->n_chunks + 1, sizeof(*p->verdict));
	if (!p->bitmap || !p->prefix || !p->state || !p->verdict)
		return &wh_error_nomem;
	size_t got;
	struct wh_error *err = wh_file_read_at(p->fd, l->bitmap_off, p->bitmap, bytes, &got);
	if (err)
		return err;
	if (got != bytes) /* checked present at open; the file shrank */
		return wh_error_create(WH_ERR_TRUNCATED, "dump truncated inside its page bitmap");
	uint64_t count = 0;
	for (uint64_t c = 0; c < p->n_chunks; c++) {
		p->prefix[c] = count;
		for (uint64_t pfn = c << CHUNK_SHIFT;
		     pfn < ((c + 1) << CHUNK_SHIFT) && pfn < l->end_pfn; pfn += 8) {
			unsigned b = p->bitmap[pfn >> 3];
			if (pfn < l->start_pfn)
				b &= pfn + 8 <= l->start_pfn ? 0 : 0xffu << (l->start_pfn - pfn);
			if (pfn + 8 > l->end_pfn)
				b &= 0xffu >> (pfn + 8 - l->end_pfn);
			count += (uint64_t)__builtin_popcount(b);
		}
	}
	p->prefix[p->n_chunks] = count;
	return diskdump_missing(p);
}

struct wh_error *wh_dump_pages_create(int fd, const struct wh_dump_layout *layout,
				      struct wh_dump_pages **ret)
{
	struct wh_dump_pages *p = calloc(1, sizeof(*p));
	if (!p)
		return &wh_error_nomem;
	p->fd = fd;
	p->layout = *layout;
	p->layout.loads = NULL;
	if (layout->n_loads) {
		p->layout.loads = malloc(layout->n_loads * sizeof(*layout->loads));
		if (!p->layout.loads) {
			free(p);
			return &wh_error_nomem;
		}
		memcpy(p->layout.loads, layout->loads, layout->n_loads * sizeof(*layout->loads));
	}
	struct wh_error *err = NULL;
	if (layout->kind == WH_DUMP_DISKDUMP)
		err = diskdump_setup(p);
	else if (layout->kind == WH_DUMP_ELF)
		elf_missing(p);
	if (err) {
		wh_dump_pages_destroy(p);
		return err;
	}
	*ret = p;
	return NULL;
}

void wh_dump_pages_chain(struct wh_dump_pages *p, struct wh_dump_pages *next)
{
	p->next = next;
}

void wh_dump_pages_destroy(struct wh_dump_pages *p)
{
	if (!p)
		return;
	wh_dump_pages_destroy(p->next);
	for (uint64_t c = 0; p->verdict && c < p->n_chunks; c++)
		free(p->verdict[c]);
	free(p->verdict);
	free(p->state);
	free(p->prefix);
	free(p->bitmap);
	free(p->layout.loads);
	free(p);
}

const struct wh_dump_missing *wh_dump_pages_missing(const struct wh_dump_pages *p)
{
	/* A split set: the first member that lacks pages (one cut member is
	 * what an interrupted --split capture leaves). */
	for (; p; p = p->next)
		if (p->incomplete)
			return &p->missing;
	return NULL;
}

uint64_t wh_dump_pages_chunks_checked(const struct wh_dump_pages *p)
{
	uint64_t n = 0;
	for (; p; p = p->next)
		n += p->chunks_checked;
	return n;
}
