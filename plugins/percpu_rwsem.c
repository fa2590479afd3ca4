/* struct percpu_rw_semaphore (5.8+ layout: rss, read_count, writer,
 * waiters, block): sb_writers (filesystem freeze), cgroup_threadgroup_rwsem
 * and others. Readers are per-CPU counts; a writer that holds it is not
 * recorded (only one still waiting for readers to drain is, in writer). */
#include "superblocks.h"
#include "wait_kind.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct wh_wait_frame wait_frames[] = {
    {.function = "percpu_rwsem_wait"},
    {.function = "__percpu_down_read"},
    {.function = "percpu_down_write"},
    {NULL},
};

/* A waiter's wait_queue_entry flags: WQ_FLAG_CUSTOM marks a reader (6.1
 * percpu-rwsem.c). */
static const struct wh_list_kind_mode waiter_modes[] = {
    {NULL, 0, WH_WAIT_WRITE},
    {NULL, 1, WH_WAIT_READ},
};

static const struct wh_list_kind pcpu_list = {
    .waiter_type = "wait_queue_entry",
    .waiter_list = "entry",
    .waiter_task = "private",
    .waiter_mode = "flags",
    .mode_mask = 0x08,
    .mode_shift = 3,
    .modes = waiter_modes,
    .n_modes = 2,
    .lock_type = "percpu_rw_semaphore",
    .lock_list = "waiters.head",
};

enum { BLOCK, WRITER_TASK, READ_COUNT };
static const struct wh_kind_member members[] = {
    [BLOCK] = {"percpu_rw_semaphore", "block"},
    [WRITER_TASK] = {"percpu_rw_semaphore", "writer.task"},
    [READ_COUNT] = {"percpu_rw_semaphore", "read_count"},
    {NULL},
};

/* The size of struct percpu_rw_semaphore: which of a superblock's freeze
 * levels one is (0 when unknown). */
static struct wh_error *init(struct wh_kernel *k, void **ret_layout)
{
	uint64_t *size = calloc(1, sizeof(*size));
	if (!size)
		return &wh_error_nomem;
	wh_best_effort(wh_types_struct_size(k->types, "percpu_rw_semaphore", size));
	*ret_layout = size;
	return NULL;
}

/* Active readers: the sum over CPUs of *per_cpu_ptr(read_count, cpu); the
 * per-CPU values alone mean nothing (a reader may leave on another CPU). */
static bool sum_readers(struct wh_kernel *k, uint64_t pcpu_ptr, int64_t *ret)
{
	int64_t sum = 0;
	for (unsigned cpu = 0; cpu < k->nr_cpu_ids; cpu++) {
		if (!k->cpu_possible[cpu])
			continue;
		uint32_t v;
		struct wh_error *err =
		    wh_dump_read_u32(k->dump, pcpu_ptr + k->per_cpu_offset[cpu], &v);
		if (err) {
			wh_error_destroy(err);
			return false;
		}
		sum += (int32_t)v;
	}
	*ret = sum;
	return true;
}

static const char *const level_names[] = {"write", "page fault", "internal fs"};

static struct wh_error *describe(const struct wh_wait_context *ctx,
				 const struct wh_wait_kind_state *state,
				 const struct wh_wait_found *first, struct wh_wait_object *obj)
{
	const struct wh_member_info *m = state->members;
	wh_list_kind_waiters(ctx, &state->list, obj);
	uint64_t block = 0, writer = 0, pcpu = 0;
	int64_t readers = -1;
	struct wh_error *err;
	if ((err = wh_kernel_read_member(ctx->k, obj->address, &m[BLOCK], &block)) ||
	    (err = wh_kernel_read_member(ctx->k, obj->address, &m[WRITER_TASK], &writer)) ||
	    (err = wh_kernel_read_member(ctx->k, obj->address, &m[READ_COUNT], &pcpu))) {
		wh_object_unreadable(obj, "state", err);
		return NULL;
	}
	bool have_readers = pcpu && sum_readers(ctx->k, pcpu, &readers);
	/* A superblock's freeze protection: say which level and how frozen. */
	struct wh_superblock_info sb;
	uint64_t off = 0;
	bool in_sb = false;
	struct wh_error *e =
	    wh_superblock_containing(ctx->k, obj->address, "s_writers.rw_sem", &sb, &off, &in_sb);
	wh_error_destroy(e);
	int frozen = 0;
	if (in_sb) {
		const uint64_t *size = state->layout;
		size_t level = *size ? off / *size : 0;
		char label[sizeof(sb.mount) + 80];
		wh_superblock_label(&sb, label, sizeof(label));
		snprintf(obj->name, sizeof(obj->name), "sb_writers (%s level) of %.*s",
			 level < 3 ? level_names[level] : "?", (int)sizeof(obj->name) - 32, label);
		frozen = sb.frozen > 0 ? sb.frozen : 0;
	}
	obj->state = (struct wh_object_state){.number = readers, .frozen = frozen};
	if (block && writer) {
		obj->state.condition = WH_STATE_PCPU_WRITER_WAITING;
		obj->state.task = writer;
	} else if (block) {
		obj->state.condition = WH_STATE_PCPU_WRITE;
	} else if (have_readers && readers > 0) {
		obj->state.condition = WH_STATE_PCPU_READ;
	} else {
		obj->state.condition = WH_STATE_PCPU_FREE;
	}
	return NULL;
}

const struct wh_wait_kind_ops wh_wait_kind_percpu_rwsem = {
    .name = "percpu-rwsem",
    .order = 60,
    .frames = wait_frames,
    .list = &pcpu_list,
    .members = members,
    .init = init,
    .describe = describe,
};
