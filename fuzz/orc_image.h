/* A small vmlinux for the ORC harnesses: an ELF file in memory (memfd)
 * holding .orc_unwind_ip, .orc_unwind and .orc_header (chunks C[0..2]),
 * the first at TEXT + 16 MiB; returns its fd, or -1. */
#ifndef WHYHUNG_FUZZ_ORC_IMAGE_H
#define WHYHUNG_FUZZ_ORC_IMAGE_H

#include <elf.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz/fuzz_input.h"

static const uint64_t TEXT = 0xffffffff81000000ull;

/* Sections: null, .orc_unwind_ip, .orc_unwind, .orc_header, .shstrtab. */
static int fuzz_orc_image(const struct fuzz_chunk *c)
{
	static const char names[] = "\0.orc_unwind_ip\0.orc_unwind\0.orc_header\0.shstrtab";
	static const unsigned name_off[] = {0, 1, 16, 28, 40};
	int fd = memfd_create("fuzz-orc", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	Elf64_Ehdr eh = {.e_type = ET_EXEC,
			 .e_machine = EM_X86_64,
			 .e_version = EV_CURRENT,
			 .e_ehsize = sizeof(Elf64_Ehdr),
			 .e_shentsize = sizeof(Elf64_Shdr),
			 .e_shnum = 5,
			 .e_shstrndx = 4};
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	Elf64_Shdr sh[5] = {{0}};
	uint64_t off = sizeof(eh);
	for (int i = 1; i <= 4; i++) {
		const void *data = i < 4 ? (const void *)c[i - 1].data : (const void *)names;
		uint64_t size = i < 4 ? c[i - 1].size : sizeof(names);
		sh[i] = (Elf64_Shdr){.sh_name = name_off[i],
				     .sh_type = SHT_PROGBITS,
				     .sh_offset = off,
				     .sh_size = size,
				     .sh_addralign = 1,
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

#endif
