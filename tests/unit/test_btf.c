/* The BTF parser (symbols/btf.c) on BTF laid out here: a small sane type
 * set (lookups, members, bitfields, enumerators, sizes, split BTF on a
 * base), then hostile variants: truncated headers and sections, names and
 * type ids out of range, typedef and array loops, members beyond their
 * struct. Each must be a clear WH_ERR_FORMAT, never a crash or a hang. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "btf.h"
#include "tests/support/byte_buf.h"

struct spec {
	struct buf types, strings;
};

static void spec_init(struct spec *s)
{
	memset(s, 0, sizeof(*s));
	put_u(&s->strings, 0, 1); /* offset 0: "" */
}

/* Offset of NAME in the string section (appended). */
static uint32_t str(struct spec *s, const char *name)
{
	if (!name[0])
		return 0;
	uint32_t off = (uint32_t)s->strings.len;
	put_str(&s->strings, name);
	return off;
}

static void rec(struct spec *s, const char *name, unsigned kind, unsigned vlen, bool kflag,
		uint32_t size_or_type)
{
	put_u(&s->types, str(s, name), 4);
	put_u(&s->types, (uint32_t)kind << 24 | vlen | (kflag ? 1u << 31 : 0), 4);
	put_u(&s->types, size_or_type, 4);
}

static void member(struct spec *s, const char *name, uint32_t type, uint32_t off)
{
	put_u(&s->types, str(s, name), 4);
	put_u(&s->types, type, 4);
	put_u(&s->types, off, 4);
}

/* The blob: header, types, strings. */
static size_t blob(const struct spec *s, unsigned char *out, size_t cap)
{
	struct buf b = {.len = 0};
	put_u(&b, 0xeb9f, 2);
	put_u(&b, 1, 1);
	put_u(&b, 0, 1);
	put_u(&b, 24, 4);
	put_u(&b, 0, 4);
	put_u(&b, s->types.len, 4);
	put_u(&b, s->types.len, 4);
	put_u(&b, s->strings.len, 4);
	put(&b, s->types.bytes, s->types.len);
	put(&b, s->strings.bytes, s->strings.len);
	assert_true(b.len <= cap);
	memcpy(out, b.bytes, b.len);
	return b.len;
}

/* Ids: 1 int, 2 struct list_head, 3 ptr to 2, 4 struct task, 5 typedef
 * pid_t -> 1, 6 const 5, 7 array 16 x 1, 8 enum state, 9 enum64 big,
 * 10 union u, 11 func_proto, 12 func schedule. */
static void sane(struct spec *s)
{
	spec_init(s);
	rec(s, "int", 1, 0, false, 4);
	put_u(&s->types, 1u << 24 | 32, 4); /* signed, 32 bits */
	rec(s, "list_head", 4, 2, false, 16);
	member(s, "next", 3, 0);
	member(s, "prev", 3, 64);
	rec(s, "", 2, 0, false, 2);
	rec(s, "task_struct", 4, 5, true, 64);
	member(s, "pid", 6, 0);
	member(s, "flags", 1, 4u << 24 | 32); /* bitfield: 4 bits at bit 32 */
	member(s, "tasks", 2, 64);
	member(s, "comm", 7, 192);
	member(s, "", 10, 0); /* anonymous union at offset 0 */
	rec(s, "pid_t", 8, 0, false, 1);
	rec(s, "", 10, 0, false, 5);
	rec(s, "", 3, 0, false, 0);
	put_u(&s->types, 1, 4);
	put_u(&s->types, 1, 4);
	put_u(&s->types, 16, 4);
	rec(s, "state", 6, 2, true, 4);
	put_u(&s->types, str(s, "TASK_RUNNING"), 4);
	put_u(&s->types, 0, 4);
	put_u(&s->types, str(s, "TASK_NEG"), 4);
	put_u(&s->types, (uint32_t)-2, 4);
	rec(s, "big", 19, 1, false, 8);
	put_u(&s->types, str(s, "BIG_ONE"), 4);
	put_u(&s->types, 0x89abcdef, 4);
	put_u(&s->types, 0x01234567, 4);
	rec(s, "u", 5, 1, false, 4);
	member(s, "alias", 1, 0);
	rec(s, "", 13, 1, false, 1);
	put_u(&s->types, str(s, "arg"), 4);
	put_u(&s->types, 3, 4);
	rec(s, "schedule", 12, 1, false, 11);
}

