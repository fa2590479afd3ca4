/* The kernel log readers on synthetic memory. Each format's globals come
 * from a sample compiled with DWARF (argv[1]: tests/data/old_printk.c,
 * argv[2]: tests/data/lockless_printk.c); the test lays out records with
 * the same headers, so the compiler's layout is what the DWARF probing
 * must find. Also hostile rings: bad sizes, torn ids, excluded pages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "output_log.h"
#include "printk.h"
#include "tests/data/lockless_printk.h"
#include "tests/data/old_printk.h"

enum { PAGE = 4096, MAX_SEGS = 8 };

static const char *old_path, *lockless_path;

/* A wh_kernel around a sample image and synthetic memory: the sample's
 * .bss (where its globals are) plus pages the test adds. */
struct synth {
	struct wh_elf_image *img;
	struct wh_kernel k;
	unsigned char *bss;
	uint64_t bss_base, bss_size;
	struct wh_dump_segment segs[MAX_SEGS];
	size_t n_segs;
};

static void synth_open(struct synth *s, const char *path)
{
	memset(s, 0, sizeof(*s));
	assert_null(wh_elf_image_open(path, &s->img));
	assert_null(wh_types_create(s->img, &s->k.types));
	s->k.vmlinux = s->img;
	const struct wh_elf_section *bss = wh_elf_image_section(s->img, ".bss");
	assert_non_null(bss);
	s->bss_base = bss->addr & ~(uint64_t)(PAGE - 1);
	s->bss_size = (bss->addr + bss->size - s->bss_base + PAGE - 1) & ~(uint64_t)(PAGE - 1);
	s->bss = calloc(1, s->bss_size);
	assert_non_null(s->bss);
	s->segs[s->n_segs++] = (struct wh_dump_segment){
		.address = s->bss_base, .size = s->bss_size, .data = s->bss};
}

/* Where global NAME lives in the synthetic memory, and its address. */
static void *global(struct synth *s, const char *name, uint64_t *ret_addr)
{
	struct wh_symbol sym;
	assert_null(wh_elf_image_symbol(s->img, name, &sym));
	assert_true(sym.address >= s->bss_base &&
		    sym.address + sym.size <= s->bss_base + s->bss_size);
	if (ret_addr)
		*ret_addr = sym.address;
	return s->bss + (sym.address - s->bss_base);
}

static void synth_add(struct synth *s, uint64_t addr, const void *data, size_t size, bool excluded)
{
	assert_true(s->n_segs < MAX_SEGS);
	s->segs[s->n_segs++] = (struct wh_dump_segment){
		.address = addr, .size = size, .data = data, .excluded = excluded};
}

/* Memory must be complete before this: the dump caches pages. */
static void synth_start(struct synth *s)
{
	assert_null(wh_dump_create_synthetic(s->segs, s->n_segs, "6.1.0-test", &s->k.dump));
}

static void synth_close(struct synth *s)
{
	wh_dump_destroy(s->k.dump);
	wh_types_destroy(s->k.types);
	wh_elf_image_destroy(s->img);
	free(s->bss);
}

static void assert_text(const struct wh_log_record *r, const char *text)
{
	assert_false(r->gap);
	assert_int_equal(r->text_len, strlen(text));
	assert_memory_equal(r->text, text, r->text_len);
}

static char *render(const struct wh_log *log, char **notes)
{
	char *buf = NULL, *nbuf = NULL;
	size_t len, nlen;
	FILE *out = open_memstream(&buf, &len), *nout = open_memstream(&nbuf, &nlen);
	assert_non_null(out);
	assert_non_null(nout);
	wh_output_text_log(out, nout, log);
	fclose(out);
	fclose(nout);
	if (notes)
		*notes = nbuf;
	else
		free(nbuf);
	return buf;
}

/* ---- 5.10+ lockless ring ---- */

