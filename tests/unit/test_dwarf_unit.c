/* Where a compile unit's line program is (symbols/dwarf_unit.c): units and
 * abbreviation tables laid out byte by byte (DWARF 2, 4 and 5, 32- and
 * 64-bit, the forms a unit DIE uses, strx with DW_AT_str_offsets_base,
 * DW_FORM_indirect, implicit_const), the forms it must refuse, then every
 * truncation and random corruption of them: WH_ERR_FORMAT or
 * WH_ERR_ABSENT, never a crash, and any directory returned lies inside
 * the sections (the ASan build runs this too). Real compiler output is
 * checked against libdwarf by test_dwarf_lines. */
#include "symbols/dwarf_constants.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "symbols/dwarf_unit.h"
#include "tests/support/byte_buf.h"

static const char debug_str[] = "\0GNU C\0/src";
static const char line_str[] = "\0a.c\0/lsrc";
enum { STR_PRODUCER = 1, STR_SRC = 7, LSTR_A = 1, LSTR_LSRC = 5 };
/* .debug_str_offsets: an 8-byte DWARF 5 header, then offsets 0 and 1. */
static const unsigned char str_offsets[] = {12,		  0, 0, 0, 5,	    0, 0, 0,
					    STR_PRODUCER, 0, 0, 0, STR_SRC, 0, 0, 0};
enum { STR_OFFSETS_BASE = 8 };

struct attr {
	unsigned name, form;
	int64_t implicit;
};

enum { TERMINATOR = 0 };

/* An abbreviation: CODE, TAG, then the attributes up to a zero name. */
static void put_abbrev(struct buf *b, unsigned code, unsigned tag, const struct attr *attrs)
{
	put_uleb(b, code);
	put_uleb(b, tag);
	put_u(b, DW_CHILDREN_yes, 1);
	for (; attrs->name; attrs++) {
		put_uleb(b, attrs->name);
		put_uleb(b, attrs->form);
		if (attrs->form == DW_FORM_implicit_const)
			put_sleb(b, attrs->implicit);
	}
	put_u(b, 0, 2);
}

/* A table with a base type abbreviation (1, with an implicit_const to
 * skip) before the unit's (2). */
static void put_table(struct buf *b, const struct attr *unit_attrs)
{
	static const struct attr base[] = {{DW_AT_name, DW_FORM_string, 0},
					   {DW_AT_byte_size, DW_FORM_implicit_const, -4},
					   {DW_AT_encoding, DW_FORM_data1, 0},
					   {TERMINATOR, 0, 0}};
	put_abbrev(b, 1, DW_TAG_base_type, base);
	put_abbrev(b, 2, DW_TAG_compile_unit, unit_attrs);
	put_u(b, 0, 1);
}

/* A unit header for VERSION (5: of TYPE), its length patched by
 * finish_unit(). */
static size_t put_unit_header(struct buf *b, unsigned version, bool dwarf64, unsigned type)
{
	unsigned off = dwarf64 ? 8 : 4;
	if (dwarf64)
		put_u(b, 0xffffffff, 4);
	size_t len_at = b->len;
	put_u(b, 0, off);
	put_u(b, version, 2);
	if (version >= 5) {
		put_u(b, type, 1);
		put_u(b, 8, 1);	  /* address_size */
		put_u(b, 0, off); /* abbrev_offset */
		if (type == DW_UT_skeleton)
			put_u(b, 0x1122334455667788, 8);
	} else {
		put_u(b, 0, off);
		put_u(b, 8, 1);
	}
	put_uleb(b, 2); /* the root DIE's abbreviation */
	return len_at;
}

static void finish_unit(struct buf *b, size_t len_at, bool dwarf64)
{
	unsigned n = dwarf64 ? 8 : 4;
	patch_u(b, len_at, b->len - (len_at + n), n);
}

struct sample {
	struct buf info, abbrev;
	uint64_t stmt_list;
	const char *comp_dir;
};

/* DWARF 4: strp and string names, an address, stmt_list last. */
static void dwarf4_sample(struct sample *s)
{
	static const struct attr attrs[] = {
	    {DW_AT_producer, DW_FORM_strp, 0},	      {DW_AT_language, DW_FORM_data1, 0},
	    {DW_AT_name, DW_FORM_string, 0},	      {DW_AT_comp_dir, DW_FORM_strp, 0},
	    {DW_AT_low_pc, DW_FORM_addr, 0},	      {DW_AT_high_pc, DW_FORM_data8, 0},
	    {DW_AT_stmt_list, DW_FORM_sec_offset, 0}, {TERMINATOR, 0, 0}};
	put_table(&s->abbrev, attrs);
	size_t len_at = put_unit_header(&s->info, 4, false, 0);
	put_u(&s->info, STR_PRODUCER, 4);
	put_u(&s->info, DW_LANG_C11, 1);
	put_str(&s->info, "a.c");
	put_u(&s->info, STR_SRC, 4);
	put_u(&s->info, 0xffffffff81000000, 8);
	put_u(&s->info, 0x100, 8);
	put_u(&s->info, 0x1234, 4);
	finish_unit(&s->info, len_at, false);
	s->stmt_list = 0x1234;
	s->comp_dir = "/src";
}

