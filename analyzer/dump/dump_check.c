#include "dump_check.h"

#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Note areas and VMCOREINFO larger than this are not a kernel's: 8192
 * CPU notes take 3 MB. libkdumpfile would allocate whatever it is told. */
static const uint64_t MAX_NOTES = 16u << 20;
static const uint64_t MAX_VMCOREINFO = 1u << 20;
/* sizeof(struct elf_prstatus) on x86-64, what libkdumpfile requires. */
static const uint32_t PRSTATUS_SIZE = 336;

void wh_dump_layout_deinit(struct wh_dump_layout *layout)
{
	free(layout->loads);
	layout->loads = NULL;
	layout->n_loads = 0;
}

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

/* OFF + LEN inside a file of SIZE bytes, without overflow. */
static bool inside(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static uint32_t get_u32(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

/* Keys of KEYS (NUL-separated spans given as offsets) that libkdumpfile
 * turns into attribute paths split at '.': a key that is also the
 * directory of another ("A" and "A.B") or has an empty component makes
 * its open fail. */
static bool key_ok(const char *key, size_t len)
{
	if (!len || key[0] == '.' || key[len - 1] == '.')
		return false;
	for (size_t i = 1; i < len; i++)
		if (key[i] == '.' && key[i - 1] == '.')
			return false;
	return true;
}

struct vmci_key {
	const char *p;
	size_t len;
};

static int key_cmp(const void *a, const void *b)
{
	const struct vmci_key *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->p, y->p, n);
	if (c)
		return c;
	return (x->len > y->len) - (x->len < y->len);
}

/* After sorting, a key that is a '.'-prefix of another sorts right before
 * one of the keys it prefixes (possibly after equal keys). */
static bool keys_conflict(struct vmci_key *keys, size_t n)
{
	if (n < 2) /* also: an empty VMCOREINFO has no array to sort (NULL) */
		return false;
	qsort(keys, n, sizeof(*keys), key_cmp);
	for (size_t i = 0; i + 1 < n; i++) {
		size_t j = i + 1;
		while (j < n && !key_cmp(&keys[i], &keys[j]))
			j++;
		if (j < n && keys[j].len > keys[i].len && keys[j].p[keys[i].len] == '.' &&
		    !memcmp(keys[i].p, keys[j].p, keys[i].len))
			return true;
	}
	return false;
}

/* PAGESIZE as libkdumpfile parses it (strtoul, the whole value or the line
 * is ignored): a value it would use must be the dump's page size. */
static struct wh_error *check_pagesize(const char *val, size_t len, uint32_t page_size)
{
	char buf[64];
	if (len >= sizeof(buf))
		return NULL; /* cannot parse as a whole number: ignored by the library */
	memcpy(buf, val, len);
	buf[len] = '\0';
	char *end;
	unsigned long v = strtoul(buf, &end, 10);
	if (*end)
		return NULL;
	if (v != page_size)
		return wh_error_create(WH_ERR_NOT_DUMP,
				       "VMCOREINFO says the page size is %lu, the dump's pages "
				       "are %u bytes",
				       v, page_size);
	return NULL;
}

struct wh_error *wh_dump_check_vmcoreinfo(const char *text, uint64_t size, uint32_t page_size)
{
	if (size > MAX_VMCOREINFO)
		return wh_error_create(WH_ERR_NOT_DUMP, "VMCOREINFO of %llu bytes is implausible",
				       (unsigned long long)size);
	size_t n = 0, cap = 0;
	struct vmci_key *keys = NULL;
	struct wh_error *err = NULL;
	const char *p = text, *end = text + size;
	while (p < end && !err) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		const char *eq = memchr(p, '=', (size_t)(eol - p));
		size_t klen = (size_t)((eq ? eq : eol) - p);
		if (!key_ok(p, klen)) {
			err = wh_error_create(WH_ERR_NOT_DUMP, "VMCOREINFO has a malformed line");
			break;
		}
		if (klen == 8 && !memcmp(p, "PAGESIZE", 8))
			err = check_pagesize(eq ? eq + 1 : eol, eq ? (size_t)(eol - eq - 1) : 0,
					     page_size);
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			struct vmci_key *grown = realloc(keys, cap * sizeof(*keys));
			if (!grown) {
				free(keys);
				return &wh_error_nomem;
			}
			keys = grown;
		}
		keys[n++] = (struct vmci_key){p, klen};
		p = eol + 1;
	}
	if (!err && keys_conflict(keys, n))
		err = wh_error_create(WH_ERR_NOT_DUMP, "VMCOREINFO has conflicting keys");
	free(keys);
	return err;
}

