/* The .debug_line reader (symbols/dwarf_lines.c).
 *
 * Without arguments: line programs laid out byte by byte (DWARF 4 in 32-
 * and 64-bit DWARF, DWARF 5 with line_strp/strp/data16 forms) with known
 * answers, then truncated, corrupted and random copies of them, which must
 * give WH_ERR_FORMAT or WH_ERR_ABSENT and never a crash or a read out of
 * bounds (the ASan build runs this too).
 *
 * With ELF files as arguments: every compile unit's table against
 * libdwarf's dwarf_srclines_b() on the same section bytes (what whyhung
 * used before), at every row's address and the addresses either side;
 * and the unit's DW_AT_stmt_list and DW_AT_comp_dir as dwarf_info.c reads
 * them against libdwarf's reading.
 * ET_REL objects are opened relocated, their sections placed at made-up
 * addresses the way module .ko files are. */
#include <elf.h>
#include <libdwarf/dwarf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dwarf_lines.h"
#include "dwarf_object.h"
#include "dwarf_info.h"
#include "tests/support/byte_buf.h"
#include "tests/support/libdwarf_oracle.h"

/* ---- laying out line programs ---- */

enum { OPCODE_BASE = 14 }; /* one vendor standard opcode (13), with 2 operands */

static void put_ext(struct buf *b, unsigned op, const void *operands, size_t n)
{
	put_u(b, 0, 1);
	put_uleb(b, n + 1);
	put_u(b, op, 1);
	if (n)
		put(b, operands, n);
}

static void set_address(struct buf *b, uint64_t addr)
{
	unsigned char a[8];
	for (int i = 0; i < 8; i++)
		a[i] = (unsigned char)(addr >> (8 * i));
	put_ext(b, DW_LNE_set_address, a, 8);
}

/* The line program both DWARF 4 and 5 samples share. FILE_A, FILE_H and
 * FILE_D are the file numbers of a.c, inc/h.h and (DWARF 4 only: 0 means
 * none) a file added by DW_LNE_define_file. */
static void put_program(struct buf *b, unsigned file_a, unsigned file_h, unsigned file_d)
{
	/* Sequence 1: 0x1000 a.c:1, 0x1004 a.c:3, then h.h:10 at the same
	 * address (the later row wins), 0x100c h.h:10, end at 0x1010. */
	set_address(b, 0x1000);
	put_u(b, DW_LNS_set_file, 1);
	put_uleb(b, file_a);
	put_u(b, DW_LNS_copy, 1);
	put_u(b, OPCODE_BASE + (2 + 5) + 4 * 14, 1); /* special: addr += 4, line += 2 */
	put_u(b, DW_LNS_set_file, 1);
	put_uleb(b, file_h);
	put_u(b, DW_LNS_advance_line, 1);
	put_sleb(b, 7);
	put_u(b, 13, 1); /* vendor opcode, skipped with its two operands */
	put_uleb(b, 300);
	put_uleb(b, 5);
	put_ext(b, DW_LNE_set_discriminator, "\x03", 1);
	put_ext(b, 0x80, "xyz", 3); /* unknown extended opcode */
	put_u(b, DW_LNS_copy, 1);
	put_u(b, DW_LNS_advance_pc, 1);
	put_uleb(b, 8);
	put_u(b, DW_LNS_negate_stmt, 1);
	put_u(b, DW_LNS_copy, 1);
	put_u(b, DW_LNS_advance_pc, 1);
	put_uleb(b, 4);
	put_ext(b, DW_LNE_end_sequence, NULL, 0);
	/* Sequence 2, registers reset: 0x2000 line 1 of the default file. A
	 * row of file 0 / an unknown file is ignored. */
	set_address(b, 0x2000);
	put_u(b, DW_LNS_copy, 1);
	put_u(b, DW_LNS_const_add_pc, 1); /* (255 - 14) / 14 = 17 */
	put_u(b, DW_LNS_set_file, 1);
	put_uleb(b, 77);
	put_u(b, DW_LNS_copy, 1);
	put_u(b, DW_LNS_fixed_advance_pc, 1);
	put_u(b, 0x20, 2);
	put_u(b, DW_LNS_set_file, 1);
	put_uleb(b, file_a);
	put_u(b, DW_LNS_advance_line, 1);
	put_sleb(b, 41);
	put_u(b, DW_LNS_copy, 1);
	if (file_d) {
		struct buf df = {.len = 0};
		put_str(&df, "d.c");
		put_uleb(&df, 1);
		put_uleb(&df, 0);
		put_uleb(&df, 0);
		put_ext(b, DW_LNE_define_file, df.bytes, df.len);
		put_u(b, DW_LNS_set_file, 1);
		put_uleb(b, file_d);
		put_u(b, DW_LNS_advance_pc, 1);
		put_uleb(b, 0x10);
		put_u(b, DW_LNS_copy, 1);
	}
	put_u(b, DW_LNS_advance_pc, 1);
	put_uleb(b, 0x10);
	put_ext(b, DW_LNE_end_sequence, NULL, 0);
}

