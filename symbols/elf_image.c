#include "elf_image.h"
#include "radix_sort.h"
#include "escape.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct wh_elf_image {
	char *path;
	const unsigned char *map;
	size_t size;
	struct wh_elf_section *sections;
	size_t n_sections;
	char build_id[2 * 64 + 1];
	bool has_build_id;
	struct wh_symbol *symbols; /* sorted by address once loaded */
	size_t n_symbols;
	bool symbols_loaded;
	/* Name lookup: (32-bit name hash, index in symbols) sorted by hash;
	 * among equal names globals come first, then by address order. */
	struct wh_sort_pair *by_name;
};

/* Everything below reads from an mmap of a possibly hostile file: every
 * offset and size is checked against the mapping before use. */
static bool in_file(const struct wh_elf_image *img, uint64_t off, uint64_t len)
{
	return off <= img->size && len <= img->size - off;
}

static struct wh_error *parse_sections(struct wh_elf_image *img)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img->map;
	/* Read in place as an array: it must be aligned, or that is undefined
	 * behaviour on a hostile file. */
	if (eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shoff % _Alignof(Elf64_Shdr) ||
	    !in_file(img, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr)))
		return wh_error_create(WH_ERR_NO_VMLINUX, "bad ELF section header table");
	const Elf64_Shdr *sh = (const Elf64_Shdr *)(img->map + eh->e_shoff);
	size_t n = eh->e_shnum;
	if (eh->e_shstrndx >= n)
		return wh_error_create(WH_ERR_NO_VMLINUX, "bad ELF section name table index");
	const Elf64_Shdr *strsh = &sh[eh->e_shstrndx];
	if (!in_file(img, strsh->sh_offset, strsh->sh_size) || strsh->sh_size == 0)
		return wh_error_create(WH_ERR_NO_VMLINUX, "bad ELF section name table");
	const char *strtab = (const char *)img->map + strsh->sh_offset;
	if (strtab[strsh->sh_size - 1] != '\0')
		return wh_error_create(WH_ERR_NO_VMLINUX, "unterminated ELF section names");
	img->sections = calloc(n ? n : 1, sizeof(*img->sections));
	if (!img->sections)
		return &wh_error_nomem;
	img->n_sections = n;
	for (size_t i = 0; i < n; i++) {
		struct wh_elf_section *s = &img->sections[i];
		s->index = (unsigned)i;
		s->name = sh[i].sh_name < strsh->sh_size ? strtab + sh[i].sh_name : "";
		s->type = sh[i].sh_type;
		s->flags = sh[i].sh_flags;
		s->addr = sh[i].sh_addr;
		s->size = sh[i].sh_size;
		s->link = sh[i].sh_link;
		s->info = sh[i].sh_info;
		s->entsize = sh[i].sh_entsize;
		if (s->type != SHT_NOBITS && s->type != SHT_NULL) {
			if (!in_file(img, sh[i].sh_offset, sh[i].sh_size)) {
				/* The name is the file's bytes: escaped for the error line. */
				char name[64];
				wh_escape_text(s->name, sizeof(name), name, sizeof(name));
				return wh_error_create(WH_ERR_NO_VMLINUX,
						       "section %s lies outside the file (truncated?)",
						       name);
			}
			s->data = img->map + sh[i].sh_offset;
		}
	}
	return NULL;
}

bool wh_elf_note_build_id(const unsigned char *data, uint64_t size, char *ret, size_t ret_size)
{
	uint64_t off = 0;
	while (off + sizeof(Elf64_Nhdr) <= size) {
		Elf64_Nhdr nh;
		memcpy(&nh, data + off, sizeof(nh)); /* notes in a dump need not be aligned */
		uint64_t name_len = (nh.n_namesz + 3ull) & ~3ull;
		uint64_t desc_len = (nh.n_descsz + 3ull) & ~3ull;
		uint64_t name_off = off + sizeof(nh);
		if (name_len > size - name_off || desc_len > size - name_off - name_len)
			return false;
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    !memcmp(data + name_off, "GNU", 4) && nh.n_descsz &&
		    2 * (size_t)nh.n_descsz < ret_size) {
			const unsigned char *d = data + name_off + name_len;
			for (unsigned j = 0; j < nh.n_descsz; j++)
				snprintf(ret + 2 * j, 3, "%02x", d[j]);
			return true;
		}
		off = name_off + name_len + desc_len;
	}
	return false;
}

static void parse_build_id(struct wh_elf_image *img)
{
	for (size_t i = 0; i < img->n_sections && !img->has_build_id; i++) {
		const struct wh_elf_section *s = &img->sections[i];
		if (s->type == SHT_NOTE && s->data)
			img->has_build_id = wh_elf_note_build_id(s->data, s->size, img->build_id,
								 sizeof(img->build_id));
	}
}

