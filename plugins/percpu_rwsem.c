/* struct percpu_rw_semaphore (5.8+ layout: rss, read_count, writer,
 * waiters, block): sb_writers (filesystem freeze), cgroup_threadgroup_rwsem
 * and others. Readers are per-CPU counts; a writer that holds it is not
 * recorded (only one still waiting for readers to drain is, in writer). */
#include "superblocks.h"
#include "wait_kind.h"
#include "waiter_scan.h"

#include <stdio.h>
#include <string.h>

static const char *const wait_frames[] = {
    "percpu_rwsem_wait",
    "__percpu_down_read",
    "percpu_down_write",
    NULL,
};
static const uint64_t WQ_FLAG_CUSTOM = 0x08; /* marks a reader (6.1 percpu-rwsem.c) */

struct pcpu_layout {
	struct wh_waiter_layout waiter;
	struct wh_member_info head, block, writer_task, read_count;
};

static struct wh_error *layout(struct wh_kernel *k, struct pcpu_layout *l)
{
	struct wh_member_info entry, private, flags;
	struct wh_error *err;
	if ((err = wh_kernel_member(k, "wait_queue_entry", "entry", &entry)) ||
	    (err = wh_kernel_member(k, "wait_queue_entry", "private", &private)) ||
	    (err = wh_kernel_member(k, "wait_queue_entry", "flags", &flags)) ||
	    (err = wh_kernel_member(k, "percpu_rw_semaphore", "waiters.head", &l->head)) ||
	    (err = wh_kernel_member(k, "percpu_rw_semaphore", "block", &l->block)) ||
	    (err = wh_kernel_member(k, "percpu_rw_semaphore", "writer.task", &l->writer_task)) ||
	    (err = wh_kernel_member(k, "percpu_rw_semaphore", "read_count", &l->read_count)))
		return err;
	l->waiter = (struct wh_waiter_layout){.list_off = entry.offset,
					      .task_off = private.offset,
					      .mode_off = flags.offset,
					      .mode_size = flags.size,
					      .mode_mask = WQ_FLAG_CUSTOM,
					      .mode_shift = 3};
	return NULL;
}

static struct wh_error *recognize(const struct wh_wait_context *ctx, uint64_t *ret_object,
				  char ret_mode[8], bool *ret_found)
{
	*ret_found = false;
	int frame = wh_wait_frame(ctx->bt, wait_frames, NULL);
	if (frame < 0)
		return NULL;
	struct pcpu_layout l;
	struct wh_error *err = layout(ctx->k, &l);
	if (err)
		return err;
	uint64_t rec, flags = 0;
	if ((err = wh_waiter_object(ctx, frame, &l.waiter, l.head.offset, ret_object, &rec,
				    ret_found)) ||
	    !*ret_found)
		return err;
	err = wh_dump_read(ctx->k->dump, rec + l.waiter.mode_off, &flags,
			   l.waiter.mode_size <= 8 ? l.waiter.mode_size : 8);
	snprintf(ret_mode, 8, "%s", !err && (flags & WQ_FLAG_CUSTOM) ? "read" : "write");
	wh_error_destroy(err);
	return NULL;
}

/* Active readers: the sum over CPUs of *per_cpu_ptr(read_count, cpu); the
 * per-CPU values alone mean nothing (a reader may leave on another CPU). */
static struct wh_error *sum_readers(struct wh_kernel *k, uint64_t pcpu_ptr, int64_t *ret)
{
	int64_t sum = 0;
	for (unsigned cpu = 0; cpu < k->nr_cpu_ids; cpu++) {
		if (!k->cpu_possible[cpu])
			continue;
		uint32_t v;
		struct wh_error *err =
		    wh_dump_read_u32(k->dump, pcpu_ptr + k->per_cpu_offset[cpu], &v);
		if (err)
			return wh_error_wrap(err, "read_count of CPU %u", cpu);
		sum += (int32_t)v;
	}
	*ret = sum;
	return NULL;
}

static const char *const level_names[] = {"write", "page fault", "internal fs"};

static struct wh_error *describe(const struct wh_wait_context *ctx, struct wh_wait_object *obj)
{
	struct pcpu_layout l;
	struct wh_error *err = layout(ctx->k, &l);
	if (err)
		return err;
	static const char *const modes[] = {"write", "read"};
	wh_waiter_list_read(ctx, obj->address + l.head.offset, &l.waiter, modes, 2, obj);
	uint64_t block = 0, writer = 0, pcpu = 0;
	int64_t readers = -1;
	if ((err = wh_kernel_read_member(ctx->k, obj->address, &l.block, &block)) ||
	    (err = wh_kernel_read_member(ctx->k, obj->address, &l.writer_task, &writer)) ||
	    (err = wh_kernel_read_member(ctx->k, obj->address, &l.read_count, &pcpu))) {
		snprintf(obj->state, sizeof(obj->state), "state unreadable: %s", err->message);
		wh_error_destroy(err);
		return NULL;
	}
	struct wh_error *e = pcpu ? sum_readers(ctx->k, pcpu, &readers) : NULL;
	bool have_readers = pcpu && !e;
	if (e) {
		wh_object_incomplete(obj, e->code, obj->address, "readers: %s", e->message);
		wh_error_destroy(e);
	}
	/* A superblock's freeze protection: say which level and how frozen. */
	struct wh_superblock_info sb;
	uint64_t off = 0;
	bool in_sb = false;
	e = wh_superblock_containing(ctx->k, obj->address, "s_writers.rw_sem", &sb, &off, &in_sb);
	wh_error_destroy(e);
	char frozen[64] = ""; /* the sentence below: 59 bytes at most */
	if (in_sb) {
		uint64_t size;
		e = wh_types_struct_size(ctx->k->types, "percpu_rw_semaphore", &size);
		size_t level = !e && size ? off / size : 0;
		wh_error_destroy(e);
		char label[sizeof(sb.mount) + 80];
		wh_superblock_label(&sb, label, sizeof(label));
		snprintf(obj->name, sizeof(obj->name), "sb_writers (%s level) of %.*s",
			 level < 3 ? level_names[level] : "?", (int)sizeof(obj->name) - 32, label);
		if (sb.frozen > 0)
			snprintf(frozen, sizeof(frozen),
				 "; the filesystem is frozen (s_writers.frozen = %d)", sb.frozen);
	}
	if (block && writer) {
		snprintf(
		    obj->state, sizeof(obj->state),
		    "a writer (task 0x%llx) has blocked new readers and waits for %lld reader%s to "
		    "leave%s",
		    (unsigned long long)writer, (long long)readers, readers == 1 ? "" : "s",
		    frozen);
	} else if (block) {
		snprintf(obj->state, sizeof(obj->state),
			 "held for write; the kernel records no holder task%s", frozen);
	} else if (have_readers && readers > 0) {
		snprintf(obj->state, sizeof(obj->state), "held for read by %lld reader%s%s",
			 (long long)readers, readers == 1 ? "" : "s", frozen);
	} else {
		snprintf(obj->state, sizeof(obj->state), "not held (block = 0)%s", frozen);
	}
	return NULL;
}

const struct wh_wait_kind_ops wh_wait_kind_percpu_rwsem = {
    .name = "percpu-rwsem",
    .recognize = recognize,
    .describe = describe,
};
