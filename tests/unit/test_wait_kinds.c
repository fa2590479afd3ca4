/* The wait kinds on synthetic memory: locks, waiter records on task
 * stacks and backtraces laid out by hand, with the types of a sample
 * compiled with DWARF (tests/data/wait_kinds_types.c) in the 6.1 layout
 * and, for rw_semaphore, the layout and biased count of kernels up to
 * 5.2. Each kind is run through the core (one frame scan, layouts
 * resolved once) as the analysis runs it: which object a waiter finds,
 * with which mode, then the object's state, owners and waiters in order.
 * usage: test_wait_kinds SAMPLE_6_1 SAMPLE_5_2 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dump.h"
#include "dwarf_types.h"
#include "elf_image.h"
#include "kind_memo.h"
#include "wait_kinds.h"
#include "wait_lists.h"

static const char *sample_6_1, *sample_5_2;

enum { PAGE = 4096, STACK_SIZE = 0x4000, TASKS = 4, RECORD = 0x3f00 };
static const uint64_t DATA = 0xffff888000100000ull, STACKS = 0xffffc90000100000ull;
static unsigned char data[PAGE];
static unsigned char stacks[TASKS][STACK_SIZE];

static uint64_t task_addr(size_t i)
{
	return 0xffff888000200000ull + 0x1000 * i;
}

static uint64_t stack_of(size_t i)
{
	return STACKS + (uint64_t)STACK_SIZE * 2 * i; /* a gap between stacks */
}

static void put(uint64_t addr, uint64_t v, size_t size)
{
	unsigned char *p = NULL;
	if (addr >= DATA && addr + size <= DATA + PAGE)
		p = data + (addr - DATA);
	for (size_t i = 0; !p && i < TASKS; i++)
		if (addr >= stack_of(i) && addr + size <= stack_of(i) + STACK_SIZE)
			p = stacks[i] + (addr - stack_of(i));
	assert_non_null(p);
	memcpy(p, &v, size);
}

struct world {
	struct wh_elf_image *img;
	struct wh_types *types;
	struct wh_dump *dump;
	struct wh_kernel k;
	struct wh_task tasks[TASKS];
	struct wh_task_list list;
	struct wh_stack_index *idx;
	struct wh_wait_lists *lists;
	struct wh_kind_memo *memo;
	struct wh_wait_kinds *kinds;
	struct wh_backtrace *bt[TASKS];
	struct wh_dump_segment segs[1 + TASKS]; /* the dump keeps pointing at them */
};

static uint64_t offset(struct world *w, const char *type, const char *member)
{
	struct wh_member_info m;
	assert_null(wh_types_struct_member(w->types, type, member, &m));
	return m.offset;
}

static void open_world(struct world *w, const char *sample)
{
	memset(w, 0, sizeof(*w));
	memset(data, 0, sizeof(data));
	memset(stacks, 0, sizeof(stacks));
	assert_null(wh_elf_image_open(sample, &w->img));
	assert_null(wh_types_create(w->img, &w->types));
	w->k.vmlinux = w->img;
	w->k.types = w->types;
	struct wh_stack_range ranges[TASKS];
	for (size_t i = 0; i < TASKS; i++) {
		w->tasks[i] = (struct wh_task){.address = task_addr(i),
					       .pid = (int32_t)(100 + i),
					       .state = 'D',
					       .cpu = -1,
					       .in_state_ns = -1};
		ranges[i] =
		    (struct wh_stack_range){stack_of(i), stack_of(i) + STACK_SIZE, task_addr(i)};
	}
	w->list = (struct wh_task_list){.tasks = w->tasks, .count = TASKS};
	assert_null(wh_stack_index_create(ranges, TASKS, &w->idx));
	assert_null(wh_wait_lists_create(&w->lists));
	assert_null(wh_kind_memo_create(&w->memo));
}

/* The dump over the memory laid out so far: pages are read (and kept)
 * as they are first needed, so lay out first, then map. */