struct wh_error *wh_elf_image_open(const char *path, struct wh_elf_image **ret)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return wh_error_create(WH_ERR_NO_VMLINUX, "cannot open vmlinux %s: %s", path,
				       strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return wh_error_create(WH_ERR_NO_VMLINUX, "%s is not a regular file", path);
	}
	struct wh_elf_image *img = calloc(1, sizeof(*img));
	if (!img) {
		close(fd);
		return &wh_error_nomem;
	}
	struct wh_error *err = NULL;
	img->size = (size_t)st.st_size;
	img->path = strdup(path);
	if (!img->path) {
		close(fd);
		err = &wh_error_nomem;
		goto fail;
	}
	if (img->size < sizeof(Elf64_Ehdr)) {
		close(fd);
		err = wh_error_create(WH_ERR_NO_VMLINUX, "%s is not an ELF file", path);
		goto fail;
	}
	void *map = mmap(NULL, img->size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		err = wh_error_create(WH_ERR_IO, "cannot map %s: %s", path, strerror(errno));
		goto fail;
	}
	img->map = map;
	const Elf64_Ehdr *eh = map;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_machine != EM_X86_64) {
		err = wh_error_create(WH_ERR_NO_VMLINUX, "%s is not an x86-64 ELF file", path);
		goto fail;
	}
	if (eh->e_type == ET_CORE) {
		err = wh_error_create(WH_ERR_NO_VMLINUX,
				      "%s is a core dump, not a kernel image (swapped arguments?)",
				      path);
		goto fail;
	}
	err = parse_sections(img);
	if (err) {
		err = wh_error_wrap(err, "%s", path);
		goto fail;
	}
	parse_build_id(img);
	*ret = img;
	return NULL;
fail:
	wh_elf_image_destroy(img);
	return err;
}

void wh_elf_image_destroy(struct wh_elf_image *img)
{
	if (!img)
		return;
	if (img->map)
		munmap((void *)img->map, img->size);
	free(img->by_name);
	free(img->symbols);
	free(img->sections);
	free(img->path);
	free(img);
}

const char *wh_elf_image_path(const struct wh_elf_image *img)
{
	return img->path;
}
size_t wh_elf_image_num_sections(const struct wh_elf_image *img)
{
	return img->n_sections;
}

const struct wh_elf_section *wh_elf_image_section_at(const struct wh_elf_image *img, size_t i)
{
	return i < img->n_sections ? &img->sections[i] : NULL;
}

const struct wh_elf_section *wh_elf_image_section(const struct wh_elf_image *img, const char *name)
{
	for (size_t i = 0; i < img->n_sections; i++)
		if (!strcmp(img->sections[i].name, name))
			return &img->sections[i];
	return NULL;
}

const char *wh_elf_image_build_id(const struct wh_elf_image *img)
{
	return img->has_build_id ? img->build_id : NULL;
}

static uint32_t name_hash(const char *name)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

/* x86-64 kernels with IA32_EMULATION give a syscall entry several names at
 * one address (SYSCALL_DEFINE0: __x64_sys_sync and __ia32_sys_sync); users
 * and crash know the x86-64 one. */
static bool compat_alias(const char *name)
{
	return !strncmp(name, "__ia32_", 7) || !strncmp(name, "__x32_", 6);
}

/* By address, then sized before unsized, global before local and native
 * before compat aliases (so symbolize() prefers them), then symbol table
 * order: two stable radix sorts, rank first. */
static struct wh_error *sort_symbols(struct wh_elf_image *img)
{
	size_t n = img->n_symbols;
	if (n >= UINT32_MAX)
		return wh_error_create(WH_ERR_NO_VMLINUX, "%s: too many symbols", img->path);
	struct wh_sort_pair *keys = malloc((n ? n : 1) * sizeof(*keys));
	struct wh_symbol *sorted = malloc((n ? n : 1) * sizeof(*sorted));
	struct wh_error *err = NULL;
	if (!keys || !sorted) {
		err = &wh_error_nomem;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const struct wh_symbol *s = &img->symbols[i];
		keys[i] = (struct wh_sort_pair){(s->size ? 0u : 4u) | (s->global ? 0u : 2u) |
						    (compat_alias(s->name) ? 1u : 0u),
						(uint32_t)i};
	}
	if ((err = wh_radix_sort(keys, n)))
		goto out;
	for (size_t i = 0; i < n; i++)
		keys[i].key = img->symbols[keys[i].index].address;
	if ((err = wh_radix_sort(keys, n)))
		goto out;
	for (size_t i = 0; i < n; i++)
		sorted[i] = img->symbols[keys[i].index];
	free(img->symbols);
	img->symbols = sorted;
	sorted = NULL;
out:
	free(keys);
	free(sorted);
	return err;
}

/* The name index: globals first so that among equal names they win. */
static struct wh_error *index_names(struct wh_elf_image *img)
{
	size_t n = img->n_symbols, k = 0;
	img->by_name = malloc((n ? n : 1) * sizeof(*img->by_name));
	if (!img->by_name)
		return &wh_error_nomem;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++)
			if (img->symbols[i].global == (pass == 0))
				img->by_name[k++] = (struct wh_sort_pair){
				    name_hash(img->symbols[i].name), (uint32_t)i};
	return wh_radix_sort(img->by_name, n);
}

