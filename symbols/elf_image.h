/* The vmlinux (or a module .ko) as an ELF file: mmap'ed once, sections by
 * name, the symbol table, the GNU build id, and reads of initialised data
 * by link-time virtual address. */
#ifndef WHYHUNG_ELF_IMAGE_H
#define WHYHUNG_ELF_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct wh_elf_image;

struct wh_elf_section {
	const char *name;
	unsigned index;
	uint32_t type;
	uint64_t flags;
	uint64_t addr;
	uint64_t size;		   /* size on disk (compressed size if SHF_COMPRESSED) */
	const unsigned char *data; /* NULL for SHT_NOBITS */
	uint64_t link, info, entsize;
};

struct wh_symbol {
	const char *name;
	uint64_t address; /* link-time address (per-CPU symbols: offset in the per-CPU area) */
	uint64_t size;
	unsigned char type; /* STT_* */
	bool global;
	bool percpu;
};

struct wh_error *wh_elf_image_open(const char *path, struct wh_elf_image **ret);
void wh_elf_image_destroy(struct wh_elf_image *img);

const char *wh_elf_image_path(const struct wh_elf_image *img);
size_t wh_elf_image_num_sections(const struct wh_elf_image *img);
const struct wh_elf_section *wh_elf_image_section_at(const struct wh_elf_image *img, size_t i);
/* NULL when absent. */
const struct wh_elf_section *wh_elf_image_section(const struct wh_elf_image *img, const char *name);
/* Hex GNU build id, or NULL when the file has none. */
const char *wh_elf_image_build_id(const struct wh_elf_image *img);
/* The hex GNU build id in the notes DATA[0..SIZE) (e.g. read back from a
 * dump) into RET; false when there is none or RET is too small. */
bool wh_elf_note_build_id(const unsigned char *data, uint64_t size, char *ret, size_t ret_size);

/* Symbols: WH_ERR_ABSENT when unknown. Prefers a global over a local. */
struct wh_error *wh_elf_image_symbol(struct wh_elf_image *img, const char *name,
				     struct wh_symbol *ret);
/* The function/object symbol containing ADDR (link-time), with ADDR's offset. */
struct wh_error *wh_elf_image_symbolize(struct wh_elf_image *img, uint64_t addr,
					struct wh_symbol *ret, uint64_t *ret_offset);

/* Let the kernel drop the resident pages of section NAME (and of the
 * symbol table with NAME ".symtab"): they are read back from the file if
 * touched again. Keeps RSS low after one-off passes over big sections. */
void wh_elf_image_release_section(const struct wh_elf_image *img, const char *name);

/* Copy LEN bytes of initialised section data at link-time address ADDR. */
struct wh_error *wh_elf_image_read(const struct wh_elf_image *img, uint64_t addr, void *buf,
				   size_t len);

#endif
