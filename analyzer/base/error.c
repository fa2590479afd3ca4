#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct wh_error wh_error_nomem = {
    .code = WH_ERR_NOMEM,
    .message = "out of memory",
};

static struct wh_error *error_vcreate(enum wh_error_code code, bool has_address, uint64_t address,
				      const char *fmt, va_list ap)
{
	struct wh_error *err = calloc(1, sizeof(*err));
	if (!err)
		return &wh_error_nomem;
	if (vasprintf(&err->message, fmt, ap) < 0) {
		free(err);
		return &wh_error_nomem;
	}
	err->code = code;
	err->has_address = has_address;
	err->address = address;
	return err;
}

struct wh_error *wh_error_create(enum wh_error_code code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct wh_error *err = error_vcreate(code, false, 0, fmt, ap);
	va_end(ap);
	return err;
}

struct wh_error *wh_error_at(enum wh_error_code code, uint64_t address, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct wh_error *err = error_vcreate(code, true, address, fmt, ap);
	va_end(ap);
	return err;
}

struct wh_error *wh_error_wrap(struct wh_error *err, const char *fmt, ...)
{
	if (!err || err == &wh_error_nomem)
		return err;
	char *prefix;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&prefix, fmt, ap);
	va_end(ap);
	if (n < 0)
		return err;
	char *joined;
	if (asprintf(&joined, "%s: %s", prefix, err->message) >= 0) {
		free(err->message);
		err->message = joined;
	}
	free(prefix);
	return err;
}

bool wh_best_effort(struct wh_error *err)
{
	wh_error_destroy(err);
	return !err;
}

void wh_error_destroy(struct wh_error *err)
{
	if (!err || err == &wh_error_nomem)
		return;
	free(err->message);
	free(err);
}

bool wh_error_unreadable(const struct wh_error *err)
{
	switch (err->code) {
	case WH_ERR_FAULT:
	case WH_ERR_EXCLUDED:
	case WH_ERR_INCOMPLETE:
	case WH_ERR_TRUNCATED:
	case WH_ERR_BUDGET: return true;
	case WH_ERR_CORRUPT: return err->has_address;
	default: return false;
	}
}

const char *wh_error_code_name(enum wh_error_code code)
{
	switch (code) {
	case WH_ERR_NOMEM: return "nomem";
	case WH_ERR_USAGE: return "usage";
	case WH_ERR_IO: return "io";
	case WH_ERR_NOT_DUMP: return "not-dump";
	case WH_ERR_TRUNCATED: return "truncated";
	case WH_ERR_NO_VMLINUX: return "no-vmlinux";
	case WH_ERR_NO_DEBUGINFO: return "no-debuginfo";
	case WH_ERR_MISMATCH: return "mismatch";
	case WH_ERR_FAULT: return "fault";
	case WH_ERR_EXCLUDED: return "excluded";
	case WH_ERR_ABSENT: return "absent";
	case WH_ERR_CORRUPT: return "corrupt";
	case WH_ERR_FORMAT: return "format";
	case WH_ERR_INTERNAL: return "internal";
	case WH_ERR_INCOMPLETE: return "incomplete";
	case WH_ERR_BUDGET: return "budget";
	case WH_ERR_NETWORK: return "network";
	}
	return "unknown";
}