static void map_world(struct world *w)
{
	w->segs[0] = (struct wh_dump_segment){.address = DATA, .size = PAGE, .data = data};
	for (size_t i = 0; i < TASKS; i++)
		w->segs[1 + i] = (struct wh_dump_segment){
		    .address = stack_of(i), .size = STACK_SIZE, .data = stacks[i]};
	assert_null(wh_dump_create_synthetic(w->segs, 1 + TASKS, "6.1.0-test", &w->dump));
	w->k.dump = w->dump;
	assert_null(wh_wait_kinds_create(&w->k, &w->kinds));
}

static void close_world(struct world *w)
{
	for (size_t i = 0; i < TASKS; i++)
		free(w->bt[i]);
	wh_wait_kinds_destroy(w->kinds);
	wh_kind_memo_destroy(w->memo);
	wh_wait_lists_destroy(w->lists);
	wh_stack_index_destroy(w->idx);
	wh_dump_destroy(w->dump);
	wh_types_destroy(w->types);
	wh_elf_image_destroy(w->img);
}

/* Task I sleeps in FN: the scheduler's frames, FN's frame holding its
 * waiter record at RECORD, a caller. */
static void sleeps_in(struct world *w, size_t i, const char *fn)
{
	static const char *const names[] = {"__schedule", "schedule", NULL, "caller"};
	static const uint64_t sps[] = {0x3e00, 0x3e40, 0x3e80, 0x3fc0};
	struct wh_backtrace *bt = calloc(1, sizeof(*bt));
	assert_non_null(bt);
	bt->task = w->tasks[i];
	bt->cpu = -1;
	for (size_t f = 0; f < 4; f++)
		bt->stack.frames[bt->stack.n++] =
		    (struct wh_frame){.sp = stack_of(i) + sps[f],
				      .have_symbol = true,
				      .sym = {.function = names[f] ? names[f] : fn}};
	w->bt[i] = bt;
}

/* Queue the waiter records of tasks WAITERS (N of them, in order) of type
 * WAITER_TYPE (its members LIST_MEMBER and TASK_MEMBER) on the list at
 * HEAD; MODES[k] into the record's MODE member when given. */
static void queue_as(struct world *w, uint64_t head, const char *waiter_type,
		     const char *list_member, const char *task_member, const size_t *waiters,
		     size_t n, const char *mode_member, const uint64_t *modes)
{
	uint64_t list = offset(w, waiter_type, list_member);
	uint64_t task = offset(w, waiter_type, task_member);
	uint64_t nodes[TASKS + 1];
	nodes[0] = head;
	for (size_t k = 0; k < n; k++)
		nodes[k + 1] = stack_of(waiters[k]) + RECORD + list;
	for (size_t k = 0; k <= n; k++) {
		put(nodes[k], nodes[(k + 1) % (n + 1)], 8);	/* next */
		put(nodes[k] + 8, nodes[(k + n) % (n + 1)], 8); /* prev */
	}
	for (size_t k = 0; k < n; k++) {
		put(stack_of(waiters[k]) + RECORD + task, task_addr(waiters[k]), 8);
		if (mode_member)
			put(stack_of(waiters[k]) + RECORD + offset(w, waiter_type, mode_member),
			    modes[k], 4);
	}
}

/* The lock kinds' records: {list, task}. */
static void queue(struct world *w, uint64_t head, const char *waiter_type, const size_t *waiters,
		  size_t n, const char *mode_member, const uint64_t *modes)
{
	queue_as(w, head, waiter_type, "list", "task", waiters, n, mode_member, modes);
}

static struct wh_wait_context context(struct world *w, size_t i, struct wh_waits *waits)
{
	return (struct wh_wait_context){.k = &w->k,
					.tasks = &w->list,
					.task = &w->tasks[i],
					.bt = w->bt[i],
					.stack_lo = stack_of(i),
					.stack_hi = stack_of(i) + STACK_SIZE,
					.stacks = w->idx,
					.lists = w->lists,
					.memo = w->memo,
					.waits = waits};
}

/* What the analysis does for task I: the kinds its backtrace matches, in
 * order, until one finds its wait. */