static void put_header_start(struct buf *b, bool dwarf64, unsigned version, size_t *ret_len_at,
			     size_t *ret_hdr_at)
{
	if (dwarf64)
		put_u(b, 0xffffffff, 4);
	*ret_len_at = b->len;
	put_u(b, 0, dwarf64 ? 8 : 4); /* unit_length, patched */
	put_u(b, version, 2);
	if (version >= 5) {
		put_u(b, 8, 1); /* address_size */
		put_u(b, 0, 1); /* segment_selector_size */
	}
	*ret_hdr_at = b->len;
	put_u(b, 0, dwarf64 ? 8 : 4); /* header_length, patched */
	put_u(b, 1, 1);		      /* minimum_instruction_length */
	if (version >= 4)
		put_u(b, 1, 1);	   /* maximum_operations_per_instruction */
	put_u(b, 1, 1);		   /* default_is_stmt */
	put_u(b, (uint64_t)-5, 1); /* line_base */
	put_u(b, 14, 1);	   /* line_range */
	put_u(b, OPCODE_BASE, 1);
	static const unsigned char lengths[] = {0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1, 2};
	put(b, lengths, sizeof(lengths));
}

static void finish_unit(struct buf *b, bool dwarf64, size_t len_at, size_t hdr_at,
			size_t program_at)
{
	unsigned n = dwarf64 ? 8 : 4;
	patch_u(b, hdr_at, program_at - (hdr_at + n), n);
	patch_u(b, len_at, b->len - (len_at + n), n);
}

/* A DWARF 2-4 unit: include_directories {"inc"}, files a.c (1, in the
 * compilation directory) and h.h (2, in inc). */
static void dwarf4_unit(struct buf *b, bool dwarf64)
{
	size_t len_at, hdr_at;
	put_header_start(b, dwarf64, 4, &len_at, &hdr_at);
	put_str(b, "inc");
	put_u(b, 0, 1);
	const char *names[] = {"a.c", "h.h"};
	for (int i = 0; i < 2; i++) {
		put_str(b, names[i]);
		put_uleb(b, (uint64_t)i); /* directory */
		put_uleb(b, 0);		  /* mtime */
		put_uleb(b, 0);		  /* length */
	}
	put_u(b, 0, 1);
	size_t program_at = b->len;
	put_program(b, 1, 2, 3);
	finish_unit(b, dwarf64, len_at, hdr_at, program_at);
}

/* Fake string sections for DWARF 5 (offsets used by dwarf5_unit). */
static const char line_str[] = "\0/src\0inc\0h.h\0a.c";
static const char debug_str[] = "\0\0a.c\0h.h";
enum { LS_SRC = 1, LS_INC = 6, LS_H = 10, LS_A = 14, DS_A = 2, DS_H = 6 };

/* A DWARF 5 unit: directories /src (0) and inc (1) as line_strp; files
 * a.c (0 and 1) and h.h (2, in inc) as line_strp, or in 64-bit DWARF as
 * strp, with an MD5 as data16 (block) and a directory index as udata
 * (data1). */
