/* A frozen blk-mq request queue (blk_mq_freeze_queue: elevator switches,
 * queue limit updates, device removal, or a stuck freezer): new I/O waits
 * in __bio_queue_enter()/blk_queue_enter() on q->mq_freeze_wq until
 * mq_freeze_depth drops to 0. Who froze the queue is not recorded. */
#include "blockdev.h"
#include "wait_kind.h"

#include <stdio.h>

static const struct wh_wait_frame wait_frames[] = {
    {.function = "__bio_queue_enter"},
    {.function = "bio_queue_enter"},
    {.function = "blk_queue_enter"},
    {NULL},
};

/* The wait object is the wait queue head; the queue contains it. */
static const struct wh_list_kind freeze_list = {
    .waiter_type = "wait_queue_entry",
    .waiter_list = "entry",
    .waiter_task = "private",
    .lock_type = "request_queue",
    .lock_list = "mq_freeze_wq.head",
    .object_member = "mq_freeze_wq",
    .type_hint = (const char *const[]){"blk_queue_enter", NULL},
};

enum { DEPTH, DISK, PART0 };
static const struct wh_kind_member members[] = {
    [DEPTH] = {"request_queue", "mq_freeze_depth"},
    /* 5.14+ queues point at their disk; the disk's part0 is the device. */
    [DISK] = {"request_queue", "disk", .optional = true},
    [PART0] = {"gendisk", "part0", .optional = true},
    {NULL},
};

static struct wh_error *describe(const struct wh_wait_context *ctx,
				 const struct wh_wait_kind_state *state,
				 const struct wh_wait_found *first, struct wh_wait_object *obj)
{
	struct wh_kernel *k = ctx->k;
	uint64_t q = obj->address - state->list.object_off, depth = 0, disk = 0, part0 = 0;
	struct wh_error *err = wh_kernel_read_member(k, q, &state->members[DEPTH], &depth);
	if (err)
		wh_object_unreadable(obj, "queue", err);
	else
		obj->state = (struct wh_object_state){.condition = WH_STATE_QUEUE_FREEZE,
						      .number = (int32_t)depth};
	if (state->have[DISK] && state->have[PART0] &&
	    wh_best_effort(wh_kernel_read_member(k, q, &state->members[DISK], &disk)) && disk &&
	    wh_best_effort(wh_kernel_read_member(k, disk, &state->members[PART0], &part0)) &&
	    part0) {
		wh_blockdev_describe(k, ctx->devices, part0, 0, &obj->io);
		snprintf(obj->name, sizeof(obj->name), "request queue of %s", obj->io.device);
	}
	wh_list_kind_waiters(ctx, &state->list, obj);
	return NULL;
}

const struct wh_wait_kind_ops wh_wait_kind_queue_freeze = {
    .name = "queue-freeze",
    .order = 100,
    .frames = wait_frames,
    .list = &freeze_list,
    .members = members,
    .describe = describe,
};