static struct wh_error *load_symbols(struct wh_elf_image *img)
{
	if (img->symbols_loaded)
		return NULL;
	const struct wh_elf_section *symtab = NULL;
	for (size_t i = 0; i < img->n_sections; i++)
		if (img->sections[i].type == SHT_SYMTAB)
			symtab = &img->sections[i];
	if (!symtab || symtab->link >= img->n_sections || !symtab->data)
		return wh_error_create(WH_ERR_NO_VMLINUX, "%s has no symbol table", img->path);
	const struct wh_elf_section *strs = &img->sections[symtab->link];
	if (!strs->data || !strs->size || strs->data[strs->size - 1] != '\0')
		return wh_error_create(WH_ERR_NO_VMLINUX, "%s: bad symbol string table", img->path);
	const struct wh_elf_section *percpu = wh_elf_image_section(img, ".data..percpu");
	size_t n = symtab->size / sizeof(Elf64_Sym);
	img->symbols = calloc(n ? n : 1, sizeof(*img->symbols));
	if (!img->symbols)
		return &wh_error_nomem;
	size_t count = 0;
	for (size_t i = 0; i < n; i++) {
		/* Copied: a hostile file's table need not be aligned. */
		Elf64_Sym sym;
		memcpy(&sym, symtab->data + i * sizeof(sym), sizeof(sym));
		const Elf64_Sym *s = &sym;
		unsigned type = ELF64_ST_TYPE(s->st_info);
		if (s->st_name == 0 || s->st_name >= strs->size || s->st_shndx == SHN_UNDEF ||
		    type == STT_SECTION || type == STT_FILE)
			continue;
		struct wh_symbol *out = &img->symbols[count++];
		out->name = (const char *)strs->data + s->st_name;
		out->address = s->st_value;
		out->size = s->st_size;
		out->type = (unsigned char)type;
		out->global = ELF64_ST_BIND(s->st_info) != STB_LOCAL;
		out->percpu = percpu && s->st_shndx == percpu->index;
	}
	img->n_symbols = count;
	struct wh_error *err = sort_symbols(img);
	if (err || (err = index_names(img)))
		return err;
	img->symbols_loaded = true;
	/* Copied out (names stay: they point into .strtab). */
	wh_elf_image_release_section(img, ".symtab");
	return NULL;
}

struct wh_error *wh_elf_image_symbol(struct wh_elf_image *img, const char *name,
				     struct wh_symbol *ret)
{
	struct wh_error *err = load_symbols(img);
	if (err)
		return err;
	uint32_t h = name_hash(name);
	size_t lo = 0, hi = img->n_symbols;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (img->by_name[mid].key < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < img->n_symbols && img->by_name[lo].key == h; lo++) {
		const struct wh_symbol *s = &img->symbols[img->by_name[lo].index];
		if (!strcmp(s->name, name)) {
			*ret = *s;
			return NULL;
		}
	}
	return wh_error_create(WH_ERR_ABSENT, "symbol %s not found", name);
}

struct wh_error *wh_elf_image_symbolize(struct wh_elf_image *img, uint64_t addr,
					struct wh_symbol *ret, uint64_t *ret_offset)
{
	struct wh_error *err = load_symbols(img);
	if (err)
		return err;
	/* Last symbol with address <= addr, skipping per-CPU offsets. */
	size_t lo = 0, hi = img->n_symbols;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (img->symbols[mid].address <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo > 0) {
		const struct wh_symbol *s = &img->symbols[--lo];
		if (s->percpu)
			continue;
		if (s->size && addr >= s->address + s->size)
			break;
		/* Prefer the first sized symbol at this address (sorted first). */
		while (lo > 0 && img->symbols[lo - 1].address == s->address)
			s = &img->symbols[--lo];
		*ret = *s;
		*ret_offset = addr - s->address;
		return NULL;
	}
	return wh_error_at(WH_ERR_ABSENT, addr, "no symbol at 0x%llx", (unsigned long long)addr);
}

struct wh_error *wh_elf_image_read(const struct wh_elf_image *img, uint64_t addr, void *buf,
				   size_t len)
{
	for (size_t i = 0; i < img->n_sections; i++) {
		const struct wh_elf_section *s = &img->sections[i];
		if (!(s->flags & SHF_ALLOC) || !s->data || s->type == SHT_NOBITS ||
		    (s->flags & SHF_COMPRESSED))
			continue;
		if (addr >= s->addr && addr - s->addr <= s->size &&
		    len <= s->size - (addr - s->addr)) {
			memcpy(buf, s->data + (addr - s->addr), len);
			return NULL;
		}
	}
	return wh_error_at(WH_ERR_ABSENT, addr, "0x%llx is not initialised data in %s",
			   (unsigned long long)addr, img->path);
}

void wh_elf_image_release_section(const struct wh_elf_image *img, const char *name)
{
	const struct wh_elf_section *sec = wh_elf_image_section(img, name);
	if (!sec || !sec->data || !sec->size)
		return;
	/* Whole pages inside the section only: neighbours may be in use. */
	uintptr_t start = (uintptr_t)sec->data, end = start + sec->size;
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	start = (start + page - 1) & ~(page - 1);
	end &= ~(page - 1);
	if (end > start)
		madvise((void *)start, end - start, MADV_DONTNEED);
}
