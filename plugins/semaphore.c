/* struct semaphore: no owner is recorded by the kernel. */
#include "wait_kind.h"
#include "waiter_scan.h"

#include <stdio.h>

static const char *const lock_frames[] = {
    "__down_common",	    "___down_common", "__down", "__down_killable",
    "__down_interruptible", "__down_timeout", NULL,
};

static struct wh_error *layout(struct wh_kernel *k, struct wh_waiter_layout *l,
			       struct wh_member_info *wait_list, struct wh_member_info *count)
{
	struct wh_member_info list, task;
	struct wh_error *err;
	/* struct semaphore_waiter is private to kernel/locking/semaphore.c. */
	static const char *const hint[] = {"__down", "down", NULL};
	wh_kernel_type_hint(k, hint);
	if ((err = wh_kernel_member(k, "semaphore_waiter", "list", &list)) ||
	    (err = wh_kernel_member(k, "semaphore_waiter", "task", &task)) ||
	    (err = wh_kernel_member(k, "semaphore", "wait_list", wait_list)) ||
	    (err = wh_kernel_member(k, "semaphore", "count", count)))
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
	struct wh_member_info wait_list, count;
	struct wh_error *err = layout(ctx->k, &l, &wait_list, &count);
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
	struct wh_member_info wait_list, count_m;
	struct wh_error *err = layout(ctx->k, &l, &wait_list, &count_m);
	if (err)
		return err;
	uint64_t count;
	if ((err = wh_kernel_read_member(ctx->k, obj->address, &count_m, &count))) {
		snprintf(obj->state, sizeof(obj->state), "count unreadable: %s", err->message);
		wh_error_destroy(err);
	} else {
		snprintf(obj->state, sizeof(obj->state),
			 "count %llu; the kernel records no holder of a semaphore",
			 (unsigned long long)count);
	}
	wh_waiter_list_read(ctx, obj->address + wait_list.offset, &l, NULL, 0, obj);
	return NULL;
}

const struct wh_wait_kind_ops wh_wait_kind_semaphore = {
    .name = "semaphore",
    .recognize = recognize,
    .describe = describe,
};
