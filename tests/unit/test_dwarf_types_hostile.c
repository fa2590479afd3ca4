/* The type layer (symbols/dwarf_types.c) on hostile DWARF, in a small ELF
 * file written here: typedefs naming each other, an array of itself, a
 * struct whose anonymous member is itself, references out of their unit,
 * enumerator values of a form it cannot read, and a unit using dwz's
 * strings. Each must be WH_ERR_FORMAT, never a hang or a crash; lookups of
 * the sane types around them must keep working. */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "dwarf_constants.h"
#include "dwarf_types.h"
#include "tests/support/byte_buf.h"

enum { TAG_SUBRANGE = 0x21 };

enum {
	AB_CU = 1,
	AB_TYPEDEF,  /* name, type ref4 */
	AB_ARRAY,    /* type ref4, children */
	AB_SUBRANGE, /* count data1 */
	AB_STRUCT,   /* name, byte_size, children */
	AB_MEMBER,   /* name, type ref4, location */
	AB_ANON,     /* type ref4, location (anonymous member) */
	AB_BASE,     /* name, byte_size */
	AB_ENUM,     /* name, byte_size, children */
	AB_ENUMERATOR /* name, const_value data16 */,
	AB_ALT_STRUCT /* name GNU_strp_alt, byte_size */,
};

static void abbrev(struct buf *b, unsigned code, unsigned tag, bool children,
		   const unsigned (*attrs)[2], size_t n)
{
	put_uleb(b, code);
	put_uleb(b, tag);
	put_u(b, children, 1);
	for (size_t i = 0; i < n; i++) {
		put_uleb(b, attrs[i][0]);
		put_uleb(b, attrs[i][1]);
	}
	put_u(b, 0, 2);
}

static void put_abbrevs(struct buf *b)
{
	static const unsigned cu[][2] = {{DW_AT_name, DW_FORM_string}};
	static const unsigned td[][2] = {{DW_AT_name, DW_FORM_string}, {DW_AT_type, DW_FORM_ref4}};
	static const unsigned arr[][2] = {{DW_AT_type, DW_FORM_ref4}};
	static const unsigned sub[][2] = {{DW_AT_count, DW_FORM_data1}};
	static const unsigned st[][2] = {{DW_AT_name, DW_FORM_string},
					 {DW_AT_byte_size, DW_FORM_data1}};
	static const unsigned mem[][2] = {{DW_AT_name, DW_FORM_string},
					  {DW_AT_type, DW_FORM_ref4},
					  {DW_AT_data_member_location, DW_FORM_data1}};
	static const unsigned anon[][2] = {{DW_AT_type, DW_FORM_ref4},
					   {DW_AT_data_member_location, DW_FORM_data1}};
	static const unsigned en[][2] = {{DW_AT_name, DW_FORM_string},
					 {DW_AT_byte_size, DW_FORM_data1}};
	static const unsigned enr[][2] = {{DW_AT_name, DW_FORM_string},
					  {DW_AT_const_value, DW_FORM_data16}};
	static const unsigned alt[][2] = {{DW_AT_name, DW_FORM_GNU_strp_alt},
					  {DW_AT_byte_size, DW_FORM_data1}};
	abbrev(b, AB_CU, DW_TAG_compile_unit, true, cu, 1);
	abbrev(b, AB_TYPEDEF, DW_TAG_typedef, false, td, 2);
	abbrev(b, AB_ARRAY, DW_TAG_array_type, true, arr, 1);
	abbrev(b, AB_SUBRANGE, TAG_SUBRANGE, false, sub, 1);
	abbrev(b, AB_STRUCT, DW_TAG_structure_type, true, st, 2);
	abbrev(b, AB_MEMBER, DW_TAG_member, false, mem, 3);
	abbrev(b, AB_ANON, DW_TAG_member, false, anon, 2);
	abbrev(b, AB_BASE, DW_TAG_base_type, false, st, 2);
	abbrev(b, AB_ENUM, DW_TAG_enumeration_type, true, en, 2);
	abbrev(b, AB_ENUMERATOR, DW_TAG_enumerator, false, enr, 2);
	abbrev(b, AB_ALT_STRUCT, DW_TAG_structure_type, false, alt, 2);
	put_u(b, 0, 1);
}