static enum wh_wait_kind_id find(struct world *w, size_t i, struct wh_wait_found *ret)
{
	size_t n;
	const struct wh_wait_kind_entry *kinds = wh_wait_kinds_list(w->kinds, &n);
	struct wh_wait_match m[WH_MAX_WAIT_KINDS];
	bool matched[WH_MAX_WAIT_KINDS];
	struct wh_waits none = {0};
	struct wh_wait_context ctx = context(w, i, &none);
	wh_wait_match_frames(w->bt[i], kinds, n, m, matched);
	for (size_t k = 0; k < n; k++) {
		if (!matched[k])
			continue;
		struct wh_error *err = wh_wait_kinds_find(w->kinds, k, &ctx, &m[k], ret);
		if (err)
			fail_msg("%s: %s", kinds[k].ops->name, err->message);
		if (ret->found)
			return k;
	}
	fail_msg("no kind found the wait of task %zu", i);
	return WH_WAIT_KIND_COUNT;
}

/* Describe OBJ as the analysis does, with its first waiter I. */
static void describe(struct world *w, size_t i, const struct wh_wait_found *first,
		     struct wh_wait_object *obj)
{
	struct wh_waits waits = {.objects = obj, .n_objects = 1};
	struct wh_wait_context ctx = context(w, i, &waits);
	assert_null(wh_wait_kinds_describe(w->kinds, &ctx, first, obj));
}

static void free_object(struct wh_wait_object *obj)
{
	free(obj->waiters);
	free(obj->waiter_modes);
}

static void test_mutex(void **state)
{
	struct world w;
	open_world(&w, sample_6_1);
	uint64_t lock = DATA + 0x100;
	static const size_t waiters[] = {1, 0};
	queue(&w, lock + offset(&w, "mutex", "wait_list"), "mutex_waiter", waiters, 2, NULL, NULL);
	/* Task 3 holds it, waiters flagged (MUTEX_FLAG_WAITERS). */
	put(lock + offset(&w, "mutex", "owner"), task_addr(3) | 1, 8);
	sleeps_in(&w, 0, "__mutex_lock.constprop.0");
	sleeps_in(&w, 1, "__mutex_lock_killable_slowpath");
	map_world(&w);
	struct wh_wait_found f0, f1;
	assert_int_equal(find(&w, 0, &f0), WH_WAIT_KIND_MUTEX);
	assert_int_equal(find(&w, 1, &f1), WH_WAIT_KIND_MUTEX);
	assert_int_equal(f0.object, lock);
	assert_int_equal(f1.object, lock);
	assert_int_equal(f0.mode.how, WH_WAIT_PLAIN);
	assert_int_equal(f0.record, stack_of(0) + RECORD);
	struct wh_wait_object obj = {.kind = WH_WAIT_KIND_MUTEX, .address = lock};
	describe(&w, 1, &f1, &obj);
	assert_int_equal(obj.state.condition, WH_STATE_MUTEX_LOCKED);
	assert_true(obj.state.flag);
	assert_int_equal(obj.n_owners, 1);
	assert_int_equal(obj.owners[0].task, task_addr(3));
	assert_int_equal(obj.owners[0].pid, 103);
	assert_int_equal(obj.owners[0].how, WH_OWNER_FIELD);
	assert_int_equal(obj.owners[0].evidence.kind, WH_EVIDENCE_MUTEX_OWNER);
	assert_int_equal(obj.owners[0].evidence.field, task_addr(3) | 1);
	assert_int_equal(obj.n_waiters, 2); /* queue order, not task order */
	assert_int_equal(obj.waiters[0], task_addr(1));
	assert_int_equal(obj.waiters[1], task_addr(0));
	free_object(&obj);
	close_world(&w);
}