enum {
	COUNT_BITS = 4,
	NDESC = 1 << COUNT_BITS,
	SIZE_BITS = 8,
	RING = 1 << SIZE_BITS,
	DESC_RESERVED = 0,
	DESC_COMMITTED = 1,
	DESC_FINALIZED = 2,
	DESC_REUSABLE = 3,
};
static const uint64_t DESCS = 0x10000000, INFOS = 0x10001000, DATA = 0x10002000;
static const uint64_t EXCLUDED = 0x20000000;

struct ring {
	struct synth s;
	struct printk_ringbuffer *rb;
	unsigned char descs[PAGE], infos[PAGE], data[PAGE], excluded[PAGE];
	uint64_t head_lpos;
};

static struct prb_desc *desc_at(struct ring *r, uint64_t id)
{
	return (struct prb_desc *)r->descs + (id & (NDESC - 1));
}

static struct printk_info *info_at(struct ring *r, uint64_t id)
{
	return (struct printk_info *)r->infos + (id & (NDESC - 1));
}

static void ring_init(struct ring *r, uint64_t start_lpos)
{
	memset(r, 0, sizeof(*r));
	synth_open(&r->s, lockless_path);
	uint64_t rb_addr;
	r->rb = global(&r->s, "printk_rb_static", &rb_addr);
	*(uint64_t *)global(&r->s, "prb", NULL) = rb_addr;
	r->rb->desc_ring.count_bits = COUNT_BITS;
	r->rb->desc_ring.descs = (struct prb_desc *)(uintptr_t)DESCS;
	r->rb->desc_ring.infos = (struct printk_info *)(uintptr_t)INFOS;
	r->rb->text_data_ring.size_bits = SIZE_BITS;
	r->rb->text_data_ring.data = (char *)(uintptr_t)DATA;
	r->head_lpos = start_lpos;
}

/* Store a record as prb_reserve()/data_alloc() would: a block that would
 * reach the end of the ring goes to its start instead. */
static void ring_add(struct ring *r, uint64_t id, unsigned state, const char *text, uint64_t seq,
		     uint64_t ts, unsigned level, uint32_t caller)
{
	struct prb_desc *d = desc_at(r, id);
	struct printk_info *in = info_at(r, id);
	size_t len = strlen(text);
	uint64_t size = 8 + ((len + 7) & ~(size_t)7);
	uint64_t begin = r->head_lpos, next = begin + size, off = begin & (RING - 1);
	if (begin >> SIZE_BITS != next >> SIZE_BITS) {
		next = (next & ~(uint64_t)(RING - 1)) + size;
		off = 0;
	}
	memcpy(r->data + off, &id, 8);
	memcpy(r->data + off + 8, text, len);
	r->head_lpos = next;
	d->state_var.counter = (long)(((uint64_t)state << 62) | id);
	d->text_blk_lpos.begin = begin;
	d->text_blk_lpos.next = next;
	in->seq = seq;
	in->ts_nsec = ts;
	in->text_len = (u16)len;
	in->level = level & 7;
	in->facility = 0;
	in->flags = 2; /* LOG_NEWLINE */
	in->caller_id = caller;
}

static void ring_start(struct ring *r, uint64_t tail, uint64_t head)
{
	r->rb->desc_ring.tail_id.counter = (long)tail;
	r->rb->desc_ring.head_id.counter = (long)head;
	synth_add(&r->s, DESCS, r->descs, PAGE, false);
	synth_add(&r->s, INFOS, r->infos, PAGE, false);
	synth_add(&r->s, DATA, r->data, PAGE, false);
	synth_add(&r->s, EXCLUDED, r->excluded, PAGE, true);
	synth_start(&r->s);
}

/* Records 14..19 use descriptor slots 14, 15, 0, 1, 2, 3 (the id wraps the
 * slot array) and the data ring wraps at record 18. */
