/* The wait graph on hand-made waits: cycles, whether a cycle rests on an
 * inferred holder, and root causes ranked by the tasks behind them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "explain.h"
#include "graph.h"
#include "report.h"

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

/* Graphs from a spec: tasks pid 1..n_tasks at 0x1000 * pid; WAITS[t] is
 * the object task t waits on (-1: none); OWNERS[o] lists owner task
 * numbers (0-based), -1 terminated; HOW applies to every owner. */
enum { MAX_T = 8, MAX_O = 8 };
struct spec {
	struct wh_task tasks[MAX_T];
	struct wh_wait_object objs[MAX_O];
	struct wh_task_wait waits[MAX_T];
	struct wh_task_list list;
	struct wh_waits w;
};

static void from_spec(struct spec *s, size_t n_tasks, const int *waits, size_t n_objs,
		      const int owners[][MAX_T], enum wh_owner_how how)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < n_tasks; i++)
		s->tasks[i] = (struct wh_task){
		    .pid = (int32_t)i + 1, .address = 0x1000 * (i + 1), .state = 'D'};
	s->list = (struct wh_task_list){.tasks = s->tasks, .count = n_tasks};
	assert_null(wh_task_list_index(&s->list));
	for (size_t o = 0; o < n_objs; o++)
		for (size_t j = 0; owners[o][j] >= 0; j++)
			s->objs[o].owners[s->objs[o].n_owners++] =
			    (struct wh_owner){.task = s->tasks[owners[o][j]].address, .how = how};
	size_t nw = 0;
	for (size_t t = 0; t < n_tasks; t++)
		if (waits[t] >= 0)
			s->waits[nw++] = (struct wh_task_wait){.task = s->tasks[t].address,
							       .object = (size_t)waits[t]};
	s->w = (struct wh_waits){
	    .objects = s->objs, .n_objects = n_objs, .waits = s->waits, .n_waits = nw};
}

static void spec_deinit(struct spec *s)
{
	wh_addr_map_deinit(&s->list.by_address);
}

/* Every step of the cycle is an edge of the spec: tasks[i] waits on
 * objects[i], which tasks[i + 1] holds. */
static void assert_real_cycle(const struct spec *s, const struct wh_cycle *cy)
{
	assert_true(cy->n >= 1);
	for (size_t i = 0; i < cy->n; i++) {
		bool waits = false, held = false;
		for (size_t k = 0; k < s->w.n_waits; k++)
			waits |= s->waits[k].task == s->tasks[cy->tasks[i]].address &&
				 s->waits[k].object == cy->objects[i];
		const struct wh_wait_object *o = &s->objs[cy->objects[i]];
		for (size_t k = 0; k < o->n_owners; k++)
			held |= o->owners[k].task == s->tasks[cy->tasks[(i + 1) % cy->n]].address;
		if (!waits || !held)
			fail_msg("cycle step %zu: pid %d -> object %zu -> pid %d is not an edge", i,
				 s->tasks[cy->tasks[i]].pid, cy->objects[i],
				 s->tasks[cy->tasks[(i + 1) % cy->n]].pid);
	}
}

static void assert_cycle_is(const struct wh_cycle *cy, const size_t *tasks, const size_t *objects,
			    size_t n)
{
	assert_int_equal(cy->n, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(cy->tasks[i], tasks[i]);
		assert_int_equal(cy->objects[i], objects[i]);
	}
}

/* Issue 16's example: A->X{B,C}, B->Y{C}, C->Z{A,B}. Following the last
 * edge in the component gave [1,3,2], stating 2->1, which does not exist. */
static void test_cycle_steps_are_edges(void **state)
{
	static const int waits[] = {0, 1, 2};
	static const int owners[][MAX_T] = {{1, 2, -1}, {2, -1}, {0, 1, -1}};
	struct spec s;
	from_spec(&s, 3, waits, 3, owners, WH_OWNER_FIELD);
	struct wh_graph g;
	assert_null(wh_graph_build(&s.list, &s.w, &g));
	assert_int_equal(g.n_cycles, 1);
	assert_real_cycle(&s, &g.cycles[0]);
	/* Shortest through pid 1: 1 -X-> 3 -Z-> 1. */
	assert_cycle_is(&g.cycles[0], (size_t[]){0, 2}, (size_t[]){0, 2}, 2);
	/* Pid 2 is off that cycle but in the same deadlock. */
	assert_int_equal(g.cycles[0].n_members, 3);
	for (size_t t = 0; t < 3; t++)
		assert_int_equal(g.task_cycle[t], 0);
	assert_int_equal(g.n_roots, 1);
	assert_int_equal(g.roots[0].kind, WH_ROOT_CYCLE);
	assert_int_equal(g.roots[0].blocked, 3);
	wh_graph_deinit(&g);
	spec_deinit(&s);
}

