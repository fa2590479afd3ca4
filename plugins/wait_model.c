#include "wait_model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void wh_object_incomplete(struct wh_wait_object *obj, enum wh_error_code code, uint64_t address,
			  const char *fmt, ...)
{
	char *message;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&message, fmt, ap);
	va_end(ap);
	if (n < 0) {
		obj->incomplete.lost++;
		return;
	}
	/* The kind that read the object is where the problem was met. */
	wh_diags_add_at(&obj->incomplete, wh_wait_kind_name(obj->kind), code, address, "%s", message);
	free(message);
}
