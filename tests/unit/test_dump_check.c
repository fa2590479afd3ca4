/* Bad dump files are named for what they are, before any analysis. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <zlib.h>

#include "dump.h"
#include "dump_check.h"
#include "dump_pages.h"

static int temp_file(const void *data, size_t len)
{
	char path[] = "/tmp/whyhung-test-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	return fd;
}

static enum wh_error_code check(const void *data, size_t len)
{
	int fd = temp_file(data, len);
	struct wh_error *err = wh_dump_check_file(fd);
	close(fd);
	enum wh_error_code code = err ? err->code : 0;
	wh_error_destroy(err);
	return code;
}

/* An ELF core with one PT_LOAD of LOAD_SIZE bytes; the file holds HAVE. */
static unsigned char *elf_core(uint64_t load_size, size_t have, uint16_t type)
{
	unsigned char *buf = calloc(1, have < 4096 ? 4096 : have);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_type = type;
	eh->e_machine = EM_X86_64;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = 1;
	Elf64_Phdr *ph = (Elf64_Phdr *)(buf + sizeof(*eh));
	ph->p_type = PT_LOAD;
	ph->p_offset = 256;
	ph->p_filesz = load_size;
	ph->p_memsz = load_size;
	return buf;
}

static void test_elf_core_complete_and_truncated(void **state)
{
	unsigned char *ok = elf_core(1024, 256 + 1024, ET_CORE);
	assert_int_equal(check(ok, 256 + 1024), 0);
	/* A memory segment cut by the end of the file: an incomplete
	 * capture, analysed with what is there. */
	assert_int_equal(check(ok, 256 + 1000), 0);
	assert_int_equal(check(ok, 100), WH_ERR_TRUNCATED); /* cut inside the headers */
	free(ok);
	unsigned char *exec = elf_core(16, 512, ET_EXEC);
	assert_int_equal(check(exec, 512), WH_ERR_NOT_DUMP);
	free(exec);
}

/* The pages past the end of a cut ELF dump are named as missing. */
static void test_elf_core_missing_pages(void **state)
{
	unsigned char *buf = elf_core(3 * 4096, 256 + 3 * 4096, ET_CORE);
	Elf64_Phdr *ph = (Elf64_Phdr *)(buf + sizeof(Elf64_Ehdr));
	ph->p_paddr = 0x100000;
	int fd = temp_file(buf, 256 + 4096 + 10); /* page 0 whole, page 1 cut */
	struct wh_dump_layout layout;
	assert_null(wh_dump_check_layout(fd, &layout));
	struct wh_dump_pages *pages;
	assert_null(wh_dump_pages_create(fd, &layout, &pages));
	const struct wh_dump_missing *m = wh_dump_pages_missing(pages);
	assert_non_null(m);
	assert_int_equal(m->pages, 2);
	assert_int_equal(m->n_ranges, 1);
	assert_int_equal(m->ranges[0].first_pfn, 0x101);
	assert_int_equal(m->ranges[0].last_pfn, 0x102);
	enum wh_page_state st;
	assert_null(wh_dump_pages_check(pages, 0x100, &st));
	assert_int_equal(st, WH_PAGE_OK);
	assert_null(wh_dump_pages_check(pages, 0x101, &st));
	assert_int_equal(st, WH_PAGE_MISSING);
	wh_dump_pages_destroy(pages);
	wh_dump_layout_deinit(&layout);
	close(fd);
	free(buf);
}

static void test_tiny_and_unknown_files(void **state)
{
	assert_int_equal(check("abc", 3), WH_ERR_NOT_DUMP);
	/* Unknown magic passes the check; libkdumpfile then rejects it. */
	char junk[8192];
	memset(junk, 'j', sizeof(junk));
	assert_int_equal(check(junk, sizeof(junk)), 0);
	int fd = temp_file(junk, sizeof(junk));
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	struct wh_dump *dump;
	struct wh_error *err = wh_dump_open(path, &dump);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_NOT_DUMP);
	wh_error_destroy(err);
	close(fd);
	err = wh_dump_open("/nonexistent/vmcore", &dump);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_IO);
	wh_error_destroy(err);
}

