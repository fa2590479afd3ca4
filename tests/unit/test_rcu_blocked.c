/* An rcu_node's blocked-tasks list over synthetic memory: the readers in
 * order, which of them hold up the grace period (from ->gp_tasks on), and
 * damaged lists (a node looping to itself, a node in an excluded page):
 * the walk ends, says why, and keeps the readers before the damage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "rcu_stall.h"

enum { PAGE = 4096, ENTRY = 0x100 };
static const uint64_t BASE = 0xffff888000200000ull;
static unsigned char mem[2 * PAGE];

/* The list_head at OFFSET of the page: next, prev. */
static void set_node(uint64_t offset, uint64_t next, uint64_t prev)
{
	memcpy(mem + offset, &next, 8);
	memcpy(mem + offset + 8, &prev, 8);
}

static void walk(const struct wh_rcu_blocked_list *list, struct wh_rcu_view *v)
{
	const struct wh_dump_segment segs[] = {
	    {.address = BASE, .size = PAGE, .data = mem},
	    {.address = BASE + PAGE, .size = PAGE, .data = mem + PAGE, .excluded = true},
	};
	struct wh_kernel k;
	memset(&k, 0, sizeof(k));
	assert_null(wh_dump_create_synthetic(segs, 2, "6.12.0-test", &k.dump));
	struct wh_task_list tasks;
	memset(&tasks, 0, sizeof(tasks));
	memset(v, 0, sizeof(*v));
	assert_null(wh_rcu_walk_blocked(&k, &tasks, list, v));
	wh_dump_destroy(k.dump);
}

/* head at 0, three tasks at 0x200, 0x600, 0xa00 linked at +ENTRY. */
static const uint64_t HEAD = 0, T[3] = {0x200, 0x600, 0xa00};

static struct wh_rcu_blocked_list three_readers(void)
{
	memset(mem, 0, sizeof(mem));
	set_node(HEAD, BASE + T[0] + ENTRY, BASE + T[2] + ENTRY);
	set_node(T[0] + ENTRY, BASE + T[1] + ENTRY, BASE + HEAD);
	set_node(T[1] + ENTRY, BASE + T[2] + ENTRY, BASE + T[0] + ENTRY);
	set_node(T[2] + ENTRY, BASE + HEAD, BASE + T[1] + ENTRY);
	return (struct wh_rcu_blocked_list){.head = BASE + HEAD,
					    .gp_tasks = BASE + T[1] + ENTRY,
					    .exp_tasks = 0,
					    .entry_offset = ENTRY,
					    .grplo = 0,
					    .grphi = 1};
}

static void test_readers_and_gp_tasks(void **state)
{
	struct wh_rcu_blocked_list list = three_readers();
	struct wh_rcu_view v;
	walk(&list, &v);
	assert_int_equal(v.n_readers, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(v.readers[i].task, BASE + T[i]);
		assert_int_equal(v.readers[i].pid, -1); /* not in the (empty) task list */
		assert_false(v.readers[i].blocks_exp);
		assert_int_equal(v.readers[i].grphi, 1);
	}
	/* ->gp_tasks is the second: it and those after it block the grace period. */
	assert_false(v.readers[0].blocks_gp);
	assert_true(v.readers[1].blocks_gp);
	assert_true(v.readers[2].blocks_gp);
	assert_string_equal(v.incomplete, "");
}

static void test_looping_list(void **state)
{
	struct wh_rcu_blocked_list list = three_readers();
	set_node(T[1] + ENTRY, BASE + T[1] + ENTRY, BASE + T[0] + ENTRY); /* next = itself */
	struct wh_rcu_view v;
	walk(&list, &v);
	assert_true(v.n_readers >= 2 && v.n_readers < WH_RCU_MAX_LISTED);
	assert_int_equal(v.readers[0].task, BASE + T[0]);
	assert_int_equal(v.readers[1].task, BASE + T[1]);
	assert_non_null(strstr(v.incomplete, "blocked-tasks list of rcu_node (CPUs 0-1)"));
}

static void test_node_in_excluded_page(void **state)
{
	struct wh_rcu_blocked_list list = three_readers();
	set_node(T[0] + ENTRY, BASE + PAGE + 0x40, BASE + HEAD);
	struct wh_rcu_view v;
	walk(&list, &v);
	assert_int_equal(v.n_readers, 1);
	assert_int_equal(v.readers[0].task, BASE + T[0]);
	assert_true(v.incomplete[0] != '\0');
}

static void test_wild_pointers_end(void **state)
{
	/* Every word points back into the page: whatever the layout, the
	 * walk is bounded and ends. */
	for (size_t i = 0; i < PAGE; i += 8) {
		uint64_t p = BASE + ((i * 2654435761u) % PAGE & ~7ull);
		memcpy(mem + i, &p, 8);
	}
	struct wh_rcu_blocked_list list = {.head = BASE, .entry_offset = ENTRY};
	struct wh_rcu_view v;
	walk(&list, &v);
	assert_true(v.n_readers <= WH_RCU_MAX_LISTED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_readers_and_gp_tasks),
	    cmocka_unit_test(test_looping_list),
	    cmocka_unit_test(test_node_in_excluded_page),
	    cmocka_unit_test(test_wild_pointers_end),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
