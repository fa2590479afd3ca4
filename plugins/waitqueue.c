/* Generic wait queues (wait_event*, prepare_to_wait, add_wait_queue): the
 * entry on the waiter's stack has private = task and a known wake
 * function. The most general kind: tried after the specific ones. */
#include "symbolize.h"
#include "wait_kind.h"

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

/* The wait list is the wait_queue_head's; the object is the head. */
static const struct wh_list_kind queue_list = {
    .waiter_type = "wait_queue_entry",
    .waiter_list = "entry",
    .waiter_task = "private",
    .lock_type = "wait_queue_head",
    .lock_list = "head",
};

enum { FUNC };
static const struct wh_kind_member members[] = {[FUNC] = {"wait_queue_entry", "func"}, {NULL}};

static bool known_wake_function(const struct wh_wait_context *ctx, uint64_t entry,
				const struct wh_member_info *func_m)
{
	uint64_t func;
	struct wh_error *err = wh_dump_read_u64(ctx->k->dump, entry + func_m->offset, &func);
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

/* The entry is in the frame that called schedule(), whatever its name:
 * a wait queue entry there with a known wake function. */
static struct wh_error *find(const struct wh_wait_context *ctx,
			     const struct wh_wait_kind_state *state, const struct wh_wait_match *m,
			     struct wh_wait_found *ret)
{
	const struct wh_list_layout *l = &state->list;
	uint64_t head;
	struct wh_error *err =
	    wh_find_waiter_record(ctx, m->frame, &l->waiter, &ret->record, &ret->found);
	if (err || !ret->found)
		return err;
	if (!known_wake_function(ctx, ret->record, &state->members[FUNC])) {
		ret->found = false;
		return NULL;
	}
	if ((err = wh_waiter_list_head(ctx, ret->record, &l->waiter, &head))) {
		ret->found = false;
		return err;
	}
	ret->object = head - l->head_off;
	return NULL;
}

static struct wh_error *describe(const struct wh_wait_context *ctx,
				 const struct wh_wait_kind_state *state,
				 const struct wh_wait_found *first, struct wh_wait_object *obj)
{
	obj->state = (struct wh_object_state){.condition = WH_STATE_WAIT_QUEUE};
	wh_list_kind_waiters(ctx, &state->list, obj);
	return NULL;
}

const struct wh_wait_kind_ops wh_wait_kind_waitqueue = {
    .name = "waitqueue",
    .order = 1000,
    .sleeping_is_idle = true,
    .in_schedule_caller = true,
    .list = &queue_list,
    .members = members,
    .find = find,
    .describe = describe,
};
