/* The DIE reader (symbols/dwarf_info.c) and the .debug_aranges reader
 * (symbols/dwarf_aranges.c) on bytes laid out by hand: a DWARF 4 and a
 * DWARF 5 unit with a type tree (DW_AT_sibling used and not, nested
 * subtrees, ref_addr) and a DIE of every attribute form; the unit of an
 * offset found from a hint without reading the (broken) unit before it;
 * the constructs it must refuse; then every truncation and random
 * corruption of them, walked entirely: WH_ERR_FORMAT, never a crash, a
 * read out of bounds (the ASan build runs this too) or a walk that goes
 * backwards. Real compiler output is covered by test_dwarf_types. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dwarf_aranges.h"
#include "dwarf_constants.h"
#include "dwarf_info.h"
#include "tests/support/byte_buf.h"

enum { TAG_LEXICAL_BLOCK = 0x0b, AT_KITCHEN = 0x2000 };

static const char debug_str[] = "\0S\0int\0kitchen";
static const char line_str[] = "\0lname";
enum { STR_S = 1, STR_INT = 3, STR_KITCHEN = 7, LSTR_LNAME = 1 };
/* .debug_str_offsets: a DWARF 5 header, then "S", "int", "kitchen". */
static const unsigned char str_offsets[] = {
    16,	   0, 0, 0, 5,	     0, 0, 0, /* unit length, version 5, padding */
    STR_S, 0, 0, 0, STR_INT, 0, 0, 0, STR_KITCHEN, 0, 0, 0,
};
enum { STR_OFFSETS_BASE = 8 };

struct attr {
	unsigned name, form;
	int64_t implicit;
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
		if (attrs->form == DW_FORM_implicit_const)
			put_sleb(b, attrs->implicit);
	}
	put_u(b, 0, 2);
}

/* An attribute value of every form, and what the reader must give. */
struct kitchen_value {
	unsigned form;
	uint64_t value; /* references: to the base type, ref_addr to the struct */
	const char *string;
	unsigned block_len;
	bool v5;	   /* needs DW_AT_str_offsets_base or is DWARF 5 only */
	unsigned via_form; /* DW_FORM_indirect: the form named in the DIE */
};

static const struct kitchen_value kitchen[] = {
    {DW_FORM_addr, 0xffffffff81000000, NULL, 0, false, 0},
    {DW_FORM_data1, 0x12, NULL, 0, false, 0},
    {DW_FORM_data2, 0x1234, NULL, 0, false, 0},
    {DW_FORM_data4, 0x12345678, NULL, 0, false, 0},
    {DW_FORM_data8, 0x123456789abcdef0, NULL, 0, false, 0},
    {DW_FORM_sdata, (uint64_t)-5, NULL, 0, false, 0},
    {DW_FORM_udata, 300, NULL, 0, false, 0},
    {DW_FORM_strp, 0, "kitchen", 0, false, 0},
    {DW_FORM_string, 0, "inline", 0, false, 0},
    {DW_FORM_ref1, 0, NULL, 0, false, 0},
    {DW_FORM_ref2, 0, NULL, 0, false, 0},
    {DW_FORM_ref4, 0, NULL, 0, false, 0},
    {DW_FORM_ref8, 0, NULL, 0, false, 0},
    {DW_FORM_ref_udata, 0, NULL, 0, false, 0},
    {DW_FORM_ref_addr, 0, NULL, 0, false, 0},
    {DW_FORM_sec_offset, 0x40, NULL, 0, false, 0},
    {DW_FORM_exprloc, 0, NULL, 2, false, 0},
    {DW_FORM_block1, 0, NULL, 3, false, 0},
    {DW_FORM_block2, 0, NULL, 2, false, 0},
    {DW_FORM_block4, 0, NULL, 1, false, 0},
    {DW_FORM_block, 0, NULL, 4, false, 0},
    {DW_FORM_flag, 1, NULL, 0, false, 0},
    {DW_FORM_flag_present, 1, NULL, 0, false, 0},
    {DW_FORM_indirect, 0x4321, NULL, 0, false, DW_FORM_data2},
    {DW_FORM_implicit_const, (uint64_t)-7, NULL, 0, true, 0},
    {DW_FORM_data16, 0, NULL, 16, true, 0},
    {DW_FORM_line_strp, 0, "lname", 0, true, 0},
    {DW_FORM_strx, 2, "kitchen", 0, true, 0},
    {DW_FORM_strx1, 0, "S", 0, true, 0},
    {DW_FORM_strx2, 1, "int", 0, true, 0},
    {DW_FORM_strx3, 2, "kitchen", 0, true, 0},
    {DW_FORM_strx4, 0, "S", 0, true, 0},
    {DW_FORM_addrx, 5, NULL, 0, true, 0},
    {DW_FORM_addrx1, 1, NULL, 0, true, 0},
    {DW_FORM_addrx2, 2, NULL, 0, true, 0},
    {DW_FORM_addrx3, 3, NULL, 0, true, 0},
    {DW_FORM_addrx4, 4, NULL, 0, true, 0},
    {DW_FORM_loclistx, 6, NULL, 0, true, 0},
    {DW_FORM_rnglistx, 7, NULL, 0, true, 0},
};
enum { N_KITCHEN = sizeof(kitchen) / sizeof(*kitchen) };

