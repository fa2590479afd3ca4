#include "batch_jsonl.h"
#include "json_writer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void string_or_null(struct wh_json *j, const char *key, const char *s)
{
	wh_json_key(j, key);
	if (s)
		wh_json_string(j, s);
	else
		wh_json_null(j);
}

struct wh_error *wh_batch_jsonl_line(const struct wh_batch_result *r, char **ret, size_t *ret_len)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return &wh_error_nomem;
	struct wh_json j;
	wh_json_init(&j, f);
	wh_json_begin_object(&j);
	string_or_null(&j, "schema", WH_SCHEMA_BATCH);
	string_or_null(&j, "path", r->path);
	wh_json_key(&j, "size");
	wh_json_uint(&j, r->size);
	string_or_null(&j, "content_id", r->content_id[0] ? r->content_id : NULL);
	string_or_null(&j, "release", r->release);
	string_or_null(&j, "build_id", r->build_id);
	wh_json_key(&j, "crash_time");
	if (r->have_crash_time)
		wh_json_int(&j, r->crash_time);
	else
		wh_json_null(&j);
	string_or_null(&j, "status", wh_batch_status_name(r->status));
	wh_json_key(&j, "exit_code");
	wh_json_int(&j, r->exit_code);
	string_or_null(&j, "message", r->message);
	wh_json_key(&j, "analysis_ms");
	wh_json_int(&j, (int64_t)(r->seconds * 1000 + 0.5));
	wh_json_key(&j, "peak_rss_kib");
	if (r->peak_rss_kib >= 0)
		wh_json_int(&j, r->peak_rss_kib);
	else
		wh_json_null(&j);
	string_or_null(&j, "signature", r->signature);
	string_or_null(&j, "signature_parts", r->signature_parts);
	string_or_null(&j, "explanation", r->explanation);
	wh_json_key(&j, "report");
	if (r->report_json)
		wh_json_raw(&j, r->report_json, strlen(r->report_json));
	else
		wh_json_null(&j);
	wh_json_end_object(&j); /* ends the line */
	if (fclose(f) != 0) {
		free(buf);
		return &wh_error_nomem;
	}
	*ret = buf;
	*ret_len = len;
	return NULL;
}

struct wh_error *wh_batch_jsonl_append(int fd, const struct wh_batch_result *r)
{
	char *line;
	size_t len;
	struct wh_error *err = wh_batch_jsonl_line(r, &line, &len);
	if (err)
		return err;
	/* One write: with O_APPEND, lines of concurrent writers do not mix. */
	ssize_t n;
	do
		n = write(fd, line, len);
	while (n < 0 && errno == EINTR);
	int e = errno;
	free(line);
	if (n < 0 || (size_t)n != len)
		return wh_error_create(WH_ERR_IO, "writing the JSON Lines file: %s",
				       n < 0 ? strerror(e) : "short write");
	return NULL;
}

struct wh_error *wh_batch_rows_add(struct wh_batch_rows *rows, struct wh_batch_result **ret)
{
	if (rows->n == rows->cap) {
		size_t cap = rows->cap ? rows->cap * 2 : 64;
		struct wh_batch_result *r = realloc(rows->rows, cap * sizeof(*r));
		if (!r)
			return &wh_error_nomem;
		rows->rows = r;
		rows->cap = cap;
	}
	*ret = &rows->rows[rows->n++];
	memset(*ret, 0, sizeof(**ret));
	(*ret)->peak_rss_kib = -1;
	return NULL;
}

void wh_batch_rows_deinit(struct wh_batch_rows *rows)
{
	for (size_t i = 0; i < rows->n; i++)
		wh_batch_result_deinit(&rows->rows[i]);
	free(rows->rows);
	memset(rows, 0, sizeof(*rows));
}

/* A reader for the top level of the lines this file writes: keys with
 * string, number, null or nested values (nested ones skipped). */
struct cursor {
	const char *p, *end;
};