static size_t unit_start(struct buf *b)
{
	size_t header = b->len;
	put_u(b, 0, 4);
	put_u(b, 4, 2);
	put_u(b, 0, 4); /* abbrev_offset */
	put_u(b, 8, 1);
	put_uleb(b, AB_CU);
	put_str(b, "cu");
	return header;
}

static void unit_end(struct buf *b, size_t header)
{
	put_u(b, 0, 1);
	patch_u(b, header, b->len - header - 4, 4);
}

static void put_named(struct buf *b, unsigned code, const char *name)
{
	put_uleb(b, code);
	put_str(b, name);
}

/* Unit 1: the hostile types and a sane one; unit 2: dwz strings. */
static void put_info(struct buf *b)
{
	size_t h = unit_start(b);
	size_t ta = b->len;
	put_named(b, AB_TYPEDEF, "loop_a");
	size_t ta_ref = b->len;
	put_u(b, 0, 4);
	size_t tb = b->len;
	put_named(b, AB_TYPEDEF, "loop_b");
	put_u(b, ta - h, 4);
	patch_u(b, ta_ref, tb - h, 4);
	size_t arr = b->len;
	put_uleb(b, AB_ARRAY);
	put_u(b, arr - h, 4); /* an array of itself */
	put_uleb(b, AB_SUBRANGE);
	put_u(b, 2, 1);
	put_u(b, 0, 1);
	put_named(b, AB_TYPEDEF, "self_array");
	put_u(b, arr - h, 4);
	size_t base = b->len;
	put_named(b, AB_BASE, "int");
	put_u(b, 4, 1);
	size_t st = b->len;
	put_named(b, AB_STRUCT, "nest");
	put_u(b, 8, 1);
	put_named(b, AB_MEMBER, "ok");
	put_u(b, base - h, 4);
	put_u(b, 4, 1);
	put_named(b, AB_MEMBER, "far");
	put_u(b, 0x10000, 4); /* out of the unit */
	put_u(b, 0, 1);
	put_uleb(b, AB_ANON); /* an anonymous member of its own type */
	put_u(b, st - h, 4);
	put_u(b, 0, 1);
	put_u(b, 0, 1);
	put_named(b, AB_ENUM, "wide");
	put_u(b, 16, 1);
	put_named(b, AB_ENUMERATOR, "WIDE_ONE");
	put_u(b, 1, 8);
	put_u(b, 0, 8);
	put_u(b, 0, 1);
	unit_end(b, h);
	h = unit_start(b);
	put_uleb(b, AB_ALT_STRUCT);
	put_u(b, 0x10, 4);
	put_u(b, 8, 1);
	unit_end(b, h);
}

/* An ET_EXEC x86-64 ELF of .debug_info, .debug_abbrev, .shstrtab. */
static void write_elf(const char *path, const struct buf *info, const struct buf *abbrev)
{
	static const char names[] = "\0.debug_info\0.debug_abbrev\0.shstrtab";
	Elf64_Ehdr eh = {0};
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_EXEC;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_ehsize = sizeof(eh);
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shnum = 4;
	eh.e_shstrndx = 3;
	uint64_t off = sizeof(eh);
	Elf64_Shdr sh[4] = {{0}};
	const void *data[4] = {NULL, info->bytes, abbrev->bytes, names};
	uint64_t sizes[4] = {0, info->len, abbrev->len, sizeof(names)};
	const unsigned name_at[4] = {0, 1, 13, 27};
	for (int i = 1; i < 4; i++) {
		sh[i].sh_name = name_at[i];
		sh[i].sh_type = i == 3 ? SHT_STRTAB : SHT_PROGBITS;
		sh[i].sh_offset = off;
		sh[i].sh_size = sizes[i];
		sh[i].sh_addralign = 1;
		off += sizes[i];
	}
	uint64_t pad = (8 - off % 8) % 8; /* section headers are 8-aligned */
	eh.e_shoff = off + pad;
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(&eh, sizeof(eh), 1, fp), 1);
	for (int i = 1; i < 4; i++)
		assert_int_equal(fwrite(data[i], sizes[i], 1, fp), 1);
	static const unsigned char zeros[8] = {0};
	if (pad)
		assert_int_equal(fwrite(zeros, pad, 1, fp), 1);
	assert_int_equal(fwrite(sh, sizeof(sh), 1, fp), 1);
	assert_int_equal(fclose(fp), 0);
}