enum {
	AB_CU = 1,
	AB_STRUCT,
	AB_MEMBER,
	AB_BASE,
	AB_ENUM,
	AB_ENUMERATOR,
	AB_KITCHEN,
	AB_TYPEDEF,
	AB_BLOCK
};

static void put_abbrevs(struct buf *b, unsigned version)
{
	bool v5 = version >= 5;
	struct attr cu[] = {{DW_AT_name, DW_FORM_string, 0},
			    {v5 ? DW_AT_str_offsets_base : 0, DW_FORM_sec_offset, 0},
			    {0, 0, 0}};
	struct attr st[] = {{DW_AT_name, v5 ? DW_FORM_strx1 : DW_FORM_strp, 0},
			    {DW_AT_byte_size, DW_FORM_data1, 0},
			    {DW_AT_sibling, DW_FORM_ref4, 0},
			    {0, 0, 0}};
	struct attr member[] = {{DW_AT_name, DW_FORM_string, 0},
				{DW_AT_type, DW_FORM_ref4, 0},
				{DW_AT_data_member_location, DW_FORM_data1, 0},
				{0, 0, 0}};
	struct attr base[] = {{DW_AT_name, v5 ? DW_FORM_strx : DW_FORM_strp, 0},
			      {DW_AT_byte_size, v5 ? DW_FORM_implicit_const : DW_FORM_data1, 4},
			      {DW_AT_encoding, DW_FORM_data1, 0},
			      {0, 0, 0}};
	struct attr en[] = {
	    {DW_AT_name, DW_FORM_string, 0}, {DW_AT_byte_size, DW_FORM_data1, 0}, {0, 0, 0}};
	struct attr enumerator[] = {
	    {DW_AT_name, DW_FORM_string, 0}, {DW_AT_const_value, DW_FORM_sdata, 0}, {0, 0, 0}};
	struct attr td[] = {
	    {DW_AT_name, DW_FORM_string, 0}, {DW_AT_type, DW_FORM_ref_addr, 0}, {0, 0, 0}};
	struct attr kit[N_KITCHEN + 2] = {{DW_AT_name, DW_FORM_string, 0}};
	size_t n = 1;
	for (size_t i = 0; i < N_KITCHEN; i++)
		if (v5 || !kitchen[i].v5)
			kit[n++] = (struct attr){AT_KITCHEN + (unsigned)i, kitchen[i].form,
						 (int64_t)kitchen[i].value};
	put_abbrev(b, AB_CU, DW_TAG_compile_unit, true, cu);
	put_abbrev(b, AB_STRUCT, DW_TAG_structure_type, true, st);
	put_abbrev(b, AB_MEMBER, DW_TAG_member, false, member);
	put_abbrev(b, AB_BASE, DW_TAG_base_type, false, base);
	put_abbrev(b, AB_ENUM, DW_TAG_enumeration_type, true, en);
	put_abbrev(b, AB_ENUMERATOR, DW_TAG_enumerator, false, enumerator);
	put_abbrev(b, AB_KITCHEN, DW_TAG_variable, false, kit);
	put_abbrev(b, AB_TYPEDEF, DW_TAG_typedef, false, td);
	put_abbrev(b, AB_BLOCK, TAG_LEXICAL_BLOCK, true, NULL);
	put_u(b, 0, 1);
}

/* Where a unit's DIEs are, for the checks. */
struct layout {
	size_t header, root, base, st, member_a, member_b, en, x, y, block, kit, td, end;
};

