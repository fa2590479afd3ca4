/* The wait graph on hand-made waits: cycles, whether a cycle rests on an
 * inferred holder, and root causes ranked by the tasks behind them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "graph.h"

enum { N = 4 };

/* Tasks 1..4; A waits on o0 held by B, B waits on o1 held by A (HOW),
 * C waits on o0; D waits on o2 which nobody holds. */
static void build(struct wh_task *tasks, struct wh_task_list *list, struct wh_wait_object *objs,
		  struct wh_task_wait *waits, struct wh_waits *w, enum wh_owner_how how)
{
	memset(tasks, 0, N * sizeof(*tasks));
	for (int i = 0; i < N; i++) {
		tasks[i].pid = i + 1;
		tasks[i].address = 0x1000 * (i + 1);
		tasks[i].state = 'D';
	}
	*list = (struct wh_task_list){.tasks = tasks, .count = N};
	memset(objs, 0, 3 * sizeof(*objs));
	objs[0].owners[0] = (struct wh_owner){.task = tasks[1].address, .how = WH_OWNER_FIELD};
	objs[0].n_owners = 1;
	objs[1].owners[0] = (struct wh_owner){.task = tasks[0].address, .how = how};
	objs[1].n_owners = 1;
	waits[0] = (struct wh_task_wait){.task = tasks[0].address, .object = 0};
	waits[1] = (struct wh_task_wait){.task = tasks[1].address, .object = 1};
	waits[2] = (struct wh_task_wait){.task = tasks[2].address, .object = 0};
	waits[3] = (struct wh_task_wait){.task = tasks[3].address, .object = 2};
	*w = (struct wh_waits){.objects = objs, .n_objects = 3, .waits = waits, .n_waits = 4};
}

static void test_cycle_and_roots(void **state)
{
	struct wh_task tasks[N];
	struct wh_task_list list;
	struct wh_wait_object objs[3];
	struct wh_task_wait waits[4];
	struct wh_waits w;
	build(tasks, &list, objs, waits, &w, WH_OWNER_FIELD);
	struct wh_graph g;
	assert_null(wh_graph_build(&list, &w, &g));
	assert_int_equal(g.n_cycles, 1);
	assert_int_equal(g.cycles[0].n, 2);
	assert_false(g.cycles[0].inferred);
	assert_int_equal(g.task_cycle[0], 0);
	assert_int_equal(g.task_cycle[1], 0);
	assert_int_equal(g.task_cycle[2], -1);
	/* The cycle holds A, B and C behind it; o2 holds D. Most first. */
	assert_int_equal(g.n_roots, 2);
	assert_int_equal(g.roots[0].kind, WH_ROOT_CYCLE);
	assert_int_equal(g.roots[0].blocked, 3);
	assert_int_equal(g.roots[1].kind, WH_ROOT_OBJECT);
	assert_int_equal(g.roots[1].index, 2);
	assert_int_equal(g.roots[1].blocked, 1);
	wh_graph_deinit(&g);
}

static void test_cycle_through_inferred_holder_is_marked(void **state)
{
	struct wh_task tasks[N];
	struct wh_task_list list;
	struct wh_wait_object objs[3];
	struct wh_task_wait waits[4];
	struct wh_waits w;
	build(tasks, &list, objs, waits, &w, WH_OWNER_INFERRED);
	struct wh_graph g;
	assert_null(wh_graph_build(&list, &w, &g));
	assert_int_equal(g.n_cycles, 1);
	assert_true(g.cycles[0].inferred);
	wh_graph_deinit(&g);
}

static void test_holder_not_waiting_is_a_root(void **state)
{
	struct wh_task tasks[N];
	struct wh_task_list list;
	struct wh_wait_object objs[3];
	struct wh_task_wait waits[4];
	struct wh_waits w;
	build(tasks, &list, objs, waits, &w, WH_OWNER_FIELD);
	w.n_waits = 1; /* only A waits (on o0, held by B, who waits on nothing) */
	struct wh_graph g;
	assert_null(wh_graph_build(&list, &w, &g));
	assert_int_equal(g.n_cycles, 0);
	assert_int_equal(g.n_roots, 1);
	assert_int_equal(g.roots[0].kind, WH_ROOT_TASK);
	assert_int_equal(g.roots[0].index, 1);
	assert_int_equal(g.roots[0].via_object, 0);
	assert_int_equal(g.roots[0].blocked, 1);
	wh_graph_deinit(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cycle_and_roots),
		cmocka_unit_test(test_cycle_through_inferred_holder_is_marked),
		cmocka_unit_test(test_holder_not_waiting_is_a_root),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