struct fixture {
	char path[64];
	struct wh_elf_image *img;
	struct wh_types *types;
};

static int setup(void **state)
{
	static struct fixture f;
	static struct buf info, abbrev;
	put_abbrevs(&abbrev);
	put_info(&info);
	strcpy(f.path, "/tmp/whyhung-hostile-XXXXXX");
	int fd = mkstemp(f.path);
	assert_true(fd >= 0);
	close(fd);
	write_elf(f.path, &info, &abbrev);
	struct wh_error *err = wh_elf_image_open(f.path, &f.img);
	if (!err)
		err = wh_types_create(f.img, &f.types);
	if (err)
		fail_msg("%s", err->message);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	wh_types_destroy(f->types);
	wh_elf_image_destroy(f->img);
	unlink(f->path);
	return 0;
}

static void expect_format(struct wh_error *err, const char *what)
{
	if (!err)
		fail_msg("%s: accepted", what);
	if (err->code != WH_ERR_FORMAT)
		fail_msg("%s: %s", what, err->message);
	wh_error_destroy(err);
}

static void test_cycles(void **state)
{
	struct fixture *f = *state;
	struct wh_type t, r;
	enum wh_type_kind kind;
	uint64_t size;
	assert_null(wh_types_find(f->types, WH_TYPE_TYPEDEF, "loop_a", &t));
	expect_format(wh_types_resolve(f->types, t, &kind, &r), "typedef loop");
	expect_format(wh_types_sizeof(f->types, t, &size), "sizeof a typedef loop");
	assert_null(wh_types_find(f->types, WH_TYPE_TYPEDEF, "self_array", &t));
	expect_format(wh_types_sizeof(f->types, t, &size), "array of itself");
	struct wh_member_info m;
	expect_format(wh_types_struct_member(f->types, "nest", "missing", &m),
		      "anonymous member of its own type");
	/* Members before it are found before the loop. */
	assert_null(wh_types_struct_member(f->types, "nest", "ok", &m));
	assert_int_equal(m.offset, 4);
	assert_int_equal(m.size, 4);
	assert_null(wh_types_struct_size(f->types, "nest", &size));
	assert_int_equal(size, 8);
}

static void test_refused(void **state)
{
	struct fixture *f = *state;
	struct wh_member_info m;
	expect_format(wh_types_struct_member(f->types, "nest", "far", &m),
		      "reference out of the unit");
	int64_t v;
	expect_format(wh_types_enumerator(f->types, "WIDE_ONE", &v), "data16 enumerator");
	/* The scan meets dwz strings in the second unit: an error, once;
	 * after it the scan has ended and a missing type is absent. */
	struct wh_type t;
	expect_format(wh_types_find(f->types, WH_TYPE_STRUCT, "no_such", &t), "dwz string");
	struct wh_error *err = wh_types_find(f->types, WH_TYPE_STRUCT, "no_such", &t);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_ABSENT);
	wh_error_destroy(err);
	assert_null(wh_types_find(f->types, WH_TYPE_BASE, "int", &t));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cycles),
	    cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