static void put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(unsigned char *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* A synthetic kdump-compressed (diskdump) file, x86-64 layout: header
 * block, one sub-header block (with the notes), two bitmap blocks, the
 * page descriptors, the shared zero page, the page data. Dumpable pfns
 * are PFNS; by position k: k%4 == 0 or 3 stored raw, 1 zlib-compressed,
 * 2 the shared zero page. */
enum { BS = 4096, NOTE_OFF = BS + 128 };

struct dd_spec {
	int32_t version;
	uint32_t max_mapnr;
	uint64_t max_mapnr_64;
	uint32_t bitmap_blocks;
	uint64_t size_note; /* 0: the real size */
	const char *vmcoreinfo;
	const uint64_t *pfns;
	size_t n_pfns;
	uint32_t usec; /* bytes 416..419: the 32-bit layout's block size */
};

static const uint64_t default_pfns[] = {0, 1, 2, 3, 4, 5, 6, 7};

static struct dd_spec dd_default(void)
{
	return (struct dd_spec){
	    .version = 6,
	    .max_mapnr = 32768,
	    .max_mapnr_64 = 32768,
	    .bitmap_blocks = 2,
	    .vmcoreinfo = "OSRELEASE=6.1.0\nPAGESIZE=4096\nSYMBOL(init_top_pgt)=ffffffff82000000\n",
	    .pfns = default_pfns,
	    .n_pfns = sizeof(default_pfns) / sizeof(*default_pfns),
	};
}

static size_t dd_desc_off(void)
{
	return 4 * BS;
}

static unsigned char *dd_build(const struct dd_spec *sp, size_t *ret_len)
{
	size_t desc_off = dd_desc_off();
	size_t zero_off = desc_off + 24 * sp->n_pfns;
	size_t cap = zero_off + BS + sp->n_pfns * (BS + 64);
	unsigned char *buf = calloc(1, cap);
	memcpy(buf, "KDUMP   ", 8);
	put32(buf + 8, (uint32_t)sp->version);
	put32(buf + 416, sp->usec);
	put32(buf + 424, 1); /* status: zlib */
	put32(buf + 428, BS);
	put32(buf + 432, 1);
	put32(buf + 436, sp->bitmap_blocks);
	put32(buf + 440, sp->max_mapnr);
	/* sub-header and the VMCOREINFO note */
	size_t vlen = strlen(sp->vmcoreinfo);
	unsigned char *note = buf + NOTE_OFF;
	put32(note, 11);
	put32(note + 4, (uint32_t)vlen);
	put32(note + 8, 0);
	memcpy(note + 12, "VMCOREINFO", 11);
	memcpy(note + 24, sp->vmcoreinfo, vlen);
	size_t note_len = 24 + ((vlen + 3) & ~(size_t)3);
	put64(buf + BS + 48, NOTE_OFF);
	put64(buf + BS + 56, sp->size_note ? sp->size_note : note_len);
	put64(buf + BS + 96, sp->max_mapnr_64);
	/* bitmaps: both say the same pages */
	for (size_t i = 0; i < sp->n_pfns; i++) {
		uint64_t pfn = sp->pfns[i];
		buf[2 * BS + pfn / 8] |= (unsigned char)(1u << (pfn % 8));
		buf[3 * BS + pfn / 8] |= (unsigned char)(1u << (pfn % 8));
	}
	size_t data = zero_off + BS;
	for (size_t k = 0; k < sp->n_pfns; k++) {
		unsigned char *d = buf + desc_off + 24 * k;
		unsigned char page[BS];
		memset(page, (int)(k + 1), sizeof(page));
		if (k % 4 == 2) {
			put64(d, zero_off);
			put32(d + 8, BS);
		} else if (k % 4 == 1) {
			uLongf clen = BS + 64;
			assert_int_equal(compress2(buf + data, &clen, page, BS, 6), Z_OK);
			put64(d, data);
			put32(d + 8, (uint32_t)clen);
			put32(d + 12, 1);
			data += clen;
		} else {
			memcpy(buf + data, page, BS);
			put64(d, data);
			put32(d + 8, BS);
			data += BS;
		}
	}
	*ret_len = data;
	return buf;
}

static enum wh_error_code dd_check(const struct dd_spec *sp)
{
	size_t len;
	unsigned char *buf = dd_build(sp, &len);
	enum wh_error_code code = check(buf, len);
	free(buf);
	return code;
}

/* Pages of the file DATA/LEN as dump_pages.c judges them. */
struct dd_view {
	int fd;
	struct wh_dump_layout layout;
	struct wh_dump_pages *pages;
};

static void dd_open(const unsigned char *data, size_t len, struct dd_view *v)
{
	v->fd = temp_file(data, len);
	assert_null(wh_dump_check_layout(v->fd, &v->layout));
	assert_int_equal(v->layout.kind, WH_DUMP_DISKDUMP);
	assert_null(wh_dump_pages_create(v->fd, &v->layout, &v->pages));
}

static void dd_close(struct dd_view *v)
{
	wh_dump_pages_destroy(v->pages);
	wh_dump_layout_deinit(&v->layout);
	close(v->fd);
}

static enum wh_page_state dd_state(struct dd_view *v, uint64_t pfn)
{
	enum wh_page_state st;
	assert_null(wh_dump_pages_check(v->pages, pfn, &st));
	return st;
}

static void test_diskdump_good(void **state)
{
	struct dd_spec sp = dd_default();
	size_t len;
	unsigned char *buf = dd_build(&sp, &len);
	struct dd_view v;
	dd_open(buf, len, &v);
	assert_int_equal(v.layout.ndesc, 8);
	assert_null(wh_dump_pages_missing(v.pages));
	for (uint64_t pfn = 0; pfn < 8; pfn++)
		assert_int_equal(dd_state(&v, pfn), WH_PAGE_OK);
	assert_int_equal(dd_state(&v, 8), WH_PAGE_ABSENT);
	assert_int_equal(dd_state(&v, 40000), WH_PAGE_ABSENT); /* past max_mapnr */
	dd_close(&v);
	free(buf);
}

/* Header fields libkdumpfile trusts: each bad one refused before it
 * reads them, with "not a dump" or "truncated". */
static void test_diskdump_bad_headers(void **state)
{
	struct dd_spec sp = dd_default();
	sp.version = -1;
	assert_int_equal(dd_check(&sp), WH_ERR_NOT_DUMP);
	sp.version = 2; /* no VMCOREINFO before version 3 */
	assert_int_equal(dd_check(&sp), WH_ERR_NOT_DUMP);
	sp = dd_default();
	sp.max_mapnr = 0xffffffff;
	assert_int_equal(dd_check(&sp), WH_ERR_NOT_DUMP);
	sp = dd_default();
	sp.max_mapnr_64 = 32769; /* more pages than half the bitmap */
	assert_int_equal(dd_check(&sp), WH_ERR_NOT_DUMP);
	sp.max_mapnr_64 = 0;
	assert_int_equal(dd_check(&sp), WH_ERR_NOT_DUMP);
	sp = dd_default();
	sp.bitmap_blocks = 3;
	assert_int_equal(dd_check(&sp), WH_ERR_NOT_DUMP);
	sp = dd_default();
	sp.size_note = 1ull << 40; /* huge */
	assert_int_equal(dd_check(&sp), WH_ERR_NOT_DUMP);
	sp.size_note = 1u << 20; /* plausible, past the end of the file */
	assert_int_equal(dd_check(&sp), WH_ERR_TRUNCATED);
	sp = dd_default();
	sp.usec = 4096; /* the 32-bit layout would fit: the library would take it */
	assert_int_equal(dd_check(&sp), WH_ERR_NOT_DUMP);
}

static void test_diskdump_bad_vmcoreinfo(void **state)
{
	struct dd_spec sp = dd_default();
	sp.vmcoreinfo = "OSRELEASE=6.1.0\nPAGESIZE=4095\n";
	assert_int_equal(dd_check(&sp), WH_ERR_NOT_DUMP);
	sp.vmcoreinfo = "OSRELEASE=6.1.0\nPAGESIZE=0\n";
	assert_int_equal(dd_check(&sp), WH_ERR_NOT_DUMP);
	sp.vmcoreinfo = "OSRELEASE=6.1.0\nPAGESIZE=8192\n";
	assert_int_equal(dd_check(&sp), WH_ERR_NOT_DUMP);
	sp.vmcoreinfo = "OSRELEASE=6.1.0\nPAGESIZE=4k\n"; /* ignored by the library */
	assert_int_equal(dd_check(&sp), 0);
	sp.vmcoreinfo = "OSRELEASE=6.1.0\nA=1\nA.B=2\n"; /* A both value and directory */
	assert_int_equal(dd_check(&sp), WH_ERR_NOT_DUMP);
	sp.vmcoreinfo = "OSRELEASE=6.1.0\n\nPAGESIZE=4096\n"; /* empty key */
	assert_int_equal(dd_check(&sp), WH_ERR_NOT_DUMP);
}

/* Descriptors the library would overflow its one-page buffer with, or
 * read past the end of the file through its mmap with. */
static void test_diskdump_bad_descriptors(void **state)
{
	struct dd_spec sp = dd_default();
	size_t len;
	unsigned char *buf = dd_build(&sp, &len);
	unsigned char *d = buf + dd_desc_off();
	put32(d + 24 * 1 + 8, BS + 1);	  /* pfn 1: compressed, page + 1 */
	put32(d + 24 * 5 + 8, 3 * BS);	  /* pfn 5: compressed, 3 pages */
	put32(d + 24 * 0 + 8, BS - 1);	  /* pfn 0: raw but short */
	put32(d + 24 * 3 + 12, 0x40);	  /* pfn 3: unknown flag */
	put64(d + 24 * 4, len - 100);	  /* pfn 4: raw page ending past EOF */
	put32(d + 24 * 7 + 8, 0);	  /* pfn 7: raw, size 0 */
	struct dd_view v;
	dd_open(buf, len, &v);
	assert_int_equal(dd_state(&v, 0), WH_PAGE_CORRUPT);
	assert_int_equal(dd_state(&v, 1), WH_PAGE_CORRUPT);
	assert_int_equal(dd_state(&v, 2), WH_PAGE_OK);
	assert_int_equal(dd_state(&v, 3), WH_PAGE_CORRUPT);
	assert_int_equal(dd_state(&v, 4), WH_PAGE_MISSING);
	assert_int_equal(dd_state(&v, 5), WH_PAGE_CORRUPT);
	assert_int_equal(dd_state(&v, 6), WH_PAGE_OK);
	assert_int_equal(dd_state(&v, 7), WH_PAGE_CORRUPT);
	dd_close(&v);
	free(buf);
}

/* Cut in the data: analysed, the cut pages named; cut in the descriptor
 * table: every page missing; cut in the bitmaps or headers: refused. */
static void test_diskdump_truncations(void **state)
{
	struct dd_spec sp = dd_default();
	size_t len;
	unsigned char *buf = dd_build(&sp, &len);
	assert_int_equal(check(buf, len), 0);
	/* The last page (pfn 7, raw) loses its last byte. */
	struct dd_view v;
	dd_open(buf, len - 1, &v);
	const struct wh_dump_missing *m = wh_dump_pages_missing(v.pages);
	assert_non_null(m);
	assert_int_equal(m->pages, 1);
	assert_int_equal(m->ranges[0].first_pfn, 7);
	assert_int_equal(dd_state(&v, 7), WH_PAGE_MISSING);
	assert_int_equal(dd_state(&v, 6), WH_PAGE_OK);
	dd_close(&v);
	/* Cut after pfn 3's data: pfns 4..7 missing, bar none. */
	size_t zero_off = dd_desc_off() + 24 * 8;
	uint64_t pfn4;
	memcpy(&pfn4, buf + dd_desc_off() + 24 * 4, 8);
	dd_open(buf, pfn4 + 10, &v);
	m = wh_dump_pages_missing(v.pages);
	assert_non_null(m);
	assert_int_equal(m->pages, 3); /* 4, 5, 7; 6 is the zero page */
	assert_int_equal(m->ranges[0].first_pfn, 4);
	assert_int_equal(m->ranges[0].last_pfn, 5);
	assert_int_equal(m->ranges[1].first_pfn, 7);
	assert_int_equal(dd_state(&v, 3), WH_PAGE_OK);
	assert_int_equal(dd_state(&v, 6), WH_PAGE_OK);
	assert_int_equal(dd_state(&v, 5), WH_PAGE_MISSING);
	dd_close(&v);
	/* Cut inside the descriptor table. */
	dd_open(buf, dd_desc_off() + 24 * 3 + 5, &v);
	m = wh_dump_pages_missing(v.pages);
	assert_non_null(m);
	assert_int_equal(m->pages, 8);
	assert_int_equal(dd_state(&v, 0), WH_PAGE_MISSING);
	dd_close(&v);
	(void)zero_off;
	assert_int_equal(check(buf, 3 * BS + 10), WH_ERR_TRUNCATED); /* bitmaps */
	assert_int_equal(check(buf, BS + 50), WH_ERR_TRUNCATED);     /* sub-header */
	assert_int_equal(check(buf, 300), WH_ERR_TRUNCATED);	     /* header */
	put32(buf + 428, 5000); /* not a power of two */
	assert_int_equal(check(buf, len), WH_ERR_NOT_DUMP);
	free(buf);
}

/* All-zero pages share one block right after the descriptor table: when
 * only pages after it are cut, the zero pages stay readable. */
static void test_diskdump_zero_page_sharing(void **state)
{
	static const uint64_t pfns[] = {0, 1, 2};
	struct dd_spec sp = dd_default();
	sp.pfns = pfns;
	sp.n_pfns = 3; /* raw, zlib, zero page (the last descriptor) */
	size_t len;
	unsigned char *buf = dd_build(&sp, &len);
	struct dd_view v;
	dd_open(buf, len, &v);
	assert_null(wh_dump_pages_missing(v.pages));
	dd_close(&v);
	dd_open(buf, len - 5, &v); /* pfn 1's compressed data cut */
	const struct wh_dump_missing *m = wh_dump_pages_missing(v.pages);
	assert_non_null(m);
	assert_int_equal(m->pages, 1);
	assert_int_equal(m->ranges[0].first_pfn, 1);
	assert_int_equal(dd_state(&v, 2), WH_PAGE_OK);
	dd_close(&v);
	free(buf);
}

/* Descriptors are checked a chunk at a time, when first needed. */
static void test_diskdump_lazy_chunks(void **state)
{
	static const uint64_t pfns[] = {0, 1, 4096, 4097, 20000, 20001, 20002, 30000};
	struct dd_spec sp = dd_default();
	sp.pfns = pfns;
	sp.n_pfns = 8;
	size_t len;
	unsigned char *buf = dd_build(&sp, &len);
	put32(buf + dd_desc_off() + 24 * 5 + 8, BS + 1); /* pfn 20001 */
	struct dd_view v;
	dd_open(buf, len, &v);
	assert_int_equal(wh_dump_pages_chunks_checked(v.pages), 0);
	assert_int_equal(dd_state(&v, 4097), WH_PAGE_OK);
	assert_int_equal(wh_dump_pages_chunks_checked(v.pages), 1);
	assert_int_equal(dd_state(&v, 4096), WH_PAGE_OK);
	assert_int_equal(wh_dump_pages_chunks_checked(v.pages), 1);
	assert_int_equal(dd_state(&v, 20001), WH_PAGE_CORRUPT);
	assert_int_equal(dd_state(&v, 20002), WH_PAGE_OK);
	assert_int_equal(dd_state(&v, 30000), WH_PAGE_OK);
	assert_int_equal(dd_state(&v, 30001), WH_PAGE_ABSENT);
	assert_int_equal(wh_dump_pages_chunks_checked(v.pages), 3);
	dd_close(&v);
	free(buf);
}

/* A good synthetic file is opened by libkdumpfile; it has no kernel page
 * tables, which is said once, at open (and everything is freed). */
static void test_diskdump_open_without_page_tables(void **state)
{
	struct dd_spec sp = dd_default();
	size_t len;
	unsigned char *buf = dd_build(&sp, &len);
	int fd = temp_file(buf, len);
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	struct wh_dump *dump;
	struct wh_error *err = wh_dump_open(path, &dump);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_CORRUPT);
	assert_non_null(strstr(err->message, "page tables"));
	wh_error_destroy(err);
	close(fd);
	free(buf);
}

