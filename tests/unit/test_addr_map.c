/* The address hash table: every key found after growing, absent keys not
 * found, repeated keys visited once per value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "addr_map.h"

/* task_struct-like addresses: one slab, 0x2c40 apart. */
static uint64_t address(size_t i)
{
	return 0xffff888004000000ull + 0x2c40 * i;
}

static void test_many_keys_survive_growth(void **state)
{
	struct wh_addr_map m;
	wh_addr_map_init(&m);
	assert_int_equal(wh_addr_map_get(&m, address(0)), SIZE_MAX);
	enum { N = 50000 };
	for (size_t i = 0; i < N; i++)
		assert_null(wh_addr_map_add(&m, address(i), i));
	assert_int_equal(m.count, N);
	assert_true(m.capacity >= 2 * N);
	for (size_t i = 0; i < N; i++)
		assert_int_equal(wh_addr_map_get(&m, address(i)), i);
	assert_int_equal(wh_addr_map_get(&m, address(N)), SIZE_MAX);
	assert_int_equal(wh_addr_map_get(&m, address(0) + 8), SIZE_MAX);
	wh_addr_map_deinit(&m);
	assert_int_equal(m.count, 0);
}

static void test_repeated_key_visits_each_value(void **state)
{
	struct wh_addr_map m;
	wh_addr_map_init(&m);
	assert_null(wh_addr_map_reserve(&m, 100));
	for (size_t i = 0; i < 100; i++)
		assert_null(wh_addr_map_add(&m, address(i % 10), i));
	size_t cursor = 0, v, seen = 0, sum = 0;
	while ((v = wh_addr_map_next(&m, address(3), &cursor)) != SIZE_MAX) {
		assert_int_equal(v % 10, 3);
		seen++;
		sum += v;
	}
	assert_int_equal(seen, 10);
	assert_int_equal(sum, 3 * 10 + 10 * 45);
	cursor = 0;
	assert_int_equal(wh_addr_map_next(&m, address(10), &cursor), SIZE_MAX);
	wh_addr_map_deinit(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_many_keys_survive_growth),
	    cmocka_unit_test(test_repeated_key_visits_each_value),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