static void put_kitchen(struct buf *b, unsigned version, const struct layout *l)
{
	put_str(b, "kitchen");
	for (size_t i = 0; i < N_KITCHEN; i++) {
		const struct kitchen_value *k = &kitchen[i];
		if (k->v5 && version < 5)
			continue;
		uint64_t rel = l->base - l->header;
		switch (k->form) {
		case DW_FORM_addr: put_u(b, k->value, 8); break;
		case DW_FORM_data1:
		case DW_FORM_flag:
		case DW_FORM_strx1:
		case DW_FORM_addrx1: put_u(b, k->value, 1); break;
		case DW_FORM_data2:
		case DW_FORM_strx2:
		case DW_FORM_addrx2: put_u(b, k->value, 2); break;
		case DW_FORM_strx3:
		case DW_FORM_addrx3: put_u(b, k->value, 3); break;
		case DW_FORM_data4:
		case DW_FORM_strx4:
		case DW_FORM_addrx4: put_u(b, k->value, 4); break;
		case DW_FORM_data8: put_u(b, k->value, 8); break;
		case DW_FORM_sdata: put_sleb(b, (int64_t)k->value); break;
		case DW_FORM_udata:
		case DW_FORM_strx:
		case DW_FORM_addrx:
		case DW_FORM_loclistx:
		case DW_FORM_rnglistx: put_uleb(b, k->value); break;
		case DW_FORM_strp: put_u(b, STR_KITCHEN, 4); break;
		case DW_FORM_line_strp: put_u(b, LSTR_LNAME, 4); break;
		case DW_FORM_string: put_str(b, k->string); break;
		case DW_FORM_ref1: put_u(b, rel, 1); break;
		case DW_FORM_ref2: put_u(b, rel, 2); break;
		case DW_FORM_ref4: put_u(b, rel, 4); break;
		case DW_FORM_ref8: put_u(b, rel, 8); break;
		case DW_FORM_ref_udata: put_uleb(b, rel); break;
		case DW_FORM_ref_addr: put_u(b, l->st, 4); break;
		case DW_FORM_sec_offset: put_u(b, k->value, 4); break;
		case DW_FORM_exprloc:
			put_uleb(b, 2);
			put_u(b, DW_OP_plus_uconst, 1);
			put_u(b, 8, 1);
			break;
		case DW_FORM_block1:
			put_u(b, 3, 1);
			put_u(b, 0xabcdef, 3);
			break;
		case DW_FORM_block2:
			put_u(b, 2, 2);
			put_u(b, 0xabcd, 2);
			break;
		case DW_FORM_block4:
			put_u(b, 1, 4);
			put_u(b, 0xab, 1);
			break;
		case DW_FORM_block:
			put_uleb(b, 4);
			put_u(b, 0xabcdef01, 4);
			break;
		case DW_FORM_data16:
			put_u(b, 1, 8);
			put_u(b, 2, 8);
			break;
		case DW_FORM_indirect:
			put_uleb(b, k->via_form);
			put_u(b, k->value, 2);
			break;
		default: break; /* flag_present, implicit_const: nothing */
		}
	}
}

/* A unit of VERSION (abbreviations at ABBREV_OFFSET) appended to B. */
static void put_unit(struct buf *b, unsigned version, size_t abbrev_offset, struct layout *l)
{
	l->header = b->len;
	put_u(b, 0, 4); /* length, patched */
	put_u(b, version, 2);
	if (version >= 5) {
		put_u(b, DW_UT_compile, 1);
		put_u(b, 8, 1);
		put_u(b, abbrev_offset, 4);
	} else {
		put_u(b, abbrev_offset, 4);
		put_u(b, 8, 1);
	}
	l->root = b->len;
	put_uleb(b, AB_CU);
	put_str(b, version >= 5 ? "u5" : "u4");
	if (version >= 5)
		put_u(b, STR_OFFSETS_BASE, 4);
	l->base = b->len;
	put_uleb(b, AB_BASE);
	if (version >= 5)
		put_uleb(b, 1); /* strx 1: "int" */
	else
		put_u(b, STR_INT, 4);
	if (version < 5)
		put_u(b, 4, 1);
	put_u(b, DW_ATE_signed, 1);
	l->st = b->len;
	put_uleb(b, AB_STRUCT);
	if (version >= 5)
		put_u(b, 0, 1); /* strx1 0: "S" */
	else
		put_u(b, STR_S, 4);
	put_u(b, 8, 1);
	size_t sibling_at = b->len;
	put_u(b, 0, 4);
	for (int i = 0; i < 2; i++) {
		*(i ? &l->member_b : &l->member_a) = b->len;
		put_uleb(b, AB_MEMBER);
		put_str(b, i ? "b" : "a");
		put_u(b, l->base - l->header, 4);
		put_u(b, 4 * (unsigned)i, 1);
	}
	put_u(b, 0, 1);
	l->en = b->len;
	patch_u(b, sibling_at, l->en - l->header, 4);
	put_uleb(b, AB_ENUM);
	put_str(b, "E");
	put_u(b, 4, 1);
	l->x = b->len;
	put_uleb(b, AB_ENUMERATOR);
	put_str(b, "X");
	put_sleb(b, -3);
	l->y = b->len;
	put_uleb(b, AB_ENUMERATOR);
	put_str(b, "Y");
	put_sleb(b, 0x80);
	put_u(b, 0, 1);
	/* Nested subtrees without DW_AT_sibling: skipped entry by entry. */
	l->block = b->len;
	put_uleb(b, AB_BLOCK);
	put_uleb(b, AB_BLOCK);
	put_uleb(b, AB_MEMBER);
	put_str(b, "c");
	put_u(b, l->base - l->header, 4);
	put_u(b, 0, 1);
	put_u(b, 0, 2);
	l->kit = b->len;
	put_uleb(b, AB_KITCHEN);
	put_kitchen(b, version, l);
	l->td = b->len;
	put_uleb(b, AB_TYPEDEF);
	put_str(b, "T");
	put_u(b, l->st, 4);
	put_u(b, 0, 1);
	l->end = b->len;
	patch_u(b, l->header, l->end - l->header - 4, 4);
}

struct sample {
	struct buf info, abbrev;
	struct layout u4, u5;
	size_t abbrev5;
};

static void make_sample(struct sample *s)
{
	memset(s, 0, sizeof(*s));
	put_abbrevs(&s->abbrev, 4);
	s->abbrev5 = s->abbrev.len;
	put_abbrevs(&s->abbrev, 5);
	put_unit(&s->info, 4, 0, &s->u4);
	put_unit(&s->info, 5, s->abbrev5, &s->u5);
}

