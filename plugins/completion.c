/* struct completion on a simple wait queue (5.7+, swait); nobody owns a
 * completion: whoever should call complete() is unknown to the kernel.
 * A completion on the waiter's own stack that a bio's bi_private points at
 * is submit_bio_wait() (blkdev_issue_flush, synchronous metadata I/O): the
 * bio names the device the I/O never came back from. */
#include "blockdev.h"
#include "wait_kind.h"
#include "waiter_scan.h"

#include <stdio.h>
#include <stdlib.h>

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

/* The bio whose bi_private is COMPLETION: a struct bio on the waiter's
 * stack (blkdev_issue_flush declares one there), or one a word of that
 * stack points at. Only the live part of the stack is read. */
static bool bio_of_completion(const struct wh_wait_context *ctx, uint64_t completion,
			      uint64_t *ret_bio, uint64_t *ret_bdev)
{
	struct wh_member_info priv;
	struct wh_error *err = wh_kernel_member(ctx->k, "bio", "bi_private", &priv);
	uint64_t lo = ctx->bt->stack.n ? ctx->bt->stack.frames[0].sp : ctx->stack_lo;
	uint64_t hi = ctx->stack_hi;
	if (err || lo < ctx->stack_lo || lo >= hi || hi - lo > (1u << 16)) {
		wh_error_destroy(err);
		return false;
	}
	lo &= ~7ull;
	size_t n = (size_t)((hi - lo) / 8);
	uint64_t *words = malloc(n * sizeof(*words));
	if (!words || (err = wh_dump_read(ctx->k->dump, lo, words, n * 8))) {
		wh_error_destroy(err);
		free(words);
		return false;
	}
	bool found = false;
	for (size_t i = 0; i < n && !found; i++) {
		/* On the stack: bio at lo + 8i, its bi_private a few words on. */
		size_t at = i + priv.offset / 8;
		if (!(priv.offset % 8) && at < n && words[at] == completion &&
		    wh_bio_device(ctx->k, lo + i * 8, ret_bdev)) {
			*ret_bio = lo + i * 8;
			found = true;
		}
	}
	for (size_t i = 0; i < n && !found; i++) {
		uint64_t p;
		/* Pointed to: a kernel address whose bi_private is the completion. */
		if (words[i] < 0xffff800000000000ull || words[i] == completion)
			continue;
		err = wh_dump_read_u64(ctx->k->dump, words[i] + priv.offset, &p);
		wh_error_destroy(err);
		if (!err && p == completion && wh_bio_device(ctx->k, words[i], ret_bdev)) {
			*ret_bio = words[i];
			found = true;
		}
	}
	free(words);
	return found;
}

static struct wh_error *describe(const struct wh_wait_context *ctx, struct wh_wait_object *obj)
{
	struct wh_member_info done_m;
	uint64_t done = 0;
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
	uint64_t bio, bdev;
	if (obj->address >= ctx->stack_lo && obj->address < ctx->stack_hi &&
	    bio_of_completion(ctx, obj->address, &bio, &bdev)) {
		wh_blockdev_describe(ctx->k, ctx->devices, bdev, 0, &obj->io);
		snprintf(obj->name, sizeof(obj->name), "completion of bio 0x%llx to %s",
			 (unsigned long long)bio, obj->io.device);
		snprintf(obj->state, sizeof(obj->state),
			 "not completed (done = %llu): the bio's I/O never came back "
			 "(submit_bio_wait)",
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
