/* The inlined-function walker (symbols/dwarf_inline.c) on units laid out
 * by hand: a DWARF 5 unit whose ranges use every DW_RLE_* kind,
 * DW_FORM_rnglistx through DW_AT_rnglists_base, DW_FORM_sec_offset,
 * DW_FORM_addrx through DW_AT_addr_base, a lexical block between two
 * inlined calls and a name found through abstract_origin then
 * specification; a DWARF 4 unit with .debug_ranges (base address
 * selection) and an address-form high_pc; an origin chain that loops.
 * Then every truncation and random corruption of every section: an
 * error of the convention (WH_ERR_FORMAT), never a crash, a read out of
 * bounds (the ASan build runs this too) or a name outside the sections.
 * Real compiler output is covered by the fixture tests (drgn's inlined
 * frames, addr2line -i on the fixture module). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dwarf_constants.h"
#include "dwarf_inline.h"
#include "tests/support/byte_buf.h"

enum { DW_AT_inline_ = 0x20 };

enum {
	AB_CU = 1,
	AB_SUB,
	AB_INL_X,
	AB_BLOCK,
	AB_INL_OFF,
	AB_ABSTRACT,
	AB_SPEC,
	AB_CU4,
	AB_SUB4,
	AB_INL4
};

struct attr {
	unsigned name, form;
};

static void put_abbrev(struct buf *b, unsigned code, unsigned tag, bool children,
		       const struct attr *attrs)
{
	put_uleb(b, code);
	put_uleb(b, tag);
	put_u(b, children, 1);
	for (; attrs && attrs->name; attrs++) {
		put_uleb(b, attrs->name);
		put_uleb(b, attrs->form);
	}
	put_u(b, 0, 2);
}

struct sample {
	struct buf info, abbrev, rnglists, addr, ranges;
	uint64_t u5, u4;   /* unit headers */
	size_t spec_ref;   /* where Z's DW_AT_specification is */
	uint64_t spec_die; /* Z itself */
};

static void put_abbrevs(struct buf *b)
{
	put_abbrev(b, AB_CU, DW_TAG_compile_unit, true,
		   (const struct attr[]){{DW_AT_low_pc, DW_FORM_addr},
					 {DW_AT_rnglists_base, DW_FORM_sec_offset},
					 {DW_AT_addr_base, DW_FORM_sec_offset},
					 {0, 0}});
	put_abbrev(b, AB_SUB, DW_TAG_subprogram, true,
		   (const struct attr[]){{DW_AT_name, DW_FORM_string},
					 {DW_AT_low_pc, DW_FORM_addr},
					 {DW_AT_high_pc, DW_FORM_data4},
					 {0, 0}});
	put_abbrev(b, AB_INL_X, DW_TAG_inlined_subroutine, true,
		   (const struct attr[]){{DW_AT_abstract_origin, DW_FORM_ref4},
					 {DW_AT_ranges, DW_FORM_rnglistx},
					 {DW_AT_call_file, DW_FORM_data1},
					 {DW_AT_call_line, DW_FORM_data2},
					 {0, 0}});
	put_abbrev(b, AB_BLOCK, DW_TAG_lexical_block, true,
		   (const struct attr[]){
		       {DW_AT_low_pc, DW_FORM_addrx1}, {DW_AT_high_pc, DW_FORM_data1}, {0, 0}});
	put_abbrev(b, AB_INL_OFF, DW_TAG_inlined_subroutine, false,
		   (const struct attr[]){{DW_AT_abstract_origin, DW_FORM_ref4},
					 {DW_AT_ranges, DW_FORM_sec_offset},
					 {DW_AT_call_file, DW_FORM_udata},
					 {DW_AT_call_line, DW_FORM_udata},
					 {0, 0}});
	put_abbrev(b, AB_ABSTRACT, DW_TAG_subprogram, false,
		   (const struct attr[]){
		       {DW_AT_name, DW_FORM_string}, {DW_AT_inline_, DW_FORM_data1}, {0, 0}});
	put_abbrev(b, AB_SPEC, DW_TAG_subprogram, false,
		   (const struct attr[]){{DW_AT_specification, DW_FORM_ref4}, {0, 0}});
	put_abbrev(b, AB_CU4, DW_TAG_compile_unit, true,
		   (const struct attr[]){{DW_AT_low_pc, DW_FORM_addr}, {0, 0}});
	put_abbrev(b, AB_SUB4, DW_TAG_subprogram, true,
		   (const struct attr[]){
		       {DW_AT_name, DW_FORM_string}, {DW_AT_ranges, DW_FORM_sec_offset}, {0, 0}});
	put_abbrev(b, AB_INL4, DW_TAG_inlined_subroutine, false,
		   (const struct attr[]){{DW_AT_abstract_origin, DW_FORM_ref4},
					 {DW_AT_low_pc, DW_FORM_addr},
					 {DW_AT_high_pc, DW_FORM_addr},
					 {DW_AT_call_file, DW_FORM_data1},
					 {DW_AT_call_line, DW_FORM_data1},
					 {0, 0}});
	put_u(b, 0, 1);
}

