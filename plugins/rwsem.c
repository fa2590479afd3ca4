/* struct rw_semaphore, 5.3+ count scheme (also RHEL 8.3+): bit 0 writer
 * locked, readers << 8; owner = writer, or the last reader | READER_OWNED. */
#include "rwsem_readers.h"
#include "wait_kind.h"
#include "waiter_scan.h"

#include <stdio.h>
#include <string.h>

static const uint64_t RWSEM_WRITER_LOCKED = 1, RWSEM_READER_SHIFT = 8;
static const uint64_t RWSEM_READER_OWNED = 1, RWSEM_OWNER_FLAGS = 0x7;
static const uint64_t RWSEM_READER_MASK = (1ull << 55) - 1; /* bits 8..62 */

static const char *const lock_frames[] = {
    "rwsem_down_read_slowpath",
    "rwsem_down_write_slowpath",
    "__rwsem_down_read_failed_common",
    "__rwsem_down_write_failed_common",
    "rwsem_down_read_failed",
    "rwsem_down_write_failed",
    "rwsem_down_read_failed_killable",
    "rwsem_down_write_failed_killable",
    NULL,
};

struct rwsem_layout {
	struct wh_waiter_layout waiter;
	struct wh_member_info wait_list, count, owner;
	const char *modes[2];
};

static struct wh_error *layout(struct wh_kernel *k, struct rwsem_layout *l)
{
	struct wh_member_info list, task, type;
	struct wh_error *err;
	/* struct rwsem_waiter is private to kernel/locking/rwsem.c. */
	static const char *const hint[] = {"rwsem_down_read_slowpath", "down_read", NULL};
	wh_kernel_type_hint(k, hint);
	if ((err = wh_kernel_member(k, "rwsem_waiter", "list", &list)) ||
	    (err = wh_kernel_member(k, "rwsem_waiter", "task", &task)) ||
	    (err = wh_kernel_member(k, "rwsem_waiter", "type", &type)) ||
	    (err = wh_kernel_member(k, "rw_semaphore", "wait_list", &l->wait_list)) ||
	    (err = wh_kernel_member(k, "rw_semaphore", "count", &l->count)) ||
	    (err = wh_kernel_member(k, "rw_semaphore", "owner", &l->owner)))
		return err;
	l->waiter = (struct wh_waiter_layout){.list_off = list.offset,
					      .task_off = task.offset,
					      .mode_off = type.offset,
					      .mode_size = type.size};
	/* enum rwsem_waiter_type: WRITE = 0, READ = 1 in every version seen;
	 * take the values from DWARF anyway. */
	int64_t w = 0, r = 1;
	struct wh_error *e1 = wh_types_enumerator(k->types, "RWSEM_WAITING_FOR_WRITE", &w);
	struct wh_error *e2 = wh_types_enumerator(k->types, "RWSEM_WAITING_FOR_READ", &r);
	wh_error_destroy(e1);
	wh_error_destroy(e2);
	l->modes[0] = l->modes[1] = "";
	if (w >= 0 && w < 2)
		l->modes[w] = "write";
	if (r >= 0 && r < 2)
		l->modes[r] = "read";
	return NULL;
}

static struct wh_error *recognize(const struct wh_wait_context *ctx, uint64_t *ret_object,
				  char ret_mode[8], bool *ret_found)
{
	*ret_found = false;
	int frame = wh_wait_frame(ctx->bt, lock_frames, NULL);
	if (frame < 0)
		return NULL;
	struct rwsem_layout l;
	struct wh_error *err = layout(ctx->k, &l);
	if (err)
		return err;
	uint64_t rec;
	if ((err = wh_waiter_object(ctx, frame, &l.waiter, l.wait_list.offset, ret_object, &rec,
				    ret_found)) ||
	    !*ret_found)
		return err;
	const char *fn = ctx->bt->stack.frames[frame].sym.function;
	snprintf(ret_mode, 8, "%s", fn && strstr(fn, "write") ? "write" : "read");
	return NULL;
}

