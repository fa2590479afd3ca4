/* struct semaphore: no owner is recorded by the kernel. */
#include "wait_kind.h"
#include "waiter_scan.h"

#include <stdio.h>

static const char *const lock_frames[] = {
    "__down_common",	    "___down_common", "__down", "__down_killable",
    "__down_interruptible", "__down_timeout", NULL,
};
/* struct semaphore_waiter is private to kernel/locking/semaphore.c. */
static const char *const waiter_hint[] = {"__down", "down", NULL};

static const struct wh_list_lock semaphore_lock = {
    .waiter_type = "semaphore_waiter",
    .waiter_list = "list",
    .waiter_task = "task",
    .lock_type = "semaphore",
    .lock_list = "wait_list",
    .frames = lock_frames,
    .type_hint = waiter_hint,
};

static struct wh_error *recognize(const struct wh_wait_context *ctx, uint64_t *ret_object,
				  char ret_mode[8], bool *ret_found)
{
	ret_mode[0] = '\0';
	return wh_list_lock_recognize(ctx, &semaphore_lock, ret_object, ret_found);
}

static struct wh_error *describe(const struct wh_wait_context *ctx, struct wh_wait_object *obj)
{
	struct wh_member_info count_m;
	uint64_t count;
	struct wh_error *err = wh_kernel_member(ctx->k, "semaphore", "count", &count_m);
	if (err)
		return err;
	if ((err = wh_kernel_read_member(ctx->k, obj->address, &count_m, &count))) {
		snprintf(obj->state, sizeof(obj->state), "count unreadable: %s", err->message);
		wh_error_destroy(err);
	} else {
		snprintf(obj->state, sizeof(obj->state),
			 "count %llu; the kernel records no holder of a semaphore",
			 (unsigned long long)count);
	}
	return wh_list_lock_waiters(ctx, &semaphore_lock, obj);
}

const struct wh_wait_kind_ops wh_wait_kind_semaphore = {
    .name = "semaphore",
    .recognize = recognize,
    .describe = describe,
};