enum { RNGLISTS_BASE = 12, ADDR_BASE = 8 };

static void make_sample(struct sample *s)
{
	memset(s, 0, sizeof(*s));
	put_abbrevs(&s->abbrev);

	/* .debug_addr: a DWARF 5 header, then 0x1040, 0x1058, 0x1060. */
	put_u(&s->addr, 4 + 24, 4);
	put_u(&s->addr, 5, 2);
	put_u(&s->addr, 8, 1);
	put_u(&s->addr, 0, 1);
	put_u(&s->addr, 0x1040, 8);
	put_u(&s->addr, 0x1058, 8);
	put_u(&s->addr, 0x1060, 8);

	/* .debug_rnglists: header, one offset, list 1 (by index), list 2
	 * (by offset). */
	struct buf *r = &s->rnglists;
	put_u(r, 0, 4);
	put_u(r, 5, 2);
	put_u(r, 8, 1);
	put_u(r, 0, 1);
	put_u(r, 1, 4); /* offset_entry_count */
	put_u(r, 0, 4); /* patched: list 1 relative to the base */
	size_t list1 = r->len;
	patch_u(r, RNGLISTS_BASE, list1 - RNGLISTS_BASE, 4);
	put_u(r, DW_RLE_offset_pair, 1); /* from the unit's low_pc 0x1000 */
	put_uleb(r, 0x10);
	put_uleb(r, 0x30);
	put_u(r, DW_RLE_base_addressx, 1);
	put_uleb(r, 0); /* 0x1040 */
	put_u(r, DW_RLE_offset_pair, 1);
	put_uleb(r, 0);
	put_uleb(r, 0x40);
	put_u(r, DW_RLE_end_of_list, 1);
	size_t list2 = r->len;
	put_u(r, DW_RLE_start_length, 1);
	put_u(r, 0x1050, 8);
	put_uleb(r, 8);
	put_u(r, DW_RLE_startx_endx, 1);
	put_uleb(r, 1);
	put_uleb(r, 2);
	put_u(r, DW_RLE_startx_length, 1);
	put_uleb(r, 2);
	put_uleb(r, 0);
	put_u(r, DW_RLE_start_end, 1);
	put_u(r, 0x10f0, 8);
	put_u(r, 0x10f8, 8);
	put_u(r, DW_RLE_base_address, 1);
	put_u(r, 0x2000, 8);
	put_u(r, DW_RLE_offset_pair, 1);
	put_uleb(r, 0);
	put_uleb(r, 0x10);
	put_u(r, DW_RLE_end_of_list, 1);
	patch_u(r, 0, r->len - 4, 4);

	/* The DWARF 5 unit. */
	struct buf *b = &s->info;
	s->u5 = b->len;
	put_u(b, 0, 4);
	put_u(b, 5, 2);
	put_u(b, DW_UT_compile, 1);
	put_u(b, 8, 1);
	put_u(b, 0, 4); /* abbrev offset */
	put_uleb(b, AB_CU);
	put_u(b, 0x1000, 8);
	put_u(b, RNGLISTS_BASE, 4);
	put_u(b, ADDR_BASE, 4);
	uint64_t x = b->len - s->u5;
	put_uleb(b, AB_ABSTRACT);
	put_str(b, "outer_inl");
	put_u(b, 3, 1);
	uint64_t y = b->len - s->u5;
	put_uleb(b, AB_ABSTRACT);
	put_str(b, "inner_inl");
	put_u(b, 3, 1);
	uint64_t z = b->len - s->u5;
	s->spec_die = b->len;
	put_uleb(b, AB_SPEC);
	s->spec_ref = b->len;
	put_u(b, y, 4);
	put_uleb(b, AB_SUB);
	put_str(b, "f");
	put_u(b, 0x1000, 8);
	put_u(b, 0x100, 4);
	put_uleb(b, AB_INL_X);
	put_u(b, x, 4);
	put_uleb(b, 0);
	put_u(b, 1, 1);
	put_u(b, 10, 2);
	put_uleb(b, AB_BLOCK);
	put_u(b, 0, 1); /* addrx 0: 0x1040 */
	put_u(b, 0x20, 1);
	put_uleb(b, AB_INL_OFF);
	put_u(b, z, 4);
	put_u(b, list2, 4);
	put_uleb(b, 2);
	put_uleb(b, 20);
	put_u(b, 0, 1); /* end of the block's children */
	put_u(b, 0, 1); /* of the inlined call's */
	put_u(b, 0, 1); /* of f's */
	put_u(b, 0, 1); /* of the unit's */
	patch_u(b, s->u5, b->len - s->u5 - 4, 4);

	/* .debug_ranges of the DWARF 4 unit: a base selection, two ranges. */
	struct buf *g = &s->ranges;
	put_u(g, UINT64_MAX, 8);
	put_u(g, 0x3000, 8);
	put_u(g, 0, 8);
	put_u(g, 0x10, 8);
	put_u(g, 0x20, 8);
	put_u(g, 0x40, 8);
	put_u(g, 0, 8); /* the terminating (0, 0) */
	put_u(g, 0, 8);

	s->u4 = b->len;
	put_u(b, 0, 4);
	put_u(b, 4, 2);
	put_u(b, 0, 4); /* abbrev offset */
	put_u(b, 8, 1);
	put_uleb(b, AB_CU4);
	put_u(b, 0x5000, 8); /* not the base: the list selects its own */
	uint64_t w = b->len - s->u4;
	put_uleb(b, AB_ABSTRACT);
	put_str(b, "v4_inl");
	put_u(b, 3, 1);
	put_uleb(b, AB_SUB4);
	put_str(b, "g");
	put_u(b, 0, 4);
	put_uleb(b, AB_INL4);
	put_u(b, w, 4);
	put_u(b, 0x3020, 8);
	put_u(b, 0x3030, 8);
	put_u(b, 3, 1);
	put_u(b, 30, 1);
	put_u(b, 0, 1);
	put_u(b, 0, 1);
	patch_u(b, s->u4, b->len - s->u4 - 4, 4);
}