static struct wh_unit_sections sections_of(const unsigned char *info, size_t info_size,
					   const unsigned char *abbrev, size_t abbrev_size)
{
	return (struct wh_unit_sections){
	    .info = info,
	    .info_size = info_size,
	    .abbrev = abbrev,
	    .abbrev_size = abbrev_size,
	    .str = (const unsigned char *)debug_str,
	    .str_size = sizeof(debug_str),
	    .line_str = (const unsigned char *)line_str,
	    .line_str_size = sizeof(line_str),
	    .str_offsets = str_offsets,
	    .str_offsets_size = sizeof(str_offsets),
	};
}

static struct wh_dwarf_info *open_info(const struct wh_unit_sections *sec)
{
	struct wh_dwarf_info *info;
	struct wh_error *err = wh_dwarf_info_create(sec, &info);
	if (err)
		fail_msg("%s", err->message);
	return info;
}

static void ok(struct wh_error *err)
{
	if (err)
		fail_msg("%s", err->message);
}

static const char *name_of(struct wh_dwarf_info *info, const struct wh_die *die)
{
	struct wh_attr a;
	ok(wh_die_attr(info, die, DW_AT_name, &a));
	return a.string;
}

static void check_unit(struct wh_dwarf_info *info, const struct layout *l, unsigned version)
{
	struct wh_dwarf_unit *unit;
	struct wh_die root, d, m;
	struct wh_attr a;
	ok(wh_dwarf_info_unit(info, l->header, &unit));
	ok(wh_dwarf_unit_root(info, unit, &root));
	assert_int_equal(root.offset, l->root);
	assert_int_equal(root.tag, DW_TAG_compile_unit);
	assert_string_equal(name_of(info, &root), version >= 5 ? "u5" : "u4");
	/* The top level, in order; the struct by DW_AT_sibling, the enum
	 * and the nested blocks by skipping their entries. */
	static const uint64_t tags[] = {DW_TAG_base_type,	 DW_TAG_structure_type,
					DW_TAG_enumeration_type, TAG_LEXICAL_BLOCK,
					DW_TAG_variable,	 DW_TAG_typedef};
	const size_t offsets[] = {l->base, l->st, l->en, l->block, l->kit, l->td};
	ok(wh_die_child(info, &root, &d));
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(d.offset, offsets[i]);
		assert_int_equal(d.tag, tags[i]);
		ok(wh_die_sibling(info, &d, &d));
	}
	assert_int_equal(d.offset, 0);
	/* Members and their types. */
	ok(wh_dwarf_info_die(info, l->st, &d));
	assert_string_equal(name_of(info, &d), "S");
	ok(wh_die_attr(info, &d, DW_AT_byte_size, &a));
	assert_int_equal(a.value, 8);
	ok(wh_die_child(info, &d, &m));
	assert_int_equal(m.offset, l->member_a);
	assert_string_equal(name_of(info, &m), "a");
	ok(wh_die_attr(info, &m, DW_AT_type, &a));
	assert_int_equal(a.value, l->base);
	ok(wh_die_sibling(info, &m, &m));
	assert_int_equal(m.offset, l->member_b);
	ok(wh_die_attr(info, &m, DW_AT_data_member_location, &a));
	assert_int_equal(a.value, 4);
	ok(wh_die_sibling(info, &m, &m));
	assert_int_equal(m.offset, 0);
	ok(wh_die_attr(info, &d, DW_AT_declaration, &a));
	assert_int_equal(a.form, 0);
	/* Base type: strx / strp name, implicit_const size. */
	ok(wh_dwarf_info_die(info, l->base, &d));
	assert_string_equal(name_of(info, &d), "int");
	ok(wh_die_attr(info, &d, DW_AT_byte_size, &a));
	assert_int_equal(a.value, 4);
	/* Enumerators. */
	ok(wh_dwarf_info_die(info, l->en, &d));
	ok(wh_die_child(info, &d, &m));
	assert_string_equal(name_of(info, &m), "X");
	ok(wh_die_attr(info, &m, DW_AT_const_value, &a));
	assert_int_equal((int64_t)a.value, -3);
	ok(wh_die_sibling(info, &m, &m));
	assert_int_equal(m.offset, l->y);
	ok(wh_die_sibling(info, &m, &m));
	assert_int_equal(m.offset, 0);
	/* The typedef's ref_addr. */
	ok(wh_dwarf_info_die(info, l->td, &d));
	ok(wh_die_attr(info, &d, DW_AT_type, &a));
	assert_int_equal(a.form, DW_FORM_ref_addr);
	assert_int_equal(a.value, l->st);
	/* Every form. */
	ok(wh_dwarf_info_die(info, l->kit, &d));
	for (size_t i = 0; i < N_KITCHEN; i++) {
		const struct kitchen_value *k = &kitchen[i];
		ok(wh_die_attr(info, &d, AT_KITCHEN + (unsigned)i, &a));
		if (k->v5 && version < 5) {
			assert_int_equal(a.form, 0);
			continue;
		}
		assert_int_equal(a.form, k->via_form ? k->via_form : k->form);
		if (k->string) {
			assert_non_null(a.string);
			assert_string_equal(a.string, k->string);
		} else if (k->block_len) {
			assert_int_equal(a.block_len, k->block_len);
			assert_non_null(a.block);
		} else if (k->form == DW_FORM_ref1 || k->form == DW_FORM_ref2 ||
			   k->form == DW_FORM_ref4 || k->form == DW_FORM_ref8 ||
			   k->form == DW_FORM_ref_udata) {
			assert_int_equal(a.value, l->base);
		} else if (k->form == DW_FORM_ref_addr) {
			assert_int_equal(a.value, l->st);
		} else {
			assert_int_equal(a.value, k->value);
		}
	}
}

