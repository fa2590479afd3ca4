/* A frozen blk-mq request queue (blk_mq_freeze_queue: elevator switches,
 * queue limit updates, device removal, or a stuck freezer): new I/O waits
 * in __bio_queue_enter()/blk_queue_enter() on q->mq_freeze_wq until
 * mq_freeze_depth drops to 0. Who froze the queue is not recorded. */
#include "blockdev.h"
#include "wait_kind.h"
#include "waiter_scan.h"

#include <stdio.h>

static const char *const wait_frames[] = {"__bio_queue_enter", "bio_queue_enter", "blk_queue_enter",
					  NULL};
static const char *const waiter_hint[] = {"blk_queue_enter", NULL};

static const struct wh_list_lock freeze_wait = {
    .waiter_type = "wait_queue_entry",
    .waiter_list = "entry",
    .waiter_task = "private",
    .lock_type = "request_queue",
    .lock_list = "mq_freeze_wq.head",
    .frames = wait_frames,
    .type_hint = waiter_hint,
};

/* The wait object is the wait queue head; the queue contains it. */
static struct wh_error *recognize(const struct wh_wait_context *ctx, uint64_t *ret_object,
				  char ret_mode[8], bool *ret_found)
{
	ret_mode[0] = '\0';
	struct wh_member_info wq;
	struct wh_error *err = wh_list_lock_recognize(ctx, &freeze_wait, ret_object, ret_found);
	if (err || !*ret_found)
		return err;
	if ((err = wh_kernel_member(ctx->k, "request_queue", "mq_freeze_wq", &wq)))
		*ret_found = false;
	else
		*ret_object += wq.offset;
	return err;
}

static struct wh_error *describe(const struct wh_wait_context *ctx, struct wh_wait_object *obj)
{
	struct wh_kernel *k = ctx->k;
	struct wh_member_info wq, depth_m, disk_m, part0_m;
	struct wh_error *err;
	if ((err = wh_kernel_member(k, "request_queue", "mq_freeze_wq", &wq)) ||
	    (err = wh_kernel_member(k, "request_queue", "mq_freeze_depth", &depth_m)))
		return err;
	uint64_t q = obj->address - wq.offset, depth = 0, disk = 0, part0 = 0;
	if ((err = wh_kernel_read_member(k, q, &depth_m, &depth))) {
		snprintf(obj->state, sizeof(obj->state), "queue unreadable: %s", err->message);
		wh_error_destroy(err);
	} else {
		snprintf(obj->state, sizeof(obj->state),
			 (int32_t)depth > 0
			     ? "queue frozen (mq_freeze_depth %d): no I/O enters it until it is "
			       "unfrozen; the kernel records no freezer"
			     : "queue not frozen (mq_freeze_depth %d): the waiters should have "
			       "been woken",
			 (int32_t)depth);
	}
	/* 5.14+ queues point at their disk; the disk's part0 is the device. */
	bool have_disk = false;
	if (!(err = wh_kernel_member_opt(k, "request_queue", "disk", &disk_m, &have_disk)) &&
	    have_disk && !(err = wh_kernel_read_member(k, q, &disk_m, &disk)) && disk &&
	    !(err = wh_kernel_member(k, "gendisk", "part0", &part0_m)) &&
	    !(err = wh_kernel_read_member(k, disk, &part0_m, &part0)) && part0) {
		wh_blockdev_describe(k, ctx->devices, part0, 0, &obj->io);
		snprintf(obj->name, sizeof(obj->name), "request queue of %s", obj->io.device);
	}
	wh_error_destroy(err);
	struct wh_waiter_layout l;
	uint64_t list_off;
	if ((err = wh_list_lock_layout(k, &freeze_wait, &l, &list_off)))
		return err;
	wh_waiter_list_read(ctx, q + list_off, &l, NULL, 0, obj);
	return NULL;
}

const struct wh_wait_kind_ops wh_wait_kind_queue_freeze = {
    .name = "queue-freeze",
    .recognize = recognize,
    .describe = describe,
};