/* 5.3+: readers << 8, the owner field names the last reader. */
static void test_rwsem_5_3(void **state)
{
	struct world w;
	open_world(&w, sample_6_1);
	uint64_t sem = DATA + 0x200;
	static const size_t waiters[] = {0, 1};
	static const uint64_t modes[] = {0 /* WRITE */, 1 /* READ */};
	queue(&w, sem + offset(&w, "rw_semaphore", "wait_list"), "rwsem_waiter", waiters, 2, "type",
	      modes);
	put(sem + offset(&w, "rw_semaphore", "count"), 0x102, 8); /* one reader, waiters */
	put(sem + offset(&w, "rw_semaphore", "owner"), task_addr(3) | 1, 8);
	/* Task 2 holds it for read: its stack has the lock's address. */
	put(stack_of(2) + 0x3f80, sem, 8);
	sleeps_in(&w, 0, "rwsem_down_write_slowpath");
	sleeps_in(&w, 1, "rwsem_down_read_slowpath");
	map_world(&w);
	struct wh_wait_found f0, f1;
	assert_int_equal(find(&w, 0, &f0), WH_WAIT_KIND_RWSEM);
	assert_int_equal(find(&w, 1, &f1), WH_WAIT_KIND_RWSEM);
	assert_int_equal(f0.object, sem);
	assert_int_equal(f0.mode.how, WH_WAIT_WRITE);
	assert_int_equal(f1.mode.how, WH_WAIT_READ);
	struct wh_wait_object obj = {.kind = WH_WAIT_KIND_RWSEM, .address = sem};
	describe(&w, 0, &f0, &obj);
	assert_int_equal(obj.state.condition, WH_STATE_RWSEM_READ);
	assert_int_equal(obj.state.number, 1);
	assert_int_equal(obj.n_waiters, 2);
	assert_int_equal(obj.waiter_modes[0].how, WH_WAIT_WRITE);
	assert_int_equal(obj.waiter_modes[1].how, WH_WAIT_READ);
	/* Candidates, never a field: the last-reader hint, then the stack. */
	assert_int_equal(obj.n_owners, 2);
	assert_int_equal(obj.owners[0].task, task_addr(3));
	assert_int_equal(obj.owners[0].how, WH_OWNER_INFERRED);
	assert_int_equal(obj.owners[0].evidence.kind, WH_EVIDENCE_RWSEM_LAST_READER);
	assert_int_equal(obj.owners[1].task, task_addr(2));
	assert_int_equal(obj.owners[1].evidence.kind, WH_EVIDENCE_LOCK_ON_STACK);
	free_object(&obj);
	close_world(&w);
}

/* Up to 5.2: another layout (the wait list before the owner) and the
 * biased count, told by the slow path's name (rwsem_down_*_failed). */
static void rwsem_5_2(uint64_t count, uint64_t owner, struct wh_wait_object *obj)
{
	struct world w;
	open_world(&w, sample_5_2);
	uint64_t sem = DATA + 0x200;
	/* The sample's layout is not 6.1's: the kinds must probe it. */
	assert_true(offset(&w, "rw_semaphore", "owner") > offset(&w, "rw_semaphore", "wait_list"));
	static const size_t waiters[] = {0};
	static const uint64_t modes[] = {0 /* WRITE */};
	queue(&w, sem + offset(&w, "rw_semaphore", "wait_list"), "rwsem_waiter", waiters, 1, "type",
	      modes);
	put(sem + offset(&w, "rw_semaphore", "count"), count, 8);
	put(sem + offset(&w, "rw_semaphore", "owner"), owner, 8);
	sleeps_in(&w, 0, "rwsem_down_write_failed");
	map_world(&w);
	struct wh_wait_found f;
	assert_int_equal(find(&w, 0, &f), WH_WAIT_KIND_RWSEM);
	assert_int_equal(f.object, sem);
	assert_int_equal(f.mode.how, WH_WAIT_WRITE);
	*obj = (struct wh_wait_object){.kind = WH_WAIT_KIND_RWSEM, .address = sem};
	describe(&w, 0, &f, obj);
	assert_int_equal(obj->n_waiters, 1);
	assert_int_equal(obj->waiters[0], task_addr(0));
	close_world(&w);
}

static void test_rwsem_5_2_write(void **state)
{
	/* ACTIVE_WRITE_BIAS + the waiter's WAITING_BIAS: -2 << 32 | 1. */
	struct wh_wait_object obj;
	rwsem_5_2(0xfffffffe00000001ull, task_addr(3), &obj);
	assert_int_equal(obj.state.condition, WH_STATE_RWSEM_WRITE);
	assert_int_equal(obj.n_owners, 1);
	assert_int_equal(obj.owners[0].task, task_addr(3));
	assert_int_equal(obj.owners[0].how, WH_OWNER_FIELD);
	assert_true(obj.owners[0].evidence.biased);
	free_object(&obj);
}