/* Exact-size heap copies, so that ASan sees any read past them. */
struct copies {
	unsigned char *p[5];
	struct wh_unit_sections sec;
};

static unsigned char *copy(const struct buf *b, size_t len)
{
	unsigned char *p = malloc(len ? len : 1);
	assert_non_null(p);
	memcpy(p, b->bytes, len);
	return p;
}

static void make_copies(const struct sample *s, const size_t len[5], struct copies *c)
{
	const struct buf *bufs[5] = {&s->info, &s->abbrev, &s->rnglists, &s->addr, &s->ranges};
	for (int i = 0; i < 5; i++)
		c->p[i] = copy(bufs[i], len[i]);
	c->sec = (struct wh_unit_sections){
	    .info = c->p[0],
	    .info_size = len[0],
	    .abbrev = c->p[1],
	    .abbrev_size = len[1],
	    .rnglists = c->p[2],
	    .rnglists_size = len[2],
	    .addr = c->p[3],
	    .addr_size = len[3],
	    .ranges = c->p[4],
	    .ranges_size = len[4],
	};
}

static void free_copies(struct copies *c)
{
	for (int i = 0; i < 5; i++)
		free(c->p[i]);
}

static void full_lengths(const struct sample *s, size_t len[5])
{
	len[0] = s->info.len;
	len[1] = s->abbrev.len;
	len[2] = s->rnglists.len;
	len[3] = s->addr.len;
	len[4] = s->ranges.len;
}