static void test_samples(void **state)
{
	(void)state;
	struct sample s;
	make_sample(&s);
	struct wh_unit_sections sec =
	    sections_of(s.info.bytes, s.info.len, s.abbrev.bytes, s.abbrev.len);
	/* In order, in reverse, and by DIE offset alone. */
	struct wh_dwarf_info *info = open_info(&sec);
	check_unit(info, &s.u4, 4);
	check_unit(info, &s.u5, 5);
	wh_dwarf_info_destroy(info);
	info = open_info(&sec);
	check_unit(info, &s.u5, 5);
	check_unit(info, &s.u4, 4);
	struct wh_dwarf_unit *u = NULL;
	ok(wh_dwarf_info_next_unit(info, NULL, &u));
	assert_int_equal(wh_dwarf_unit_header(u), s.u4.header);
	ok(wh_dwarf_info_next_unit(info, u, &u));
	assert_int_equal(wh_dwarf_unit_header(u), s.u5.header);
	ok(wh_dwarf_info_next_unit(info, u, &u));
	assert_null(u);
	wh_dwarf_info_destroy(info);
	info = open_info(&sec);
	struct wh_die d;
	ok(wh_dwarf_info_die(info, s.u5.td, &d));
	assert_int_equal(d.tag, DW_TAG_typedef);
	/* Abbreviations released and parsed again. */
	ok(wh_dwarf_info_unit(info, s.u5.header, &u));
	wh_dwarf_unit_release(info, u);
	ok(wh_dwarf_info_die(info, s.u5.kit, &d));
	assert_string_equal(name_of(info, &d), "kitchen");
	wh_dwarf_info_destroy(info);
}

static void expect_format(struct wh_error *err, const char *what)
{
	if (!err)
		fail_msg("%s: accepted", what);
	if (err->code != WH_ERR_FORMAT)
		fail_msg("%s: %s", what, err->message);
	wh_error_destroy(err);
}

/* The unit of an offset comes from the hint before it: the unit before
 * that one is never read (here it is broken). */
static void test_unit_from_hint(void **state)
{
	(void)state;
	struct sample s;
	make_sample(&s);
	patch_u(&s.info, s.u4.header, 0xfffffff0, 4); /* reserved length */
	struct wh_unit_sections sec =
	    sections_of(s.info.bytes, s.info.len, s.abbrev.bytes, s.abbrev.len);
	struct wh_dwarf_info *info = open_info(&sec);
	struct wh_die d;
	expect_format(wh_dwarf_info_die(info, s.u5.st, &d), "no hint, broken first unit");
	uint64_t hint = s.u5.header;
	ok(wh_dwarf_info_set_unit_hints(info, &hint, 1));
	ok(wh_dwarf_info_die(info, s.u5.st, &d));
	assert_int_equal(d.tag, DW_TAG_structure_type);
	expect_format(wh_dwarf_info_die(info, s.u5.header + 2, &d), "inside a header");
	expect_format(wh_dwarf_info_die(info, s.u5.end - 1, &d), "a null entry");
	expect_format(wh_dwarf_info_die(info, s.info.len, &d), "past the section");
	expect_format(wh_dwarf_info_die(info, UINT64_MAX, &d), "far past the section");
	/* A hint into the middle of a unit read already. */
	wh_dwarf_info_destroy(info);
	make_sample(&s);
	sec = sections_of(s.info.bytes, s.info.len, s.abbrev.bytes, s.abbrev.len);
	info = open_info(&sec);
	ok(wh_dwarf_info_die(info, s.u4.st, &d));
	hint = s.u4.st;
	ok(wh_dwarf_info_set_unit_hints(info, &hint, 1));
	ok(wh_dwarf_info_die(info, s.u5.st, &d));
	struct wh_dwarf_unit *u;
	expect_format(wh_dwarf_info_unit(info, s.u4.root, &u), "unit inside a unit");
	wh_dwarf_info_destroy(info);
}

/* A DWARF 5 unit whose root DIE (abbreviation 1, no children) has
 * ATTRS, their values VALUE bytes; RET_VALUE is where they start. */
