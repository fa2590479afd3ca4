/* struct mutex (4.10+ layout: atomic_long_t owner with flag bits). */
#include "wait_kind.h"

#include <stdio.h>

/* MUTEX_FLAG_WAITERS | HANDOFF | PICKUP (kernel/locking/mutex.c, 4.10+). */
static const uint64_t MUTEX_FLAGS = 0x7, MUTEX_FLAG_WAITERS = 0x1, MUTEX_FLAG_PICKUP = 0x4;

static const struct wh_wait_frame lock_frames[] = {
    {.function = "__mutex_lock"},
    {.function = "__mutex_lock_slowpath"},
    {.function = "__mutex_lock_killable_slowpath"},
    {.function = "__mutex_lock_interruptible_slowpath"},
    {.function = "__ww_mutex_lock"},
    {NULL},
};

static const struct wh_list_kind mutex_list = {
    .waiter_type = "mutex_waiter",
    .waiter_list = "list",
    .waiter_task = "task",
    .lock_type = "mutex",
    .lock_list = "wait_list",
    /* struct mutex_waiter is private to kernel/locking/. */
    .type_hint = (const char *const[]){"__mutex_lock_slowpath", "mutex_lock", NULL},
};

enum { OWNER };
static const struct wh_kind_member members[] = {[OWNER] = {"mutex", "owner"}, {NULL}};

static struct wh_error *describe(const struct wh_wait_context *ctx,
				 const struct wh_wait_kind_state *state,
				 const struct wh_wait_found *first, struct wh_wait_object *obj)
{
	uint64_t owner;
	struct wh_error *err =
	    wh_kernel_read_member(ctx->k, obj->address, &state->members[OWNER], &owner);
	if (err) {
		wh_object_unreadable(obj, "owner", err);
	} else if (!(owner & ~MUTEX_FLAGS)) {
		obj->state =
		    (struct wh_object_state){.condition = WH_STATE_MUTEX_UNLOCKED, .value = owner};
	} else {
		/* PICKUP: the unlocker handed the mutex to the task in the owner
		 * field, which has not run yet to take it. It is who the others
		 * wait behind, but it does not hold the lock yet: say so. */
		bool handed_off = owner & MUTEX_FLAG_PICKUP;
		obj->state = (struct wh_object_state){
		    .condition = handed_off ? WH_STATE_MUTEX_HANDED_OFF : WH_STATE_MUTEX_LOCKED,
		    .value = owner,
		    .flag = owner & MUTEX_FLAG_WAITERS};
		wh_object_add_owner(ctx, obj, owner & ~MUTEX_FLAGS, WH_OWNER_FIELD,
				    (struct wh_evidence){.kind = WH_EVIDENCE_MUTEX_OWNER,
							 .field = owner,
							 .handed_off = handed_off});
	}
	wh_list_kind_waiters(ctx, &state->list, obj);
	return NULL;
}

const struct wh_wait_kind_ops wh_wait_kind_mutex = {
    .name = "mutex",
    .order = 10,
    .frames = lock_frames,
    .list = &mutex_list,
    .members = members,
    .describe = describe,
};
