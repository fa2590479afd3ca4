/* A small streaming JSON writer: commas and nesting are tracked here, and
 * every string from the dump goes through one escaping routine. */
#ifndef WHYHUNG_JSON_WRITER_H
#define WHYHUNG_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum { WH_JSON_MAX_DEPTH = 32 };

struct wh_json {
	FILE *out;
	int depth;
	bool need_comma[WH_JSON_MAX_DEPTH];
	bool after_key;
};

void wh_json_init(struct wh_json *j, FILE *out);
void wh_json_begin_object(struct wh_json *j);
void wh_json_end_object(struct wh_json *j);
void wh_json_begin_array(struct wh_json *j);
void wh_json_end_array(struct wh_json *j);
void wh_json_key(struct wh_json *j, const char *key);
/* Bytes that are not valid printable UTF-8-safe ASCII are escaped as \u00XX
 * so hostile task names cannot break the document. LEN bytes at most; stops
 * at NUL. */
void wh_json_string_n(struct wh_json *j, const char *s, size_t len);
void wh_json_string(struct wh_json *j, const char *s);
/* Exactly LEN bytes, NULs included (as \u0000): log text may hold any byte. */
void wh_json_bytes(struct wh_json *j, const char *s, size_t len);
void wh_json_int(struct wh_json *j, int64_t v);
void wh_json_uint(struct wh_json *j, uint64_t v);
void wh_json_hex(struct wh_json *j, uint64_t v); /* "0x..." string */
void wh_json_bool(struct wh_json *j, bool v);
void wh_json_null(struct wh_json *j);
/* A value that is already JSON (a document rendered before, e.g. a report
 * embedded in a batch record), written as it is. */
void wh_json_raw(struct wh_json *j, const char *json, size_t len);

#endif