/* wh_dump_open() on every bad header: one error, never a crash (a
 * Release build crashed in kdump_free() after a failed open). */
static void test_diskdump_open_never_crashes(void **state)
{
	struct dd_spec specs[6];
	for (size_t i = 0; i < 6; i++)
		specs[i] = dd_default();
	specs[0].version = -1;
	specs[1].max_mapnr = 0xffffffff;
	specs[2].size_note = 1ull << 40;
	specs[3].vmcoreinfo = "OSRELEASE=6.1.0\nPAGESIZE=4095\n";
	specs[4].vmcoreinfo = "OSRELEASE=6.1.0\nPAGESIZE=0\n";
	specs[5].usec = 4096;
	for (size_t i = 0; i < 6; i++) {
		size_t len;
		unsigned char *buf = dd_build(&specs[i], &len);
		int fd = temp_file(buf, len);
		char path[64];
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		struct wh_dump *dump;
		struct wh_error *err = wh_dump_open(path, &dump);
		assert_non_null(err);
		assert_int_equal(err->code, WH_ERR_NOT_DUMP);
		assert_null(strstr(err->message, "Cannot")); /* no library wording */
		wh_error_destroy(err);
		close(fd);
		free(buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elf_core_complete_and_truncated),
		cmocka_unit_test(test_tiny_and_unknown_files),
		cmocka_unit_test(test_elf_core_missing_pages),
		cmocka_unit_test(test_diskdump_good),
		cmocka_unit_test(test_diskdump_bad_headers),
		cmocka_unit_test(test_diskdump_bad_vmcoreinfo),
		cmocka_unit_test(test_diskdump_bad_descriptors),
		cmocka_unit_test(test_diskdump_truncations),
		cmocka_unit_test(test_diskdump_zero_page_sharing),
		cmocka_unit_test(test_diskdump_lazy_chunks),
		cmocka_unit_test(test_diskdump_open_never_crashes),
		cmocka_unit_test(test_diskdump_open_without_page_tables),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
