/* The one scan of a backtrace for every wait kind (plugins/wait_kinds.c):
 * scheduler and per-kind skip frames passed over, the mode and variant of
 * the matched frame, the caller of schedule(), task-based kinds, frames
 * the stack scan only guessed; and the rwsem count schemes
 * (plugins/rwsem_count.c), 5.3+ and the older biased count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "rwsem_count.h"
#include "wait_kinds.h"

static struct wh_backtrace *stack_of(const char *const *functions, unsigned scanned_from)
{
	struct wh_backtrace *bt = calloc(1, sizeof(*bt));
	assert_non_null(bt);
	for (size_t i = 0; functions[i]; i++) {
		struct wh_frame *f = &bt->stack.frames[bt->stack.n++];
		f->have_symbol = true;
		f->sym.function = functions[i];
		if (i >= scanned_from)
			f->flags |= WH_FRAME_SCANNED;
	}
	return bt;
}

static const struct wh_wait_frame lock_frames[] = {
    {"lock_read_slowpath", WH_WAIT_READ, 0},
    {"lock_write_slowpath", WH_WAIT_WRITE, 0},
    {"old_lock_read_failed", WH_WAIT_READ, 1},
    {NULL},
};
static const struct wh_wait_frame done_frames[] = {{"wait_for_done", WH_WAIT_PLAIN, 0}, {NULL}};
static const char *const done_skip[] = {"schedule_timeout", "inner_helper", NULL};

static const struct wh_wait_kind_ops lock_kind = {.name = "lock", .frames = lock_frames};
static const struct wh_wait_kind_ops done_kind = {
    .name = "done", .frames = done_frames, .skip = done_skip};
static const struct wh_wait_kind_ops queue_kind = {.name = "queue", .in_schedule_caller = true};
static const struct wh_wait_kind_ops task_kind = {.name = "pi", .from_task = true};
static const struct wh_wait_kind_entry kinds[] = {
    {&lock_kind, "lock.c"}, {&done_kind, "done.c"}, {&queue_kind, "queue.c"}, {&task_kind, "pi.c"}};
enum { N = sizeof(kinds) / sizeof(*kinds) };

static void match(const char *const *functions, unsigned scanned_from, struct wh_wait_match *ret,
		  bool *ret_matched)
{
	struct wh_backtrace *bt = stack_of(functions, scanned_from);
	wh_wait_match_frames(bt, kinds, N, ret, ret_matched);
	free(bt);
}

static void test_lock_frame_after_the_scheduler(void **state)
{
	static const char *const s[] = {"__schedule",
					"schedule",
					"schedule_preempt_disabled",
					"lock_write_slowpath.constprop.0",
					"caller",
					NULL};
	struct wh_wait_match m[N];
	bool ok[N];
	match(s, 99, m, ok);
	assert_true(ok[0]);
	assert_int_equal(m[0].frame, 3);
	assert_int_equal(m[0].mode.how, WH_WAIT_WRITE);
	assert_int_equal(m[0].variant, 0);
	assert_false(ok[1]); /* its frame is not the first after the scheduler */
	assert_true(ok[2]);  /* the caller of schedule(), whatever it is */
	assert_int_equal(m[2].frame, 3);
	assert_true(ok[3]); /* asked about every task, without a frame */
	assert_int_equal(m[3].frame, -1);
}

static void test_variant_and_read_mode(void **state)
{
	static const char *const s[] = {"schedule", "old_lock_read_failed", NULL};
	struct wh_wait_match m[N];
	bool ok[N];
	match(s, 99, m, ok);
	assert_true(ok[0]);
	assert_int_equal(m[0].mode.how, WH_WAIT_READ);
	assert_int_equal(m[0].variant, 1);
}

