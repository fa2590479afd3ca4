/* The dump's page cache: pages found again until the budget evicts the
 * least recently used, errors kept without a page buffer, many pages
 * (bucket growth) all found. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "page_cache.h"

enum { PAGE = 4096 };

static void fill(struct wh_page_cache *c, uint64_t page)
{
	struct wh_page_slot *s;
	assert_null(wh_page_cache_insert(c, page, &s));
	assert_int_equal(s->state, WH_SLOT_DATA);
	assert_non_null(s->data);
	memset(s->data, (int)(page & 0xff), PAGE);
}

static void assert_holds(struct wh_page_cache *c, uint64_t page)
{
	struct wh_page_slot *s = wh_page_cache_lookup(c, page);
	if (!s)
		fail_msg("page %llu evicted", (unsigned long long)page);
	assert_int_equal(s->data[PAGE - 1], page & 0xff);
}

static void test_budget_evicts_least_recently_used(void **state)
{
	/* Room for 100 pages and their entries, not 101. */
	size_t budget = 100 * (PAGE + sizeof(struct wh_page_slot));
	struct wh_page_cache *c;
	assert_null(wh_page_cache_create(PAGE, budget, &c));
	for (uint64_t p = 0; p < 100; p++)
		fill(c, p);
	assert_holds(c, 0); /* now the most recently used */
	fill(c, 100);	    /* evicts page 1, the oldest */
	assert_null(wh_page_cache_lookup(c, 1));
	assert_holds(c, 0);
	assert_holds(c, 2);
	assert_holds(c, 100);
	struct wh_page_cache_stats st;
	wh_page_cache_get_stats(c, &st);
	assert_int_equal(st.evictions, 1);
	assert_int_equal(st.pages_held, 100);
	assert_true(st.bytes_used <= budget);
	wh_page_cache_destroy(c);
}

static void test_errors_hold_no_page(void **state)
{
	struct wh_page_cache *c;
	assert_null(wh_page_cache_create(PAGE, 64 * (PAGE + sizeof(struct wh_page_slot)), &c));
	/* Thousands of unreadable pages (a corrupt list) fit in a budget of 64. */
	for (uint64_t p = 0; p < 5000; p++) {
		struct wh_page_slot *s;
		assert_null(wh_page_cache_insert(c, p, &s));
		s->state = WH_SLOT_ERROR;
		s->error_code = WH_ERR_EXCLUDED;
		wh_page_cache_drop_data(c, s);
	}
	struct wh_page_cache_stats st;
	wh_page_cache_get_stats(c, &st);
	assert_int_equal(st.pages_held, 0);
	assert_int_equal(st.evictions, 0);
	struct wh_page_slot *s = wh_page_cache_lookup(c, 4999);
	assert_non_null(s);
	assert_int_equal(s->state, WH_SLOT_ERROR);
	assert_null(s->data);
	assert_non_null(wh_page_cache_lookup(c, 0));
	wh_page_cache_destroy(c);
}

static void test_many_pages_all_found(void **state)
{
	struct wh_page_cache *c;
	assert_null(wh_page_cache_create(PAGE, WH_PAGE_CACHE_DEFAULT_BUDGET, &c));
	/* Kernel-like page numbers, far apart and clustered. */
	for (uint64_t i = 0; i < 20000; i++)
		fill(c, 0xffff888000000ull + i * 3);
	for (uint64_t i = 0; i < 20000; i++)
		assert_holds(c, 0xffff888000000ull + i * 3);
	assert_null(wh_page_cache_lookup(c, 0xffff888000001ull));
	wh_page_cache_destroy(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_budget_evicts_least_recently_used),
		cmocka_unit_test(test_errors_hold_no_page),
		cmocka_unit_test(test_many_pages_all_found),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
