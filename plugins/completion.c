/* struct completion on a simple wait queue (5.7+, swait); nobody owns a
 * completion: whoever should call complete() is unknown to the kernel.
 * A completion on the waiter's own stack that a bio's bi_private points at
 * is submit_bio_wait() (blkdev_issue_flush, synchronous metadata I/O): the
 * bio names the device the I/O never came back from. */
#include "blockdev.h"
#include "wait_kind.h"

#include <stdio.h>
#include <stdlib.h>

static const struct wh_wait_frame wait_frames[] = {
    {.function = "__wait_for_common"},
    {.function = "wait_for_common"},
    {.function = "do_wait_for_common"},
    {.function = "wait_for_common_io"},
    /* The helpers above can all be inlined into the exported entry
     * points (5.10 built by gcc 12 keeps none of them out of line). */
    {.function = "wait_for_completion"},
    {.function = "wait_for_completion_io"},
    {.function = "wait_for_completion_timeout"},
    {.function = "wait_for_completion_io_timeout"},
    {.function = "wait_for_completion_interruptible"},
    {.function = "wait_for_completion_interruptible_timeout"},
    {.function = "wait_for_completion_killable"},
    {.function = "wait_for_completion_killable_timeout"},
    {.function = "wait_for_completion_state"},
    {NULL},
};
static const char *const timeout_frames[] = {"schedule_timeout", NULL};

static const struct wh_list_kind completion_list = {
    .waiter_type = "swait_queue",
    .waiter_list = "task_list",
    .waiter_task = "task",
    .lock_type = "completion",
    .lock_list = "wait.task_list",
    /* struct swait_queue appears only where swait is used: completion.c. */
    .type_hint = (const char *const[]){"complete", "swake_up_one", NULL},
};

enum { DONE, BI_PRIVATE };
static const struct wh_kind_member members[] = {
    [DONE] = {"completion", "done"},
    [BI_PRIVATE] = {"bio", "bi_private", .optional = true},
    {NULL},
};

/* The bio whose bi_private is COMPLETION: a struct bio on the waiter's
 * stack (blkdev_issue_flush declares one there), or one a word of that
 * stack points at. Only the live part of the stack is read. */
static bool bio_of_completion(const struct wh_wait_context *ctx,
			      const struct wh_wait_kind_state *state, uint64_t completion,
			      uint64_t *ret_bio, uint64_t *ret_bdev)
{
	const struct wh_member_info priv = state->members[BI_PRIVATE];
	struct wh_error *err = NULL;
	uint64_t lo = ctx->bt->stack.n ? ctx->bt->stack.frames[0].sp : ctx->stack_lo;
	uint64_t hi = ctx->stack_hi;
	if (!state->have[BI_PRIVATE] || lo < ctx->stack_lo || lo >= hi || hi - lo > (1u << 16))
		return false;
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

static struct wh_error *describe(const struct wh_wait_context *ctx,
				 const struct wh_wait_kind_state *state,
				 const struct wh_wait_found *first, struct wh_wait_object *obj)
{
	uint64_t done = 0;
	struct wh_error *err;
	if ((err = wh_kernel_read_member(ctx->k, obj->address, &state->members[DONE], &done))) {
		wh_object_unreadable(obj, "done", err);
	} else {
		obj->state =
		    (struct wh_object_state){.condition = WH_STATE_COMPLETION, .value = done};
	}
	uint64_t bio, bdev;
	if (obj->address >= ctx->stack_lo && obj->address < ctx->stack_hi &&
	    bio_of_completion(ctx, state, obj->address, &bio, &bdev)) {
		wh_blockdev_describe(ctx->k, ctx->devices, bdev, 0, &obj->io);
		snprintf(obj->name, sizeof(obj->name), "completion of bio 0x%llx to %s",
			 (unsigned long long)bio, obj->io.device);
		obj->state = (struct wh_object_state){.condition = WH_STATE_COMPLETION_OF_BIO,
						      .value = done};
	}
	wh_list_kind_waiters(ctx, &state->list, obj);
	return NULL;
}

const struct wh_wait_kind_ops wh_wait_kind_completion = {
    .name = "completion",
    .order = 40,
    .sleeping_is_idle = true,
    .frames = wait_frames,
    .skip = timeout_frames,
    .list = &completion_list,
    .members = members,
    .describe = describe,
};
