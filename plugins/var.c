/* wait_var_event(): the waiter's wait_bit_queue_entry (from
 * init_wait_var_entry, bit_nr -1) keys a hashed bit_wait_table queue by the
 * variable's address. It is a local of whatever function expanded the
 * macro, so the entry is found in the frame that called schedule(), and
 * its wake function (var_wake_function) tells it from other waits. */
#include "symbolize.h"
#include "wait_kind.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_var_wait(const struct wh_wait_context *ctx, const struct wh_wait_bit_layout *l,
			uint64_t rec)
{
	uint64_t func, bit;
	struct wh_symbolized sym;
	struct wh_error *err;
	if ((err = wh_dump_read_u64(ctx->k->dump, rec + l->func.offset, &func)) ||
	    (err = wh_kernel_read_member(ctx->k, rec, &l->bit_nr, &bit)) ||
	    (err = wh_symbolize(ctx->k, func, &sym))) {
		wh_error_destroy(err);
		return false;
	}
	return (int32_t)bit == -1 && sym.offset == 0 && !sym.module &&
	       !strcmp(sym.function, "var_wake_function");
}

static struct wh_error *init(struct wh_kernel *k, void **ret_layout)
{
	struct wh_wait_bit_layout *l = calloc(1, sizeof(*l));
	if (!l)
		return &wh_error_nomem;
	struct wh_error *err = wh_wait_bit_layout(k, l);
	if (err)
		free(l);
	else
		*ret_layout = l;
	return err;
}

static struct wh_wait_mode var_mode(const void *arg, uint64_t bit)
{
	(void)arg;
	(void)bit;
	return (struct wh_wait_mode){WH_WAIT_PLAIN, 0};
}

/* The entry is in the frame that called schedule(), whatever its name. */
static struct wh_error *find(const struct wh_wait_context *ctx,
			     const struct wh_wait_kind_state *state, const struct wh_wait_match *m,
			     struct wh_wait_found *ret)
{
	const struct wh_wait_bit_layout *l = state->layout;
	struct wh_error *err =
	    wh_find_waiter_record(ctx, m->frame, &l->waiter, &ret->record, &ret->found);
	if (err || !ret->found)
		return err;
	if (!is_var_wait(ctx, l, ret->record) ||
	    (err = wh_kernel_read_member(ctx->k, ret->record, &l->key, &ret->object)))
		ret->found = false;
	return err;
}

static struct wh_error *describe(const struct wh_wait_context *ctx,
				 const struct wh_wait_kind_state *state,
				 const struct wh_wait_found *first, struct wh_wait_object *obj)
{
	const struct wh_wait_bit_layout *l = state->layout;
	uint64_t value = 0;
	struct wh_error *err;
	if ((err = wh_dump_read_u64(ctx->k->dump, obj->address, &value)))
		wh_object_unreadable(obj, "variable", err);
	else
		obj->state = (struct wh_object_state){.condition = WH_STATE_VAR, .value = value};
	return wh_hashed_queue_waiters(ctx, first->record, &l->waiter, &l->key, &l->bit_nr,
				       var_mode, NULL, obj);
}

const struct wh_wait_kind_ops wh_wait_kind_var = {
    .name = "var",
    .order = 110,
    .in_schedule_caller = true,
    .init = init,
    .find = find,
    .describe = describe,
};
