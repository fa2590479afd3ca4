/* ELF sections and symbols (symbols/elf_image.c) and the debug sections
 * as the DWARF readers get them (symbols/dwarf_object.c: SHF_COMPRESSED
 * inflation; symbols/elf_reloc.c: a module's .rela.debug_* applied). The
 * input is the whole file, opened through a memfd like a vmlinux or .ko. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dwarf_object.h"
#include "elf_image.h"

static const char *const debug_sections[] = {
	".debug_info",	   ".debug_abbrev",   ".debug_str",	 ".debug_line",
	".debug_line_str", ".debug_aranges",  ".debug_ranges",	 ".debug_rnglists",
	".debug_addr",	   ".debug_str_offsets",
};

static bool place_sections(void *arg, const char *name, uint64_t *ret)
{
	size_t len = strlen(name); /* section names may be empty */
	*ret = 0xffffffffc0000000ull + 0x1000 * len;
	return len % 3 != 0; /* some sections "not loaded" */
}

static void read_debug(struct wh_dwarf_object *obj)
{
	for (size_t i = 0; i < sizeof(debug_sections) / sizeof(debug_sections[0]); i++) {
		const unsigned char *data;
		uint64_t size;
		struct wh_error *err = wh_dwarf_object_section(obj, debug_sections[i], &data, &size);
		if (!err && size) {
			volatile unsigned char sink = data[0] ^ data[size - 1];
			(void)sink;
		}
		wh_error_destroy(err);
	}
}

static void exercise(struct wh_elf_image *img)
{
	size_t n = wh_elf_image_num_sections(img);
	for (size_t i = 0; i < n; i++) {
		const struct wh_elf_section *s = wh_elf_image_section_at(img, i);
		if (s->data && s->size) {
			volatile unsigned char sink = s->data[0] ^ s->data[s->size - 1];
			(void)sink;
		}
		unsigned char buf[16];
		wh_error_destroy(wh_elf_image_read(img, s->addr, buf, sizeof(buf)));
		struct wh_symbol sym;
		uint64_t off;
		wh_error_destroy(wh_elf_image_symbolize(img, s->addr + 3, &sym, &off));
	}
	(void)wh_elf_image_build_id(img);
	struct wh_symbol sym;
	wh_error_destroy(wh_elf_image_symbol(img, "init_task", &sym));
	wh_error_destroy(wh_elf_image_symbol(img, "linux_banner", &sym));
	wh_elf_image_release_section(img, ".symtab");

	struct wh_dwarf_object *obj;
	struct wh_error *err = wh_dwarf_object_open(img, &obj);
	if (!err) {
		read_debug(obj);
		wh_dwarf_object_destroy(obj);
	}
	wh_error_destroy(err);
	err = wh_dwarf_object_open_relocated(img, place_sections, NULL, &obj);
	if (!err) {
		read_debug(obj);
		for (size_t i = 0; i < n; i++)
			(void)wh_dwarf_object_section_address(obj, (unsigned)i);
		wh_dwarf_object_destroy(obj);
	}
	wh_error_destroy(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-elf", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		struct wh_elf_image *img;
		struct wh_error *err = wh_elf_image_open(path, &img);
		if (!err) {
			exercise(img);
			wh_elf_image_destroy(img);
		}
		wh_error_destroy(err);
	}
	close(fd);
	return 0;
}
