/* Relocations of an ET_REL object (a kernel module .ko) applied to one
 * section's private copy, the way the module loader placed the allocated
 * sections: S = symbol value + runtime address of the symbol's section.
 * Used for the .debug_* sections, so module DWARF speaks runtime addresses.
 * x86-64 RELA with R_X86_64_64, _32 and _32S only (all that debug sections
 * use); anything else is an error, not a silent skip. */
#ifndef WHYHUNG_ELF_RELOC_H
#define WHYHUNG_ELF_RELOC_H

#include <stdbool.h>
#include <stdint.h>

#include "elf_image.h"

/* Does any relocation section of IMG apply to section TARGET? */
bool wh_elf_has_relocations(const struct wh_elf_image *img, unsigned target);

/* Apply the relocations for section TARGET to DATA, its SIZE bytes of
 * (uncompressed) contents; with DATA NULL only check them. SECTION_ADDR
 * has one entry per section: where it was loaded, 0 when not allocated or
 * not loaded. Every offset, symbol index and type is checked: a hostile
 * file gives WH_ERR_FORMAT, never a write out of bounds. */
struct wh_error *wh_elf_relocate_section(const struct wh_elf_image *img, unsigned target,
					 const uint64_t *section_addr, unsigned char *data,
					 uint64_t size);

#endif