static void test_rwsem_5_2_read(void **state)
{
	/* Two readers and a waiting writer: WAITING_BIAS + 2. Read the 5.3
	 * way, bit 0 clear and "readers" = count >> 8, it would be nonsense. */
	struct wh_wait_object obj;
	rwsem_5_2(0xffffffff00000002ull, 1 /* READER_OWNED */, &obj);
	assert_int_equal(obj.state.condition, WH_STATE_RWSEM_READ);
	assert_int_equal(obj.state.number, 2);
	assert_int_equal(obj.n_owners, 0);
	free_object(&obj);
}

static void test_semaphore(void **state)
{
	struct world w;
	open_world(&w, sample_6_1);
	uint64_t sem = DATA + 0x300;
	static const size_t waiters[] = {2, 0, 1};
	queue(&w, sem + offset(&w, "semaphore", "wait_list"), "semaphore_waiter", waiters, 3, NULL,
	      NULL);
	put(sem + offset(&w, "semaphore", "count"), 0, 4);
	for (size_t i = 0; i < 3; i++)
		sleeps_in(&w, i, "__down_common");
	map_world(&w);
	struct wh_wait_found f[3];
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(find(&w, i, &f[i]), WH_WAIT_KIND_SEMAPHORE);
		assert_int_equal(f[i].object, sem);
	}
	struct wh_wait_object obj = {.kind = WH_WAIT_KIND_SEMAPHORE, .address = sem};
	describe(&w, 2, &f[2], &obj);
	assert_int_equal(obj.state.condition, WH_STATE_SEMAPHORE);
	assert_int_equal(obj.state.value, 0);
	assert_int_equal(obj.n_owners, 0); /* the kernel records none */
	assert_int_equal(obj.n_waiters, 3);
	for (size_t k = 0; k < 3; k++)
		assert_int_equal(obj.waiters[k], task_addr(waiters[k]));
	free_object(&obj);
	close_world(&w);
}

/* A completion on a simple wait queue (swait_queue records). */
static void test_completion(void **state)
{
	struct world w;
	open_world(&w, sample_6_1);
	uint64_t done = DATA + 0x400;
	static const size_t waiters[] = {0};
	queue_as(&w, done + offset(&w, "completion", "wait.task_list"), "swait_queue", "task_list",
		 "task", waiters, 1, NULL, NULL);
	sleeps_in(&w, 0, "wait_for_common");
	map_world(&w);
	struct wh_wait_found f;
	assert_int_equal(find(&w, 0, &f), WH_WAIT_KIND_COMPLETION);
	assert_int_equal(f.object, done);
	struct wh_wait_object obj = {.kind = WH_WAIT_KIND_COMPLETION, .address = done};
	describe(&w, 0, &f, &obj);
	assert_int_equal(obj.state.condition, WH_STATE_COMPLETION);
	assert_int_equal(obj.n_owners, 0);
	assert_int_equal(obj.n_waiters, 1);
	free_object(&obj);
	close_world(&w);
}

/* A percpu rw semaphore: the mode from the wait entry's flags
 * (WQ_FLAG_CUSTOM marks a reader), a writer recorded in writer.task. */
static void test_percpu_rwsem(void **state)
{
	struct world w;
	open_world(&w, sample_6_1);
	uint64_t sem = DATA + 0x500;
	static const size_t waiters[] = {1, 0};
	static const uint64_t flags[] = {0x08, 0};
	queue_as(&w, sem + offset(&w, "percpu_rw_semaphore", "waiters.head"), "wait_queue_entry",
		 "entry", "private", waiters, 2, "flags", flags);
	put(sem + offset(&w, "percpu_rw_semaphore", "block"), 1, 4);
	sleeps_in(&w, 0, "percpu_rwsem_wait");
	sleeps_in(&w, 1, "percpu_rwsem_wait");
	map_world(&w);
	struct wh_wait_found f0, f1;
	assert_int_equal(find(&w, 0, &f0), WH_WAIT_KIND_PERCPU_RWSEM);
	assert_int_equal(find(&w, 1, &f1), WH_WAIT_KIND_PERCPU_RWSEM);
	assert_int_equal(f0.object, sem);
	assert_int_equal(f0.mode.how, WH_WAIT_WRITE);
	assert_int_equal(f1.mode.how, WH_WAIT_READ);
	struct wh_wait_object obj = {.kind = WH_WAIT_KIND_PERCPU_RWSEM, .address = sem};
	describe(&w, 1, &f1, &obj);
	/* Blocked, no writer task recorded: held for write, holder unknown. */
	assert_int_equal(obj.state.condition, WH_STATE_PCPU_WRITE);
	assert_int_equal(obj.n_owners, 0);
	assert_int_equal(obj.n_waiters, 2);
	assert_int_equal(obj.waiters[0], task_addr(1));
	assert_int_equal(obj.waiter_modes[0].how, WH_WAIT_READ);
	assert_int_equal(obj.waiter_modes[1].how, WH_WAIT_WRITE);
	free_object(&obj);
	close_world(&w);
}