static void dwarf5_unit(struct buf *b, bool dwarf64)
{
	size_t len_at, hdr_at;
	unsigned off = dwarf64 ? 8 : 4;
	put_header_start(b, dwarf64, 5, &len_at, &hdr_at);
	put_u(b, 1, 1); /* directory_entry_format_count */
	put_uleb(b, DW_LNCT_path);
	put_uleb(b, DW_FORM_line_strp);
	put_uleb(b, 2);
	put_u(b, LS_SRC, off);
	put_u(b, LS_INC, off);
	put_u(b, 3, 1); /* file_name_entry_format_count */
	put_uleb(b, DW_LNCT_path);
	put_uleb(b, dwarf64 ? DW_FORM_strp : DW_FORM_line_strp);
	put_uleb(b, DW_LNCT_directory_index);
	put_uleb(b, dwarf64 ? DW_FORM_data1 : DW_FORM_udata);
	put_uleb(b, DW_LNCT_MD5);
	put_uleb(b, dwarf64 ? DW_FORM_block : DW_FORM_data16);
	put_uleb(b, 3);
	for (int i = 0; i < 3; i++) {
		if (dwarf64)
			put_u(b, i < 2 ? DS_A : DS_H, off);
		else
			put_u(b, i < 2 ? LS_A : LS_H, off);
		put_u(b, i < 2 ? 0 : 1, 1);
		if (dwarf64)
			put_uleb(b, 16);
		put(b, "0123456789abcdef", 16);
	}
	size_t program_at = b->len;
	put_program(b, 1, 2, 0);
	finish_unit(b, dwarf64, len_at, hdr_at, program_at);
}

static struct wh_line_sections sections_of(const struct buf *b)
{
	return (struct wh_line_sections){b->bytes,
					 b->len,
					 (const unsigned char *)line_str,
					 sizeof(line_str),
					 (const unsigned char *)debug_str,
					 sizeof(debug_str)};
}

static void expect(struct wh_line_table *t, uint64_t addr, const char *file, unsigned line)
{
	const char *got_file;
	unsigned got_line;
	struct wh_error *err = wh_line_table_find(t, addr, &got_file, &got_line);
	if (!file) {
		if (!err)
			fail_msg("0x%llx: %s:%u, wanted none", (unsigned long long)addr, got_file,
				 got_line);
		assert_int_equal(err->code, WH_ERR_ABSENT);
		wh_error_destroy(err);
		return;
	}
	if (err)
		fail_msg("0x%llx: %s", (unsigned long long)addr, err->message);
	if (strcmp(got_file, file) || got_line != line)
		fail_msg("0x%llx: %s:%u, wanted %s:%u", (unsigned long long)addr, got_file,
			 got_line, file, line);
}

/* The answers put_program() encodes, with h.h at H. */
static void expect_program(struct wh_line_table *t, const char *a, const char *h, const char *d)
{
	expect(t, 0xfff, NULL, 0);
	expect(t, 0x1000, a, 1);
	expect(t, 0x1003, a, 1);
	expect(t, 0x1004, h, 10);
	expect(t, 0x100b, h, 10);
	expect(t, 0x100c, h, 10);
	expect(t, 0x100f, h, 10);
	expect(t, 0x1010, NULL, 0); /* end of sequence: not covered */
	expect(t, 0x1fff, NULL, 0);
	expect(t, 0x2000, a, 1);
	expect(t, 0x2011, a, 1); /* the row of file 77 does not count */
	expect(t, 0x2031, a, 42);
	if (d) {
		expect(t, 0x2041, d, 42);
		expect(t, 0x2050, d, 42);
		expect(t, 0x2051, NULL, 0);
	} else {
		expect(t, 0x2040, a, 42);
		expect(t, 0x2041, NULL, 0);
	}
	expect(t, UINT64_MAX, NULL, 0);
}

static void test_dwarf4(void **state)
{
	(void)state;
	for (int dwarf64 = 0; dwarf64 < 2; dwarf64++) {
		struct buf b = {.len = 0};
		put_u(&b, 0xdeadbeef, 4); /* the unit need not start the section */
		dwarf4_unit(&b, dwarf64);
		struct wh_line_sections s = sections_of(&b);
		struct wh_line_table *t;
		assert_null(wh_line_table_create(&s, 4, "/src", &t));
		expect_program(t, "a.c", "inc/h.h", "inc/d.c");
		wh_line_table_destroy(t);
		assert_null(wh_line_table_create(&s, 4, NULL, &t));
		expect(t, 0x1000, "a.c", 1);
		expect(t, 0x1004, "inc/h.h", 10);
		wh_line_table_destroy(t);
	}
}

