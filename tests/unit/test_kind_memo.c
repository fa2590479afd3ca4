/* The kinds' memo: values found by kind and key, kinds kept apart. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "kind_memo.h"

static const char kind_a, kind_b;

static void test_values_by_kind_and_key(void **state)
{
	struct wh_kind_memo *memo;
	assert_null(wh_kind_memo_create(&memo));
	assert_null(wh_kind_memo_get(memo, &kind_a, 0xffff888003c4e000ull));
	for (uint64_t i = 0; i < 1000; i++) {
		uint64_t *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
		assert_non_null(a);
		assert_non_null(b);
		*a = i;
		*b = i + 5000;
		assert_null(
		    wh_kind_memo_put(memo, &kind_a, 0xffff888003c4e000ull + 64 * i, a, NULL));
		assert_null(
		    wh_kind_memo_put(memo, &kind_b, 0xffff888003c4e000ull + 64 * i, b, NULL));
	}
	for (uint64_t i = 0; i < 1000; i++) {
		uint64_t *a = wh_kind_memo_get(memo, &kind_a, 0xffff888003c4e000ull + 64 * i);
		uint64_t *b = wh_kind_memo_get(memo, &kind_b, 0xffff888003c4e000ull + 64 * i);
		assert_non_null(a);
		assert_non_null(b);
		assert_int_equal(*a, i);
		assert_int_equal(*b, i + 5000);
	}
	assert_null(wh_kind_memo_get(memo, &kind_a, 0xffff888003c4e008ull));
	wh_kind_memo_destroy(memo); /* frees the values: ASan checks */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_values_by_kind_and_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