static void ok(struct wh_error *err)
{
	if (err)
		fail_msg("%s", err->message);
}

struct expect {
	uint64_t header_is_v4;
	uint64_t pc;
	size_t n;
	const char *names[2];
	unsigned files[2], lines[2];
};

static void check(struct wh_inline_cache *cache, const struct sample *s, const struct expect *e)
{
	struct wh_inline_call calls[WH_MAX_INLINE_DEPTH];
	size_t n;
	ok(wh_dwarf_inline_chain(cache, e->header_is_v4 ? s->u4 : s->u5, e->pc, calls, &n));
	if (n != e->n)
		fail_msg("pc 0x%llx: %zu inlined calls, want %zu", (unsigned long long)e->pc, n,
			 e->n);
	for (size_t i = 0; i < n; i++) {
		if (!calls[i].function || strcmp(calls[i].function, e->names[i]))
			fail_msg("pc 0x%llx [%zu]: %s, want %s", (unsigned long long)e->pc, i,
				 calls[i].function ? calls[i].function : "(null)", e->names[i]);
		assert_true(calls[i].have_call_file);
		assert_int_equal(calls[i].call_file, e->files[i]);
		assert_int_equal(calls[i].call_line, e->lines[i]);
	}
}

static const struct expect expected[] = {
    {0, 0x1020, 1, {"outer_inl"}, {1}, {10}},
    {0, 0x1052, 2, {"inner_inl", "outer_inl"}, {2, 1}, {20, 10}},
    {0, 0x105a, 2, {"inner_inl", "outer_inl"}, {2, 1}, {20, 10}},
    {0, 0x1070, 1, {"outer_inl"}, {1}, {10}},
    {0, 0x1005, 0, {NULL}, {0}, {0}},
    {0, 0x1040 - 1, 0, {NULL}, {0}, {0}},
    {0, 0x2000, 0, {NULL}, {0}, {0}},
    {0, 0x10f0, 0, {NULL}, {0}, {0}}, /* in f, outside the inlined call */
    {1, 0x3025, 1, {"v4_inl"}, {3}, {30}},
    {1, 0x3005, 0, {NULL}, {0}, {0}},
    {1, 0x3015, 0, {NULL}, {0}, {0}}, /* between g's two ranges */
    {1, 0x5000, 0, {NULL}, {0}, {0}},
};

static void test_samples(void **state)
{
	(void)state;
	struct sample s;
	make_sample(&s);
	size_t len[5];
	full_lengths(&s, len);
	struct copies c;
	make_copies(&s, len, &c);
	struct wh_dwarf_info *info;
	struct wh_inline_cache *cache;
	ok(wh_dwarf_info_create(&c.sec, &info));
	ok(wh_inline_cache_create(info, &cache));
	/* Twice: indexed, then from the index. */
	for (int round = 0; round < 2; round++)
		for (size_t i = 0; i < sizeof(expected) / sizeof(*expected); i++)
			check(cache, &s, &expected[i]);
	/* The ranges of a DIE, directly. */
	struct wh_die d;
	bool in;
	ok(wh_dwarf_info_die(info, s.spec_die, &d));
	ok(wh_die_contains(info, &d, 0x1000, &in));
	assert_false(in); /* no range at all */
	wh_inline_cache_destroy(cache);
	wh_dwarf_info_destroy(info);
	free_copies(&c);
}