static void test_dwarf5(void **state)
{
	(void)state;
	for (int dwarf64 = 0; dwarf64 < 2; dwarf64++) {
		struct buf b = {.len = 0};
		dwarf5_unit(&b, dwarf64);
		struct wh_line_sections s = sections_of(&b);
		struct wh_line_table *t;
		assert_null(wh_line_table_create(&s, 0, "/src", &t));
		expect_program(t, "a.c", "inc/h.h", NULL);
		wh_line_table_destroy(t);
		/* Not under the compilation directory: the full name. */
		assert_null(wh_line_table_create(&s, 0, "/other", &t));
		expect(t, 0x1000, "/src/a.c", 1);
		wh_line_table_destroy(t);
	}
}

/* ---- hostile input ---- */

static void check_survives(const unsigned char *bytes, size_t len, uint64_t offset)
{
	struct wh_line_sections s = {bytes,
				     len,
				     (const unsigned char *)line_str,
				     sizeof(line_str),
				     (const unsigned char *)debug_str,
				     sizeof(debug_str)};
	struct wh_line_table *t;
	struct wh_error *err = wh_line_table_create(&s, offset, "/src", &t);
	if (err) {
		if (err->code != WH_ERR_FORMAT)
			fail_msg("create: %s", err->message);
		wh_error_destroy(err);
		return;
	}
	static const uint64_t addrs[] = {0, 0x1000, 0x1004, 0x100f, 0x2000, 0x2040, UINT64_MAX};
	for (size_t i = 0; i < sizeof(addrs) / sizeof(*addrs); i++) {
		const char *file;
		unsigned line;
		err = wh_line_table_find(t, addrs[i], &file, &line);
		if (err) {
			if (err->code != WH_ERR_ABSENT)
				fail_msg("find: %s", err->message);
			wh_error_destroy(err);
		} else {
			assert_true(strlen(file) < 4096);
		}
	}
	wh_line_table_destroy(t);
}

/* Copy into a heap block of exactly LEN bytes, so ASan sees any overrun. */
static void check_exact(const unsigned char *bytes, size_t len)
{
	unsigned char *copy = malloc(len ? len : 1);
	assert_non_null(copy);
	memcpy(copy, bytes, len);
	check_survives(copy, len, 0);
	free(copy);
}

static void samples(struct buf *ret)
{
	dwarf4_unit(&ret[0], false);
	dwarf4_unit(&ret[1], true);
	dwarf5_unit(&ret[2], false);
	dwarf5_unit(&ret[3], true);
}

static void test_truncated(void **state)
{
	(void)state;
	static struct buf units[4];
	samples(units);
	for (int u = 0; u < 4; u++) {
		bool dwarf64 = u & 1;
		size_t len_at = dwarf64 ? 4 : 0, n = dwarf64 ? 8 : 4;
		for (size_t len = 0; len < units[u].len; len++) {
			/* Cut the section, with the unit length left as is... */
			check_exact(units[u].bytes, len);
			/* ...and with the unit length saying so, so that the
			 * header or the program itself runs out. */
			struct buf cut = units[u];
			if (len >= len_at + n)
				patch_u(&cut, len_at, len - (len_at + n), (unsigned)n);
			check_exact(cut.bytes, len);
		}
	}
}

static uint64_t rng_state = 0x9e3779b97f4a7c15;

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
	static struct buf units[4];
	samples(units);
	for (int round = 0; round < 20000; round++) {
		struct buf b = units[round % 4];
		int flips = 1 + (int)(rng() % 4);
		for (int i = 0; i < flips; i++) {
			size_t at = rng() % b.len;
			b.bytes[at] = rng() % 3 ? (unsigned char)rng() : 0xff;
		}
		check_exact(b.bytes, b.len);
	}
	for (int round = 0; round < 5000; round++) {
		unsigned char bytes[256] = {0};
		size_t len = rng() % sizeof(bytes);
		for (size_t i = 0; i < len; i++)
			bytes[i] = (unsigned char)rng();
		if (len >= 6 && round % 2) { /* a plausible start: length and version */
			patch(bytes, len - 4, 4);
			bytes[4] = (unsigned char)(2 + round % 4);
			bytes[5] = 0;
		}
		check_exact(bytes, len);
	}
}

/* Specific lies, each refused with WH_ERR_FORMAT. */
static void expect_format(struct buf *b, uint64_t offset, const char *what)
{
	struct wh_line_sections s = sections_of(b);
	struct wh_line_table *t;
	struct wh_error *err = wh_line_table_create(&s, offset, NULL, &t);
	if (!err)
		fail_msg("%s: accepted", what);
	if (err->code != WH_ERR_FORMAT)
		fail_msg("%s: %s", what, err->message);
	wh_error_destroy(err);
}

