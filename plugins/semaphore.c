/* struct semaphore: no owner is recorded by the kernel. */
#include "wait_kind.h"

#include <stdio.h>

static const struct wh_wait_frame lock_frames[] = {
    {.function = "__down_common"},
    {.function = "___down_common"},
    {.function = "__down"},
    {.function = "__down_killable"},
    {.function = "__down_interruptible"},
    {.function = "__down_timeout"},
    {NULL},
};

static const struct wh_list_kind semaphore_list = {
    .waiter_type = "semaphore_waiter",
    .waiter_list = "list",
    .waiter_task = "task",
    .lock_type = "semaphore",
    .lock_list = "wait_list",
    /* struct semaphore_waiter is private to kernel/locking/semaphore.c. */
    .type_hint = (const char *const[]){"__down", "down", NULL},
};

enum { COUNT };
static const struct wh_kind_member members[] = {[COUNT] = {"semaphore", "count"}, {NULL}};

static struct wh_error *describe(const struct wh_wait_context *ctx,
				 const struct wh_wait_kind_state *state,
				 const struct wh_wait_found *first, struct wh_wait_object *obj)
{
	uint64_t count;
	struct wh_error *err =
	    wh_kernel_read_member(ctx->k, obj->address, &state->members[COUNT], &count);
	if (err)
		wh_object_unreadable(obj, "count", err);
	else
		obj->state =
		    (struct wh_object_state){.condition = WH_STATE_SEMAPHORE, .value = count};
	wh_list_kind_waiters(ctx, &state->list, obj);
	return NULL;
}

const struct wh_wait_kind_ops wh_wait_kind_semaphore = {
    .name = "semaphore",
    .order = 30,
    .frames = lock_frames,
    .list = &semaphore_list,
    .members = members,
    .describe = describe,
};