static void fill_basic(struct ring *r)
{
	ring_init(r, 3 * RING + RING - 64);
	ring_add(r, 14, DESC_FINALIZED, "first line", 100, 1500000000ull, 6, 1);
	ring_add(r, 15, DESC_COMMITTED, "two\nlines", 101, 2000001000ull, 4, 0x80000001u);
	/* Being written at the time of the dump: no data yet, skipped. */
	desc_at(r, 16)->state_var.counter = (long)(16ull | (uint64_t)DESC_RESERVED << 62);
	/* Data-less (NO_LPOS): nothing to print, skipped like makedumpfile. */
	desc_at(r, 17)->state_var.counter = (long)(17ull | (uint64_t)DESC_FINALIZED << 62);
	desc_at(r, 17)->text_blk_lpos.begin = 3;
	desc_at(r, 17)->text_blk_lpos.next = 3;
	ring_add(r, 18, DESC_FINALIZED, "wraps the data ring end", 102, 3000000000ull, 3, 7);
	ring_add(r, 19, DESC_FINALIZED, "esc \x1b[31m red\r", 103, 4000000000ull, 0, 8);
}

static void test_lockless_records(void **state)
{
	struct ring r;
	fill_basic(&r);
	assert_int_equal(desc_at(&r, 18)->text_blk_lpos.next & (RING - 1), 32); /* it did wrap */
	ring_start(&r, 14, 19);
	struct wh_log log;
	assert_null(wh_log_read(&r.s.k, &log));
	assert_string_equal(log.format, "lockless");
	assert_int_equal(log.count, 4);
	assert_int_equal(log.diags.count, 0);
	assert_text(&log.records[0], "first line");
	assert_int_equal(log.records[0].seq, 100);
	assert_int_equal(log.records[0].ts_nsec, 1500000000ull);
	assert_int_equal(log.records[0].level, 6);
	assert_true(log.records[0].have_caller);
	assert_int_equal(log.records[0].caller_id, 1);
	assert_int_equal(log.records[0].flags, WH_LOG_NEWLINE);
	assert_text(&log.records[1], "two\nlines");
	assert_int_equal(log.records[1].caller_id, 0x80000001u);
	assert_int_equal(log.records[1].level, 4);
	assert_text(&log.records[2], "wraps the data ring end");
	assert_int_equal(log.records[2].seq, 102);
	assert_text(&log.records[3], "esc \x1b[31m red\r");
	char *notes;
	char *text = render(&log, &notes);
	assert_string_equal(text, "[    1.500000] first line\n"
				  "[    2.000001] two\n"
				  "               lines\n"
				  "[    3.000000] wraps the data ring end\n"
				  "[    4.000000] esc \\x1b[31m red\\x0d\n");
	assert_string_equal(notes, "");
	free(text);
	free(notes);
	wh_log_deinit(&log);
	synth_close(&r.s);
}

static void test_lockless_hostile_blocks(void **state)
{
	struct ring r;
	ring_init(&r, 0);
	ring_add(&r, 1, DESC_FINALIZED, "0123456789abcdef", 1, 1, 6, 1);
	info_at(&r, 1)->text_len = 60000; /* more than its block holds */
	ring_add(&r, 2, DESC_FINALIZED, "bogus block", 2, 2, 6, 1);
	desc_at(&r, 2)->text_blk_lpos.next = desc_at(&r, 2)->text_blk_lpos.begin + 2 * RING;
	ring_add(&r, 3, DESC_FINALIZED, "misaligned", 3, 3, 6, 1);
	desc_at(&r, 3)->text_blk_lpos.begin += 1;
	ring_add(&r, 4, DESC_FINALIZED, "other id", 4, 4, 6, 1);
	desc_at(&r, 4)->state_var.counter = 4 + NDESC; /* slot reused by an id not in range */
	ring_add(&r, 5, DESC_REUSABLE, "recycled", 5, 5, 6, 1);
	ring_add(&r, 6, DESC_FINALIZED, "last", 6, 6, 6, 1);
	ring_start(&r, 1, 6);
	struct wh_log log;
	assert_null(wh_log_read(&r.s.k, &log));
	assert_int_equal(log.count, 3);
	assert_true(log.records[0].truncated);
	assert_int_equal(log.records[0].text_len, 16);
	assert_true(log.records[1].gap);
	assert_int_equal(log.records[1].gap_count, 2);
	assert_string_equal(log.records[1].gap_reason, "corrupt");
	assert_text(&log.records[2], "last");
	assert_int_equal(log.gap_records, 2);
	char *text = render(&log, NULL);
	assert_non_null(strstr(text, "[whyhung: 2 log records unreadable: corrupt]\n"));
	free(text);
	wh_log_deinit(&log);
	synth_close(&r.s);
}

