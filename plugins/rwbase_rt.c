/* PREEMPT_RT's reader-writer locks, struct rw_semaphore and rwlock_t, both
 * a struct rwbase_rt (kernel/locking/rwbase_rt.c): an rt_mutex_base that a
 * writer holds from its first step, and an atomic readers count:
 * READER_BIAS + n with n readers and no writer; n (0 <= n < WRITER_BIAS)
 * while a writer that owns the rtmutex waits for n readers to leave;
 * WRITER_BIAS once the writer holds the lock. Readers are not recorded:
 * they are inferred as on non-RT (rwsem_readers.h). Waiters: the pending
 * writer first (the next to get the lock), then the rtmutex's waiter tree.
 * The kinds are rwsem_rt.c and rwlock_rt.c. */
#include "rt_lock.h"
#include "rwsem_readers.h"
#include "waiter_scan.h"

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

struct wh_error *wh_rwbase_describe(const struct wh_wait_context *ctx, struct wh_wait_object *obj,
				    enum wh_rt_container c)
{
	uint64_t base_off, readers_off, field;
	uint32_t r;
	struct wh_error *err;
	if ((err = wh_rt_base_offset(ctx->k, c, &base_off)) ||
	    (err = readers_offset(ctx->k, c, &readers_off)))
		return err;
	uint64_t base = obj->address + base_off;
	size_t cap = 0;
	if ((err = wh_rt_owner(ctx->k, base, &field)) ||
	    (err = wh_dump_read_u32(ctx->k->dump, obj->address + readers_off, &r))) {
		wh_object_unreadable(obj, "readers/owner", err);
		return wh_rt_waiters(ctx, base, obj, &cap);
	}
	uint64_t writer = field & ~1ull;
	if (r == WRITER_BIAS) {
		obj->state =
		    (struct wh_object_state){.condition = WH_STATE_RWBASE_WRITE, .value = r};
		if (writer)
			wh_object_add_owner(ctx, obj, writer, WH_OWNER_FIELD,
					    (struct wh_evidence){.kind = WH_EVIDENCE_RWBASE_WRITER,
								 .field = field,
								 .number = r});
		return wh_rt_waiters(ctx, base, obj, &cap);
	}
	uint64_t n = r & READER_BIAS ? r - READER_BIAS : r;
	if (!(r & READER_BIAS) && r < WRITER_BIAS && writer) {
		/* The writer owns the rtmutex and waits for N readers. */
		obj->state = (struct wh_object_state){.condition = WH_STATE_RWBASE_READ,
						      .value = r,
						      .number = (int64_t)n,
						      .flag = true};
		if ((err = wh_object_add_waiter(obj, &cap, writer,
						(struct wh_wait_mode){.how = WH_WAIT_WRITE})))
			return err;
	} else if (n) {
		obj->state = (struct wh_object_state){
		    .condition = WH_STATE_RWBASE_READ, .value = r, .number = (int64_t)n};
	} else {
		obj->state =
		    (struct wh_object_state){.condition = WH_STATE_RWBASE_FREE, .value = r};
	}
	if ((err = wh_rt_waiters(ctx, base, obj, &cap)))
		return err;
	return n ? wh_rwsem_infer_readers(ctx, obj, 0, n) : NULL;
}
