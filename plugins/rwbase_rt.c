/* PREEMPT_RT's reader-writer locks, struct rw_semaphore and rwlock_t, both
 * a struct rwbase_rt (kernel/locking/rwbase_rt.c): an rt_mutex_base that a
 * writer holds from its first step, and an atomic readers count:
 * READER_BIAS + n with n readers and no writer; n (0 <= n < WRITER_BIAS)
 * while a writer that owns the rtmutex waits for n readers to leave;
 * WRITER_BIAS once the writer holds the lock. Readers are not recorded:
 * they are inferred as on non-RT (rwsem_readers.h). Waiters: the pending
 * writer first (the next to get the lock), then the rtmutex's waiter tree. */
#include "rt_lock.h"
#include "rwsem_readers.h"
#include "wait_kind.h"
#include "waiter_scan.h"

#include <stdio.h>

static const uint32_t READER_BIAS = 1u << 31, WRITER_BIAS = 1u << 30;

static struct wh_error *readers_offset(struct wh_kernel *k, enum wh_rt_container c, uint64_t *ret)
{
	struct wh_member_info m;
	struct wh_error *err;
	if (c == WH_RT_RWSEM) {
		err = wh_kernel_member(k, "rw_semaphore", "rwbase.readers", &m);
	} else {
		struct wh_type t;
		if (!(err = wh_types_find(k->types, WH_TYPE_TYPEDEF, "rwlock_t", &t)))
			err = wh_types_member(k->types, t, "rwbase.readers", &m);
	}
	if (!err)
		*ret = m.offset;
	return err;
}

static struct wh_error *recognize_as(const struct wh_wait_context *ctx, enum wh_rt_container c,
				     uint64_t *ret_object, char ret_mode[8], bool *ret_found)
{
	struct wh_rt_wait w;
	struct wh_error *err = wh_rt_wait_of(ctx, &w);
	*ret_found = !err && w.container == c;
	if (*ret_found) {
		*ret_object = w.object;
		snprintf(ret_mode, 8, "%s", w.mode);
	}
	return err;
}

static struct wh_error *describe_as(const struct wh_wait_context *ctx, struct wh_wait_object *obj,
				    enum wh_rt_container c)
{
	uint64_t base_off, readers_off, field;
	uint32_t r;
	struct wh_error *err;
	if ((err = wh_rt_base_offset(ctx->k, c, &base_off)) ||
	    (err = readers_offset(ctx->k, c, &readers_off)))
		return err;
	uint64_t base = obj->address + base_off;
	if ((err = wh_rt_owner(ctx->k, base, &field)) ||
	    (err = wh_dump_read_u32(ctx->k->dump, obj->address + readers_off, &r))) {
		snprintf(obj->state, sizeof(obj->state), "readers/owner unreadable: %s",
			 err->message);
		wh_error_destroy(err);
		size_t cap = 0;
		return wh_rt_waiters(ctx, base, obj, &cap);
	}
	uint64_t writer = field & ~1ull;
	size_t cap = 0;
	if (r == WRITER_BIAS) {
		char ev[192];
		snprintf(ev, sizeof(ev),
			 "rwbase_rt rtmutex owner field 0x%llx, readers 0x%x "
			 "(WRITER_BIAS: write locked)",
			 (unsigned long long)field, r);
		snprintf(obj->state, sizeof(obj->state), "held for write (readers 0x%x)", r);
		if (writer)
			wh_object_add_owner(ctx, obj, writer, WH_OWNER_FIELD, ev);
		return wh_rt_waiters(ctx, base, obj, &cap);
	}
	uint64_t n = r & READER_BIAS ? r - READER_BIAS : r;
	if (!(r & READER_BIAS) && r < WRITER_BIAS && writer) {
		/* The writer owns the rtmutex and waits for N readers. */
		snprintf(obj->state, sizeof(obj->state),
			 "held for read by %llu reader%s; a writer waits for them (readers 0x%x)",
			 (unsigned long long)n, n == 1 ? "" : "s", r);
		if ((err = wh_object_add_waiter(obj, &cap, writer, "write")))
			return err;
	} else if (n) {
		snprintf(obj->state, sizeof(obj->state),
			 "held for read by %llu reader%s (readers 0x%x)", (unsigned long long)n,
			 n == 1 ? "" : "s", r);
	} else {
		snprintf(obj->state, sizeof(obj->state), "free (readers 0x%x)", r);
	}
	if ((err = wh_rt_waiters(ctx, base, obj, &cap)))
		return err;
	return n ? wh_rwsem_infer_readers(ctx, obj, 0, n) : NULL;
}

static struct wh_error *recognize_rwsem(const struct wh_wait_context *ctx, uint64_t *ret_object,
					char ret_mode[8], bool *ret_found)
{
	return recognize_as(ctx, WH_RT_RWSEM, ret_object, ret_mode, ret_found);
}
static struct wh_error *describe_rwsem(const struct wh_wait_context *ctx,
				       struct wh_wait_object *obj)
{
	return describe_as(ctx, obj, WH_RT_RWSEM);
}
static struct wh_error *recognize_rwlock(const struct wh_wait_context *ctx, uint64_t *ret_object,
					 char ret_mode[8], bool *ret_found)
{
	return recognize_as(ctx, WH_RT_RWLOCK, ret_object, ret_mode, ret_found);
}
static struct wh_error *describe_rwlock(const struct wh_wait_context *ctx,
					struct wh_wait_object *obj)
{
	return describe_as(ctx, obj, WH_RT_RWLOCK);
}

const struct wh_wait_kind_ops wh_wait_kind_rwsem_rt = {
    .name = "rwsem",
    .recognize = recognize_rwsem,
    .describe = describe_rwsem,
};
const struct wh_wait_kind_ops wh_wait_kind_rwlock_rt = {
    .name = "rwlock",
    .recognize = recognize_rwlock,
    .describe = describe_rwlock,
};