static bool note_named(const char *want, const unsigned char *name, uint32_t namesz)
{
	size_t n = strlen(want);
	return (namesz == n || (namesz == n + 1 && name[n] == '\0')) && !memcmp(name, want, n);
}

/* The notes libkdumpfile processes at open, walked the way it walks them
 * (a note that does not fit ends the walk). */
struct wh_error *wh_dump_check_notes(const unsigned char *notes, uint64_t size, uint32_t page_size)
{
	if (size > MAX_NOTES)
		return wh_error_create(WH_ERR_NOT_DUMP, "ELF notes of %llu bytes are implausible",
				       (unsigned long long)size);
	const unsigned char *p = notes;
	while (size >= 12) {
		uint32_t namesz = get_u32(p), descsz = get_u32(p + 4), type = get_u32(p + 8);
		uint64_t descoff = 12 + (((uint64_t)namesz + 3) & ~3ull);
		if (size < descoff + descsz)
			break;
		const unsigned char *name = p + 12, *desc = p + descoff;
		if (note_named("VMCOREINFO", name, namesz)) {
			struct wh_error *err =
			    wh_dump_check_vmcoreinfo((const char *)desc, descsz, page_size);
			if (err)
				return err;
		} else if (note_named("VMCOREINFO_XEN", name, namesz) ||
			   note_named("Xen", name, namesz) ||
			   note_named(".note.Xen", name, namesz)) {
			return wh_error_create(WH_ERR_NOT_DUMP, "Xen dumps are not supported");
		} else if (note_named("CORE", name, namesz) && type == NT_PRSTATUS &&
			   descsz < PRSTATUS_SIZE) {
			return wh_error_create(WH_ERR_NOT_DUMP,
					       "a CPU note has %u bytes, %u expected", descsz,
					       PRSTATUS_SIZE);
		}
		uint64_t next = descoff + (((uint64_t)descsz + 3) & ~3ull);
		if (next >= size)
			break;
		p += next;
		size -= next;
	}
	return NULL;
}

/* Reads LEN bytes at OFF of a file of SIZE bytes and checks them as notes. */
static struct wh_error *check_note_area(int fd, uint64_t size, uint64_t off, uint64_t len,
					uint32_t page_size, bool raw_vmcoreinfo)
{
	if (len > (raw_vmcoreinfo ? MAX_VMCOREINFO : MAX_NOTES))
		return wh_error_create(WH_ERR_NOT_DUMP, "%s of %llu bytes are implausible",
				       raw_vmcoreinfo ? "VMCOREINFO" : "ELF notes",
				       (unsigned long long)len);
	if (!inside(off, len, size))
		return truncated(off + len, size, raw_vmcoreinfo ? "VMCOREINFO" : "the ELF notes");
	unsigned char *buf = malloc(len ? len : 1);
	if (!buf)
		return &wh_error_nomem;
	struct wh_error *err = read_exact(fd, off, buf, (size_t)len);
	if (!err)
		err = raw_vmcoreinfo ? wh_dump_check_vmcoreinfo((const char *)buf, len, page_size)
				     : wh_dump_check_notes(buf, len, page_size);
	free(buf);
	return err;
}

static struct wh_error *add_load(struct wh_dump_layout *l, const Elf64_Phdr *ph)
{
	struct wh_dump_load *grown = realloc(l->loads, (l->n_loads + 1) * sizeof(*grown));
	if (!grown)
		return &wh_error_nomem;
	l->loads = grown;
	grown[l->n_loads++] = (struct wh_dump_load){.paddr = ph->p_paddr,
						    .memsz = ph->p_memsz,
						    .filesz = ph->p_filesz,
						    .offset = ph->p_offset};
	return NULL;
}

/* x86-64 pages: what libkdumpfile assumes for an ELF dump. */
enum { ELF_PAGE_SIZE = 4096, MAX_PHNUM = 65535 };