static void one_die_unit(struct sample *s, unsigned type, const struct attr *attrs,
			 const unsigned char *value, size_t value_len, bool children)
{
	memset(s, 0, sizeof(*s));
	put_abbrev(&s->abbrev, 1, DW_TAG_variable, children, attrs);
	put_abbrev(&s->abbrev, 2, TAG_LEXICAL_BLOCK, true, NULL);
	put_u(&s->abbrev, 0, 1);
	put_u(&s->info, 0, 4);
	put_u(&s->info, 5, 2);
	put_u(&s->info, type, 1);
	put_u(&s->info, 8, 1);
	put_u(&s->info, 0, 4);
	if (type == DW_UT_split_compile)
		put_u(&s->info, 0, 8);
	put_uleb(&s->info, 1);
	if (value_len)
		put(&s->info, value, value_len);
}

static void finish(struct sample *s)
{
	patch_u(&s->info, 0, s->info.len - 4, 4);
}

static struct wh_error *attr_of(struct sample *s, unsigned name)
{
	struct wh_unit_sections sec =
	    sections_of(s->info.bytes, s->info.len, s->abbrev.bytes, s->abbrev.len);
	struct wh_dwarf_info *info = open_info(&sec);
	struct wh_die d;
	struct wh_attr a;
	struct wh_error *err = wh_dwarf_info_die(info, 12, &d);
	if (!err)
		err = wh_die_attr(info, &d, name, &a);
	wh_dwarf_info_destroy(info);
	return err;
}

static void test_refused(void **state)
{
	(void)state;
	struct sample s;
	static const unsigned char zeros[16] = {0};
	static const struct {
		unsigned form;
		const char *what;
	} forms[] = {
	    {DW_FORM_ref_sig8, "type signature"},    {DW_FORM_GNU_ref_alt, "dwz reference"},
	    {DW_FORM_GNU_strp_alt, "dwz string"},    {DW_FORM_strp_sup, "supplementary string"},
	    {DW_FORM_ref_sup4, "supplementary ref"}, {DW_FORM_strx1, "strx without a base"},
	};
	for (size_t i = 0; i < sizeof(forms) / sizeof(*forms); i++) {
		struct attr attrs[] = {{DW_AT_name, forms[i].form, 0}, {0, 0, 0}};
		one_die_unit(&s, DW_UT_compile, attrs, zeros, 8, false);
		finish(&s);
		expect_format(attr_of(&s, DW_AT_name), forms[i].what);
	}
	struct attr ref[] = {{DW_AT_type, DW_FORM_ref4, 0}, {0, 0, 0}};
	static const unsigned char far[] = {0xff, 0, 0, 0};
	one_die_unit(&s, DW_UT_compile, ref, far, 4, false);
	finish(&s);
	expect_format(attr_of(&s, DW_AT_type), "reference past the unit");
	struct attr indirect[] = {{DW_AT_name, DW_FORM_indirect, 0}, {0, 0, 0}};
	static const unsigned char twice[] = {DW_FORM_indirect, DW_FORM_data1, 0};
	one_die_unit(&s, DW_UT_compile, indirect, twice, 3, false);
	finish(&s);
	expect_format(attr_of(&s, DW_AT_name), "indirect to indirect");
	static const unsigned char implicit[] = {DW_FORM_implicit_const, 0};
	one_die_unit(&s, DW_UT_compile, indirect, implicit, 2, false);
	finish(&s);
	expect_format(attr_of(&s, DW_AT_name), "indirect to implicit_const");
	struct attr unknown[] = {{DW_AT_name, 0x7f, 0}, {0, 0, 0}};
	one_die_unit(&s, DW_UT_compile, unknown, zeros, 8, false);
	finish(&s);
	expect_format(attr_of(&s, DW_AT_byte_size), "unknown form");
	struct attr plain[] = {{DW_AT_name, DW_FORM_data1, 0}, {0, 0, 0}};
	one_die_unit(&s, DW_UT_split_compile, plain, zeros, 1, false);
	finish(&s);
	expect_format(attr_of(&s, DW_AT_name), "split unit");
	/* Duplicate abbreviation codes. */
	one_die_unit(&s, DW_UT_compile, plain, zeros, 1, false);
	s.abbrev.len--;
	put_abbrev(&s.abbrev, 1, DW_TAG_member, false, NULL);
	put_u(&s.abbrev, 0, 1);
	finish(&s);
	expect_format(attr_of(&s, DW_AT_name), "duplicate code");

	/* DW_AT_sibling backwards, and nesting deeper than allowed. */
	struct wh_unit_sections sec;
	struct wh_dwarf_info *info;
	struct wh_die d;
	struct attr sib[] = {{DW_AT_sibling, DW_FORM_ref4, 0}, {0, 0, 0}};
	static const unsigned char back[] = {12, 0, 0, 0, 0};
	one_die_unit(&s, DW_UT_compile, sib, back, 5, true);
	finish(&s);
	sec = sections_of(s.info.bytes, s.info.len, s.abbrev.bytes, s.abbrev.len);
	info = open_info(&sec);
	ok(wh_dwarf_info_die(info, 12, &d));
	expect_format(wh_die_sibling(info, &d, &d), "sibling backwards");
	wh_dwarf_info_destroy(info);
	one_die_unit(&s, DW_UT_compile, NULL, NULL, 0, true);
	for (int i = 0; i < 300; i++)
		put_uleb(&s.info, 2);
	for (int i = 0; i < 301; i++)
		put_u(&s.info, 0, 1);
	finish(&s);
	sec = sections_of(s.info.bytes, s.info.len, s.abbrev.bytes, s.abbrev.len);
	info = open_info(&sec);
	ok(wh_dwarf_info_die(info, 12, &d));
	expect_format(wh_die_sibling(info, &d, &d), "nested too deep");
	wh_dwarf_info_destroy(info);
}