/* head 1000 ids ahead of tail with 16 descriptors: only the newest 16 ids
 * are looked at, with a warning. */
static void test_lockless_torn_ids(void **state)
{
	struct ring r;
	ring_init(&r, 0);
	ring_add(&r, 1000, DESC_FINALIZED, "newest", 7, 7, 6, 1);
	ring_start(&r, 0, 1000);
	struct wh_log log;
	assert_null(wh_log_read(&r.s.k, &log));
	assert_int_equal(log.count, 1);
	assert_text(&log.records[0], "newest");
	assert_int_equal(log.diags.count, 1);
	char *notes;
	char *text = render(&log, &notes);
	assert_non_null(strstr(notes, "whyhung: warning: printk ring ids 0..1000 outnumber its 16"));
	free(text);
	free(notes);
	wh_log_deinit(&log);
	synth_close(&r.s);
}

static void test_lockless_bad_ring_sizes(void **state)
{
	struct ring r;
	ring_init(&r, 0);
	r.rb->desc_ring.count_bits = 40;
	ring_start(&r, 0, 0);
	struct wh_log log;
	struct wh_error *err = wh_log_read(&r.s.k, &log);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_CORRUPT);
	wh_error_destroy(err);
	synth_close(&r.s);
	/* The ring header itself unreadable: an error, not an empty log. */
	ring_init(&r, 0);
	*(uint64_t *)global(&r.s, "prb", NULL) = EXCLUDED + 64;
	ring_start(&r, 0, 0);
	err = wh_log_read(&r.s.k, &log);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_EXCLUDED);
	wh_error_destroy(err);
	synth_close(&r.s);
}

/* Descriptors in an excluded page, then text outside the dump: runs of
 * gaps, one per reason, and no abort. */
static void test_lockless_missing_pages(void **state)
{
	struct ring r;
	ring_init(&r, 0);
	for (uint64_t id = 0; id < 5; id++)
		ring_add(&r, id, DESC_FINALIZED, "lost", id, id, 6, 1);
	r.rb->desc_ring.descs = (struct prb_desc *)(uintptr_t)EXCLUDED;
	ring_start(&r, 0, 4);
	struct wh_log log;
	assert_null(wh_log_read(&r.s.k, &log));
	assert_int_equal(log.count, 1);
	assert_true(log.records[0].gap);
	assert_int_equal(log.records[0].gap_count, 5);
	assert_string_equal(log.records[0].gap_reason, "excluded");
	wh_log_deinit(&log);
	synth_close(&r.s);

	/* A ring of 2^20 bytes of which only the first page is in the dump. */
	ring_init(&r, 0);
	r.rb->text_data_ring.size_bits = 20;
	ring_add(&r, 0, DESC_FINALIZED, "kept", 0, 0, 6, 1);
	ring_add(&r, 1, DESC_FINALIZED, "far away", 1, 1, 6, 1);
	desc_at(&r, 1)->text_blk_lpos.begin = 0x80000;
	desc_at(&r, 1)->text_blk_lpos.next = 0x80010;
	ring_start(&r, 0, 1);
	assert_null(wh_log_read(&r.s.k, &log));
	assert_int_equal(log.count, 2);
	assert_text(&log.records[0], "kept");
	assert_true(log.records[1].gap);
	assert_string_equal(log.records[1].gap_reason, "fault");
	wh_log_deinit(&log);
	synth_close(&r.s);
}

/* ---- pre-5.10 log_buf ---- */