static struct wh_error *check_elf64(int fd, uint64_t size, struct wh_dump_layout *l)
{
	Elf64_Ehdr eh;
	struct wh_error *err = read_exact(fd, 0, &eh, sizeof(eh));
	if (err)
		return err;
	if (eh.e_ident[EI_DATA] != ELFDATA2LSB)
		return wh_error_create(WH_ERR_NOT_DUMP, "big-endian ELF file: not an x86-64 dump");
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0)
		return wh_error_create(WH_ERR_NOT_DUMP, "ELF file without program headers");
	uint64_t ph_len = (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr);
	if (!inside(eh.e_phoff, ph_len, size))
		return truncated(eh.e_phoff + ph_len, size, "program header table");
	if (eh.e_type != ET_CORE)
		return wh_error_create(WH_ERR_NOT_DUMP, "ELF file is not a core dump");
	l->kind = WH_DUMP_ELF;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		err = read_exact(fd, eh.e_phoff + (uint64_t)i * sizeof(ph), &ph, sizeof(ph));
		if (err)
			return err;
		if (ph.p_type == PT_NOTE) {
			err = check_note_area(fd, size, ph.p_offset, ph.p_filesz, ELF_PAGE_SIZE,
					      false);
		} else if (ph.p_type == PT_LOAD) {
			/* A segment cut by the end of the file is an incomplete
			 * capture: dump_pages.c says which pages are missing. */
			if (ph.p_offset + ph.p_filesz < ph.p_offset ||
			    ph.p_paddr + ph.p_memsz < ph.p_paddr || ph.p_filesz > ph.p_memsz)
				return wh_error_create(WH_ERR_NOT_DUMP,
						       "ELF memory segment %u has impossible "
						       "sizes",
						       i);
			err = add_load(l, &ph);
		}
		if (err)
			return err;
	}
	if (!l->n_loads)
		return wh_error_create(WH_ERR_NOT_DUMP, "ELF file is not a core dump");
	return NULL;
}

/* Offsets in makedumpfile's struct disk_dump_header (x86-64 layout) and
 * struct kdump_sub_header. */
enum {
	DD_HEADER_VERSION = 8,
	DD_BLOCK_SIZE = 428,
	DD_SUB_HDR_SIZE = 432,
	DD_BITMAP_BLOCKS = 436,
	DD_MAX_MAPNR = 440,
	DD_HEADER_END = 464,
	/* The same fields where the 32-bit layout has them. */
	DD32_BLOCK_SIZE = 416,
	DD32_BITMAP_BLOCKS = 424,
	DD32_MAX_MAPNR = 428,
	SUB_PHYS_BASE = 0,
	SUB_SPLIT = 12,
	SUB_START_PFN = 16,
	SUB_END_PFN = 24,
	SUB_OFFSET_VMCOREINFO = 32,
	SUB_SIZE_VMCOREINFO = 40,
	SUB_OFFSET_NOTE = 48,
	SUB_SIZE_NOTE = 56,
	SUB_START_PFN_64 = 80,
	SUB_END_PFN_64 = 88,
	SUB_MAX_MAPNR_64 = 96,
	SUB_HEADER_SIZE = 104,
	DD_PAGE_DESC_SIZE = 24,
	/* libkdumpfile's bounds on a page size (MIN/MAX_PAGE_SIZE). */
	LKF_MIN_PAGE = 1 << 12,
	LKF_MAX_PAGE = 1 << 18,
};

static uint32_t swap32(uint32_t v)
{
	return __builtin_bswap32(v);
}

/* libkdumpfile's try_header(): the test that picks the header layout. */
static bool lkf_header_fits(uint32_t block_size, uint32_t bitmap_blocks, uint32_t max_mapnr)
{
	/* block_size is an int32_t widened to unsigned long there. */
	unsigned long bs = (unsigned long)(long)(int32_t)block_size;
	if (bs < LKF_MIN_PAGE || bs > LKF_MAX_PAGE)
		return false;
	return 8ull * bitmap_blocks * bs >= max_mapnr;
}

/* libkdumpfile tries the 32-bit layout first, then the 64-bit one, each
 * in both byte orders: only the little-endian 64-bit one is checked here,
 * so the others must not fit. */
