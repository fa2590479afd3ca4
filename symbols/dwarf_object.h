/* An ELF image's debug sections as our DWARF readers see them: bytes
 * straight from our mmap (only touched pages cost memory), SHF_COMPRESSED
 * sections inflated on first use. .rela.debug_* sections are not applied
 * for an ET_EXEC vmlinux, whose debug sections are already final
 * (applying them costs ~800 MB on a distro vmlinux, see
 * tooling-notes.md). A module .ko is ET_REL and does need them:
 * wh_dwarf_object_open_relocated() applies them, against the module's
 * runtime section addresses. */
#ifndef WHYHUNG_DWARF_OBJECT_H
#define WHYHUNG_DWARF_OBJECT_H

#include "elf_image.h"

struct wh_dwarf_object;

/* WH_ERR_NO_DEBUGINFO when the image has no .debug_info. */
struct wh_error *wh_dwarf_object_open(struct wh_elf_image *img, struct wh_dwarf_object **ret);

/* Runtime address of the allocated section NAME; false when it was not
 * loaded (then relocations against it use 0). */
typedef bool wh_section_address_fn(void *arg, const char *name, uint64_t *ret);

/* For an ET_REL image (a module .ko): DWARF relocated as if each allocated
 * section sat at the address RESOLVE gives, so addresses in it (low_pc,
 * line table, aranges) are runtime addresses. The debug sections'
 * .rela.debug_* are all checked here (WH_ERR_FORMAT for a malformed or
 * unsupported one) and applied on private copies when a reader first asks for a
 * section. RESOLVE is called during this call only. */
struct wh_error *wh_dwarf_object_open_relocated(struct wh_elf_image *img,
						wh_section_address_fn *resolve, void *arg,
						struct wh_dwarf_object **ret);
/* Where section INDEX sits: runtime address for relocated objects (0 if
 * not loaded), the link-time sh_addr otherwise. */
uint64_t wh_dwarf_object_section_address(const struct wh_dwarf_object *obj, unsigned index);
/* The bytes of debug section NAME (".debug_line", ...): inflated when
 * SHF_COMPRESSED, relocated for a relocated object; owned by OBJ.
 * WH_ERR_ABSENT when the image has no such section, WH_ERR_FORMAT when it
 * cannot be inflated. */
struct wh_error *wh_dwarf_object_section(struct wh_dwarf_object *obj, const char *name,
					 const unsigned char **ret_data, uint64_t *ret_size);
/* How many inflated/relocated copies were attempted (each section once,
 * failures included): for tests. */
uint64_t wh_dwarf_object_copy_attempts(const struct wh_dwarf_object *obj);
void wh_dwarf_object_destroy(struct wh_dwarf_object *obj);

#endif