/* The explanation of that example states only real edges and names the
 * task of the deadlock that is off the cycle shown. */
static void test_explanation_of_a_component_with_two_cycles(void **state)
{
	static const int waits[] = {0, 1, 2};
	static const int owners[][MAX_T] = {{1, 2, -1}, {2, -1}, {0, 1, -1}};
	struct spec s;
	from_spec(&s, 3, waits, 3, owners, WH_OWNER_FIELD);
	for (size_t i = 0; i < 3; i++) {
		snprintf(s.tasks[i].comm, sizeof(s.tasks[i].comm), "%c", (int)('A' + i));
		s.objs[i].kind = WH_WAIT_KIND_MUTEX;
		snprintf(s.objs[i].name, sizeof(s.objs[i].name), "%c", (int)('X' + i));
	}
	struct wh_report r;
	memset(&r, 0, sizeof(r));
	r.summary.tasks = s.list;
	r.waits = s.w;
	assert_null(wh_graph_build(&r.summary.tasks, &r.waits, &r.graph));
	char *text;
	assert_null(wh_explain(&r, &text));
	const char *want = "Deadlock: A[1] waits for mutex X, held by C[3], which waits for "
			   "mutex Z, held by A[1]; 1 more task is in this deadlock through "
			   "other cycles of its locks: B[2]. 3 tasks are stuck in or behind "
			   "this cycle.\n";
	if (!strstr(text, want))
		fail_msg("explanation:\n%s\nlacks:\n%s", text, want);
	free(text);
	wh_graph_deinit(&r.graph);
	spec_deinit(&s);
}

/* A three-task cycle whose wait order is not pid order: 1 -> 3 -> 2 -> 1. */
static void test_cycle_in_wait_order(void **state)
{
	static const int waits[] = {0, 2, 1, 0};
	static const int owners[][MAX_T] = {{2, -1}, {1, -1}, {0, -1}};
	struct spec s;
	from_spec(&s, 4, waits, 3, owners, WH_OWNER_FIELD);
	struct wh_graph g;
	assert_null(wh_graph_build(&s.list, &s.w, &g));
	assert_int_equal(g.n_cycles, 1);
	assert_real_cycle(&s, &g.cycles[0]);
	assert_cycle_is(&g.cycles[0], (size_t[]){0, 2, 1}, (size_t[]){0, 1, 2}, 3);
	assert_int_equal(g.cycles[0].n_members, 3);
	/* Pid 4 waits behind the cycle: blocked, not a member. */
	assert_int_equal(g.task_cycle[3], -1);
	assert_int_equal(g.roots[0].blocked, 4);
	wh_graph_deinit(&g);
	spec_deinit(&s);
}

/* An rwsem held for read by two readers (inferred): pid 1 waits on it for
 * write; reader pid 2 waits on a mutex pid 1 holds, reader pid 3 sleeps. */
static void test_rwsem_readers_one_in_the_cycle(void **state)
{
	static const int waits[] = {0, 1, -1};
	static const int owners[][MAX_T] = {{1, 2, -1}, {0, -1}};
	struct spec s;
	from_spec(&s, 3, waits, 2, owners, WH_OWNER_FIELD);
	s.objs[0].owners[0].how = s.objs[0].owners[1].how = WH_OWNER_INFERRED;
	struct wh_graph g;
	assert_null(wh_graph_build(&s.list, &s.w, &g));
	assert_int_equal(g.n_cycles, 1);
	assert_real_cycle(&s, &g.cycles[0]);
	assert_cycle_is(&g.cycles[0], (size_t[]){0, 1}, (size_t[]){0, 1}, 2);
	assert_true(g.cycles[0].inferred);
	assert_int_equal(g.cycles[0].n_members, 2);
	assert_int_equal(g.task_cycle[2], -1);
	/* The sleeping reader is a root too: both cycle tasks wait behind it. */
	assert_int_equal(g.n_roots, 2);
	assert_int_equal(g.roots[0].kind, WH_ROOT_CYCLE);
	assert_int_equal(g.roots[0].blocked, 2);
	assert_int_equal(g.roots[1].kind, WH_ROOT_TASK);
	assert_int_equal(g.roots[1].index, 2);
	assert_int_equal(g.roots[1].via_object, 0);
	assert_int_equal(g.roots[1].blocked, 2);
	wh_graph_deinit(&g);
	spec_deinit(&s);
}

