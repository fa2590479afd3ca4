/* Hands an ELF image's debug sections to libdwarf through its object-access
 * interface instead of dwarf_init_path(): section bytes come straight from
 * our mmap (only touched pages cost memory), SHF_COMPRESSED sections are
 * inflated on first use, and .rela.debug_* sections are hidden because an
 * ET_EXEC vmlinux's debug sections are already final (applying them costs
 * ~800 MB on a distro vmlinux, see tooling-notes.md). */
#ifndef WHYHUNG_DWARF_OBJECT_H
#define WHYHUNG_DWARF_OBJECT_H

#include <libdwarf/libdwarf.h>

#include "elf_image.h"

struct wh_dwarf_object;

/* WH_ERR_NO_DEBUGINFO when the image has no .debug_info. */
struct wh_error *wh_dwarf_object_open(struct wh_elf_image *img, struct wh_dwarf_object **ret);
void wh_dwarf_object_destroy(struct wh_dwarf_object *obj);
Dwarf_Debug wh_dwarf_object_dbg(const struct wh_dwarf_object *obj);
/* Turn a libdwarf error into ours (and free it). */
struct wh_error *wh_dwarf_error(Dwarf_Debug dbg, Dwarf_Error derr, const char *what);

#endif