static void skip_ws(struct cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* A string at c->p into a malloc'ed buffer (NULL OUT: skip it). Escapes
 * of bytes (\u00XX) come back as those bytes. */
static bool read_string(struct cursor *c, char **out)
{
	if (c->p >= c->end || *c->p != '"')
		return false;
	c->p++;
	char *buf = out ? malloc((size_t)(c->end - c->p) + 1) : NULL;
	if (out && !buf)
		return false;
	size_t n = 0;
	while (c->p < c->end && *c->p != '"') {
		char ch = *c->p++;
		if (ch == '\\' && c->p < c->end) {
			char e = *c->p++;
			ch = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
			if (e == 'u' && c->end - c->p >= 4) {
				int v = 0;
				for (int i = 0; i < 4; i++)
					v = v * 16 + (hex_digit(c->p[i]) < 0 ? 0 : hex_digit(c->p[i]));
				c->p += 4;
				ch = (char)(v & 0xff);
			}
		}
		if (buf)
			buf[n++] = ch;
	}
	if (c->p >= c->end) {
		free(buf);
		return false;
	}
	c->p++;
	if (buf) {
		buf[n] = '\0';
		*out = buf;
	}
	return true;
}

/* Skip any value, nested or not; false on malformed input. */
static bool skip_value(struct cursor *c)
{
	skip_ws(c);
	if (c->p >= c->end)
		return false;
	if (*c->p == '"')
		return read_string(c, NULL);
	if (*c->p != '{' && *c->p != '[') {
		while (c->p < c->end && *c->p != ',' && *c->p != '}' && *c->p != ']')
			c->p++;
		return true;
	}
	int depth = 0;
	while (c->p < c->end) {
		if (*c->p == '"') {
			if (!read_string(c, NULL))
				return false;
			continue;
		}
		if (*c->p == '{' || *c->p == '[')
			depth++;
		else if (*c->p == '}' || *c->p == ']')
			depth--;
		c->p++;
		if (depth == 0)
			return true;
	}
	return false;
}

static struct wh_error *store(struct wh_batch_result *r, const char *key, bool with_reports,
			      struct cursor *c)
{
	const struct {
		const char *key;
		char **field;
	} strings[] = {
	    {"path", &r->path},
	    {"release", &r->release},
	    {"build_id", &r->build_id},
	    {"message", &r->message},
	    {"signature", &r->signature},
	    {"signature_parts", &r->signature_parts},
	    {"explanation", &r->explanation},
	};
	skip_ws(c);
	bool is_string = c->p < c->end && *c->p == '"';
	for (size_t i = 0; is_string && i < sizeof(strings) / sizeof(*strings); i++) {
		if (strcmp(key, strings[i].key))
			continue;
		free(*strings[i].field);
		*strings[i].field = NULL;
		return read_string(c, strings[i].field) ? NULL : &wh_error_nomem;
	}
	if (with_reports && !strcmp(key, "report") && c->p < c->end && *c->p == '{') {
		/* Kept as text: merge writes it on unchanged. */
		const char *start = c->p;
		if (!skip_value(c))
			return wh_error_create(WH_ERR_FORMAT, "malformed report");
		free(r->report_json);
		if (!(r->report_json = strndup(start, (size_t)(c->p - start))))
			return &wh_error_nomem;
		return NULL;
	}
	char *s = NULL;
	if (is_string && (!strcmp(key, "content_id") || !strcmp(key, "status"))) {
		if (!read_string(c, &s))
			return &wh_error_nomem;
		if (!strcmp(key, "content_id"))
			snprintf(r->content_id, sizeof(r->content_id), "%s", s);
		else
			r->status = wh_batch_status_from_name(s);
		free(s);
		return NULL;
	}
	if (!is_string && !strcmp(key, "analysis_ms"))
		r->seconds = strtod(c->p, NULL) / 1000;
	if (!is_string && !strcmp(key, "peak_rss_kib") && *c->p != 'n')
		r->peak_rss_kib = strtoll(c->p, NULL, 10);
	if (!is_string && (!strcmp(key, "crash_time") || !strcmp(key, "exit_code") ||
			   !strcmp(key, "size"))) {
		char *end;
		long long v = strtoll(c->p, &end, 10);
		if (end != c->p) {
			if (!strcmp(key, "crash_time")) {
				r->crash_time = v;
				r->have_crash_time = true;
			} else if (!strcmp(key, "exit_code")) {
				r->exit_code = (int)v;
			} else {
				r->size = (uint64_t)v;
			}
		}
	}
	return skip_value(c) ? NULL : wh_error_create(WH_ERR_FORMAT, "malformed value");
}

/* One line into R; WH_ERR_FORMAT when it is not a batch record. */
static struct wh_error *parse_line(const char *line, size_t len, bool with_reports,
				  struct wh_batch_result *r)
{
	struct cursor c = {line, line + len};
	skip_ws(&c);
	if (c.p >= c.end || *c.p++ != '{')
		return wh_error_create(WH_ERR_FORMAT, "not a JSON object");
	r->status = WH_BATCH_N_STATUS;
	for (;;) {
		skip_ws(&c);
		char *key;
		if (!read_string(&c, &key))
			return wh_error_create(WH_ERR_FORMAT, "malformed key");
		skip_ws(&c);
		struct wh_error *err = NULL;
		if (c.p >= c.end || *c.p++ != ':')
			err = wh_error_create(WH_ERR_FORMAT, "missing ':'");
		if (!err)
			err = store(r, key, with_reports, &c);
		free(key);
		if (err)
			return err;
		skip_ws(&c);
		if (c.p < c.end && *c.p == ',') {
			c.p++;
			continue;
		}
		if (c.p < c.end && *c.p == '}')
			break;
		return wh_error_create(WH_ERR_FORMAT, "malformed object");
	}
	if (r->status == WH_BATCH_N_STATUS || !r->path)
		return wh_error_create(WH_ERR_FORMAT, "not a whyhung batch record");
	return NULL;
}

struct wh_error *wh_batch_jsonl_load(const char *path, bool with_reports,
				     struct wh_batch_rows *ret)
{
	memset(ret, 0, sizeof(*ret));
	FILE *f = fopen(path, "re");
	if (!f && errno == ENOENT)
		return NULL;
	if (!f)
		return wh_error_create(WH_ERR_IO, "cannot read %s: %s", path, strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned long lineno = 0;
	struct wh_error *err = NULL;
	while (!err && (len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		/* A line without its newline was cut by a kill: not a record. */
		if (len == 0 || line[len - 1] != '\n')
			break;
		struct wh_batch_result *r;
		if ((err = wh_batch_rows_add(ret, &r)))
			break;
		err = parse_line(line, (size_t)len - 1, with_reports, r);
		if (err && err->code == WH_ERR_FORMAT)
			err = wh_error_wrap(err, "%s line %lu", path, lineno);
	}
	free(line);
	fclose(f);
	if (err)
		wh_batch_rows_deinit(ret);
	return err;
}
