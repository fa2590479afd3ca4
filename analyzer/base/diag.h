/* The diagnostics sink: the problems an analysis met and went past (a
 * corrupt list, an unreadable object, a wait list read in part). Every
 * problem is kept, with its code, the address it concerns when known, its
 * message, and where it was met (the layer or walk: "tasks", "printk",
 * "mutex", ...). Keeping one needs memory; when that fails the problem is
 * counted in `lost`, never dropped silently, and the outputs say how many. */
#ifndef WHYHUNG_DIAG_H
#define WHYHUNG_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct wh_diag {
	enum wh_error_code code;
	bool has_address;
	uint64_t address;
	char *where;   /* the layer or walk that met it */
	char *message; /* from the dump in part: escape on output */
};

struct wh_diags {
	struct wh_diag *items; /* in the order met */
	size_t count, cap;
	size_t lost; /* problems met but not kept: out of memory */
};

void wh_diags_add(struct wh_diags *d, const char *where, enum wh_error_code code,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void wh_diags_add_at(struct wh_diags *d, const char *where, enum wh_error_code code,
		     uint64_t address, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Keep ERR (code, address, message) as met in WHERE; consumes ERR. */
void wh_diags_add_error(struct wh_diags *d, const char *where, struct wh_error *err);
/* Keep every entry of SRC in D, in order, SRC's losses included. */
void wh_diags_add_all(struct wh_diags *d, const struct wh_diags *src);
/* Is a problem with this message kept already? (Linear: for the few
 * problems said once per device or per file.) */
bool wh_diags_has_message(const struct wh_diags *d, const char *message);
/* Problems met: kept plus lost. */
size_t wh_diags_total(const struct wh_diags *d);
/* The first kept problem's message, or NULL. */
const char *wh_diags_first(const struct wh_diags *d);
void wh_diags_deinit(struct wh_diags *d);

#endif