static const uint64_t LOG_BUF = 0x30000000;

struct oldlog {
	struct synth s;
	unsigned char buf[2 * PAGE];
};

/* A record at IDX as log_store() writes it; returns the next index. */
static uint32_t old_put(struct oldlog *o, uint32_t idx, const char *text, const char *dict,
			uint64_t ts, unsigned level)
{
	struct printk_log h = {0};
	size_t tl = strlen(text), dl = dict ? strlen(dict) : 0;
	h.ts_nsec = ts;
	h.text_len = (u16)tl;
	h.dict_len = (u16)dl;
	h.len = (u16)((sizeof(h) + tl + dl + 3) & ~(size_t)3);
	h.level = level & 7;
	h.facility = 1;
	h.flags = 2;
	memcpy(o->buf + idx, &h, sizeof(h));
	memcpy(o->buf + idx + sizeof(h), text, tl);
	if (dl)
		memcpy(o->buf + idx + sizeof(h) + tl, dict, dl);
	return idx + h.len;
}

static void old_init(struct oldlog *o)
{
	memset(o, 0, sizeof(*o));
	synth_open(&o->s, old_path);
	*(uint64_t *)global(&o->s, "log_buf", NULL) = LOG_BUF;
}

/* BUF_LEN bytes of log_buf, the second page excluded when asked. */
static void old_start(struct oldlog *o, uint32_t buf_len, uint32_t first, uint32_t next,
		      bool exclude_second_page)
{
	*(u32 *)global(&o->s, "log_buf_len", NULL) = buf_len;
	*(u32 *)global(&o->s, "log_first_idx", NULL) = first;
	*(u32 *)global(&o->s, "log_next_idx", NULL) = next;
	*(u64 *)global(&o->s, "log_first_seq", NULL) = 40;
	synth_add(&o->s, LOG_BUF, o->buf, PAGE, false);
	synth_add(&o->s, LOG_BUF + PAGE, o->buf + PAGE, PAGE, exclude_second_page);
	synth_start(&o->s);
}

static void test_old_records_with_wrap(void **state)
{
	struct oldlog o;
	old_init(&o);
	assert_int_equal(sizeof(struct printk_log), 16);
	const uint32_t len = 256;
	uint32_t idx = old_put(&o, 160, "alpha", NULL, 1000000, 6);
	idx = old_put(&o, idx, "beta\nline", NULL, 2000000, 4);
	/* idx is 212: the next record would not fit with a header after it,
	 * so log_store() leaves a zeroed header (len 0) and wraps. */
	assert_int_equal(idx, 212);
	idx = old_put(&o, 0, "gamma", NULL, 3000000, 3);
	idx = old_put(&o, idx, "delta", "SUBSYSTEM=pci\0DEVICE=+pci:0000:00:01.0", 4000000, 2);
	old_start(&o, len, 160, idx, false);
	struct wh_log log;
	assert_null(wh_log_read(&o.s.k, &log));
	assert_string_equal(log.format, "log_buf");
	assert_int_equal(log.count, 4);
	assert_int_equal(log.diags.count, 0);
	assert_text(&log.records[0], "alpha");
	assert_int_equal(log.records[0].seq, 40);
	assert_int_equal(log.records[0].level, 6);
	assert_int_equal(log.records[0].facility, 1);
	assert_false(log.records[0].have_caller);
	assert_text(&log.records[1], "beta\nline");
	assert_text(&log.records[2], "gamma");
	assert_text(&log.records[3], "delta"); /* the dictionary is not text */
	assert_int_equal(log.records[3].seq, 43);
	assert_int_equal(log.records[3].ts_nsec, 4000000);
	char *text = render(&log, NULL);
	assert_string_equal(text, "[    0.001000] alpha\n"
				  "[    0.002000] beta\n"
				  "               line\n"
				  "[    0.003000] gamma\n"
				  "[    0.004000] delta\n");
	free(text);
	wh_log_deinit(&log);
	synth_close(&o.s);
}

