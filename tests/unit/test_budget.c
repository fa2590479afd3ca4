/* The analysis' budget: limits from WHYHUNG_LIMITS, and what is said once
 * one is spent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "budget.h"

static void test_parse(void **state)
{
	struct wh_budget b;
	unsetenv("WHYHUNG_LIMITS");
	wh_budget_init(&b);
	assert_int_equal(b.max_pages, 4000000);
	assert_int_equal(b.max_steps, 20000000);
	assert_null(wh_budget_parse(&b, "pages=10,seconds=2.5"));
	assert_int_equal(b.max_pages, 10);
	assert_int_equal(b.max_steps, 20000000);
	assert_true(b.max_seconds == 2.5);
	const char *bad[] = {"pages", "pages=", "pages=0", "pages=-1", "pages=1x", "bytes=5",
			     "pages=1,,steps=2"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct wh_error *err = wh_budget_parse(&b, bad[i]);
		assert_non_null(err);
		assert_int_equal(err->code, WH_ERR_USAGE);
		wh_error_destroy(err);
	}
	/* From the environment; a malformed value leaves the defaults. */
	setenv("WHYHUNG_LIMITS", "steps=7", 1);
	wh_budget_init(&b);
	assert_int_equal(b.max_steps, 7);
	setenv("WHYHUNG_LIMITS", "steps=oops", 1);
	wh_budget_init(&b);
	assert_int_equal(b.max_steps, 20000000);
	unsetenv("WHYHUNG_LIMITS");
}

static void test_spent(void **state)
{
	struct wh_budget b;
	unsetenv("WHYHUNG_LIMITS");
	wh_budget_init(&b);
	b.max_pages = 3;
	for (int i = 0; i < 3; i++)
		assert_null(wh_budget_page(&b));
	assert_null(b.exhausted);
	struct wh_error *err = wh_budget_page(&b);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_BUDGET);
	assert_string_equal(b.exhausted, "pages read");
	wh_error_destroy(err);
	/* Once spent, list steps fail too, and the first reason stays. */
	err = wh_budget_steps(&b, 1);
	assert_non_null(err);
	assert_string_equal(b.exhausted, "pages read");
	wh_error_destroy(err);

	wh_budget_init(&b);
	b.max_steps = 2000;
	assert_null(wh_budget_steps(&b, 2000));
	err = wh_budget_steps(&b, 1);
	assert_non_null(err);
	assert_string_equal(b.exhausted, "list steps");
	wh_error_destroy(err);

	wh_budget_init(&b);
	b.start -= 1000; /* 1000 s ago */
	err = wh_budget_page(&b);
	assert_non_null(err);
	assert_string_equal(b.exhausted, "time");
	wh_error_destroy(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_spent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
