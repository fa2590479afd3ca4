/* Kernel types from DWARF (the types.h interface), probed by name, never
 * by hard-coded offsets. Compile units are indexed lazily and
 * incrementally: a lookup scans CUs only until the name turns up, so the
 * core types (defined in the first CUs) cost a few CUs, not the whole
 * distro vmlinux. */
#ifndef WHYHUNG_DWARF_TYPES_H
#define WHYHUNG_DWARF_TYPES_H

#include "elf_image.h"
#include "types.h"

/* WH_ERR_NO_DEBUGINFO when the image has no usable DWARF. Keeps a reference
 * to IMG, which must outlive the result. */
struct wh_error *wh_types_create(struct wh_elf_image *img, struct wh_types **ret);
/* Types on an already opened object, e.g. a module's relocated DWARF
 * (wh_dwarf_object_open_relocated()): addresses taken and returned by the
 * functions below are then the module's runtime addresses. Takes ownership
 * of OBJ, also on failure. */
struct wh_dwarf_object;
struct wh_error *wh_types_create_from_object(struct wh_dwarf_object *obj, struct wh_types **ret);

#endif
