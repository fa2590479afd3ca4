/* makedumpfile --split sets: members checked from their headers, built here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "split_check.h"
#include "temp_file.h"
#include "tests/support/flat_stream.h"

enum { MAX_MAPNR = 0x3000 };

/* A member holding [START, END); STAMP tells dumps apart (crash time). */
static int member(uint64_t start, uint64_t end, bool split, uint32_t stamp)
{
	unsigned char h[8192];
	kdump_header(h, MAX_MAPNR);
	memcpy(h + 408, &stamp, sizeof(stamp));
	uint32_t one = split;
	memcpy(h + 4096 + 12, &one, 4);
	memcpy(h + 4096 + 80, &start, 8);
	memcpy(h + 4096 + 88, &end, 8);
	int fd;
	assert_null(wh_temp_file_create(&fd));
	assert_int_equal(pwrite(fd, h, sizeof(h), 0), (ssize_t)sizeof(h));
	return fd;
}

struct set {
	struct wh_split_member m[4];
	size_t n;
};

static void add(struct set *s, const char *name, uint64_t start, uint64_t end, bool split,
		uint32_t stamp)
{
	s->m[s->n++] =
	    (struct wh_split_member){.fd = member(start, end, split, stamp), .name = name};
}

static struct wh_error *check(struct set *s, bool *split)
{
	int fds[4];
	for (size_t i = 0; i < s->n; i++)
		fds[i] = s->m[i].fd;
	struct wh_error *err = wh_split_check(s->m, s->n, split);
	for (size_t i = 0; i < s->n; i++)
		close(fds[i]);
	return err;
}

static void expect(struct set *s, enum wh_error_code code, const char *words)
{
	bool split;
	struct wh_error *err = check(s, &split);
	assert_non_null(err);
	assert_int_equal(err->code, code);
	if (!strstr(err->message, words))
		fail_msg("\"%s\" not in \"%s\"", words, err->message);
	wh_error_destroy(err);
}

/* Given in any order, the set is put in pfn order. */
static void test_complete_set_any_order(void **state)
{
	struct set s = {0};
	add(&s, "c", 0x2000, MAX_MAPNR, true, 1);
	add(&s, "a", 0, 0x1000, true, 1);
	add(&s, "b", 0x1000, 0x2000, true, 1);
	bool split;
	assert_null(check(&s, &split));
	assert_true(split);
	assert_string_equal(s.m[0].name, "a");
	assert_string_equal(s.m[1].name, "b");
	assert_string_equal(s.m[2].name, "c");
	assert_int_equal(s.m[2].end_pfn, MAX_MAPNR);
}

static void test_member_missing(void **state)
{
	struct set s = {0};
	add(&s, "a", 0, 0x1000, true, 1);
	add(&s, "c", 0x2000, MAX_MAPNR, true, 1);
	expect(&s, WH_ERR_TRUNCATED, "pfns 0x1000-0x2000 are in none of the 2 files");
	struct set last = {0};
	add(&last, "a", 0, 0x1000, true, 1);
	expect(&last, WH_ERR_TRUNCATED, "pfns 0x1000-0x3000");
}

static void test_member_twice(void **state)
{
	struct set s = {0};
	add(&s, "a", 0, 0x1000, true, 1);
	add(&s, "a2", 0, 0x1000, true, 1);
	add(&s, "b", 0x1000, MAX_MAPNR, true, 1);
	expect(&s, WH_ERR_USAGE, "given twice");
}

static void test_member_of_another_dump(void **state)
{
	struct set s = {0};
	add(&s, "a", 0, 0x1000, true, 1);
	add(&s, "b", 0x1000, MAX_MAPNR, true, 2);
	expect(&s, WH_ERR_USAGE, "not parts of the same dump");
}

static void test_plain_dump_with_others(void **state)
{
	struct set s = {0};
	add(&s, "a", 0, 0x1000, true, 1);
	add(&s, "whole", 0, 0, false, 1);
	expect(&s, WH_ERR_USAGE, "whole is not part of a split dump");
}

static void test_lone_plain_dump(void **state)
{
	struct set s = {0};
	add(&s, "whole", 0, 0, false, 1);
	bool split = true;
	assert_null(check(&s, &split));
	assert_false(split);
}

static void test_impossible_range(void **state)
{
	struct set s = {0};
	add(&s, "a", 0x2000, 0x1000, true, 1);
	expect(&s, WH_ERR_NOT_DUMP, "impossible pfn range");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_complete_set_any_order),
	    cmocka_unit_test(test_member_missing),
	    cmocka_unit_test(test_member_twice),
	    cmocka_unit_test(test_member_of_another_dump),
	    cmocka_unit_test(test_plain_dump_with_others),
	    cmocka_unit_test(test_lone_plain_dump),
	    cmocka_unit_test(test_impossible_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
