/* The memory of walked wait lists: a node's head is found only for the
 * record layout it was walked with, and every node remembered is found. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "wait_lists.h"

static void test_heads_by_node_and_layout(void **state)
{
	struct wh_wait_lists *lists;
	assert_null(wh_wait_lists_create(&lists));
	uint64_t head;
	assert_false(wh_wait_lists_head(lists, 0xffffc90000123e10ull, 8, &head));
	/* 5,000 waiter records (list node 0x40 into a 0x80 stack slot each)
	 * on one lock; and the same nodes as read by a layout whose task
	 * field lies elsewhere: a different list as far as it knows. */
	for (uint64_t i = 0; i < 5000; i++) {
		uint64_t node = 0xffffc90000000040ull + 0x4000 * i;
		assert_null(wh_wait_lists_remember(lists, node, 8, 0xffff888004a0c010ull));
		assert_null(wh_wait_lists_remember(lists, node, 0x18, 0xffff888004a0c900ull));
	}
	for (uint64_t i = 0; i < 5000; i++) {
		uint64_t node = 0xffffc90000000040ull + 0x4000 * i;
		assert_true(wh_wait_lists_head(lists, node, 8, &head));
		assert_int_equal(head, 0xffff888004a0c010ull);
		assert_true(wh_wait_lists_head(lists, node, 0x18, &head));
		assert_int_equal(head, 0xffff888004a0c900ull);
		assert_false(wh_wait_lists_head(lists, node, 0x10, &head));
	}
	assert_false(wh_wait_lists_head(lists, 0xffffc90000000048ull, 8, &head));
	wh_wait_lists_destroy(lists);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_heads_by_node_and_layout),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
