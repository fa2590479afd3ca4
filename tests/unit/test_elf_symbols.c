/* The symbol table's choice among names at one address, on an ELF file
 * written by the test with the symbol table in a chosen order. */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "elf_image.h"

struct sym_spec {
	const char *name;
	uint64_t address, size;
	unsigned bind;
};

/* An ET_EXEC x86-64 image: .text at 0x1000 (64 bytes), .symtab, .strtab,
 * .shstrtab; symbols in SYMS order. */
static void write_image(const char *path, const struct sym_spec *syms, size_t n)
{
	char strtab[512] = "";
	size_t strlen_used = 1;
	Elf64_Sym symtab[16];
	assert_true(n + 1 <= sizeof(symtab) / sizeof(*symtab));
	memset(symtab, 0, sizeof(symtab));
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(syms[i].name) + 1;
		assert_true(strlen_used + len <= sizeof(strtab));
		memcpy(strtab + strlen_used, syms[i].name, len);
		symtab[i + 1] = (Elf64_Sym){.st_name = (Elf64_Word)strlen_used,
					    .st_info = ELF64_ST_INFO(syms[i].bind, STT_FUNC),
					    .st_shndx = 1,
					    .st_value = syms[i].address,
					    .st_size = syms[i].size};
		strlen_used += len;
	}
	static const char shstrtab[] = "\0.text\0.symtab\0.strtab\0.shstrtab";
	unsigned char text[64] = {0};
	size_t off_text = sizeof(Elf64_Ehdr), off_sym = off_text + sizeof(text);
	size_t sym_size = (n + 1) * sizeof(Elf64_Sym);
	size_t off_str = off_sym + sym_size, off_shstr = off_str + strlen_used;
	size_t off_sh = (off_shstr + sizeof(shstrtab) + 7) & ~(size_t)7;
	Elf64_Shdr sh[5] = {{0}};
	sh[1] = (Elf64_Shdr){.sh_name = 1, .sh_type = SHT_PROGBITS, .sh_flags = SHF_ALLOC | SHF_EXECINSTR,
			     .sh_addr = 0x1000, .sh_offset = off_text, .sh_size = sizeof(text)};
	sh[2] = (Elf64_Shdr){.sh_name = 7, .sh_type = SHT_SYMTAB, .sh_offset = off_sym,
			     .sh_size = sym_size, .sh_link = 3, .sh_info = 1,
			     .sh_entsize = sizeof(Elf64_Sym), .sh_addralign = 8};
	sh[3] = (Elf64_Shdr){.sh_name = 15, .sh_type = SHT_STRTAB, .sh_offset = off_str,
			     .sh_size = strlen_used};
	sh[4] = (Elf64_Shdr){.sh_name = 23, .sh_type = SHT_STRTAB, .sh_offset = off_shstr,
			     .sh_size = sizeof(shstrtab)};
	Elf64_Ehdr eh = {.e_type = ET_EXEC, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
			 .e_shoff = off_sh, .e_ehsize = sizeof(Elf64_Ehdr),
			 .e_shentsize = sizeof(Elf64_Shdr), .e_shnum = 5, .e_shstrndx = 4};
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	static const unsigned char zeros[8];
	assert_int_equal(fwrite(&eh, sizeof(eh), 1, f), 1);
	assert_int_equal(fwrite(text, sizeof(text), 1, f), 1);
	assert_int_equal(fwrite(symtab, sym_size, 1, f), 1);
	assert_int_equal(fwrite(strtab, strlen_used, 1, f), 1);
	assert_int_equal(fwrite(shstrtab, sizeof(shstrtab), 1, f), 1);
	size_t pad = off_sh - (off_shstr + sizeof(shstrtab));
	if (pad)
		assert_int_equal(fwrite(zeros, pad, 1, f), 1);
	assert_int_equal(fwrite(sh, sizeof(sh), 1, f), 1);
	assert_int_equal(fclose(f), 0);
}

static const char *name_at(const char *path, uint64_t addr)
{
	static char name[64];
	struct wh_elf_image *img;
	struct wh_symbol sym;
	uint64_t off;
	assert_null(wh_elf_image_open(path, &img));
	assert_null(wh_elf_image_symbolize(img, addr, &sym, &off));
	assert_int_equal(off, addr & 0xf);
	snprintf(name, sizeof(name), "%s", sym.name);
	wh_elf_image_destroy(img);
	return name;
}

/* SYSCALL_DEFINE0 aliases: the x86-64 name, whichever comes first in the
 * table; a local does not beat a global, an unsized name not a sized one. */
static void test_native_syscall_name_preferred(void **state)
{
	char path[] = "/tmp/whyhung-elf-symbols-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	static const struct sym_spec syms[] = {
	    {"__ia32_sys_sync", 0x1000, 16, STB_GLOBAL}, {"__x64_sys_sync", 0x1000, 16, STB_GLOBAL},
	    {"__x64_sys_read", 0x1010, 16, STB_GLOBAL},	 {"__ia32_sys_read", 0x1010, 16, STB_GLOBAL},
	    {"__x32_sys_write", 0x1020, 16, STB_GLOBAL}, {"__x64_sys_write", 0x1020, 16, STB_GLOBAL},
	    {"__ia32_only", 0x1030, 16, STB_GLOBAL},	 {"local_name", 0x1030, 16, STB_LOCAL},
	};
	write_image(path, syms, sizeof(syms) / sizeof(*syms));
	assert_string_equal(name_at(path, 0x1004), "__x64_sys_sync");
	assert_string_equal(name_at(path, 0x1010), "__x64_sys_read");
	assert_string_equal(name_at(path, 0x1021), "__x64_sys_write");
	/* A global compat name still beats a local one. */
	assert_string_equal(name_at(path, 0x1030), "__ia32_only");
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_native_syscall_name_preferred),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