/* One object, three holders, two of which wait back on the first task:
 * two elementary cycles share pid 1; the lower pid's is shown, pid 3 is a
 * member. Then a writer (pid 4) waits behind it all. */
static void test_several_holders_two_cycles(void **state)
{
	static const int waits[] = {0, 1, 2, 0, -1};
	static const int owners[][MAX_T] = {{2, 1, 4, -1}, {0, -1}, {0, -1}};
	struct spec s;
	from_spec(&s, 5, waits, 3, owners, WH_OWNER_FIELD);
	struct wh_graph g;
	assert_null(wh_graph_build(&s.list, &s.w, &g));
	assert_int_equal(g.n_cycles, 1);
	assert_real_cycle(&s, &g.cycles[0]);
	assert_cycle_is(&g.cycles[0], (size_t[]){0, 1}, (size_t[]){0, 1}, 2);
	assert_false(g.cycles[0].inferred);
	assert_int_equal(g.cycles[0].n_members, 3);
	assert_int_equal(g.cycles[0].members[2], 2);
	assert_int_equal(g.task_cycle[2], 0);
	assert_int_equal(g.task_cycle[3], -1);
	assert_int_equal(g.task_cycle[4], -1);
	/* Cycle: pids 1-4 are stuck in or behind it; holder pid 5 (sleeping)
	 * has the same four behind it. Equal counts: the deadlock first. */
	assert_int_equal(g.n_roots, 2);
	assert_int_equal(g.roots[0].kind, WH_ROOT_CYCLE);
	assert_int_equal(g.roots[0].blocked, 4);
	assert_int_equal(g.roots[1].kind, WH_ROOT_TASK);
	assert_int_equal(g.roots[1].index, 4);
	assert_int_equal(g.roots[1].blocked, 4);
	wh_graph_deinit(&g);
	spec_deinit(&s);
}

/* A task waiting on a mutex it holds itself is a cycle of one. */
static void test_self_deadlock(void **state)
{
	static const int waits[] = {0};
	static const int owners[][MAX_T] = {{0, -1}};
	struct spec s;
	from_spec(&s, 1, waits, 1, owners, WH_OWNER_FIELD);
	struct wh_graph g;
	assert_null(wh_graph_build(&s.list, &s.w, &g));
	assert_int_equal(g.n_cycles, 1);
	assert_real_cycle(&s, &g.cycles[0]);
	assert_cycle_is(&g.cycles[0], (size_t[]){0}, (size_t[]){0}, 1);
	wh_graph_deinit(&g);
	spec_deinit(&s);
}

/* Two separate deadlocks come in the order of their lowest pids, each
 * with its own members, whatever order the objects were found in. */
static void test_two_deadlocks_in_pid_order(void **state)
{
	static const int waits[] = {2, 3, 0, 1};
	static const int owners[][MAX_T] = {{3, -1}, {2, -1}, {1, -1}, {0, -1}};
	struct spec s;
	from_spec(&s, 4, waits, 4, owners, WH_OWNER_FIELD);
	struct wh_graph g;
	assert_null(wh_graph_build(&s.list, &s.w, &g));
	assert_int_equal(g.n_cycles, 2);
	assert_real_cycle(&s, &g.cycles[0]);
	assert_real_cycle(&s, &g.cycles[1]);
	assert_cycle_is(&g.cycles[0], (size_t[]){0, 1}, (size_t[]){2, 3}, 2);
	assert_cycle_is(&g.cycles[1], (size_t[]){2, 3}, (size_t[]){0, 1}, 2);
	assert_int_equal(g.task_cycle[1], 0);
	assert_int_equal(g.task_cycle[3], 1);
	wh_graph_deinit(&g);
	spec_deinit(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cycle_and_roots),
	    cmocka_unit_test(test_cycle_through_inferred_holder_is_marked),
	    cmocka_unit_test(test_holder_not_waiting_is_a_root),
	    cmocka_unit_test(test_cycle_steps_are_edges),
	    cmocka_unit_test(test_explanation_of_a_component_with_two_cycles),
	    cmocka_unit_test(test_cycle_in_wait_order),
	    cmocka_unit_test(test_rwsem_readers_one_in_the_cycle),
	    cmocka_unit_test(test_several_holders_two_cycles),
	    cmocka_unit_test(test_self_deadlock),
	    cmocka_unit_test(test_two_deadlocks_in_pid_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