/* The last-reader hint, then tasks whose stacks hold the lock's address. */
static struct wh_error *add_candidates(const struct wh_wait_context *ctx,
				       struct wh_wait_object *obj, uint64_t owner, uint64_t readers,
				       const struct wh_addr_map *waiters)
{
	if (owner & RWSEM_READER_OWNED && owner & ~RWSEM_OWNER_FLAGS &&
	    wh_addr_map_get(waiters, owner & ~RWSEM_OWNER_FLAGS) == SIZE_MAX) {
		uint64_t hint = owner & ~RWSEM_OWNER_FLAGS;
		char ev[192];
		snprintf(ev, sizeof(ev),
			 "owner field names it as the last reader to take the lock (0x%llx); the "
			 "kernel does not clear this when readers leave%s",
			 (unsigned long long)owner,
			 wh_stack_holds(ctx, hint, obj->address)
			     ? "; its stack holds the lock address"
			     : "");
		wh_object_add_owner(ctx, obj, hint, WH_OWNER_INFERRED, ev);
	}
	/* Other tasks whose stacks hold the lock's address. */
	const size_t *holders;
	size_t n_holders;
	struct wh_error *err = wh_stack_holders(ctx, obj, &holders, &n_holders);
	if (err)
		return err;
	for (size_t i = 0; i < n_holders && obj->n_owners < readers + 1; i++) {
		const struct wh_task *t = &ctx->tasks->tasks[holders[i]];
		if (t->idle || t->on_cpu || wh_addr_map_get(waiters, t->address) != SIZE_MAX ||
		    t->address == (owner & ~RWSEM_OWNER_FLAGS))
			continue;
		wh_object_add_owner(ctx, obj, t->address, WH_OWNER_INFERRED,
				    "its stack holds the lock address and it is not "
				    "queued on the lock");
	}
	return NULL;
}

/* Readers are not recorded: offer candidates, each with its evidence.
 * Queued tasks are not candidates; WAITERS indexes them (thousands may
 * queue on one rwsem, tested against every task). */
struct wh_error *wh_rwsem_infer_readers(const struct wh_wait_context *ctx,
					struct wh_wait_object *obj, uint64_t owner,
					uint64_t readers)
{
	struct wh_addr_map waiters;
	wh_addr_map_init(&waiters);
	struct wh_error *err = wh_addr_map_reserve(&waiters, obj->n_waiters);
	for (size_t i = 0; !err && i < obj->n_waiters; i++)
		err = wh_addr_map_add(&waiters, obj->waiters[i], i);
	if (!err)
		err = add_candidates(ctx, obj, owner, readers, &waiters);
	wh_addr_map_deinit(&waiters);
	return err;
}

static struct wh_error *describe(const struct wh_wait_context *ctx, struct wh_wait_object *obj)
{
	struct rwsem_layout l;
	struct wh_error *err = layout(ctx->k, &l);
	if (err)
		return err;
	wh_waiter_list_read(ctx, obj->address + l.wait_list.offset, &l.waiter, l.modes, 2, obj);
	uint64_t count, owner;
	if ((err = wh_kernel_read_member(ctx->k, obj->address, &l.count, &count)) ||
	    (err = wh_kernel_read_member(ctx->k, obj->address, &l.owner, &owner))) {
		snprintf(obj->state, sizeof(obj->state), "count/owner unreadable: %s",
			 err->message);
		wh_error_destroy(err);
		return NULL;
	}
	uint64_t readers = (count >> RWSEM_READER_SHIFT) & RWSEM_READER_MASK;
	if (count & RWSEM_WRITER_LOCKED) {
		snprintf(obj->state, sizeof(obj->state), "held for write (count 0x%llx)",
			 (unsigned long long)count);
		char ev[192];
		snprintf(ev, sizeof(ev), "rwsem owner field 0x%llx with the writer-locked bit set",
			 (unsigned long long)owner);
		if (owner & ~RWSEM_OWNER_FLAGS)
			wh_object_add_owner(ctx, obj, owner & ~RWSEM_OWNER_FLAGS, WH_OWNER_FIELD,
					    ev);
	} else if (readers) {
		snprintf(obj->state, sizeof(obj->state),
			 "held for read by %llu reader%s (count 0x%llx)",
			 (unsigned long long)readers, readers == 1 ? "" : "s",
			 (unsigned long long)count);
		if ((err = wh_rwsem_infer_readers(ctx, obj, owner, readers)))
			return err;
	} else {
		snprintf(obj->state, sizeof(obj->state), "free (count 0x%llx)",
			 (unsigned long long)count);
	}
	return NULL;
}

const struct wh_wait_kind_ops wh_wait_kind_rwsem = {
    .name = "rwsem",
    .recognize = recognize,
    .describe = describe,
};