/* DWARF 5, clang-like: strx1 comp_dir before DW_AT_str_offsets_base, an
 * implicit_const, an indirect address, an exprloc, a flag_present. */
static void dwarf5_sample(struct sample *s)
{
	static const struct attr attrs[] = {{DW_AT_producer, DW_FORM_strx1, 0},
					    {DW_AT_language, DW_FORM_implicit_const, DW_LANG_C11},
					    {DW_AT_name, DW_FORM_line_strp, 0},
					    {DW_AT_comp_dir, DW_FORM_strx1, 0},
					    {DW_AT_low_pc, DW_FORM_indirect, 0},
					    {DW_AT_frame_base, DW_FORM_exprloc, 0},
					    {DW_AT_external, DW_FORM_flag_present, 0},
					    {DW_AT_str_offsets_base, DW_FORM_sec_offset, 0},
					    {DW_AT_stmt_list, DW_FORM_sec_offset, 0},
					    {DW_AT_ranges, DW_FORM_rnglistx, 0},
					    {TERMINATOR, 0, 0}};
	put_table(&s->abbrev, attrs);
	size_t len_at = put_unit_header(&s->info, 5, false, DW_UT_compile);
	put_u(&s->info, 0, 1);
	put_u(&s->info, LSTR_A, 4);
	put_u(&s->info, 1, 1); /* strx1 1: /src */
	put_uleb(&s->info, DW_FORM_addr);
	put_u(&s->info, 0xffffffff81000000, 8);
	put_uleb(&s->info, 1);
	put_u(&s->info, DW_OP_call_frame_cfa, 1);
	put_u(&s->info, STR_OFFSETS_BASE, 4);
	put_u(&s->info, 0x40, 4);
	put_uleb(&s->info, 0);
	finish_unit(&s->info, len_at, false);
	s->stmt_list = 0x40;
	s->comp_dir = "/src";
}

/* DWARF 5 in 64-bit DWARF, a skeleton unit: line_strp and 8-byte offsets. */
static void dwarf64_sample(struct sample *s)
{
	static const struct attr attrs[] = {{DW_AT_comp_dir, DW_FORM_line_strp, 0},
					    {DW_AT_stmt_list, DW_FORM_sec_offset, 0},
					    {DW_AT_GNU_dwo_name, DW_FORM_strp, 0},
					    {TERMINATOR, 0, 0}};
	put_table(&s->abbrev, attrs);
	size_t len_at = put_unit_header(&s->info, 5, true, DW_UT_skeleton);
	put_u(&s->info, LSTR_LSRC, 8);
	put_u(&s->info, 0x123456789a, 8);
	put_u(&s->info, STR_PRODUCER, 8);
	finish_unit(&s->info, len_at, true);
	s->stmt_list = 0x123456789a;
	s->comp_dir = "/lsrc";
}

/* DWARF 2: ref_addr is address-sized, stmt_list data4, no comp_dir. */
static void dwarf2_sample(struct sample *s)
{
	static const struct attr attrs[] = {{DW_AT_sibling, DW_FORM_ref_addr, 0},
					    {DW_AT_name, DW_FORM_block1, 0},
					    {DW_AT_stmt_list, DW_FORM_data4, 0},
					    {TERMINATOR, 0, 0}};
	put_table(&s->abbrev, attrs);
	size_t len_at = put_unit_header(&s->info, 2, false, 0);
	put_u(&s->info, 0x1000, 8);
	put_u(&s->info, 3, 1);
	put(&s->info, "a.c", 3);
	put_u(&s->info, 0x99, 4);
	finish_unit(&s->info, len_at, false);
	s->stmt_list = 0x99;
	s->comp_dir = NULL;
}

static void (*const samples[])(struct sample *) = {dwarf4_sample, dwarf5_sample, dwarf64_sample,
						   dwarf2_sample};
enum { N_SAMPLES = sizeof(samples) / sizeof(*samples) };

static struct wh_unit_sections sections_of(const unsigned char *info, size_t info_size,
					   const unsigned char *abbrev, size_t abbrev_size)
{
	return (struct wh_unit_sections){info,
					 info_size,
					 abbrev,
					 abbrev_size,
					 (const unsigned char *)debug_str,
					 sizeof(debug_str),
					 (const unsigned char *)line_str,
					 sizeof(line_str),
					 str_offsets,
					 sizeof(str_offsets)};
}