static void test_refused(void **state)
{
	(void)state;
	struct buf good = {.len = 0};
	dwarf5_unit(&good, false);
	size_t hdr_end = 4 + 2 + 2 + 4; /* unit_length, version, sizes, header_length */
	expect_format(&good, good.len, "offset at the end of the section");
	expect_format(&good, UINT64_MAX, "offset far past the section");
	struct buf b = good;
	patch_u(&b, 0, 0xfffffff5, 4);
	expect_format(&b, 0, "reserved unit length");
	b = good;
	patch_u(&b, 0, good.len, 4);
	expect_format(&b, 0, "unit longer than the section");
	b = good;
	patch_u(&b, 4, 6, 2);
	expect_format(&b, 0, "version 6");
	b = good;
	patch_u(&b, 8, good.len, 4);
	expect_format(&b, 0, "header longer than the unit");
	b = good;
	b.bytes[hdr_end + 4] = 0; /* line_range */
	expect_format(&b, 0, "line_range 0");
	b = good;
	b.bytes[hdr_end + 5] = 0; /* opcode_base */
	expect_format(&b, 0, "opcode_base 0");
	/* Directory formats: 1 format (path, line_strp), then the count. */
	size_t formats_at = hdr_end + 6 + OPCODE_BASE - 1;
	b = good;
	b.bytes[formats_at + 1] = DW_LNCT_path;
	b.bytes[formats_at + 2] = DW_FORM_strx1;
	expect_format(&b, 0, "unsupported form");
	b = good;
	b.bytes[formats_at + 2] = DW_FORM_udata;
	expect_format(&b, 0, "path of a number form");
	b = good;
	b.bytes[formats_at] = 0; /* no formats, yet entries */
	expect_format(&b, 0, "entries without a format");
	/* A line_strp offset past .debug_line_str. */
	b = good;
	patch_u(&b, formats_at + 4, sizeof(line_str) + 5, 4);
	expect_format(&b, 0, "line_strp past the section");
	/* A directory count of 2^63, and one wider than 64 bits. */
	static const unsigned char huge[] = {0x80, 0x80, 0x80, 0x80, 0x80,
					     0x80, 0x80, 0x80, 0x80, 0x01};
	static const unsigned char wide[] = {0xff, 0xff, 0xff, 0xff, 0xff,
					     0xff, 0xff, 0xff, 0xff, 0x7f};
	for (int i = 0; i < 2; i++) {
		struct buf d = {.len = 0};
		size_t len_at, hdr_at;
		put_header_start(&d, false, 5, &len_at, &hdr_at);
		put_u(&d, 1, 1);
		put_uleb(&d, DW_LNCT_path);
		put_uleb(&d, DW_FORM_string);
		put(&d, i ? wide : huge, sizeof(huge));
		put_str(&d, "/src");
		finish_unit(&d, false, len_at, hdr_at, d.len);
		expect_format(&d, 0, i ? "ULEB128 wider than 64 bits" : "2^63 directories");
	}
	/* A DWARF 4 file in a directory that does not exist. */
	struct buf v4 = {.len = 0};
	dwarf4_unit(&v4, false);
	size_t files_at = 10 + 6 + OPCODE_BASE - 1 + 4 + 1;
	assert_string_equal((const char *)v4.bytes + files_at, "a.c");
	v4.bytes[files_at + 4] = 5;
	expect_format(&v4, 0, "directory 5 of 1");
	/* DW_LNE_set_address of 9 bytes, and an extended opcode longer than
	 * the program. */
	struct buf ext = {.len = 0};
	size_t len_at, hdr_at;
	put_header_start(&ext, false, 4, &len_at, &hdr_at);
	put_u(&ext, 0, 1);
	put_str(&ext, "a.c");
	put_u(&ext, 0, 3);
	put_u(&ext, 0, 1);
	size_t program_at = ext.len;
	put_ext(&ext, DW_LNE_set_address, "123456789", 9);
	finish_unit(&ext, false, len_at, hdr_at, program_at);
	expect_format(&ext, 0, "9-byte address");
	ext.len = program_at;
	put_u(&ext, 0, 1);
	put_uleb(&ext, 1000);
	put_u(&ext, DW_LNE_set_address, 1);
	finish_unit(&ext, false, len_at, hdr_at, program_at);
	expect_format(&ext, 0, "extended opcode past the end");
}

