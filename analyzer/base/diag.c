#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Takes MESSAGE (heap, may be NULL after a failed format). */
static void keep(struct wh_diags *d, const char *where, enum wh_error_code code,
		 bool has_address, uint64_t address, char *message)
{
	char *w = strdup(where ? where : "");
	if (!message || !w)
		goto lost;
	if (d->count == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 8;
		struct wh_diag *items = realloc(d->items, cap * sizeof(*items));
		if (!items)
			goto lost;
		d->items = items;
		d->cap = cap;
	}
	d->items[d->count++] = (struct wh_diag){.code = code,
						.has_address = has_address,
						.address = address,
						.where = w,
						.message = message};
	return;
lost:
	free(w);
	free(message);
	d->lost++;
}

static void vkeep(struct wh_diags *d, const char *where, enum wh_error_code code,
		  bool has_address, uint64_t address, const char *fmt, va_list ap)
{
	char *message;
	if (vasprintf(&message, fmt, ap) < 0)
		message = NULL;
	keep(d, where, code, has_address, address, message);
}

void wh_diags_add(struct wh_diags *d, const char *where, enum wh_error_code code,
		  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vkeep(d, where, code, false, 0, fmt, ap);
	va_end(ap);
}

void wh_diags_add_at(struct wh_diags *d, const char *where, enum wh_error_code code,
		     uint64_t address, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vkeep(d, where, code, true, address, fmt, ap);
	va_end(ap);
}

void wh_diags_add_error(struct wh_diags *d, const char *where, struct wh_error *err)
{
	if (!err)
		return;
	keep(d, where, err->code, err->has_address, err->address, strdup(err->message));
	wh_error_destroy(err);
}

void wh_diags_add_all(struct wh_diags *d, const struct wh_diags *src)
{
	for (size_t i = 0; i < src->count; i++) {
		const struct wh_diag *e = &src->items[i];
		keep(d, e->where, e->code, e->has_address, e->address, strdup(e->message));
	}
	d->lost += src->lost;
}

bool wh_diags_has_message(const struct wh_diags *d, const char *message)
{
	for (size_t i = 0; i < d->count; i++)
		if (!strcmp(d->items[i].message, message))
			return true;
	return false;
}

size_t wh_diags_total(const struct wh_diags *d)
{
	return d->count + d->lost;
}

const char *wh_diags_first(const struct wh_diags *d)
{
	return d->count ? d->items[0].message : NULL;
}

void wh_diags_deinit(struct wh_diags *d)
{
	for (size_t i = 0; i < d->count; i++) {
		free(d->items[i].where);
		free(d->items[i].message);
	}
	free(d->items);
	memset(d, 0, sizeof(*d));
}
