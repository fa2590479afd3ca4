/* struct mutex (4.10+ layout: atomic_long_t owner with flag bits). */
#include "wait_kind.h"
#include "waiter_scan.h"

#include <stdio.h>

/* MUTEX_FLAG_WAITERS | HANDOFF | PICKUP (kernel/locking/mutex.c, 4.10+). */
static const uint64_t MUTEX_FLAGS = 0x7, MUTEX_FLAG_PICKUP = 0x4;

static const char *const lock_frames[] = {
    "__mutex_lock",
    "__mutex_lock_slowpath",
    "__mutex_lock_killable_slowpath",
    "__mutex_lock_interruptible_slowpath",
    "__ww_mutex_lock",
    NULL,
};
/* struct mutex_waiter is private to kernel/locking/. */
static const char *const waiter_hint[] = {"__mutex_lock_slowpath", "mutex_lock", NULL};

static const struct wh_list_lock mutex_lock = {
    .waiter_type = "mutex_waiter",
    .waiter_list = "list",
    .waiter_task = "task",
    .lock_type = "mutex",
    .lock_list = "wait_list",
    .frames = lock_frames,
    .type_hint = waiter_hint,
};

static struct wh_error *recognize(const struct wh_wait_context *ctx, uint64_t *ret_object,
				  char ret_mode[8], bool *ret_found)
{
	ret_mode[0] = '\0';
	return wh_list_lock_recognize(ctx, &mutex_lock, ret_object, ret_found);
}

static struct wh_error *describe(const struct wh_wait_context *ctx, struct wh_wait_object *obj)
{
	struct wh_member_info owner_m;
	uint64_t owner;
	struct wh_error *err = wh_kernel_member(ctx->k, "mutex", "owner", &owner_m);
	if (err)
		return err;
	err = wh_kernel_read_member(ctx->k, obj->address, &owner_m, &owner);
	if (err) {
		snprintf(obj->state, sizeof(obj->state), "owner unreadable: %s", err->message);
		wh_error_destroy(err);
	} else if (!(owner & ~MUTEX_FLAGS)) {
		snprintf(obj->state, sizeof(obj->state), "unlocked (owner field 0x%llx)",
			 (unsigned long long)owner);
	} else {
		char ev[192];
		snprintf(ev, sizeof(ev), "mutex owner field 0x%llx%s", (unsigned long long)owner,
			 owner & MUTEX_FLAG_PICKUP ? " (handed off, not yet picked up)" : "");
		/* PICKUP: the unlocker handed the mutex to the task in the owner
		 * field, which has not run yet to take it. It is who the others
		 * wait behind, but it does not hold the lock yet: say so. */
		snprintf(obj->state, sizeof(obj->state), "%s%s",
			 owner & MUTEX_FLAG_PICKUP ? "handed off to the task below, which has not "
						     "taken it yet"
						   : "locked",
			 owner & 1 ? ", waiters flagged" : "");
		wh_object_add_owner(ctx, obj, owner & ~MUTEX_FLAGS, WH_OWNER_FIELD, ev);
	}
	return wh_list_lock_waiters(ctx, &mutex_lock, obj);
}

const struct wh_wait_kind_ops wh_wait_kind_mutex = {
    .name = "mutex",
    .recognize = recognize,
    .describe = describe,
};