/* ---- against libdwarf on real objects ---- */

static const char *object_path;

/* Every allocated section 16 MiB apart, as a module loader might. */
static bool place_sections(void *arg, const char *name, uint64_t *ret)
{
	unsigned *n = arg;
	(void)name;
	*ret = 0xffffffffc0000000ull + (uint64_t)(*n)++ * 0x1000000;
	return true;
}

struct ref_row {
	uint64_t addr;
	unsigned line;
	bool end;
	char *file;
	uint64_t file_number;
	size_t index;
};

/* libdwarf's reading of one unit's table. */
struct reference {
	struct ref_row *rows;
	size_t n;
	unsigned version;
	char *file1; /* DWARF 5: file 1's name, relative */
};

static int compare_ref_rows(const void *a, const void *b)
{
	const struct ref_row *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->end != y->end)
		return x->end ? -1 : 1; /* ends before starts */
	return x->index < y->index ? -1 : x->index > y->index;
}

static char *relative(const char *name, const char *comp_dir)
{
	size_t n = comp_dir ? strlen(comp_dir) : 0;
	if (comp_dir && !strncmp(name, comp_dir, n) && name[n] == '/')
		name += n + 1;
	return strdup(name);
}

/* libdwarf's table of CU, the way whyhung read it before: rows whose file
 * libdwarf cannot name are left out, names made relative to COMP_DIR. */
static void reference_rows(Dwarf_Debug dbg, Dwarf_Die cu, const char *comp_dir,
			   struct reference *ret)
{
	Dwarf_Unsigned version;
	Dwarf_Small count;
	Dwarf_Line_Context ctx;
	Dwarf_Line *lines;
	Dwarf_Signed n;
	memset(ret, 0, sizeof(*ret));
	if (dwarf_srclines_b(cu, &version, &count, &ctx, NULL) != DW_DLV_OK)
		return;
	ret->version = (unsigned)version;
	char **files;
	Dwarf_Signed n_files;
	if (version == 5 && dwarf_srcfiles(cu, &files, &n_files, NULL) == DW_DLV_OK) {
		if (n_files > 1)
			ret->file1 = relative(files[1], comp_dir);
		for (Dwarf_Signed i = 0; i < n_files; i++)
			dwarf_dealloc(dbg, files[i], DW_DLA_STRING);
		dwarf_dealloc(dbg, files, DW_DLA_LIST);
	}
	assert_int_equal(dwarf_srclines_from_linecontext(ctx, &lines, &n, NULL), DW_DLV_OK);
	struct ref_row *rows = calloc(n ? (size_t)n : 1, sizeof(*rows));
	assert_non_null(rows);
	size_t kept = 0;
	for (Dwarf_Signed i = 0; i < n; i++) {
		Dwarf_Addr addr;
		Dwarf_Unsigned lineno, file_number;
		Dwarf_Bool end = false;
		char *src = NULL;
		if (dwarf_lineaddr(lines[i], &addr, NULL) != DW_DLV_OK ||
		    dwarf_lineno(lines[i], &lineno, NULL) != DW_DLV_OK ||
		    dwarf_line_srcfileno(lines[i], &file_number, NULL) != DW_DLV_OK ||
		    dwarf_linesrc(lines[i], &src, NULL) != DW_DLV_OK)
			continue;
		dwarf_lineendsequence(lines[i], &end, NULL);
		rows[kept] = (struct ref_row){
		    addr, (unsigned)lineno, end, relative(src, comp_dir), file_number, kept};
		kept++;
		dwarf_dealloc(dbg, src, DW_DLA_STRING);
	}
	dwarf_srclines_dealloc_b(ctx);
	qsort(rows, kept, sizeof(*rows), compare_ref_rows);
	ret->rows = rows;
	ret->n = kept;
}

