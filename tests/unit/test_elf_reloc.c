/* Relocated DWARF of an ET_REL object: tests/data/reloc_sample.c compiled
 * with -c -ffunction-sections (argv[1]) is opened with made-up runtime
 * addresses for its sections, the way a module's sections are placed; the
 * functions and their lines must then be found at those addresses. Corrupt
 * copies of its relocations must be refused, not applied. */
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
#include <libdwarf/dwarf.h>

#include "dwarf_object.h"
#include "dwarf_types.h"
#include "tests/support/libdwarf_oracle.h"
#include "reloc_sample.h"

static const char *sample_path;

static const uint64_t FIRST_ADDR = 0xffffffffc0001000;
static const uint64_t SECOND_ADDR = 0xffffffffc0002000;
static const uint64_t BSS_ADDR = 0xffffffffc0010000;
static const uint64_t OTHER_TEXT_ADDR = 0xffffffffc0020000;

static bool place_sections(void *arg, const char *name, uint64_t *ret)
{
	int *calls = arg;
	++*calls;
	if (!strcmp(name, ".text.sample_first"))
		*ret = FIRST_ADDR;
	else if (!strcmp(name, ".text.sample_second"))
		*ret = SECOND_ADDR;
	else if (!strcmp(name, ".bss"))
		*ret = BSS_ADDR;
	else if (!strncmp(name, ".text", 5))
		*ret = OTHER_TEXT_ADDR; /* e.g. sanitizer constructors */
	else
		return false;
	return true;
}

struct fixture {
	struct wh_elf_image *img;
	struct wh_types *types;
};

static int setup(void **state)
{
	static struct fixture f;
	struct wh_dwarf_object *obj;
	int calls = 0;
	assert_null(wh_elf_image_open(sample_path, &f.img));
	struct wh_error *err = wh_dwarf_object_open_relocated(f.img, place_sections, &calls, &obj);
	if (err)
		fail_msg("%s", err->message);
	assert_true(calls > 0);
	assert_null(wh_types_create_from_object(obj, &f.types));
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	wh_types_destroy(f->types);
	wh_elf_image_destroy(f->img);
	return 0;
}

/* DW_AT_low_pc of the top-level function NAME, through libdwarf directly
 * (a path independent of the type layer). */
static uint64_t low_pc_of(Dwarf_Debug dbg, const char *name)
{
	Dwarf_Unsigned hdr_len, typeoff, next;
	Dwarf_Half version, addr_size, len_size, ext_size, cu_type;
	Dwarf_Off abbrev_off;
	Dwarf_Sig8 sig;
	uint64_t found = 0;
	bool have = false;
	while (dwarf_next_cu_header_d(dbg, true, &hdr_len, &version, &abbrev_off, &addr_size,
				      &len_size, &ext_size, &sig, &typeoff, &next, &cu_type,
				      NULL) == DW_DLV_OK) {
		Dwarf_Die cu = NULL, child = NULL;
		assert_int_equal(dwarf_siblingof_b(dbg, NULL, true, &cu, NULL), DW_DLV_OK);
		int rc = dwarf_child(cu, &child, NULL);
		while (rc == DW_DLV_OK) {
			Dwarf_Half tag;
			char *n = NULL;
			Dwarf_Addr low;
			if (dwarf_tag(child, &tag, NULL) == DW_DLV_OK && tag == DW_TAG_subprogram &&
			    dwarf_diename(child, &n, NULL) == DW_DLV_OK && !strcmp(n, name) &&
			    dwarf_lowpc(child, &low, NULL) == DW_DLV_OK) {
				found = low;
				have = true;
			}
			Dwarf_Die sib = NULL;
			rc = dwarf_siblingof_b(dbg, child, true, &sib, NULL);
			dwarf_dealloc_die(child);
			child = sib;
		}
		dwarf_dealloc_die(cu);
	}
	if (!have)
		fail_msg("no subprogram %s", name);
	return found;
}

static void test_functions_at_their_sections(void **state)
{
	struct fixture *f = *state;
	/* An object of its own, read by libdwarf (a path independent of ours). */
	struct wh_dwarf_object *obj;
	int calls = 0;
	assert_null(wh_dwarf_object_open_relocated(f->img, place_sections, &calls, &obj));
	struct libdwarf_oracle *oracle = libdwarf_oracle_open(f->img, obj);
	assert_non_null(oracle);
	/* Distinct text sections must not collapse onto one address. */
	assert_int_equal(low_pc_of(libdwarf_oracle_dbg(oracle), "sample_first"), FIRST_ADDR);
	assert_int_equal(low_pc_of(libdwarf_oracle_dbg(oracle), "sample_second"), SECOND_ADDR);
	libdwarf_oracle_close(oracle);
	/* Allocated sections report where they were placed, others stay 0. */
	const struct wh_elf_section *text = wh_elf_image_section(f->img, ".text.sample_second");
	const struct wh_elf_section *info = wh_elf_image_section(f->img, ".debug_info");
	assert_int_equal(wh_dwarf_object_section_address(obj, text->index), SECOND_ADDR);
	assert_int_equal(wh_dwarf_object_section_address(obj, info->index), 0);
	wh_dwarf_object_destroy(obj);
}