static void test_samples(void **state)
{
	(void)state;
	for (int i = 0; i < N_SAMPLES; i++) {
		struct sample s = {0};
		put_u(&s.info, 0xdeadbeef, 4); /* the unit need not start the section */
		samples[i](&s);
		struct wh_unit_sections sec =
		    sections_of(s.info.bytes, s.info.len, s.abbrev.bytes, s.abbrev.len);
		uint64_t stmt_list;
		const char *dir;
		struct wh_error *err = wh_dwarf_unit_lines(&sec, 4, &stmt_list, &dir);
		if (err)
			fail_msg("sample %d: %s", i, err->message);
		assert_int_equal(stmt_list, s.stmt_list);
		if (s.comp_dir)
			assert_string_equal(dir, s.comp_dir);
		else
			assert_null(dir);
	}
}

static void expect_error(const struct buf *info, const struct buf *abbrev, uint64_t offset,
			 enum wh_error_code code, const char *what)
{
	struct wh_unit_sections sec =
	    sections_of(info->bytes, info->len, abbrev->bytes, abbrev->len);
	uint64_t stmt_list;
	const char *dir;
	struct wh_error *err = wh_dwarf_unit_lines(&sec, offset, &stmt_list, &dir);
	if (!err)
		fail_msg("%s: accepted", what);
	if (err->code != code)
		fail_msg("%s: %s", what, err->message);
	wh_error_destroy(err);
}

/* A DWARF 4 unit of the given attributes, values laid out by the caller. */
static size_t custom_unit(struct sample *s, const struct attr *attrs, unsigned version,
			  unsigned type)
{
	memset(s, 0, sizeof(*s));
	put_table(&s->abbrev, attrs);
	return put_unit_header(&s->info, version, false, type);
}

static void test_refused(void **state)
{
	(void)state;
	struct sample s;
	/* No DW_AT_stmt_list: no line program (ABSENT, not an error). */
	static const struct attr no_lines[] = {{DW_AT_name, DW_FORM_string, 0}, {TERMINATOR, 0, 0}};
	size_t len_at = custom_unit(&s, no_lines, 4, 0);
	put_str(&s.info, "a.c");
	finish_unit(&s.info, len_at, false);
	expect_error(&s.info, &s.abbrev, 0, WH_ERR_ABSENT, "no stmt_list");
	expect_error(&s.info, &s.abbrev, s.info.len, WH_ERR_FORMAT, "offset at the end");
	expect_error(&s.info, &s.abbrev, UINT64_MAX, WH_ERR_FORMAT, "offset far past the end");
	/* An unknown form before the line program. */
	static const struct attr unknown[] = {
	    {DW_AT_name, 0x7f, 0}, {DW_AT_stmt_list, DW_FORM_sec_offset, 0}, {TERMINATOR, 0, 0}};
	len_at = custom_unit(&s, unknown, 4, 0);
	put_u(&s.info, 0, 8);
	finish_unit(&s.info, len_at, false);
	expect_error(&s.info, &s.abbrev, 0, WH_ERR_FORMAT, "unknown form");
	/* DW_FORM_indirect naming DW_FORM_indirect. */
	static const struct attr indirect[] = {{DW_AT_name, DW_FORM_indirect, 0},
					       {DW_AT_stmt_list, DW_FORM_sec_offset, 0},
					       {TERMINATOR, 0, 0}};
	len_at = custom_unit(&s, indirect, 4, 0);
	put_uleb(&s.info, DW_FORM_indirect);
	put_uleb(&s.info, DW_FORM_data1);
	put_u(&s.info, 0, 5);
	finish_unit(&s.info, len_at, false);
	expect_error(&s.info, &s.abbrev, 0, WH_ERR_FORMAT, "indirect indirect");
	/* Strings of another file (dwz) and strx without a base. */
	static const struct attr alt[] = {{DW_AT_comp_dir, DW_FORM_GNU_strp_alt, 0},
					  {DW_AT_stmt_list, DW_FORM_sec_offset, 0},
					  {TERMINATOR, 0, 0}};
	len_at = custom_unit(&s, alt, 4, 0);
	put_u(&s.info, 0, 8);
	finish_unit(&s.info, len_at, false);
	expect_error(&s.info, &s.abbrev, 0, WH_ERR_FORMAT, "dwz string");
	static const struct attr strx[] = {{DW_AT_comp_dir, DW_FORM_strx1, 0},
					   {DW_AT_stmt_list, DW_FORM_sec_offset, 0},
					   {TERMINATOR, 0, 0}};
	len_at = custom_unit(&s, strx, 5, DW_UT_compile);
	put_u(&s.info, 1, 1);
	put_u(&s.info, 0, 4);
	finish_unit(&s.info, len_at, false);
	expect_error(&s.info, &s.abbrev, 0, WH_ERR_FORMAT, "strx without a base");
	/* A stmt_list of a string form; a type unit; version 6. */
	static const struct attr string_lines[] = {{DW_AT_stmt_list, DW_FORM_string, 0},
						   {TERMINATOR, 0, 0}};
	len_at = custom_unit(&s, string_lines, 4, 0);
	put_str(&s.info, "x");
	finish_unit(&s.info, len_at, false);
	expect_error(&s.info, &s.abbrev, 0, WH_ERR_FORMAT, "string stmt_list");
	struct sample good = {0};
	dwarf5_sample(&good);
	struct buf b = good.info;
	b.bytes[6] = DW_UT_type;
	expect_error(&b, &good.abbrev, 0, WH_ERR_FORMAT, "type unit");
	b = good.info;
	b.bytes[4] = 6;
	expect_error(&b, &good.abbrev, 0, WH_ERR_FORMAT, "version 6");
	b = good.info;
	patch_u(&b, 0, 0xfffffff0, 4);
	expect_error(&b, &good.abbrev, 0, WH_ERR_FORMAT, "reserved length");
	b = good.info;
	patch_u(&b, 8, 1000, 4); /* abbrev_offset */
	expect_error(&b, &good.abbrev, 0, WH_ERR_FORMAT, "abbreviations past the section");
	b = good.info;
	b.bytes[12] = 9; /* root DIE of an abbreviation that is not there */
	expect_error(&b, &good.abbrev, 0, WH_ERR_FORMAT, "missing abbreviation");
	b = good.info;
	b.bytes[12] = 0;
	expect_error(&b, &good.abbrev, 0, WH_ERR_FORMAT, "null root DIE");
	b = good.info;
	b.bytes[7] = 0; /* address size */
	expect_error(&b, &good.abbrev, 0, WH_ERR_FORMAT, "address size 0");
}