static struct wh_btf *parse_ok(const struct spec *s)
{
	static unsigned char bytes[4096];
	size_t n = blob(s, bytes, sizeof(bytes));
	struct wh_btf *btf = NULL;
	struct wh_error *err = wh_btf_parse(bytes, n, NULL, &btf);
	if (err)
		fail_msg("parse: %s", err->message);
	return btf;
}

/* The message of the error parsing S gives (code WH_ERR_FORMAT). */
static void parse_fails(const struct spec *s, const char *needle)
{
	static unsigned char bytes[4096];
	size_t n = blob(s, bytes, sizeof(bytes));
	struct wh_btf *btf = NULL;
	struct wh_error *err = wh_btf_parse(bytes, n, NULL, &btf);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_FORMAT);
	if (!strstr(err->message, needle))
		fail_msg("\"%s\" does not say \"%s\"", err->message, needle);
	wh_error_destroy(err);
}

static void test_sane(void **state)
{
	(void)state;
	struct spec s;
	sane(&s);
	struct wh_btf *btf = parse_ok(&s);
	assert_int_equal(wh_btf_count(btf), 13);
	uint32_t id;
	assert_null(wh_btf_find(btf, WH_BTF_STRUCT, "task_struct", &id));
	assert_int_equal(id, 4);
	struct wh_error *err = wh_btf_find(btf, WH_BTF_UNION, "task_struct", &id);
	assert_int_equal(err->code, WH_ERR_ABSENT);
	wh_error_destroy(err);
	struct wh_btf_member m;
	assert_null(wh_btf_member(btf, 4, 1, &m));
	assert_string_equal(m.name, "flags");
	assert_int_equal(m.bit_offset, 32);
	assert_int_equal(m.bit_size, 4);
	assert_null(wh_btf_member(btf, 4, 4, &m));
	assert_string_equal(m.name, "");
	err = wh_btf_member(btf, 4, 5, &m);
	assert_int_equal(err->code, WH_ERR_FORMAT);
	wh_error_destroy(err);
	uint64_t size;
	assert_null(wh_btf_sizeof(btf, 6, &size)); /* const pid_t */
	assert_int_equal(size, 4);
	assert_null(wh_btf_sizeof(btf, 7, &size));
	assert_int_equal(size, 64);
	assert_null(wh_btf_sizeof(btf, 3, &size));
	assert_int_equal(size, 8);
	err = wh_btf_sizeof(btf, 12, &size);
	assert_int_equal(err->code, WH_ERR_ABSENT);
	wh_error_destroy(err);
	assert_null(wh_btf_skip_modifiers(btf, 6, &id));
	assert_int_equal(id, 1);
	int64_t v;
	assert_null(wh_btf_find_enumerator(btf, "TASK_NEG", &v));
	assert_int_equal(v, -2);
	assert_null(wh_btf_find_enumerator(btf, "BIG_ONE", &v));
	assert_true((uint64_t)v == 0x0123456789abcdefull);
	struct wh_btf_type t;
	assert_null(wh_btf_type(btf, 12, &t));
	assert_int_equal(t.kind, WH_BTF_FUNC);
	assert_string_equal(t.name, "schedule");
	assert_null(wh_btf_find(btf, WH_BTF_FUNC, "schedule", &id)); /* (not indexed: scanned) */
	assert_int_equal(id, 12);
	err = wh_btf_type(btf, 13, &t);
	assert_int_equal(err->code, WH_ERR_FORMAT);
	wh_error_destroy(err);
	wh_btf_destroy(btf);
}