static struct wh_error *check_header_layout(const unsigned char *h)
{
	uint32_t bs32 = get_u32(h + DD32_BLOCK_SIZE), bb32 = get_u32(h + DD32_BITMAP_BLOCKS),
		 mm32 = get_u32(h + DD32_MAX_MAPNR);
	if (lkf_header_fits(bs32, bb32, mm32) ||
	    lkf_header_fits(swap32(bs32), swap32(bb32), swap32(mm32)))
		return wh_error_create(WH_ERR_NOT_DUMP,
				       "kdump header looks like a 32-bit one: not an x86-64 dump");
	if (!lkf_header_fits(get_u32(h + DD_BLOCK_SIZE), get_u32(h + DD_BITMAP_BLOCKS),
			     get_u32(h + DD_MAX_MAPNR)))
		return wh_error_create(WH_ERR_NOT_DUMP,
				       "kdump header has implausible sizes (block size %u, %u "
				       "bitmap blocks, max_mapnr %u)",
				       get_u32(h + DD_BLOCK_SIZE), get_u32(h + DD_BITMAP_BLOCKS),
				       get_u32(h + DD_MAX_MAPNR));
	return NULL;
}

/* Count set bits of the dumpable-pages bitmap between pfns FIRST and
 * LAST (exclusive): the descriptors the file must have. */
static struct wh_error *count_dumpable(int fd, uint64_t off, uint64_t first, uint64_t last,
				       uint64_t *ret)
{
	unsigned char buf[65536];
	uint64_t count = 0;
	uint64_t pfn = first & ~7ull;
	while (pfn < last) {
		uint64_t bytes = (last - pfn + 7) / 8;
		size_t n = bytes < sizeof(buf) ? (size_t)bytes : sizeof(buf);
		struct wh_error *err = read_exact(fd, off + pfn / 8, buf, n);
		if (err)
			return err;
		for (size_t i = 0; i < n; i++) {
			unsigned b = buf[i];
			uint64_t base = pfn + 8 * i;
			if (base < first)
				b &= 0xffu << (first - base);
			if (base + 8 > last)
				b &= 0xffu >> (base + 8 - last);
			count += (uint64_t)__builtin_popcount(b);
		}
		pfn += 8 * (uint64_t)n;
	}
	*ret = count;
	return NULL;
}

static struct wh_error *check_diskdump(int fd, uint64_t size, struct wh_dump_layout *l)
{
	unsigned char hdr[DD_HEADER_END];
	struct wh_error *err = read_exact(fd, 0, hdr, sizeof(hdr));
	if (err)
		return err;
	if ((err = check_header_layout(hdr)))
		return err;
	uint32_t block_size = get_u32(hdr + DD_BLOCK_SIZE);
	int32_t version = (int32_t)get_u32(hdr + DD_HEADER_VERSION);
	int32_t sub_hdr_size = (int32_t)get_u32(hdr + DD_SUB_HDR_SIZE);
	uint32_t bitmap_blocks = get_u32(hdr + DD_BITMAP_BLOCKS);
	if (block_size & (block_size - 1))
		return wh_error_create(WH_ERR_NOT_DUMP, "kdump block size %u is not a power of two",
				       block_size);
	if (version < 0 || version > 64)
		return wh_error_create(WH_ERR_NOT_DUMP, "kdump header version %d is invalid",
				       version);
	if (version < 3)
		return wh_error_create(WH_ERR_NOT_DUMP, "kdump header version %d has no VMCOREINFO",
				       version);
	/* The library computes the bitmap's offset in an int: keep it there. */
	if (sub_hdr_size < 1 || (uint64_t)sub_hdr_size + 1 > INT32_MAX / block_size ||
	    bitmap_blocks > INT32_MAX || bitmap_blocks < 2 || (bitmap_blocks & 1))
		return wh_error_create(WH_ERR_NOT_DUMP,
				       "kdump header has implausible sizes (%d sub-header blocks, "
				       "%u bitmap blocks)",
				       sub_hdr_size, bitmap_blocks);
	unsigned char sub[SUB_HEADER_SIZE];
	if (!inside(block_size, sizeof(sub), size))
		return truncated(block_size + sizeof(sub), size, "the kdump sub-header");
	if ((err = read_exact(fd, block_size, sub, sizeof(sub))))
		return err;

