#include "dump_size_limit.h"

#include <elf.h>
#include <string.h>
#include <unistd.h>

/* makedumpfile's struct disk_dump_header and kdump_sub_header (x86-64). */
enum {
	DD_VERSION = 8,
	DD_BLOCK_SIZE = 428,
	DD_SUB_HDR_SIZE = 432,
	DD_BITMAP_BLOCKS = 436,
	DD_MAX_MAPNR = 440,
	DD_HEADER_END = 464,
	SUB_MAX_MAPNR_64 = 96,
	PAGE_DESC_SIZE = 24,
};
/* Erase info and other trailers after the page data. */
static const uint64_t TRAILER_SLACK = 64ull << 20;

static bool read_at(int fd, uint64_t off, void *buf, size_t len)
{
	return pread(fd, buf, len, (off_t)off) == (ssize_t)len;
}

static uint32_t u32_at(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static bool kdump_limit(int fd, uint64_t prefix, uint64_t *ret)
{
	unsigned char h[DD_HEADER_END];
	if (prefix < sizeof(h) || !read_at(fd, 0, h, sizeof(h)))
		return false;
	uint64_t block = u32_at(h + DD_BLOCK_SIZE);
	if (block < 512 || block > (1u << 20))
		return false;
	uint64_t max_mapnr = u32_at(h + DD_MAX_MAPNR);
	/* The 32-bit field saturates; version 6+ has the full count. */
	if ((int32_t)u32_at(h + DD_VERSION) >= 6) {
		uint64_t v64;
		if (prefix < block + SUB_MAX_MAPNR_64 + 8 ||
		    !read_at(fd, block + SUB_MAX_MAPNR_64, &v64, sizeof(v64)))
			return false;
		if (v64 > max_mapnr)
			max_mapnr = v64 < (1ull << 40) ? v64 : (1ull << 40);
	}
	uint64_t headers =
	    (1 + (uint64_t)u32_at(h + DD_SUB_HDR_SIZE) + u32_at(h + DD_BITMAP_BLOCKS)) * block;
	uint64_t limit = headers + max_mapnr * (PAGE_DESC_SIZE + block) + block + TRAILER_SLACK;
	*ret = limit < WH_DUMP_SIZE_CAP ? limit : WH_DUMP_SIZE_CAP;
	return true;
}

static bool elf_limit(int fd, uint64_t prefix, uint64_t *ret)
{
	Elf64_Ehdr eh;
	if (prefix < sizeof(eh) || !read_at(fd, 0, &eh, sizeof(eh)) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phentsize != sizeof(Elf64_Phdr))
		return false;
	uint64_t ph_end = eh.e_phoff + (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr);
	if (ph_end < eh.e_phoff || ph_end > prefix)
		return false;
	uint64_t limit = ph_end;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		if (!read_at(fd, eh.e_phoff + (uint64_t)i * sizeof(ph), &ph, sizeof(ph)))
			return false;
		uint64_t end = ph.p_offset + ph.p_filesz;
		if (end < ph.p_offset || end > WH_DUMP_SIZE_CAP)
			end = WH_DUMP_SIZE_CAP;
		if (end > limit)
			limit = end;
	}
	limit += TRAILER_SLACK;
	*ret = limit < WH_DUMP_SIZE_CAP ? limit : WH_DUMP_SIZE_CAP;
	return true;
}

bool wh_dump_size_limit(int fd, uint64_t prefix, bool elf_final, uint64_t *ret)
{
	unsigned char magic[8];
	if (prefix < sizeof(magic) || !read_at(fd, 0, magic, sizeof(magic)))
		return false;
	if (!memcmp(magic, "KDUMP   ", 8) || !memcmp(magic, "DISKDUMP", 8))
		return kdump_limit(fd, prefix, ret);
	if (elf_final && !memcmp(magic, ELFMAG, SELFMAG))
		return elf_limit(fd, prefix, ret);
	return false;
}