/* A frozen request queue: the object is the wait queue head inside it. */
static void test_queue_freeze(void **state)
{
	struct world w;
	open_world(&w, sample_6_1);
	uint64_t q = DATA + 0x600;
	static const size_t waiters[] = {2};
	queue_as(&w, q + offset(&w, "request_queue", "mq_freeze_wq.head"), "wait_queue_entry",
		 "entry", "private", waiters, 1, NULL, NULL);
	put(q + offset(&w, "request_queue", "mq_freeze_depth"), 1, 4);
	sleeps_in(&w, 2, "blk_queue_enter");
	map_world(&w);
	struct wh_wait_found f;
	assert_int_equal(find(&w, 2, &f), WH_WAIT_KIND_QUEUE_FREEZE);
	assert_int_equal(f.object, q + offset(&w, "request_queue", "mq_freeze_wq"));
	assert_true(f.object != q); /* the queue's wait queue, not the queue */
	struct wh_wait_object obj = {.kind = WH_WAIT_KIND_QUEUE_FREEZE, .address = f.object};
	describe(&w, 2, &f, &obj);
	assert_int_equal(obj.state.condition, WH_STATE_QUEUE_FREEZE);
	assert_int_equal(obj.state.number, 1);
	assert_int_equal(obj.n_waiters, 1);
	assert_int_equal(obj.waiters[0], task_addr(2));
	free_object(&obj);
	close_world(&w);
}

/* A record whose list is broken (its neighbour does not point back) is
 * no waiter: the lock kind says so instead of inventing an object. */
static void test_broken_record_is_reported(void **state)
{
	struct world w;
	open_world(&w, sample_6_1);
	uint64_t lock = DATA + 0x100;
	static const size_t waiters[] = {0};
	queue(&w, lock + offset(&w, "mutex", "wait_list"), "mutex_waiter", waiters, 1, NULL, NULL);
	put(lock + offset(&w, "mutex", "wait_list") + 8, DATA + 0x800, 8); /* head.prev */
	sleeps_in(&w, 0, "__mutex_lock");
	map_world(&w);
	size_t n;
	const struct wh_wait_kind_entry *kinds = wh_wait_kinds_list(w.kinds, &n);
	struct wh_wait_match m[WH_MAX_WAIT_KINDS];
	bool matched[WH_MAX_WAIT_KINDS];
	wh_wait_match_frames(w.bt[0], kinds, n, m, matched);
	assert_true(matched[WH_WAIT_KIND_MUTEX]);
	struct wh_waits none = {0};
	struct wh_wait_context ctx = context(&w, 0, &none);
	struct wh_wait_found f;
	struct wh_error *err =
	    wh_wait_kinds_find(w.kinds, WH_WAIT_KIND_MUTEX, &ctx, &m[WH_WAIT_KIND_MUTEX], &f);
	assert_non_null(err);
	assert_false(f.found);
	assert_non_null(strstr(err->message, "no linked waiter record"));
	wh_error_destroy(err);
	close_world(&w);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s SAMPLE_6_1 SAMPLE_5_2\n", argv[0]);
		return 2;
	}
	sample_6_1 = argv[1];
	sample_5_2 = argv[2];
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mutex),
	    cmocka_unit_test(test_rwsem_5_3),
	    cmocka_unit_test(test_rwsem_5_2_write),
	    cmocka_unit_test(test_rwsem_5_2_read),
	    cmocka_unit_test(test_semaphore),
	    cmocka_unit_test(test_completion),
	    cmocka_unit_test(test_percpu_rwsem),
	    cmocka_unit_test(test_queue_freeze),
	    cmocka_unit_test(test_broken_record_is_reported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