	uint64_t bitmap_off = (1 + (uint64_t)sub_hdr_size) * block_size;
	uint64_t bitmap_len = (uint64_t)bitmap_blocks * block_size;
	if (!inside(bitmap_off, bitmap_len, size))
		return truncated(bitmap_off + bitmap_len, size, "the page bitmaps");
	/* libkdumpfile reads the second bitmap (dumpable pages) only when
	 * max_mapnr fits in half the bitmap area; otherwise it takes the
	 * first one (all RAM) for it and reads the wrong descriptors. */
	uint64_t half_bits = bitmap_len / 2 * 8;
	uint64_t max_pfn =
	    version >= 6 ? get_u64(sub + SUB_MAX_MAPNR_64) : get_u32(hdr + DD_MAX_MAPNR);
	/* makedumpfile sizes each bitmap to max_mapnr rounded up to a block;
	 * a larger one would have us read and hold what no page needs. */
	uint64_t block_bits = 8ull * block_size;
	if (max_pfn == 0 || max_pfn > half_bits ||
	    half_bits > (max_pfn + block_bits - 1) / block_bits * block_bits)
		return wh_error_create(WH_ERR_NOT_DUMP,
				       "kdump max_mapnr %llu does not match its bitmap of %llu "
				       "pages",
				       (unsigned long long)max_pfn, (unsigned long long)half_bits);
	l->kind = WH_DUMP_DISKDUMP;
	l->block_size = block_size;
	l->max_pfn = max_pfn;
	l->bitmap_off = bitmap_off + bitmap_len / 2;
	l->bitmap_len = bitmap_len / 2;
	l->desc_off = bitmap_off + bitmap_len;
	l->start_pfn = 0;
	l->end_pfn = half_bits;
	if (version >= 2 && get_u32(sub + SUB_SPLIT)) {
		l->start_pfn = get_u64(sub + (version >= 6 ? SUB_START_PFN_64 : SUB_START_PFN));
		uint64_t end = get_u64(sub + (version >= 6 ? SUB_END_PFN_64 : SUB_END_PFN));
		if (l->start_pfn > end || l->start_pfn > half_bits)
			return wh_error_create(WH_ERR_NOT_DUMP,
					       "split kdump file has an impossible pfn range");
		if (end < l->end_pfn)
			l->end_pfn = end;
	}
	if ((err = count_dumpable(fd, l->bitmap_off, l->start_pfn, l->end_pfn, &l->ndesc)))
		return err;

	if (version >= 4) {
		uint64_t off = get_u64(sub + SUB_OFFSET_NOTE), len = get_u64(sub + SUB_SIZE_NOTE);
		if (len)
			err = check_note_area(fd, size, off, len, block_size, false);
	} else {
		uint64_t off = get_u64(sub + SUB_OFFSET_VMCOREINFO),
			 len = get_u64(sub + SUB_SIZE_VMCOREINFO);
		err = check_note_area(fd, size, off, len, block_size, true);
	}
	return err;
}

struct wh_error *wh_dump_check_layout(int fd, struct wh_dump_layout *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct stat st;
	if (fstat(fd, &st) < 0)
		return wh_error_create(WH_ERR_IO, "stat failed: %s", strerror(errno));
	if (!S_ISREG(st.st_mode))
		return NULL; /* pipes/devices: leave it to libkdumpfile */
	uint64_t size = (uint64_t)st.st_size;
	ret->file_size = size;
	unsigned char magic[8] = {0};
	if (size < sizeof(magic))
		return wh_error_create(WH_ERR_NOT_DUMP, "file too small to be a dump (%llu bytes)",
				       (unsigned long long)size);
	struct wh_error *err = read_exact(fd, 0, magic, sizeof(magic));
	if (err)
		return err;
	if (!memcmp(magic, ELFMAG, SELFMAG)) {
		if (magic[EI_CLASS] != ELFCLASS64)
			return wh_error_create(WH_ERR_NOT_DUMP,
					       "32-bit ELF file: not an x86-64 dump");
		err = check_elf64(fd, size, ret);
	} else if (!memcmp(magic, "KDUMP   ", 8) || !memcmp(magic, "DISKDUMP", 8)) {
		err = check_diskdump(fd, size, ret);
	}
	/* Other formats libkdumpfile knows (s390, LKCD, Xen) go unchecked. */
	if (err)
		wh_dump_layout_deinit(ret);
	return err;
}

struct wh_error *wh_dump_check_file(int fd)
{
	struct wh_dump_layout layout;
	struct wh_error *err = wh_dump_check_layout(fd, &layout);
	wh_dump_layout_deinit(&layout);
	return err;
}
