/* Generic wait queues (wait_event*, prepare_to_wait, add_wait_queue): the
 * entry on the waiter's stack has private = task and a known wake
 * function. The most general kind: tried after the specific ones. */
#include "symbolize.h"
#include "wait_kind.h"
#include "waiter_scan.h"

#include <stdio.h>
#include <string.h>

static const char *const wake_functions[] = {
    "autoremove_wake_function",
    "default_wake_function",
    "woken_wake_function",
    "var_wake_function",
    "wake_bit_function",
    "wake_page_function",
    NULL,
};

struct waitqueue_layout {
	struct wh_waiter_layout waiter;
	struct wh_member_info head, func;
};

static struct wh_error *layout(struct wh_kernel *k, struct waitqueue_layout *l)
{
	struct wh_member_info entry, private;
	struct wh_error *err;
	if ((err = wh_kernel_member(k, "wait_queue_entry", "entry", &entry)) ||
	    (err = wh_kernel_member(k, "wait_queue_entry", "private", &private)) ||
	    (err = wh_kernel_member(k, "wait_queue_entry", "func", &l->func)) ||
	    (err = wh_kernel_member(k, "wait_queue_head", "head", &l->head)))
		return err;
	l->waiter = (struct wh_waiter_layout){
	    .list_off = entry.offset, .task_off = private.offset, .mode_off = UINT64_MAX};
	return NULL;
}

static bool known_wake_function(const struct wh_wait_context *ctx, uint64_t entry,
				const struct waitqueue_layout *l)
{
	uint64_t func;
	struct wh_error *err = wh_dump_read_u64(ctx->k->dump, entry + l->func.offset, &func);
	struct wh_symbolized sym;
	if (!err)
		err = wh_symbolize(ctx->k, func, &sym);
	bool ok = !err && sym.offset == 0 && !sym.module;
	wh_error_destroy(err);
	if (!ok)
		return false;
	for (const char *const *w = wake_functions; *w; w++)
		if (!strcmp(sym.function, *w))
			return true;
	return false;
}

static struct wh_error *recognize(const struct wh_wait_context *ctx, uint64_t *ret_object,
				  char ret_mode[8], bool *ret_found)
{
	*ret_found = false;
	struct waitqueue_layout l;
	struct wh_error *err = layout(ctx->k, &l);
	if (err)
		return err;
	/* The entry is in the frame that called schedule(), whatever its name. */
	int frame = wh_caller_of_schedule(ctx->bt);
	if (frame < 0)
		return NULL;
	uint64_t rec, head;
	if ((err = wh_find_waiter_record(ctx, frame, &l.waiter, &rec, ret_found)) || !*ret_found)
		return err;
	if (!known_wake_function(ctx, rec, &l)) {
		*ret_found = false;
		return NULL;
	}
	if ((err = wh_waiter_list_head(ctx, rec, &l.waiter, &head))) {
		*ret_found = false;
		return err;
	}
	*ret_object = head - l.head.offset;
	ret_mode[0] = '\0';
	return NULL;
}

static struct wh_error *describe(const struct wh_wait_context *ctx, struct wh_wait_object *obj)
{
	struct waitqueue_layout l;
	struct wh_error *err = layout(ctx->k, &l);
	if (err)
		return err;
	snprintf(obj->state, sizeof(obj->state),
		 "a wait queue: the waker is whoever makes the condition true; not recorded");
	wh_waiter_list_read(ctx, obj->address + l.head.offset, &l.waiter, NULL, 0, obj);
	return NULL;
}

const struct wh_wait_kind_ops wh_wait_kind_waitqueue = {
    .name = "waitqueue",
    .sleeping_is_idle = true,
    .recognize = recognize,
    .describe = describe,
};
