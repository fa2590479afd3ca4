/* Is a NAME.ko found under -m DIR really the file of the module loaded in
 * the dump? A debug file of another build would give wrong types and lines
 * without any visible error, so it is checked before use. */
#ifndef WHYHUNG_MODULE_DEBUG_CHECK_H
#define WHYHUNG_MODULE_DEBUG_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel.h"
#include "modules.h"
#include "elf_image.h"

/* Runtime address of MOD's section NAME (from the dump's sect_attrs). */
bool wh_module_section_address(const struct wh_module *mod, const char *name, uint64_t *ret);

/* The hex GNU build id of MOD, from the note the module loader left in
 * its memory (the .note.gnu.build-id section, located by sect_attrs).
 * WH_ERR_ABSENT when the module has none; read errors as they come. */
struct wh_error *wh_module_build_id(struct wh_kernel *k, const struct wh_module *mod, char *ret,
				    size_t ret_size);

/* WH_ERR_MISMATCH with the reason when IMG is not MOD's file. Compared, as
 * far as each is available: that IMG is a module at all, the name in its
 * .gnu.linkonce.this_module, its GNU build id against the note in the
 * dump, and the addresses and sizes of its functions against the dump's
 * kallsyms. The build id or at least one function must have matched. */
struct wh_error *wh_module_debug_check(struct wh_kernel *k, const struct wh_module *mod,
				       const struct wh_elf_image *img);

#endif