/* A module's BTF: ids and strings continue the base's. */
static void test_split(void **state)
{
	(void)state;
	struct spec base;
	sane(&base);
	struct wh_btf *b = parse_ok(&base);
	struct spec mod;
	memset(&mod, 0, sizeof(mod));
	/* The name "int" is offset 1 in the base's strings; new names start
	 * at the base's string length. */
	uint32_t base_len = (uint32_t)base.strings.len;
	put_u(&mod.types, base_len + 0, 4);
	put_u(&mod.types, 4u << 24 | 2, 4);
	put_u(&mod.types, 24, 4);
	put_u(&mod.types, 1, 4); /* member named "int" (base string), type int */
	put_u(&mod.types, 1, 4);
	put_u(&mod.types, 0, 4);
	put_u(&mod.types, base_len + 9, 4); /* "lh" */
	put_u(&mod.types, 2, 4);	    /* base's list_head */
	put_u(&mod.types, 64, 4);
	put_str(&mod.strings, "wh_mod_s");
	put_str(&mod.strings, "lh");
	unsigned char bytes[4096];
	size_t n = blob(&mod, bytes, sizeof(bytes));
	struct wh_btf *m = NULL;
	struct wh_error *err = wh_btf_parse(bytes, n, b, &m);
	if (err)
		fail_msg("split parse: %s", err->message);
	assert_int_equal(wh_btf_first_id(m), 13);
	uint32_t id;
	assert_null(wh_btf_find(m, WH_BTF_STRUCT, "wh_mod_s", &id));
	assert_int_equal(id, 13);
	assert_null(wh_btf_find(m, WH_BTF_STRUCT, "list_head", &id)); /* from the base */
	assert_int_equal(id, 2);
	struct wh_btf_member mem;
	assert_null(wh_btf_member(m, 13, 1, &mem));
	assert_string_equal(mem.name, "lh");
	assert_null(wh_btf_member(m, 13, 0, &mem));
	assert_string_equal(mem.name, "int");
	uint64_t size;
	assert_null(wh_btf_sizeof(m, 13, &size));
	assert_int_equal(size, 24);
	wh_btf_destroy(m);
	/* The same blob without its base: the base's names are out of range. */
	err = wh_btf_parse(bytes, n, NULL, &m);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_FORMAT);
	wh_error_destroy(err);
	wh_btf_destroy(b);
}

static void test_truncated_header(void **state)
{
	(void)state;
	struct spec s;
	sane(&s);
	unsigned char bytes[4096];
	size_t n = blob(&s, bytes, sizeof(bytes));
	/* Every prefix: an error (or, never, a success past the real size). */
	for (size_t len = 0; len < n; len++) {
		struct wh_btf *btf = NULL;
		struct wh_error *err = wh_btf_parse(bytes, len, NULL, &btf);
		if (!err)
			fail_msg("a prefix of %zu of %zu bytes parsed", len, n);
		assert_int_equal(err->code, WH_ERR_FORMAT);
		if (len < 24)
			assert_non_null(strstr(err->message, "shorter than its header"));
		wh_error_destroy(err);
	}
	bytes[0] = 0xeb, bytes[1] = 0x9f; /* the magic, big-endian */
	struct wh_btf *btf;
	struct wh_error *err = wh_btf_parse(bytes, n, NULL, &btf);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "big-endian"));
	wh_error_destroy(err);
	bytes[0] = 0;
	err = wh_btf_parse(bytes, n, NULL, &btf);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "magic"));
	wh_error_destroy(err);
	/* Header length beyond the blob; sections past the end. */
	n = blob(&s, bytes, sizeof(bytes));
	memcpy(bytes + 4, &(uint32_t){0x7fffffff}, 4);
	err = wh_btf_parse(bytes, n, NULL, &btf);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "header length"));
	wh_error_destroy(err);
	n = blob(&s, bytes, sizeof(bytes));
	memcpy(bytes + 20, &(uint32_t){0xffffffff}, 4); /* str_len */
	err = wh_btf_parse(bytes, n, NULL, &btf);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "string section"));
	wh_error_destroy(err);
	n = blob(&s, bytes, sizeof(bytes));
	memcpy(bytes + 8, &(uint32_t){0xfffffff0}, 4); /* type_off */
	err = wh_btf_parse(bytes, n, NULL, &btf);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "type section"));
	wh_error_destroy(err);
}