static const struct ref_row *reference_find(const struct ref_row *rows, size_t n, uint64_t addr)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (rows[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo && !rows[lo - 1].end ? &rows[lo - 1] : NULL;
}

static char *attr_string(Dwarf_Die die, Dwarf_Half name)
{
	Dwarf_Attribute attr;
	char *s = NULL, *copy = NULL;
	if (dwarf_attr(die, name, &attr, NULL) == DW_DLV_OK) {
		if (dwarf_formstring(attr, &s, NULL) == DW_DLV_OK && s)
			copy = strdup(s);
		dwarf_dealloc_attribute(attr);
	}
	return copy;
}

static bool stmt_list(Dwarf_Die die, uint64_t *ret)
{
	Dwarf_Attribute attr;
	Dwarf_Off off = 0;
	if (dwarf_attr(die, DW_AT_stmt_list, &attr, NULL) != DW_DLV_OK)
		return false;
	bool ok = dwarf_global_formref(attr, &off, NULL) == DW_DLV_OK;
	dwarf_dealloc_attribute(attr);
	*ret = off;
	return ok;
}

static bool is_relocatable(const char *path)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	Elf64_Ehdr eh;
	assert_int_equal(fread(&eh, sizeof(eh), 1, fp), 1);
	fclose(fp);
	return eh.e_type == ET_REL;
}

struct tally {
	unsigned long checked;
	/* DWARF 5 rows before any DW_LNS_set_file: libdwarf 20210528 starts the
	 * file register at 0, DWARF 5 (6.2.2, table 6.4) at 1, as gdb, readelf
	 * and llvm-dwarfdump do. gcc's file 0 and 1 are the same file in most
	 * units, not in all (a unit whose first code is an inline function from
	 * a header). There we must give file 1; libdwarf's file 0 is wrong. */
	unsigned long initial_file;
};

/* wh_dwarf_unit_line_program() must find what libdwarf finds in the CU's
 * DIE. */
static void compare_unit(Dwarf_Die cu, const struct wh_unit_sections *s, bool has_lines,
			 uint64_t stmt_list, const char *comp_dir)
{
	Dwarf_Off header, length;
	assert_int_equal(dwarf_die_CU_offset_range(cu, &header, &length, NULL), DW_DLV_OK);
	uint64_t got;
	const char *got_dir;
	struct wh_dwarf_info *info;
	assert_null(wh_dwarf_info_create(s, &info));
	struct wh_error *err = wh_dwarf_unit_line_program(info, header, &got, &got_dir);
	wh_dwarf_info_destroy(info);
	if (!has_lines) {
		if (!err || err->code != WH_ERR_ABSENT)
			fail_msg("unit at 0x%llx: lines where libdwarf has none",
				 (unsigned long long)header);
		wh_error_destroy(err);
		return;
	}
	if (err)
		fail_msg("%s", err->message);
	assert_int_equal(got, stmt_list);
	if (!comp_dir != !got_dir || (comp_dir && strcmp(comp_dir, got_dir)))
		fail_msg("unit at 0x%llx: comp_dir %s, libdwarf %s", (unsigned long long)header,
			 got_dir ? got_dir : "(none)", comp_dir ? comp_dir : "(none)");
}

static void compare_cu(Dwarf_Debug dbg, Dwarf_Die cu, const struct wh_line_sections *s,
		       const struct wh_unit_sections *us, struct tally *tally)
{
	uint64_t offset = 0;
	bool has_lines = stmt_list(cu, &offset);
	char *comp_dir = attr_string(cu, DW_AT_comp_dir);
	compare_unit(cu, us, has_lines, offset, comp_dir);
	if (!has_lines) {
		free(comp_dir);
		return;
	}
	struct reference ref;
	reference_rows(dbg, cu, comp_dir, &ref);
	struct wh_line_table *t;
	struct wh_error *err = wh_line_table_create(s, offset, comp_dir, &t);
	if (err)
		fail_msg("line program at 0x%llx (%zu libdwarf rows): %s",
			 (unsigned long long)offset, ref.n, err->message);
	for (size_t i = 0; i < ref.n; i++) {
		for (int delta = -1; delta <= 1; delta++) {
			uint64_t addr = ref.rows[i].addr + (uint64_t)(int64_t)delta;
			const struct ref_row *want = reference_find(ref.rows, ref.n, addr);
			const char *file;
			unsigned line;
			err = wh_line_table_find(t, addr, &file, &line);
			tally->checked++;
			if (err && want)
				fail_msg("0x%llx: %s, libdwarf %s:%u", (unsigned long long)addr,
					 err->message, want->file, want->line);
			if (!err && !want)
				fail_msg("0x%llx: %s:%u, libdwarf none", (unsigned long long)addr,
					 file, line);
			wh_error_destroy(err);
			if (err || (!strcmp(file, want->file) && line == want->line))
				continue;
			if (ref.version == 5 && !want->file_number && ref.file1 &&
			    !strcmp(file, ref.file1) && line == want->line) {
				if (!tally->initial_file++)
					printf("e.g. 0x%llx: %s:%u, libdwarf %s:%u\n",
					       (unsigned long long)addr, file, line, want->file,
					       want->line);
				continue;
			}
			fail_msg("0x%llx: %s:%u, libdwarf %s:%u", (unsigned long long)addr, file,
				 line, want->file, want->line);
		}
	}
	wh_line_table_destroy(t);
	for (size_t i = 0; i < ref.n; i++)
		free(ref.rows[i].file);
	free(ref.rows);
	free(ref.file1);
	free(comp_dir);
}

