/* struct rw_semaphore. Two count schemes, told apart by the slow path the
 * waiter sleeps in:
 * - 5.3+ (rwsem_down_*_slowpath; also RHEL 8.3+): bit 0 writer locked,
 *   readers << 8; owner = the writer, or the last reader | READER_OWNED.
 * - up to 5.2 (rwsem_down_*_failed, __rwsem_down_*_failed_common): count
 *   = active lockers (low 32 bits) + WAITING_BIAS (-1 << 32) while tasks
 *   queue, + WAITING_BIAS again for a writer (RWSEM_ACTIVE_WRITE_BIAS);
 *   owner = the writer, or READER_OWNED (| the last reader from 5.0). */
#include "rwsem_count.h"
#include "rwsem_names.h"
#include "rwsem_readers.h"
#include "wait_kind.h"

#include <stdio.h>
#include <string.h>

static const uint64_t RWSEM_READER_OWNED = 1, RWSEM_OWNER_FLAGS = 0x7;

static const struct wh_wait_frame lock_frames[] = {
    {"rwsem_down_read_slowpath", WH_WAIT_READ, WH_RWSEM_COUNT_5_3},
    {"rwsem_down_write_slowpath", WH_WAIT_WRITE, WH_RWSEM_COUNT_5_3},
    {"__rwsem_down_read_failed_common", WH_WAIT_READ, WH_RWSEM_COUNT_BIAS},
    {"__rwsem_down_write_failed_common", WH_WAIT_WRITE, WH_RWSEM_COUNT_BIAS},
    {"rwsem_down_read_failed", WH_WAIT_READ, WH_RWSEM_COUNT_BIAS},
    {"rwsem_down_write_failed", WH_WAIT_WRITE, WH_RWSEM_COUNT_BIAS},
    {"rwsem_down_read_failed_killable", WH_WAIT_READ, WH_RWSEM_COUNT_BIAS},
    {"rwsem_down_write_failed_killable", WH_WAIT_WRITE, WH_RWSEM_COUNT_BIAS},
    {NULL},
};

/* enum rwsem_waiter_type: WRITE = 0, READ = 1 in every version seen;
 * the values are taken from DWARF anyway. */
static const struct wh_list_kind_mode waiter_modes[] = {
    {"RWSEM_WAITING_FOR_WRITE", 0, WH_WAIT_WRITE},
    {"RWSEM_WAITING_FOR_READ", 1, WH_WAIT_READ},
};

static const struct wh_list_kind rwsem_list = {
    .waiter_type = "rwsem_waiter",
    .waiter_list = "list",
    .waiter_task = "task",
    .waiter_mode = "type",
    .modes = waiter_modes,
    .n_modes = 2,
    .lock_type = "rw_semaphore",
    .lock_list = "wait_list",
    /* struct rwsem_waiter is private to kernel/locking/rwsem.c. */
    .type_hint = (const char *const[]){"rwsem_down_read_slowpath", "down_read", NULL},
};

enum { COUNT, OWNER };
static const struct wh_kind_member members[] = {
    [COUNT] = {"rw_semaphore", "count"},
    [OWNER] = {"rw_semaphore", "owner"},
    {NULL},
};

/* The last-reader hint, then tasks whose stacks hold the lock's address. */
static struct wh_error *add_candidates(const struct wh_wait_context *ctx,
				       struct wh_wait_object *obj, uint64_t owner, uint64_t readers,
				       const struct wh_addr_map *waiters)
{
	if (owner & RWSEM_READER_OWNED && owner & ~RWSEM_OWNER_FLAGS &&
	    wh_addr_map_get(waiters, owner & ~RWSEM_OWNER_FLAGS) == SIZE_MAX) {
		uint64_t hint = owner & ~RWSEM_OWNER_FLAGS;
		wh_object_add_owner(
		    ctx, obj, hint, WH_OWNER_INFERRED,
		    (struct wh_evidence){.kind = WH_EVIDENCE_RWSEM_LAST_READER,
					 .field = owner,
					 .on_stack = wh_stack_holds(ctx, hint, obj->address)});
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
				    (struct wh_evidence){.kind = WH_EVIDENCE_LOCK_ON_STACK});
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

static struct wh_error *describe(const struct wh_wait_context *ctx,
				 const struct wh_wait_kind_state *state,
				 const struct wh_wait_found *first, struct wh_wait_object *obj)
{
	wh_list_kind_waiters(ctx, &state->list, obj);
	uint64_t count, owner;
	struct wh_error *err;
	if ((err = wh_kernel_read_member(ctx->k, obj->address, &state->members[COUNT], &count)) ||
	    (err = wh_kernel_read_member(ctx->k, obj->address, &state->members[OWNER], &owner))) {
		wh_object_unreadable(obj, "count/owner", err);
		return NULL;
	}
	struct wh_rwsem_count c = wh_rwsem_count_decode(first->variant, count, owner);
	if (c.held == WH_RWSEM_WRITE) {
		obj->state =
		    (struct wh_object_state){.condition = WH_STATE_RWSEM_WRITE, .value = count};
		if (c.writer)
			wh_object_add_owner(
			    ctx, obj, c.writer, WH_OWNER_FIELD,
			    (struct wh_evidence){.kind = WH_EVIDENCE_RWSEM_WRITER,
						 .field = owner,
						 .biased = first->variant == WH_RWSEM_COUNT_BIAS});
	} else if (c.held == WH_RWSEM_READ) {
		obj->state = (struct wh_object_state){
		    .condition = WH_STATE_RWSEM_READ, .value = count, .number = (int64_t)c.readers};
		if ((err = wh_rwsem_infer_readers(ctx, obj, owner, c.readers)))
			return err;
	} else {
		obj->state =
		    (struct wh_object_state){.condition = WH_STATE_RWSEM_FREE, .value = count};
	}
	return NULL;
}

const struct wh_wait_kind_ops wh_wait_kind_rwsem = {
    .name = "rwsem",
    .order = 20,
    .frames = lock_frames,
    .list = &rwsem_list,
    .members = members,
    .describe = describe,
    .name_object = wh_rwsem_name,
};
