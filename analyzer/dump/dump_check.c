#include "dump_check.h"

#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct wh_error *read_exact(int fd, uint64_t off, void *buf, size_t len)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return wh_error_create(WH_ERR_IO, "read failed: %s", strerror(errno));
		if (n == 0)
			return wh_error_create(WH_ERR_TRUNCATED, "dump truncated at offset %llu",
					       (unsigned long long)(off + done));
		done += (size_t)n;
	}
	return NULL;
}

static struct wh_error *truncated(uint64_t need, uint64_t have, const char *what)
{
	return wh_error_create(WH_ERR_TRUNCATED,
			       "dump truncated: %s needs %llu bytes, file has %llu", what,
			       (unsigned long long)need, (unsigned long long)have);
}

static struct wh_error *check_elf64(int fd, uint64_t size)
{
	Elf64_Ehdr eh;
	struct wh_error *err = read_exact(fd, 0, &eh, sizeof(eh));
	if (err)
		return err;
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0)
		return wh_error_create(WH_ERR_NOT_DUMP, "ELF file without program headers");
	uint64_t ph_end = eh.e_phoff + (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr);
	if (ph_end > size || ph_end < eh.e_phoff)
		return truncated(ph_end, size, "program header table");
	bool has_load = false;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		err = read_exact(fd, eh.e_phoff + (uint64_t)i * sizeof(ph), &ph, sizeof(ph));
		if (err)
			return err;
		if (ph.p_type != PT_LOAD && ph.p_type != PT_NOTE)
			continue;
		has_load |= ph.p_type == PT_LOAD;
		uint64_t end = ph.p_offset + ph.p_filesz;
		if (end < ph.p_offset || end > size)
			return truncated(end, size, "a memory segment");
	}
	if (eh.e_type != ET_CORE || !has_load)
		return wh_error_create(WH_ERR_NOT_DUMP, "ELF file is not a core dump");
	return NULL;
}

/* Offsets in makedumpfile's struct disk_dump_header (x86-64 layout). */
enum {
	DD_BLOCK_SIZE = 428,
	DD_SUB_HDR_SIZE = 432,
	DD_BITMAP_BLOCKS = 436,
	DD_HEADER_END = 464,
	DD_PAGE_DESC_SIZE = 24,
};

static uint32_t get_u32(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

/* Count set bits of the "dumpable pages" bitmap: that is the number of page
 * descriptors, and the last one tells where the file must end. */
static struct wh_error *count_dumpable(int fd, uint64_t off, uint64_t len, uint64_t *ret)
{
	unsigned char buf[65536];
	uint64_t count = 0;
	while (len) {
		size_t n = len < sizeof(buf) ? (size_t)len : sizeof(buf);
		struct wh_error *err = read_exact(fd, off, buf, n);
		if (err)
			return err;
		for (size_t i = 0; i < n; i++)
			count += (uint64_t)__builtin_popcount(buf[i]);
		off += n;
		len -= n;
	}
	*ret = count;
	return NULL;
}

/* makedumpfile writes one shared zero page right after the descriptor table
 * and points every all-zero page's descriptor at it; the other pages follow
 * in descriptor order. So the file must reach the end of the last
 * descriptor that is not a zero page. Scan backwards, in chunks. */
static struct wh_error *check_last_page(int fd, uint64_t size, uint64_t desc_off, uint64_t ndesc)
{
	uint64_t zero_off = desc_off + ndesc * DD_PAGE_DESC_SIZE;
	unsigned char buf[DD_PAGE_DESC_SIZE * 2048];
	uint64_t i = ndesc;
	uint64_t end = 0;
	while (i > 0 && !end) {
		uint64_t n = i < 2048 ? i : 2048;
		i -= n;
		struct wh_error *err = read_exact(fd, desc_off + i * DD_PAGE_DESC_SIZE, buf,
						  (size_t)n * DD_PAGE_DESC_SIZE);
		if (err)
			return err;
		for (uint64_t j = n; j-- > 0;) {
			const unsigned char *d = buf + j * DD_PAGE_DESC_SIZE;
			uint64_t data_off;
			memcpy(&data_off, d, sizeof(data_off));
			uint64_t data_end = data_off + get_u32(d + 8);
			if (data_end < data_off)
				return wh_error_create(WH_ERR_NOT_DUMP, "corrupt page descriptor");
			if (data_off != zero_off || i + j == 0) {
				end = data_end;
				break;
			}
		}
	}
	if (end > size)
		return truncated(end, size, "the last page");
	return NULL;
}

static struct wh_error *check_diskdump(int fd, uint64_t size)
{
	unsigned char hdr[DD_HEADER_END];
	struct wh_error *err = read_exact(fd, 0, hdr, sizeof(hdr));
	if (err)
		return err;
	uint32_t block_size = get_u32(hdr + DD_BLOCK_SIZE);
	uint32_t sub_hdr_size = get_u32(hdr + DD_SUB_HDR_SIZE);
	uint32_t bitmap_blocks = get_u32(hdr + DD_BITMAP_BLOCKS);
	if (block_size < 512 || block_size > (1u << 20) || (block_size & (block_size - 1)) ||
	    bitmap_blocks == 0 || (bitmap_blocks & 1))
		return wh_error_create(WH_ERR_NOT_DUMP, "kdump header has implausible sizes");
	uint64_t bitmap_off = (1 + (uint64_t)sub_hdr_size) * block_size;
	uint64_t bitmap_len = (uint64_t)bitmap_blocks * block_size;
	if (bitmap_off + bitmap_len > size)
		return truncated(bitmap_off + bitmap_len, size, "the page bitmaps");
	uint64_t ndesc;
	err = count_dumpable(fd, bitmap_off + bitmap_len / 2, bitmap_len / 2, &ndesc);
	if (err)
		return err;
	uint64_t desc_off = bitmap_off + bitmap_len;
	uint64_t desc_end = desc_off + ndesc * DD_PAGE_DESC_SIZE;
	if (desc_end > size)
		return truncated(desc_end, size, "the page descriptor table");
	if (ndesc == 0)
		return NULL;
	return check_last_page(fd, size, desc_off, ndesc);
}

struct wh_error *wh_dump_check_file(int fd)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return wh_error_create(WH_ERR_IO, "stat failed: %s", strerror(errno));
	if (!S_ISREG(st.st_mode))
		return NULL; /* pipes/devices: leave it to libkdumpfile */
	uint64_t size = (uint64_t)st.st_size;
	unsigned char magic[8] = {0};
	if (size < sizeof(magic))
		return wh_error_create(WH_ERR_NOT_DUMP, "file too small to be a dump (%llu bytes)",
				       (unsigned long long)size);
	struct wh_error *err = read_exact(fd, 0, magic, sizeof(magic));
	if (err)
		return err;
	if (!memcmp(magic, ELFMAG, SELFMAG)) {
		if (magic[EI_CLASS] != ELFCLASS64)
			return NULL; /* 32-bit ELF dumps: no structural check */
		return check_elf64(fd, size);
	}
	if (!memcmp(magic, "KDUMP   ", 8) || !memcmp(magic, "DISKDUMP", 8))
		return check_diskdump(fd, size);
	/* Other formats libkdumpfile knows (s390, LKCD, Xen) go unchecked. */
	return NULL;
}