static void test_strings_out_of_range(void **state)
{
	(void)state;
	struct spec s;
	sane(&s);
	/* A type named at the string section's end. */
	uint32_t past = (uint32_t)s.strings.len;
	memcpy(s.types.bytes, &past, 4);
	parse_fails(&s, "name offset");
	/* A member named out of range (list_head.next: byte 16+12 of types). */
	sane(&s);
	memcpy(s.types.bytes + 16 + 12, &(uint32_t){0x40000000}, 4);
	parse_fails(&s, "name offset");
	/* An enumerator's name. */
	spec_init(&s);
	rec(&s, "e", 6, 1, false, 4);
	put_u(&s.types, 0x1000, 4);
	put_u(&s.types, 0, 4);
	parse_fails(&s, "name offset");
	/* Strings not NUL-terminated. */
	sane(&s);
	s.strings.bytes[s.strings.len - 1] = 'x';
	parse_fails(&s, "not NUL-terminated");
	sane(&s);
	s.strings.bytes[0] = 'x';
	parse_fails(&s, "start empty");
}

static void test_loops(void **state)
{
	(void)state;
	struct spec s;
	spec_init(&s);
	rec(&s, "a_t", 8, 0, false, 2); /* 1: typedef -> 2 */
	rec(&s, "", 10, 0, false, 3);	/* 2: const -> 3 */
	rec(&s, "b_t", 8, 0, false, 1); /* 3: typedef -> 1 */
	rec(&s, "", 3, 0, false, 0);	/* 4: array of itself */
	put_u(&s.types, 4, 4);
	put_u(&s.types, 4, 4);
	put_u(&s.types, 2, 4);
	rec(&s, "", 3, 0, false, 0); /* 5: array of 2^31 x array 6 */
	put_u(&s.types, 6, 4);
	put_u(&s.types, 6, 4);
	put_u(&s.types, 0x80000000u, 4);
	rec(&s, "", 3, 0, false, 0); /* 6: array of 2^31 x struct 7 */
	put_u(&s.types, 7, 4);
	put_u(&s.types, 7, 4);
	put_u(&s.types, 0x80000000u, 4);
	rec(&s, "huge", 4, 0, false, 0x40000000); /* 7 */
	struct wh_btf *btf = parse_ok(&s);
	uint32_t id;
	uint64_t size;
	struct wh_error *err = wh_btf_skip_modifiers(btf, 1, &id);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_FORMAT);
	assert_non_null(strstr(err->message, "loop"));
	wh_error_destroy(err);
	err = wh_btf_sizeof(btf, 3, &size);
	assert_int_equal(err->code, WH_ERR_FORMAT);
	wh_error_destroy(err);
	err = wh_btf_sizeof(btf, 4, &size);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_FORMAT);
	wh_error_destroy(err);
	err = wh_btf_sizeof(btf, 5, &size);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "overflows"));
	wh_error_destroy(err);
	wh_btf_destroy(btf);
}

static void test_bad_records(void **state)
{
	(void)state;
	struct spec s;
	/* A member beyond its struct's size (list_head.prev at bit 64*8). */
	sane(&s);
	memcpy(s.types.bytes + 16 + 12 * 2 + 8, &(uint32_t){1024}, 4);
	parse_fails(&s, "beyond its 16 bytes");
	/* A bitfield running past the end. */
	spec_init(&s);
	rec(&s, "int", 1, 0, false, 4);
	put_u(&s.types, 32, 4);
	rec(&s, "s", 4, 1, true, 4);
	member(&s, "f", 1, 8u << 24 | 28);
	parse_fails(&s, "beyond its 4 bytes");
	/* A reference past the last type. */
	spec_init(&s);
	rec(&s, "p", 2, 0, false, 7);
	parse_fails(&s, "refers to type 7");
	/* An unknown kind; entries running past the section. */
	spec_init(&s);
	rec(&s, "x", 25, 0, false, 0);
	parse_fails(&s, "unknown kind 25");
	spec_init(&s);
	rec(&s, "s", 4, 1000, false, 4);
	parse_fails(&s, "run past the end");
	/* A record cut in the middle. */
	sane(&s);
	s.types.len -= 4;
	parse_fails(&s, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sane),
	    cmocka_unit_test(test_split),
	    cmocka_unit_test(test_truncated_header),
	    cmocka_unit_test(test_strings_out_of_range),
	    cmocka_unit_test(test_loops),
	    cmocka_unit_test(test_bad_records),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
