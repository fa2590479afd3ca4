/* .debug_aranges, read by us: which compile unit covers a code address,
 * and where units start (hints for finding the unit of a DIE offset
 * without reading every header before it). Bounds-checked; a malformed
 * set is WH_ERR_FORMAT. */
#ifndef WHYHUNG_DWARF_ARANGES_H
#define WHYHUNG_DWARF_ARANGES_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct wh_aranges;

struct wh_error *wh_aranges_create(const unsigned char *data, uint64_t size,
				   struct wh_aranges **ret);
void wh_aranges_destroy(struct wh_aranges *aranges);
/* Header offset in .debug_info of the unit whose range covers ADDR: of
 * several, the first listed (as libdwarf's dwarf_get_arange() chose).
 * WH_ERR_ABSENT when none does. */
struct wh_error *wh_aranges_find(const struct wh_aranges *aranges, uint64_t addr, uint64_t *ret);
/* The units' header offsets, sorted, each once. */
const uint64_t *wh_aranges_units(const struct wh_aranges *aranges, size_t *ret_n);

#endif