static bool inside(const char *p, const void *data, size_t size)
{
	const char *lo = data;
	return p >= lo && p < lo + size && memchr(p, 0, (size_t)(lo + size - p));
}

/* Whatever the bytes, an error of the two kinds or a sane answer. */
static void check_survives(const unsigned char *info, size_t info_size, const unsigned char *abbrev,
			   size_t abbrev_size)
{
	/* Exact-size copies, so that ASan sees any overrun. */
	unsigned char *i = malloc(info_size ? info_size : 1);
	unsigned char *a = malloc(abbrev_size ? abbrev_size : 1);
	assert_true(i && a);
	memcpy(i, info, info_size);
	memcpy(a, abbrev, abbrev_size);
	struct wh_unit_sections sec = sections_of(i, info_size, a, abbrev_size);
	uint64_t stmt_list;
	const char *dir;
	struct wh_error *err = wh_dwarf_unit_lines(&sec, 0, &stmt_list, &dir);
	if (err) {
		if (err->code != WH_ERR_FORMAT && err->code != WH_ERR_ABSENT)
			fail_msg("%s", err->message);
		wh_error_destroy(err);
	} else if (dir) {
		assert_true(inside(dir, i, info_size) ||
			    inside(dir, debug_str, sizeof(debug_str)) ||
			    inside(dir, line_str, sizeof(line_str)));
	}
	free(i);
	free(a);
}

static void test_truncated(void **state)
{
	(void)state;
	for (int k = 0; k < N_SAMPLES; k++) {
		struct sample s = {0};
		samples[k](&s);
		bool dwarf64 = s.info.bytes[0] == 0xff;
		size_t len_at = dwarf64 ? 4 : 0, n = dwarf64 ? 8 : 4;
		for (size_t len = 0; len <= s.info.len; len++) {
			check_survives(s.info.bytes, len, s.abbrev.bytes, s.abbrev.len);
			struct buf cut = s.info;
			if (len >= len_at + n)
				patch_u(&cut, len_at, len - (len_at + n), (unsigned)n);
			check_survives(cut.bytes, len, s.abbrev.bytes, s.abbrev.len);
		}
		for (size_t len = 0; len <= s.abbrev.len; len++)
			check_survives(s.info.bytes, s.info.len, s.abbrev.bytes, len);
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
	for (int round = 0; round < 20000; round++) {
		struct sample s = {0};
		samples[round % N_SAMPLES](&s);
		struct buf *b = rng() % 2 ? &s.info : &s.abbrev;
		int flips = 1 + (int)(rng() % 3);
		for (int i = 0; i < flips; i++)
			b->bytes[rng() % b->len] = rng() % 4 ? (unsigned char)rng() : 0xff;
		check_survives(s.info.bytes, s.info.len, s.abbrev.bytes, s.abbrev.len);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_samples),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_corrupted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