static void read_old_expect(struct oldlog *o, size_t n_records, size_t n_warnings,
			    struct wh_log *log)
{
	assert_null(wh_log_read(&o->s.k, log));
	assert_int_equal(log->count, n_records);
	assert_int_equal(log->diags.count, n_warnings);
}

static void test_old_hostile(void **state)
{
	struct oldlog o;
	struct wh_log log;
	/* A second wrap marker: the walk can never reach next_idx. */
	old_init(&o);
	uint32_t idx = old_put(&o, 100, "one", NULL, 1, 6);
	old_start(&o, 256, 100, 200, false); /* 200 is inside nothing */
	read_old_expect(&o, 1, 1, &log);
	assert_non_null(strstr(log.diags.items[0].message, "wraps twice"));
	wh_log_deinit(&log);
	synth_close(&o.s);
	(void)idx;

	/* A length shorter than the header, and one running off the buffer. */
	old_init(&o);
	idx = old_put(&o, 0, "ok", NULL, 1, 6);
	((struct printk_log *)(o.buf + idx))->len = 4;
	old_start(&o, 256, 0, 200, false);
	read_old_expect(&o, 1, 1, &log);
	assert_non_null(strstr(log.diags.items[0].message, "has length 4"));
	wh_log_deinit(&log);
	synth_close(&o.s);

	old_init(&o);
	idx = old_put(&o, 0, "truncated text", NULL, 1, 6);
	((struct printk_log *)o.buf)->text_len = 5000; /* more than len allows */
	old_start(&o, 256, 0, idx, false);
	read_old_expect(&o, 1, 0, &log);
	assert_true(log.records[0].truncated);
	assert_int_equal(log.records[0].text_len, ((struct printk_log *)o.buf)->len - 16);
	wh_log_deinit(&log);
	synth_close(&o.s);

	/* Sizes no kernel has. */
	old_init(&o);
	old_start(&o, 0x80000001u, 0, 0, false);
	struct wh_error *err = wh_log_read(&o.s.k, &log);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_CORRUPT);
	wh_error_destroy(err);
	synth_close(&o.s);
	old_init(&o);
	old_start(&o, 256, 300, 0, false);
	err = wh_log_read(&o.s.k, &log);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_CORRUPT);
	wh_error_destroy(err);
	synth_close(&o.s);
}

/* Text in an excluded page is a gap; a header there ends the walk. */
static void test_old_excluded_page(void **state)
{
	struct oldlog o;
	old_init(&o);
	uint32_t idx = old_put(&o, PAGE - 40, "before", NULL, 1, 6);
	assert_int_equal(idx, PAGE - 16);
	idx = old_put(&o, idx, "text in the excluded page", NULL, 2, 6);
	idx = old_put(&o, idx, "header in the excluded page", NULL, 3, 6);
	old_start(&o, 2 * PAGE, PAGE - 40, idx, true);
	struct wh_log log;
	read_old_expect(&o, 2, 1, &log);
	assert_text(&log.records[0], "before");
	assert_true(log.records[1].gap);
	assert_string_equal(log.records[1].gap_reason, "excluded");
	assert_int_equal(log.records[1].gap_count, 2);
	assert_non_null(strstr(log.diags.items[0].message, "log ends here"));
	wh_log_deinit(&log);
	synth_close(&o.s);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s OLD_PRINTK_SAMPLE LOCKLESS_PRINTK_SAMPLE\n", argv[0]);
		return 2;
	}
	old_path = argv[1];
	lockless_path = argv[2];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lockless_records),
		cmocka_unit_test(test_lockless_hostile_blocks),
		cmocka_unit_test(test_lockless_torn_ids),
		cmocka_unit_test(test_lockless_bad_ring_sizes),
		cmocka_unit_test(test_lockless_missing_pages),
		cmocka_unit_test(test_old_records_with_wrap),
		cmocka_unit_test(test_old_hostile),
		cmocka_unit_test(test_old_excluded_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