static bool inside(const char *p, const void *data, size_t size)
{
	const char *lo = data;
	return p >= lo && p < lo + size && memchr(p, 0, (size_t)(lo + size - p));
}

static void survive(struct wh_error *err)
{
	if (err && err->code != WH_ERR_FORMAT)
		fail_msg("%s", err->message);
	wh_error_destroy(err);
}

static const unsigned names[] = {DW_AT_name,	    DW_AT_type,	     DW_AT_sibling,
				 DW_AT_const_value, DW_AT_byte_size, DW_AT_str_offsets_base};

/* Read everything DIE has; follow its type reference. */
static void read_all(struct wh_dwarf_info *info, const struct wh_die *die, const unsigned char *i,
		     size_t info_size)
{
	for (unsigned n = 0; n < sizeof(names) / sizeof(*names) + N_KITCHEN; n++) {
		unsigned name = n < sizeof(names) / sizeof(*names)
				    ? names[n]
				    : AT_KITCHEN + (n - (unsigned)(sizeof(names) / sizeof(*names)));
		struct wh_attr a;
		struct wh_error *err = wh_die_attr(info, die, name, &a);
		if (err) {
			survive(err);
			continue;
		}
		if (a.string)
			assert_true(inside(a.string, i, info_size) ||
				    inside(a.string, debug_str, sizeof(debug_str)) ||
				    inside(a.string, line_str, sizeof(line_str)));
		if (a.block)
			assert_true(a.block >= i && a.block_len <= info_size &&
				    a.block + a.block_len <= i + info_size);
		if (name == DW_AT_type && a.form) {
			struct wh_die t;
			survive(wh_dwarf_info_die(info, a.value, &t));
		}
	}
}

/* Walk every unit and every DIE of them: forward only, errors FORMAT. */
static void walk_all(const unsigned char *info_bytes, size_t info_size, const unsigned char *abbrev,
		     size_t abbrev_size, const uint64_t *hints, size_t n_hints)
{
	unsigned char *i = malloc(info_size ? info_size : 1);
	unsigned char *a = malloc(abbrev_size ? abbrev_size : 1);
	assert_true(i && a);
	memcpy(i, info_bytes, info_size);
	memcpy(a, abbrev, abbrev_size);
	struct wh_unit_sections sec = sections_of(i, info_size, a, abbrev_size);
	struct wh_dwarf_info *info;
	struct wh_error *err = wh_dwarf_info_create(&sec, &info);
	if (err) {
		assert_int_equal(err->code, WH_ERR_NO_DEBUGINFO);
		wh_error_destroy(err);
		free(i);
		free(a);
		return;
	}
	survive(wh_dwarf_info_set_unit_hints(info, hints, n_hints));
	struct wh_dwarf_unit *u = NULL;
	for (int units = 0; units < 8; units++) {
		err = wh_dwarf_info_next_unit(info, u, &u);
		if (err || !u) {
			survive(err);
			break;
		}
		struct wh_die stack[64];
		int depth = 0;
		if ((err = wh_dwarf_unit_root(info, u, &stack[0]))) {
			survive(err);
			continue;
		}
		for (int steps = 0; steps < 4096 && depth >= 0; steps++) {
			struct wh_die *d = &stack[depth], next;
			read_all(info, d, i, info_size);
			if (depth + 1 < 64 && !(err = wh_die_child(info, d, &next)) &&
			    next.offset) {
				assert_true(next.offset > d->offset);
				stack[++depth] = next;
				continue;
			}
			survive(err);
			/* Up until a sibling. */
			while (depth >= 0) {
				uint64_t at = stack[depth].offset;
				err = wh_die_sibling(info, &stack[depth], &next);
				if (!err && next.offset) {
					assert_true(next.offset > at);
					stack[depth] = next;
					break;
				}
				survive(err);
				depth--;
			}
		}
	}
	/* Any offset at all. */
	for (size_t off = 0; off <= info_size; off++) {
		struct wh_die d;
		err = wh_dwarf_info_die(info, off, &d);
		if (!err)
			read_all(info, &d, i, info_size);
		survive(err);
	}
	wh_dwarf_info_destroy(info);
	free(i);
	free(a);
}

