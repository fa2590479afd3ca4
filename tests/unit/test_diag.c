/* The diagnostics sink: every problem kept in order with its code, address
 * and where; an error consumed; a problem that cannot be kept for lack of
 * memory counted, never dropped silently. Allocation failures are made by
 * wrapping realloc and strdup (-Wl,--wrap, see tests/CMakeLists.txt). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "error.h"

/* When N > 0, the Nth realloc() or strdup() from now fails. */
static int fail_alloc_in;

static bool alloc_fails(void)
{
	return fail_alloc_in > 0 && --fail_alloc_in == 0;
}

void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);

void *__wrap_realloc(void *p, size_t size)
{
	if (alloc_fails())
		return NULL;
	return __real_realloc(p, size);
}

char *__wrap_strdup(const char *s)
{
	if (alloc_fails())
		return NULL;
	return __real_strdup(s);
}

static void test_every_problem_kept_in_order(void **state)
{
	struct wh_diags d = {0};
	enum { N = 100 };
	for (int i = 0; i < N; i++)
		wh_diags_add(&d, "tasks", WH_ERR_CORRUPT, "problem %d", i);
	wh_diags_add_at(&d, "mutex", WH_ERR_FAULT, 0xffff888001234000ull, "wait list: %s",
			"unreadable");
	assert_int_equal(d.count, N + 1);
	assert_int_equal(wh_diags_total(&d), N + 1);
	assert_string_equal(wh_diags_first(&d), "problem 0");
	assert_string_equal(d.items[N - 1].message, "problem 99");
	assert_false(d.items[0].has_address);
	const struct wh_diag *last = &d.items[N];
	assert_true(last->has_address);
	assert_int_equal(last->address, 0xffff888001234000ull);
	assert_int_equal(last->code, WH_ERR_FAULT);
	assert_string_equal(last->where, "mutex");
	assert_string_equal(last->message, "wait list: unreadable");
	assert_true(wh_diags_has_message(&d, "problem 42"));
	assert_false(wh_diags_has_message(&d, "problem 100"));
	wh_diags_deinit(&d);
	assert_int_equal(wh_diags_total(&d), 0);
	assert_null(wh_diags_first(&d));
}

/* The error's code, address and message are kept; the error is destroyed
 * (ASan's leak check fails otherwise). */
static void test_error_consumed(void **state)
{
	struct wh_diags d = {0};
	struct wh_error *err = wh_error_at(WH_ERR_EXCLUDED, 0x1000, "page excluded");
	wh_diags_add_error(&d, "printk", wh_error_wrap(err, "log record"));
	wh_diags_add_error(&d, "printk", NULL); /* no problem: nothing kept */
	wh_diags_add_error(&d, "printk", &wh_error_nomem);
	assert_int_equal(d.count, 2);
	assert_int_equal(d.items[0].code, WH_ERR_EXCLUDED);
	assert_true(d.items[0].has_address);
	assert_int_equal(d.items[0].address, 0x1000);
	assert_string_equal(d.items[0].message, "log record: page excluded");
	assert_string_equal(d.items[0].where, "printk");
	assert_int_equal(d.items[1].code, WH_ERR_NOMEM);
	wh_diags_deinit(&d);
}

static void test_out_of_memory_counted(void **state)
{
	struct wh_diags d = {0};
	fail_alloc_in = 1; /* the copy of WHERE */
	wh_diags_add(&d, "tasks", WH_ERR_CORRUPT, "first");
	assert_int_equal(d.count, 0);
	assert_int_equal(d.lost, 1);
	for (int i = 0; i < 8; i++)
		wh_diags_add(&d, "tasks", WH_ERR_CORRUPT, "kept %d", i);
	assert_int_equal(d.count, d.cap); /* full: the next one grows the array */
	fail_alloc_in = 2; /* WHERE copied, the array's growth fails */
	wh_diags_add(&d, "tasks", WH_ERR_CORRUPT, "not kept");
	assert_int_equal(d.count, 8);
	assert_int_equal(d.lost, 2);
	fail_alloc_in = 1; /* the copy of ERR's message */
	wh_diags_add_error(&d, "tasks", wh_error_create(WH_ERR_CORRUPT, "not kept either"));
	assert_int_equal(d.lost, 3);
	wh_diags_add(&d, "tasks", WH_ERR_CORRUPT, "kept again");
	assert_int_equal(d.count, 9);
	assert_int_equal(wh_diags_total(&d), 12);
	assert_string_equal(wh_diags_first(&d), "kept 0");
	assert_string_equal(d.items[8].message, "kept again");
	assert_false(wh_diags_has_message(&d, "not kept"));
	/* A copy keeps the losses too. */
	struct wh_diags all = {0};
	wh_diags_add_all(&all, &d);
	assert_int_equal(all.count, 9);
	assert_int_equal(all.lost, 3);
	wh_diags_deinit(&all);
	wh_diags_deinit(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_problem_kept_in_order),
	    cmocka_unit_test(test_error_consumed),
	    cmocka_unit_test(test_out_of_memory_counted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
