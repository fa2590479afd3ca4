/* libdwarf over the very section bytes our readers get (inflated,
 * relocated like a module): the independent reference the DWARF readers'
 * tests compare with. whyhung itself no longer uses libdwarf. */
#ifndef WHYHUNG_TEST_LIBDWARF_ORACLE_H
#define WHYHUNG_TEST_LIBDWARF_ORACLE_H

#include <libdwarf/libdwarf.h>

#include "dwarf_object.h"

struct libdwarf_oracle;

/* NULL when libdwarf cannot open it; OBJ must outlive the result. */
struct libdwarf_oracle *libdwarf_oracle_open(struct wh_elf_image *img, struct wh_dwarf_object *obj);
Dwarf_Debug libdwarf_oracle_dbg(const struct libdwarf_oracle *oracle);
void libdwarf_oracle_close(struct libdwarf_oracle *oracle);

#endif