static void test_truncated(void **state)
{
	(void)state;
	struct sample s;
	make_sample(&s);
	uint64_t hints[] = {s.u4.header, s.u5.header};
	for (size_t len = 0; len <= s.info.len; len += 3) {
		walk_all(s.info.bytes, len, s.abbrev.bytes, s.abbrev.len, hints, 2);
		/* With the unit's length made to fit: truncated DIEs. */
		struct buf cut = s.info;
		if (len >= s.u5.header + 4)
			patch_u(&cut, s.u5.header, len - s.u5.header - 4, 4);
		else if (len >= 4)
			patch_u(&cut, 0, len - 4, 4);
		walk_all(cut.bytes, len, s.abbrev.bytes, s.abbrev.len, hints, 2);
	}
	for (size_t len = 0; len <= s.abbrev.len; len++)
		walk_all(s.info.bytes, s.info.len, s.abbrev.bytes, len, hints, 2);
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
	for (int round = 0; round < 3000; round++) {
		struct sample s;
		make_sample(&s);
		struct buf *b = rng() % 3 ? &s.info : &s.abbrev;
		int flips = 1 + (int)(rng() % 4);
		for (int i = 0; i < flips; i++)
			b->bytes[rng() % b->len] = rng() % 4 ? (unsigned char)rng() : 0xff;
		/* Lying hints too: into a unit, past the end. */
		uint64_t hints[] = {s.u4.header, rng() % (s.info.len + 8), s.u5.header};
		if (hints[1] < hints[0])
			hints[1] = hints[0];
		if (hints[2] < hints[1])
			hints[2] = hints[1];
		walk_all(s.info.bytes, s.info.len, s.abbrev.bytes, s.abbrev.len, hints, 3);
	}
}

/* ---- .debug_aranges ---- */

static void put_set(struct buf *b, uint64_t unit, const uint64_t (*ranges)[2], size_t n)
{
	size_t start = b->len;
	put_u(b, 0, 4);
	put_u(b, 2, 2);
	put_u(b, unit, 4);
	put_u(b, 8, 1);
	put_u(b, 0, 1);
	put_u(b, 0, 4); /* to 16: a multiple of the tuple size */
	for (size_t i = 0; i < n; i++) {
		put_u(b, ranges[i][0], 8);
		put_u(b, ranges[i][1], 8);
	}
	put_u(b, 0, 8); /* the terminating (0, 0) */
	put_u(b, 0, 8);
	patch_u(b, start, b->len - start - 4, 4);
}

static void aranges_sample(struct buf *b)
{
	static const uint64_t first[][2] = {{0x1000, 0x100}, {0x3000, 0x10}};
	static const uint64_t second[][2] = {{0x1080, 0x180}, {0x2000, 0x100}, {0x4000, 0}};
	memset(b, 0, sizeof(*b));
	put_set(b, 0x80, second, 3);
	put_set(b, 0, first, 2);
}

static void test_aranges(void **state)
{
	(void)state;
	struct buf b;
	aranges_sample(&b);
	struct wh_aranges *a;
	ok(wh_aranges_create(b.bytes, b.len, &a));
	static const uint64_t want[][2] = {{0x1000, 0},	   {0x107f, 0},	   {0x1080, 0x80},
					   {0x10ff, 0x80}, {0x1100, 0x80}, {0x11ff, 0x80},
					   {0x2050, 0x80}, {0x3005, 0}};
	for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++) {
		uint64_t unit;
		ok(wh_aranges_find(a, want[i][0], &unit));
		assert_int_equal(unit, want[i][1]);
	}
	static const uint64_t none[] = {0xfff, 0x1200, 0x3010, 0x4000, UINT64_MAX};
	for (size_t i = 0; i < sizeof(none) / sizeof(*none); i++) {
		uint64_t unit;
		struct wh_error *err = wh_aranges_find(a, none[i], &unit);
		assert_non_null(err);
		assert_int_equal(err->code, WH_ERR_ABSENT);
		wh_error_destroy(err);
	}
	size_t n;
	const uint64_t *units = wh_aranges_units(a, &n);
	assert_int_equal(n, 2);
	assert_int_equal(units[0], 0);
	assert_int_equal(units[1], 0x80);
	wh_aranges_destroy(a);
}

static void aranges_survive(const unsigned char *bytes, size_t len)
{
	unsigned char *copy = malloc(len ? len : 1);
	assert_non_null(copy);
	memcpy(copy, bytes, len);
	struct wh_aranges *a;
	struct wh_error *err = wh_aranges_create(copy, len, &a);
	if (err) {
		survive(err);
	} else {
		for (uint64_t addr = 0xff0; addr < 0x4010; addr += 0x10) {
			uint64_t unit;
			err = wh_aranges_find(a, addr, &unit);
			if (err && err->code != WH_ERR_ABSENT)
				fail_msg("%s", err->message);
			wh_error_destroy(err);
		}
		wh_aranges_destroy(a);
	}
	free(copy);
}

static void test_aranges_hostile(void **state)
{
	(void)state;
	struct buf b;
	aranges_sample(&b);
	for (size_t len = 0; len <= b.len; len++)
		aranges_survive(b.bytes, len);
	for (int round = 0; round < 5000; round++) {
		aranges_sample(&b);
		int flips = 1 + (int)(rng() % 3);
		for (int i = 0; i < flips; i++)
			b.bytes[rng() % b.len] = rng() % 4 ? (unsigned char)rng() : 0xff;
		aranges_survive(b.bytes, b.len);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_samples),	    cmocka_unit_test(test_unit_from_hint),
	    cmocka_unit_test(test_refused),	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_corrupted),	    cmocka_unit_test(test_aranges),
	    cmocka_unit_test(test_aranges_hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
