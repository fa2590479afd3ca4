/* struct completion on a simple wait queue (5.7+, swait); nobody owns a
 * completion: whoever should call complete() is unknown to the kernel. */
#include "wait_kind.h"
#include "waiter_scan.h"

#include <stdio.h>

static const char *const wait_frames[] = {
    "__wait_for_common", "wait_for_common", "do_wait_for_common", "wait_for_common_io", NULL,
};
static const char *const timeout_frames[] = {"schedule_timeout", NULL};

struct completion_layout {
	struct wh_waiter_layout waiter;
	struct wh_member_info head, done;
};

static struct wh_error *layout(struct wh_kernel *k, struct completion_layout *l)
{
	struct wh_member_info list, task;
	struct wh_error *err;
	/* struct swait_queue appears only where swait is used: completion.c. */
	static const char *const hint[] = {"complete", "swake_up_one", NULL};
	wh_kernel_type_hint(k, hint);
	if ((err = wh_kernel_member(k, "swait_queue", "task_list", &list)) ||
	    (err = wh_kernel_member(k, "swait_queue", "task", &task)) ||
	    (err = wh_kernel_member(k, "completion", "wait.task_list", &l->head)) ||
	    (err = wh_kernel_member(k, "completion", "done", &l->done)))
		return err;
	l->waiter = (struct wh_waiter_layout){
	    .list_off = list.offset, .task_off = task.offset, .mode_off = UINT64_MAX};
	return NULL;
}

static struct wh_error *recognize(const struct wh_wait_context *ctx, uint64_t *ret_object,
				  char ret_mode[8], bool *ret_found)
{
	*ret_found = false;
	int frame = wh_wait_frame(ctx->bt, wait_frames, timeout_frames);
	if (frame < 0)
		return NULL;
	struct completion_layout l;
	struct wh_error *err = layout(ctx->k, &l);
	if (err)
		return err;
	uint64_t rec;
	if ((err = wh_waiter_object(ctx, frame, &l.waiter, l.head.offset, ret_object, &rec,
				    ret_found)) ||
	    !*ret_found)
		return err;
	ret_mode[0] = '\0';
	return NULL;
}

static struct wh_error *describe(const struct wh_wait_context *ctx, struct wh_wait_object *obj)
{
	struct completion_layout l;
	struct wh_error *err = layout(ctx->k, &l);
	if (err)
		return err;
	uint64_t done;
	if ((err = wh_kernel_read_member(ctx->k, obj->address, &l.done, &done))) {
		snprintf(obj->state, sizeof(obj->state), "done unreadable: %s", err->message);
		wh_error_destroy(err);
	} else {
		snprintf(obj->state, sizeof(obj->state),
			 "not completed (done = %llu); no task is recorded as the completer",
			 (unsigned long long)done);
	}
	wh_waiter_list_read(ctx, obj->address + l.head.offset, &l.waiter, NULL, 0, obj);
	return NULL;
}

const struct wh_wait_kind_ops wh_wait_kind_completion = {
    .name = "completion",
    .sleeping_is_idle = true,
    .recognize = recognize,
    .describe = describe,
};
