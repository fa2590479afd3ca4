/* Are two whyhung JSON documents the same but for the keys that describe
 * the dump file (dump.source)? Prints the first difference.
 * usage: json_equal A.json B.json */
#include <stdio.h>
#include <string.h>

#include "../support/json_read.h"

/* Keys whose values may differ: "OBJECT.KEY" at the top level. */
static bool ignored(const char *parent, const char *key)
{
	return parent && !strcmp(parent, "dump") && !strcmp(key, "source");
}

static bool equal(const struct jr_value *a, const struct jr_value *b, const char *name, char *path,
		  size_t path_size)
{
	if (a->type != b->type || a->count != b->count)
		return false;
	switch (a->type) {
	case JR_NULL: return true;
	case JR_BOOL: return a->boolean == b->boolean;
	case JR_NUMBER: return a->number == b->number;
	case JR_STRING: return !strcmp(a->string, b->string);
	case JR_ARRAY:
	case JR_OBJECT: break;
	}
	size_t len = strlen(path);
	for (size_t i = 0; i < a->count; i++) {
		const char *key = a->type == JR_OBJECT ? a->keys[i] : NULL;
		if (key && strcmp(key, b->keys[i]))
			return false;
		if (key)
			snprintf(path + len, path_size - len, ".%s", key);
		else
			snprintf(path + len, path_size - len, "[%zu]", i);
		if (!(key && ignored(name, key)) &&
		    !equal(&a->items[i], &b->items[i], key, path, path_size))
			return false;
		path[len] = '\0';
	}
	return true;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: json_equal A.json B.json\n");
		return 2;
	}
	struct jr_value *a = jr_parse_file(argv[1]), *b = jr_parse_file(argv[2]);
	if (!a || !b) {
		fprintf(stderr, "json_equal: cannot parse %s\n", a ? argv[2] : argv[1]);
		return 2;
	}
	char path[1024] = "";
	bool same = equal(a, b, NULL, path, sizeof(path));
	if (!same)
		fprintf(stderr, "json_equal: %s and %s differ at %s\n", argv[1], argv[2],
			path[0] ? path : "(top)");
	jr_free(a);
	jr_free(b);
	return same ? 0 : 1;
}
