#include "json_writer.h"

#include <inttypes.h>
#include <string.h>

void wh_json_init(struct wh_json *j, FILE *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
}

static void before_value(struct wh_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->need_comma[j->depth])
		fputc(',', j->out);
	j->need_comma[j->depth] = true;
}

static void open_container(struct wh_json *j, char c)
{
	before_value(j);
	fputc(c, j->out);
	if (j->depth + 1 < WH_JSON_MAX_DEPTH)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void close_container(struct wh_json *j, char c)
{
	if (j->depth > 0)
		j->depth--;
	fputc(c, j->out);
	if (j->depth == 0)
		fputc('\n', j->out);
}

void wh_json_begin_object(struct wh_json *j)
{
	open_container(j, '{');
}
void wh_json_end_object(struct wh_json *j)
{
	close_container(j, '}');
}
void wh_json_begin_array(struct wh_json *j)
{
	open_container(j, '[');
}
void wh_json_end_array(struct wh_json *j)
{
	close_container(j, ']');
}

static void put_escaped(FILE *out, const char *s, size_t len, bool stop_at_nul)
{
	fputc('"', out);
	for (size_t i = 0; i < len && (s[i] || !stop_at_nul); i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

void wh_json_key(struct wh_json *j, const char *key)
{
	before_value(j);
	put_escaped(j->out, key, strlen(key), true);
	fputc(':', j->out);
	j->after_key = true;
}

void wh_json_string_n(struct wh_json *j, const char *s, size_t len)
{
	before_value(j);
	put_escaped(j->out, s, len, true);
}

void wh_json_bytes(struct wh_json *j, const char *s, size_t len)
{
	before_value(j);
	put_escaped(j->out, s, len, false);
}

void wh_json_string(struct wh_json *j, const char *s)
{
	if (!s) {
		wh_json_null(j);
		return;
	}
	wh_json_string_n(j, s, strlen(s));
}

void wh_json_int(struct wh_json *j, int64_t v)
{
	before_value(j);
	fprintf(j->out, "%" PRId64, v);
}

void wh_json_uint(struct wh_json *j, uint64_t v)
{
	before_value(j);
	fprintf(j->out, "%" PRIu64, v);
}

void wh_json_hex(struct wh_json *j, uint64_t v)
{
	before_value(j);
	fprintf(j->out, "\"0x%" PRIx64 "\"", v);
}

void wh_json_bool(struct wh_json *j, bool v)
{
	before_value(j);
	fputs(v ? "true" : "false", j->out);
}

void wh_json_null(struct wh_json *j)
{
	before_value(j);
	fputs("null", j->out);
}

void wh_json_raw(struct wh_json *j, const char *json, size_t len)
{
	before_value(j);
	fwrite(json, 1, len, j->out);
}
