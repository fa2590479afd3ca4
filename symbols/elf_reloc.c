#include "elf_reloc.h"

#include <elf.h>
#include <string.h>

static bool applies_to(const struct wh_elf_section *s, unsigned target)
{
	return (s->type == SHT_RELA || s->type == SHT_REL) && s->info == target;
}

bool wh_elf_has_relocations(const struct wh_elf_image *img, unsigned target)
{
	size_t n = wh_elf_image_num_sections(img);
	for (size_t i = 0; i < n; i++)
		if (applies_to(wh_elf_image_section_at(img, i), target))
			return true;
	return false;
}

static struct wh_error *relocate_one(const struct wh_elf_image *img,
				     const struct wh_elf_section *rela,
				     const uint64_t *section_addr, unsigned char *data,
				     uint64_t size)
{
	size_t n_sections = wh_elf_image_num_sections(img);
	if (rela->type != SHT_RELA)
		return wh_error_create(WH_ERR_FORMAT, "SHT_REL relocations are not supported");
	if (!rela->data || (rela->flags & SHF_COMPRESSED) || rela->size % sizeof(Elf64_Rela))
		return wh_error_create(WH_ERR_FORMAT, "malformed relocation section");
	const struct wh_elf_section *symtab = wh_elf_image_section_at(img, rela->link);
	if (!symtab || symtab->type != SHT_SYMTAB || !symtab->data)
		return wh_error_create(WH_ERR_FORMAT, "relocations without a symbol table");
	uint64_t n_syms = symtab->size / sizeof(Elf64_Sym);
	uint64_t n = rela->size / sizeof(Elf64_Rela);
	for (uint64_t i = 0; i < n; i++) {
		/* memcpy: a hostile file's tables need not be aligned. */
		Elf64_Rela r;
		memcpy(&r, rela->data + i * sizeof(r), sizeof(r));
		uint32_t type = ELF64_R_TYPE(r.r_info);
		uint64_t sym_index = ELF64_R_SYM(r.r_info);
		unsigned width;
		switch (type) {
		case R_X86_64_NONE: continue;
		case R_X86_64_64: width = 8; break;
		case R_X86_64_32:
		case R_X86_64_32S: width = 4; break;
		default:
			return wh_error_create(WH_ERR_FORMAT,
					       "relocation %llu: unsupported type %u",
					       (unsigned long long)i, type);
		}
		unsigned long long index = i;
		if (r.r_offset > size || width > size - r.r_offset)
			return wh_error_create(WH_ERR_FORMAT,
					       "relocation %llu: offset 0x%llx outside the section",
					       index, (unsigned long long)r.r_offset);
		if (sym_index >= n_syms)
			return wh_error_create(WH_ERR_FORMAT, "relocation %llu: bad symbol %llu",
					       index, (unsigned long long)sym_index);
		if (!data)
			continue;
		Elf64_Sym sym;
		memcpy(&sym, symtab->data + sym_index * sizeof(sym), sizeof(sym));
		/* Special indexes (SHN_ABS, SHN_UNDEF, ...) have no section: base 0. */
		uint64_t base = sym.st_shndx < n_sections ? section_addr[sym.st_shndx] : 0;
		uint64_t value = base + sym.st_value + (uint64_t)r.r_addend;
		if (width == 8) {
			memcpy(data + r.r_offset, &value, 8);
		} else {
			/* Debug sections use _32 for section offsets, which fit. */
			uint32_t v32 = (uint32_t)value;
			memcpy(data + r.r_offset, &v32, 4);
		}
	}
	return NULL;
}

struct wh_error *wh_elf_relocate_section(const struct wh_elf_image *img, unsigned target,
					 const uint64_t *section_addr, unsigned char *data,
					 uint64_t size)
{
	size_t n = wh_elf_image_num_sections(img);
	for (size_t i = 0; i < n; i++) {
		const struct wh_elf_section *s = wh_elf_image_section_at(img, i);
		if (!applies_to(s, target))
			continue;
		struct wh_error *err = relocate_one(img, s, section_addr, data, size);
		if (err)
			return wh_error_wrap(err, "%s", s->name);
	}
	return NULL;
}