static void expect_line(struct wh_types *types, uint64_t addr, unsigned line)
{
	const char *file;
	unsigned got;
	struct wh_error *err = wh_types_source_line(types, addr, &file, &got);
	if (err)
		fail_msg("0x%llx: %s", (unsigned long long)addr, err->message);
	size_t len = strlen(file), want = strlen("reloc_sample.c");
	assert_true(len >= want && !strcmp(file + len - want, "reloc_sample.c"));
	assert_int_equal(got, line);
}

static void test_lines_at_runtime_addresses(void **state)
{
	struct fixture *f = *state;
	expect_line(f->types, FIRST_ADDR, SAMPLE_FIRST_LINE);
	expect_line(f->types, SECOND_ADDR, SAMPLE_SECOND_LINE);
	/* The body's line shows up somewhere after the prologue. */
	bool body = false;
	for (uint64_t off = 1; off < 0x30 && !body; off++) {
		const char *file;
		unsigned line;
		struct wh_error *err =
			wh_types_source_line(f->types, SECOND_ADDR + off, &file, &line);
		body = !err && line == SAMPLE_SECOND_BODY_LINE;
		wh_error_destroy(err);
	}
	assert_true(body);
	/* The link-time address (0) is nobody's any more. */
	const char *file;
	unsigned line;
	struct wh_error *err = wh_types_source_line(f->types, 0, &file, &line);
	assert_non_null(err);
	wh_error_destroy(err);
}

static void test_types_unchanged(void **state)
{
	struct fixture *f = *state;
	struct wh_member_info m;
	assert_null(wh_types_struct_member(f->types, "sample_pair", "second[1]", &m));
	assert_int_equal(m.offset, offsetof(struct { long a; int b[3]; }, b) + sizeof(int));
	uint64_t size;
	assert_null(wh_types_struct_size(f->types, "sample_pair", &size));
	assert_int_equal(size, sizeof(struct { long a; int b[3]; }));
}

/* ---- corrupt relocations ---- */

static unsigned char *read_file(const char *path, size_t *ret_size)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	long size = ftell(fp);
	rewind(fp);
	unsigned char *buf = malloc((size_t)size);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)size, fp), (size_t)size);
	fclose(fp);
	*ret_size = (size_t)size;
	return buf;
}

/* The first relocation of .rela.debug_info in the file image BUF. */
static Elf64_Rela *first_debug_info_rela(unsigned char *buf)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	Elf64_Shdr *sh = (Elf64_Shdr *)(buf + eh->e_shoff);
	const char *names = (const char *)buf + sh[eh->e_shstrndx].sh_offset;
	for (unsigned i = 0; i < eh->e_shnum; i++)
		if (!strcmp(names + sh[i].sh_name, ".rela.debug_info"))
			return (Elf64_Rela *)(buf + sh[i].sh_offset);
	fail_msg("no .rela.debug_info");
	return NULL;
}

/* Patch the first .rela.debug_info entry, open: must fail with FORMAT. */
static void expect_refused(uint64_t r_offset_add, uint64_t r_info, const char *what)
{
	size_t size;
	unsigned char *buf = read_file(sample_path, &size);
	Elf64_Rela *r = first_debug_info_rela(buf);
	r->r_offset += r_offset_add;
	if (r_info)
		r->r_info = r_info;
	char path[] = "/tmp/whyhung-reloc-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, size), (ssize_t)size);
	close(fd);
	free(buf);
	struct wh_elf_image *img;
	struct wh_dwarf_object *obj = NULL;
	int calls = 0;
	assert_null(wh_elf_image_open(path, &img));
	struct wh_error *err = wh_dwarf_object_open_relocated(img, place_sections, &calls, &obj);
	unlink(path);
	if (!err)
		fail_msg("%s: accepted", what);
	assert_int_equal(err->code, WH_ERR_FORMAT);
	assert_non_null(strstr(err->message, ".rela.debug_info"));
	wh_error_destroy(err);
	wh_elf_image_destroy(img);
}

static void test_corrupt_relocations_refused(void **state)
{
	(void)state;
	expect_refused(1ull << 40, 0, "offset past the section");
	expect_refused(0, ELF64_R_INFO(1u << 30, R_X86_64_64), "symbol index past the table");
	expect_refused(0, ELF64_R_INFO(1, R_X86_64_PC32), "unsupported type");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s SAMPLE_OBJECT\n", argv[0]);
		return 2;
	}
	sample_path = argv[1];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_functions_at_their_sections),
		cmocka_unit_test(test_lines_at_runtime_addresses),
		cmocka_unit_test(test_types_unchanged),
		cmocka_unit_test(test_corrupt_relocations_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
