#include "output_diags.h"
#include "escape.h"
#include "markup_escape.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Said when keeping problems ran out of memory: they were met, not kept. */
static void lost_message(const struct wh_diags *d, char *buf, size_t size)
{
	snprintf(buf, size, "%zu more problem%s not kept: out of memory", d->lost,
		 d->lost == 1 ? "" : "s");
}

void wh_output_text_diags(FILE *out, const char *prefix, const struct wh_diags *d)
{
	char msg[1024];
	for (size_t i = 0; i < d->count; i++)
		fprintf(out, "%s%s\n", prefix,
			wh_escape_text(d->items[i].message, SIZE_MAX, msg, sizeof(msg)));
	if (d->lost) {
		lost_message(d, msg, sizeof(msg));
		fprintf(out, "%s%s\n", prefix, msg);
	}
}

void wh_output_html_diags(FILE *out, const struct wh_diags *d)
{
	for (size_t i = 0; i < d->count; i++) {
		fputs("<li>", out);
		wh_markup_write(out, WH_MARKUP_RAW, d->items[i].message, SIZE_MAX);
		fputs("</li>\n", out);
	}
	if (d->lost) {
		char msg[96];
		lost_message(d, msg, sizeof(msg));
		fprintf(out, "<li>%s</li>\n", msg);
	}
}

void wh_output_json_diag_messages(struct wh_json *j, const struct wh_diags *d)
{
	for (size_t i = 0; i < d->count; i++)
		wh_json_string(j, d->items[i].message);
	if (d->lost) {
		char msg[96];
		lost_message(d, msg, sizeof(msg));
		wh_json_string(j, msg);
	}
}

static void json_diag(struct wh_json *j, enum wh_error_code code, const struct wh_diag *e,
		      const char *message)
{
	wh_json_begin_object(j);
	wh_json_key(j, "code");
	wh_json_string(j, wh_error_code_name(code));
	wh_json_key(j, "address");
	if (e && e->has_address)
		wh_json_hex(j, e->address);
	else
		wh_json_null(j);
	wh_json_key(j, "where");
	wh_json_string(j, e ? e->where : NULL);
	wh_json_key(j, "message");
	wh_json_string(j, message);
	wh_json_end_object(j);
}

void wh_output_json_diags(struct wh_json *j, const struct wh_diags *d)
{
	for (size_t i = 0; i < d->count; i++)
		json_diag(j, d->items[i].code, &d->items[i], d->items[i].message);
	if (d->lost) {
		char msg[96];
		lost_message(d, msg, sizeof(msg));
		json_diag(j, WH_ERR_NOMEM, NULL, msg);
	}
}

void wh_output_json_diags_joined(struct wh_json *j, const struct wh_diags *d)
{
	if (!wh_diags_total(d)) {
		wh_json_null(j);
		return;
	}
	char lost[96] = "";
	if (d->lost)
		lost_message(d, lost, sizeof(lost));
	size_t len = strlen(lost) + 1;
	for (size_t i = 0; i < d->count; i++)
		len += strlen(d->items[i].message) + 2;
	char *joined = malloc(len), *p = joined;
	if (!joined) {
		/* The first problem at least, as before the sink. */
		wh_json_string(j, d->count ? d->items[0].message : lost);
		return;
	}
	*p = '\0';
	for (size_t i = 0; i < d->count; i++)
		p += sprintf(p, "%s%s", i ? "; " : "", d->items[i].message);
	if (d->lost)
		sprintf(p, "%s%s", d->count ? "; " : "", lost);
	wh_json_string(j, joined);
	free(joined);
}
