/* A minimal JSON reader for tests: parses truth files and whyhung's own
 * JSON output into a tree. Not for hostile input; tests only. */
#ifndef WHYHUNG_TEST_JSON_READ_H
#define WHYHUNG_TEST_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum jr_type { JR_NULL, JR_BOOL, JR_NUMBER, JR_STRING, JR_ARRAY, JR_OBJECT };

struct jr_value {
	enum jr_type type;
	bool boolean;
	double number;
	char *string;            /* JR_STRING */
	struct jr_value *items;  /* JR_ARRAY / JR_OBJECT values */
	char **keys;             /* JR_OBJECT keys */
	size_t count;
};

/* NULL on a syntax error. */
struct jr_value *jr_parse(const char *text);
struct jr_value *jr_parse_file(const char *path);
void jr_free(struct jr_value *v);
/* Member of an object, or NULL. */
const struct jr_value *jr_get(const struct jr_value *obj, const char *key);
/* String member or NULL when missing / not a string. */
const char *jr_get_string(const struct jr_value *obj, const char *key);
/* Numeric member; DEFAULT when missing. */
int64_t jr_get_int(const struct jr_value *obj, const char *key, int64_t dflt);

#endif