static void test_kind_skip_frames(void **state)
{
	static const char *const s[] = {
	    "__schedule", "schedule", "schedule_timeout", "inner_helper", "wait_for_done",
	    "x",	  NULL};
	struct wh_wait_match m[N];
	bool ok[N];
	match(s, 99, m, ok);
	assert_true(ok[1]);
	assert_int_equal(m[1].frame, 4);
	assert_int_equal(m[1].mode.how, WH_WAIT_PLAIN);
	assert_false(ok[0]);
	/* inner_helper is only done's to skip: the schedule caller is it. */
	assert_int_equal(m[2].frame, 3);
}

static void test_scanned_frames_match_nothing(void **state)
{
	static const char *const s[] = {"__schedule", "lock_read_slowpath", NULL};
	struct wh_wait_match m[N];
	bool ok[N];
	match(s, 1, m, ok);
	assert_false(ok[0]);
	assert_false(ok[1]);
	assert_false(ok[2]);
	assert_true(ok[3]);
}

static void test_rwsem_count_5_3(void **state)
{
	struct wh_rwsem_count c =
	    wh_rwsem_count_decode(WH_RWSEM_COUNT_5_3, 0x102, 0xffff888001234561);
	assert_int_equal(c.held, WH_RWSEM_READ);
	assert_int_equal(c.readers, 1);
	c = wh_rwsem_count_decode(WH_RWSEM_COUNT_5_3, 0x3, 0xffff888001234000);
	assert_int_equal(c.held, WH_RWSEM_WRITE);
	assert_int_equal(c.writer, 0xffff888001234000);
	c = wh_rwsem_count_decode(WH_RWSEM_COUNT_5_3, 0x2, 0);
	assert_int_equal(c.held, WH_RWSEM_FREE);
}

/* Up to 5.2 (x86-64): ACTIVE_BIAS 1, WAITING_BIAS -(1 << 32),
 * ACTIVE_WRITE_BIAS WAITING_BIAS + 1. */
static void test_rwsem_count_biased(void **state)
{
	const uint64_t waiting = (uint64_t) - (1ll << 32), writer = waiting + 1;
	const uint64_t task = 0xffff888001234000;
	/* Three readers, no waiter: the 5.3+ reading would say free. */
	struct wh_rwsem_count c = wh_rwsem_count_decode(WH_RWSEM_COUNT_BIAS, 3, task | 1);
	assert_int_equal(c.held, WH_RWSEM_READ);
	assert_int_equal(c.readers, 3);
	assert_int_equal(wh_rwsem_count_decode(WH_RWSEM_COUNT_5_3, 3, task | 1).held,
			 WH_RWSEM_WRITE);
	/* Two readers with waiters queued. */
	c = wh_rwsem_count_decode(WH_RWSEM_COUNT_BIAS, waiting + 2, task | 1);
	assert_int_equal(c.held, WH_RWSEM_READ);
	assert_int_equal(c.readers, 2);
	/* A writer and waiters: the owner field names the writer. */
	c = wh_rwsem_count_decode(WH_RWSEM_COUNT_BIAS, writer + waiting, task);
	assert_int_equal(c.held, WH_RWSEM_WRITE);
	assert_int_equal(c.writer, task);
	/* A writer and waiters, the owner not (yet) set: no owner named. */
	c = wh_rwsem_count_decode(WH_RWSEM_COUNT_BIAS, writer + waiting, 0);
	assert_int_equal(c.held, WH_RWSEM_WRITE);
	assert_int_equal(c.writer, 0);
	/* Waiters only, the lock released: free. */
	c = wh_rwsem_count_decode(WH_RWSEM_COUNT_BIAS, waiting, task | 1);
	assert_int_equal(c.held, WH_RWSEM_FREE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lock_frame_after_the_scheduler),
	    cmocka_unit_test(test_variant_and_read_mode),
	    cmocka_unit_test(test_kind_skip_frames),
	    cmocka_unit_test(test_scanned_frames_match_nothing),
	    cmocka_unit_test(test_rwsem_count_5_3),
	    cmocka_unit_test(test_rwsem_count_biased),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
