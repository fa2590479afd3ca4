/* struct completion on a simple wait queue (5.7+, swait); nobody owns a
 * completion: whoever should call complete() is unknown to the kernel. */
#include "wait_kind.h"
#include "waiter_scan.h"

#include <stdio.h>

static const char *const wait_frames[] = {
    "__wait_for_common", "wait_for_common", "do_wait_for_common", "wait_for_common_io", NULL,
};
static const char *const timeout_frames[] = {"schedule_timeout", NULL};
/* struct swait_queue appears only where swait is used: completion.c. */
static const char *const waiter_hint[] = {"complete", "swake_up_one", NULL};

static const struct wh_list_lock completion_wait = {
    .waiter_type = "swait_queue",
    .waiter_list = "task_list",
    .waiter_task = "task",
    .lock_type = "completion",
    .lock_list = "wait.task_list",
    .frames = wait_frames,
    .also_skip = timeout_frames,
    .type_hint = waiter_hint,
};

static struct wh_error *recognize(const struct wh_wait_context *ctx, uint64_t *ret_object,
				  char ret_mode[8], bool *ret_found)
{
	ret_mode[0] = '\0';
	return wh_list_lock_recognize(ctx, &completion_wait, ret_object, ret_found);
}

static struct wh_error *describe(const struct wh_wait_context *ctx, struct wh_wait_object *obj)
{
	struct wh_member_info done_m;
	uint64_t done;
	struct wh_error *err = wh_kernel_member(ctx->k, "completion", "done", &done_m);
	if (err)
		return err;
	if ((err = wh_kernel_read_member(ctx->k, obj->address, &done_m, &done))) {
		snprintf(obj->state, sizeof(obj->state), "done unreadable: %s", err->message);
		wh_error_destroy(err);
	} else {
		snprintf(obj->state, sizeof(obj->state),
			 "not completed (done = %llu); no task is recorded as the completer",
			 (unsigned long long)done);
	}
	return wh_list_lock_waiters(ctx, &completion_wait, obj);
}

const struct wh_wait_kind_ops wh_wait_kind_completion = {
    .name = "completion",
    .sleeping_is_idle = true,
    .recognize = recognize,
    .describe = describe,
};
