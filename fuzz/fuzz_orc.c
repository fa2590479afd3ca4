/* ORC tables (analyzer/kernel/orc.c) from a vmlinux: .orc_unwind_ip and
 * .orc_unwind of any length and order, .orc_header naming the format,
 * entries of every format version decoded, lookups at addresses in and
 * around the text. The harness writes a small ELF holding the sections
 * (input chunks: .orc_unwind_ip, .orc_unwind, .orc_header; then a byte
 * choosing the kernel version and 8-byte addresses to look up). */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "modules.h"
#include "orc.h"
#include "fuzz/fuzz_input.h"

static const uint64_t TEXT = 0xffffffff81000000ull;

/* Sections: null, .orc_unwind_ip, .orc_unwind, .orc_header, .shstrtab. */
static int write_image(const struct fuzz_chunk *c)
{
	static const char names[] = "\0.orc_unwind_ip\0.orc_unwind\0.orc_header\0.shstrtab";
	static const unsigned name_off[] = {0, 1, 16, 28, 40};
	int fd = memfd_create("fuzz-orc", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	Elf64_Ehdr eh = {.e_type = ET_EXEC, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
			 .e_ehsize = sizeof(Elf64_Ehdr), .e_shentsize = sizeof(Elf64_Shdr),
			 .e_shnum = 5, .e_shstrndx = 4};
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	Elf64_Shdr sh[5] = {{0}};
	uint64_t off = sizeof(eh);
	for (int i = 1; i <= 4; i++) {
		const void *data = i < 4 ? (const void *)c[i - 1].data : (const void *)names;
		uint64_t size = i < 4 ? c[i - 1].size : sizeof(names);
		sh[i] = (Elf64_Shdr){.sh_name = name_off[i], .sh_type = SHT_PROGBITS,
				     .sh_offset = off, .sh_size = size, .sh_addralign = 1,
				     .sh_addr = i < 4 ? TEXT + 0x1000000 * i : 0};
		if (size && pwrite(fd, data, size, (off_t)off) != (ssize_t)size)
			goto fail;
		off += size;
	}
	sh[4].sh_type = SHT_STRTAB;
	off = (off + 7) & ~7ull;
	eh.e_shoff = off;
	if (pwrite(fd, sh, sizeof(sh), (off_t)off) != sizeof(sh) ||
	    pwrite(fd, &eh, sizeof(eh), 0) != sizeof(eh))
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = {data, size};
	struct fuzz_chunk c[3];
	for (int i = 0; i < 3; i++)
		c[i] = fuzz_take(&in);
	int fd = write_image(c);
	if (fd < 0)
		return 0;
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	static struct wh_modules no_modules;
	struct wh_kernel k;
	memset(&k, 0, sizeof(k));
	struct wh_error *err = wh_elf_image_open(path, &k.vmlinux);
	close(fd);
	if (err) {
		wh_error_destroy(err);
		return 0;
	}
	uint8_t version = in.size ? in.data[0] : 0;
	in.data += in.size ? 1 : 0;
	in.size -= in.size ? 1 : 0;
	k.version_major = 6;
	k.version_minor = 1 + version % 4; /* 6.1: format 1, 6.3: 2, 6.4: 3 */
	k.kaslr_offset = (uint64_t)(version >> 2) << 21;
	k.modules = &no_modules;
	k.text_start = TEXT + k.kaslr_offset;
	k.text_end = k.text_start + 0x10000000;
	for (int i = 0; i < 8 && in.size; i++) {
		struct wh_orc_entry e;
		bool found;
		err = wh_orc_find(&k, k.text_start + (fuzz_u64(&in) & 0x1ffffff), &e, &found);
		if (err) { /* out of memory */
			wh_error_destroy(err);
			break;
		}
	}
	const char *source;
	wh_error_destroy(wh_orc_source(&k, &source));
	for (int v = 1; v <= 4; v++) { /* every format, on the raw entry bytes */
		struct wh_orc_entry e;
		if (c[1].size >= 6)
			wh_orc_decode(c[1].data, v, &e);
	}
	wh_orc_destroy(k.orc);
	wh_elf_image_destroy(k.vmlinux);
	return 0;
}