/* Z's specification pointing to Z: no name, no endless walk. */
static void test_origin_cycle(void **state)
{
	(void)state;
	struct sample s;
	make_sample(&s);
	patch_u(&s.info, s.spec_ref, s.spec_die - s.u5, 4);
	size_t len[5];
	full_lengths(&s, len);
	struct copies c;
	make_copies(&s, len, &c);
	struct wh_dwarf_info *info;
	struct wh_inline_cache *cache;
	ok(wh_dwarf_info_create(&c.sec, &info));
	ok(wh_inline_cache_create(info, &cache));
	struct wh_inline_call calls[WH_MAX_INLINE_DEPTH];
	size_t n;
	ok(wh_dwarf_inline_chain(cache, s.u5, 0x1052, calls, &n));
	assert_int_equal(n, 2);
	assert_null(calls[0].function);
	assert_string_equal(calls[1].function, "outer_inl");
	wh_inline_cache_destroy(cache);
	wh_dwarf_info_destroy(info);
	free_copies(&c);
}

static void survive(struct wh_error *err)
{
	if (!err)
		return;
	if (err != &wh_error_nomem && err->code != WH_ERR_FORMAT)
		fail_msg("not a format error: %s", err->message);
	wh_error_destroy(err);
}

/* Every lookup of the samples on (possibly broken) sections: no crash,
 * names inside .debug_info. */
static void walk_all(const struct sample *s, const size_t len[5])
{
	struct copies c;
	make_copies(s, len, &c);
	struct wh_dwarf_info *info;
	struct wh_error *err = wh_dwarf_info_create(&c.sec, &info);
	if (err) {
		assert_int_equal(err->code, WH_ERR_NO_DEBUGINFO);
		wh_error_destroy(err);
		free_copies(&c);
		return;
	}
	struct wh_inline_cache *cache;
	ok(wh_inline_cache_create(info, &cache));
	for (size_t i = 0; i < sizeof(expected) / sizeof(*expected); i++) {
		struct wh_inline_call calls[WH_MAX_INLINE_DEPTH];
		size_t n = 0;
		err = wh_dwarf_inline_chain(cache, expected[i].header_is_v4 ? s->u4 : s->u5,
					    expected[i].pc, calls, &n);
		if (err)
			assert_int_equal(n, 0);
		survive(err);
		assert_true(n <= WH_MAX_INLINE_DEPTH);
		for (size_t k = 0; k < n; k++)
			if (calls[k].function)
				assert_true((const unsigned char *)calls[k].function >= c.p[0] &&
					    (const unsigned char *)calls[k].function <
						c.p[0] + len[0]);
	}
	wh_inline_cache_destroy(cache);
	wh_dwarf_info_destroy(info);
	free_copies(&c);
}

static void test_truncated(void **state)
{
	(void)state;
	struct sample s;
	make_sample(&s);
	size_t full[5];
	full_lengths(&s, full);
	for (int sec = 0; sec < 5; sec++) {
		for (size_t l = 0; l <= full[sec]; l++) {
			size_t len[5];
			memcpy(len, full, sizeof(len));
			len[sec] = l;
			walk_all(&s, len);
		}
	}
}

static uint64_t rng_state = 0x2545f4914f6cdd1d;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void test_corrupted(void **state)
{
	(void)state;
	for (int round = 0; round < 4000; round++) {
		struct sample s;
		make_sample(&s);
		struct buf *bufs[5] = {&s.info, &s.abbrev, &s.rnglists, &s.addr, &s.ranges};
		struct buf *b = bufs[rng() % 5];
		int flips = 1 + (int)(rng() % 4);
		for (int i = 0; i < flips; i++)
			b->bytes[rng() % b->len] = rng() % 4 ? (unsigned char)rng() : 0xff;
		size_t len[5];
		full_lengths(&s, len);
		walk_all(&s, len);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_samples),
	    cmocka_unit_test(test_origin_cycle),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_corrupted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