static void load(struct wh_dwarf_object *obj, const char *name, const unsigned char **data,
		 uint64_t *size)
{
	struct wh_error *err = wh_dwarf_object_section(obj, name, data, size);
	if (err) {
		assert_int_equal(err->code, WH_ERR_ABSENT);
		wh_error_destroy(err);
		*data = NULL;
		*size = 0;
	}
}

static void test_against_libdwarf(void **state)
{
	(void)state;
	struct wh_elf_image *img;
	struct wh_dwarf_object *obj;
	unsigned placed = 0;
	assert_null(wh_elf_image_open(object_path, &img));
	if (is_relocatable(object_path))
		assert_null(wh_dwarf_object_open_relocated(img, place_sections, &placed, &obj));
	else
		assert_null(wh_dwarf_object_open(img, &obj));
	struct wh_line_sections s;
	assert_null(wh_dwarf_object_section(obj, ".debug_line", &s.line, &s.line_size));
	load(obj, ".debug_line_str", &s.line_str, &s.line_str_size);
	load(obj, ".debug_str", &s.str, &s.str_size);
	struct wh_unit_sections us = {.str = s.str,
				      .str_size = s.str_size,
				      .line_str = s.line_str,
				      .line_str_size = s.line_str_size};
	load(obj, ".debug_info", &us.info, &us.info_size);
	load(obj, ".debug_abbrev", &us.abbrev, &us.abbrev_size);
	load(obj, ".debug_str_offsets", &us.str_offsets, &us.str_offsets_size);
	struct libdwarf_oracle *oracle = libdwarf_oracle_open(img, obj);
	assert_non_null(oracle);
	Dwarf_Debug dbg = libdwarf_oracle_dbg(oracle);
	Dwarf_Unsigned hdr_len, typeoff, next;
	Dwarf_Half version, addr_size, len_size, ext_size, cu_type;
	Dwarf_Off abbrev_off;
	Dwarf_Sig8 sig;
	unsigned cus = 0;
	struct tally tally = {0, 0};
	while (dwarf_next_cu_header_d(dbg, true, &hdr_len, &version, &abbrev_off, &addr_size,
				      &len_size, &ext_size, &sig, &typeoff, &next, &cu_type,
				      NULL) == DW_DLV_OK) {
		Dwarf_Die cu = NULL;
		assert_int_equal(dwarf_siblingof_b(dbg, NULL, true, &cu, NULL), DW_DLV_OK);
		compare_cu(dbg, cu, &s, &us, &tally);
		dwarf_dealloc_die(cu);
		cus++;
	}
	printf("%s: %u compile units, %lu addresses as libdwarf reads them, but for %lu "
	       "where libdwarf starts DWARF 5's file register at 0\n",
	       object_path, cus, tally.checked, tally.initial_file);
	assert_true(tally.checked > 0);
	libdwarf_oracle_close(oracle);
	wh_dwarf_object_destroy(obj);
	wh_elf_image_destroy(img);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest synthetic[] = {
	    cmocka_unit_test(test_dwarf4),    cmocka_unit_test(test_dwarf5),
	    cmocka_unit_test(test_truncated), cmocka_unit_test(test_corrupted),
	    cmocka_unit_test(test_refused),
	};
	const struct CMUnitTest real[] = {
	    cmocka_unit_test(test_against_libdwarf),
	};
	if (argc < 2)
		return cmocka_run_group_tests(synthetic, NULL, NULL);
	int failed = 0;
	for (int i = 1; i < argc; i++) {
		object_path = argv[i];
		failed += cmocka_run_group_tests(real, NULL, NULL);
	}
	return failed;
}
