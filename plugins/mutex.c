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

static struct wh_error *layout(struct wh_kernel *k, struct wh_waiter_layout *l,
			       struct wh_member_info *wait_list, struct wh_member_info *owner)
{
	struct wh_member_info list, task;
	struct wh_error *err;
	/* struct mutex_waiter is private to kernel/locking/. */
	static const char *const hint[] = {"__mutex_lock_slowpath", "mutex_lock", NULL};
	wh_kernel_type_hint(k, hint);
	if ((err = wh_kernel_member(k, "mutex_waiter", "list", &list)) ||
	    (err = wh_kernel_member(k, "mutex_waiter", "task", &task)) ||
	    (err = wh_kernel_member(k, "mutex", "wait_list", wait_list)) ||
	    (err = wh_kernel_member(k, "mutex", "owner", owner)))
		return err;
	*l = (struct wh_waiter_layout){
	    .list_off = list.offset, .task_off = task.offset, .mode_off = UINT64_MAX};
	return NULL;
}

static struct wh_error *recognize(const struct wh_wait_context *ctx, uint64_t *ret_object,
				  char ret_mode[8], bool *ret_found)
{
	*ret_found = false;
	int frame = wh_wait_frame(ctx->bt, lock_frames, NULL);
	if (frame < 0)
		return NULL;
	struct wh_waiter_layout l;
	struct wh_member_info wait_list, owner;
	struct wh_error *err = layout(ctx->k, &l, &wait_list, &owner);
	if (err)
		return err;
	uint64_t rec;
	if ((err =
		 wh_waiter_object(ctx, frame, &l, wait_list.offset, ret_object, &rec, ret_found)) ||
	    !*ret_found)
		return err;
	ret_mode[0] = '\0';
	return NULL;
}

static struct wh_error *describe(const struct wh_wait_context *ctx, struct wh_wait_object *obj)
{
	struct wh_waiter_layout l;
	struct wh_member_info wait_list, owner_m;
	struct wh_error *err = layout(ctx->k, &l, &wait_list, &owner_m);
	if (err)
		return err;
	uint64_t owner;
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
		snprintf(obj->state, sizeof(obj->state), "locked%s",
			 owner & 1 ? ", waiters flagged" : "");
		wh_object_add_owner(ctx, obj, owner & ~MUTEX_FLAGS, WH_OWNER_FIELD, ev);
	}
	wh_waiter_list_read(ctx, obj->address + wait_list.offset, &l, NULL, 0, obj);
	return NULL;
}

const struct wh_wait_kind_ops wh_wait_kind_mutex = {
    .name = "mutex",
    .recognize = recognize,
    .describe = describe,
};
