/* wait_var_event(): the waiter's wait_bit_queue_entry (from
 * init_wait_var_entry, bit_nr -1) keys a hashed bit_wait_table queue by the
 * variable's address. It is a local of whatever function expanded the
 * macro, so the entry is found in the frame that called schedule(), and
 * its wake function (var_wake_function) tells it from other waits. */
#include "symbolize.h"
#include "wait_kind.h"
#include "waiter_scan.h"

#include <stdio.h>
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

static void var_mode(const void *arg, uint64_t bit, char mode[8])
{
	(void)arg;
	(void)bit;
	mode[0] = '\0';
}

static struct wh_error *recognize(const struct wh_wait_context *ctx, uint64_t *ret_object,
				  char ret_mode[8], bool *ret_found)
{
	*ret_found = false;
	ret_mode[0] = '\0';
	struct wh_wait_bit_layout l;
	struct wh_error *err = wh_wait_bit_layout(ctx->k, &l);
	int frame = wh_caller_of_schedule(ctx->bt);
	uint64_t rec;
	if (err || frame < 0)
		return err;
	if ((err = wh_find_waiter_record(ctx, frame, &l.waiter, &rec, ret_found)) || !*ret_found)
		return err;
	if (!is_var_wait(ctx, &l, rec) ||
	    (err = wh_kernel_read_member(ctx->k, rec, &l.key, ret_object)))
		*ret_found = false;
	return err;
}

static struct wh_error *describe(const struct wh_wait_context *ctx, struct wh_wait_object *obj)
{
	struct wh_wait_bit_layout l;
	struct wh_error *err = wh_wait_bit_layout(ctx->k, &l);
	if (err)
		return err;
	uint64_t value = 0;
	if ((err = wh_dump_read_u64(ctx->k->dump, obj->address, &value))) {
		snprintf(obj->state, sizeof(obj->state), "variable unreadable: %s", err->message);
		wh_error_destroy(err);
	} else {
		snprintf(obj->state, sizeof(obj->state),
			 "wait_var_event on a variable (first 8 bytes 0x%llx); whoever should "
			 "change it and call wake_up_var() is not recorded",
			 (unsigned long long)value);
	}
	return wh_hashed_queue_waiters(ctx, wh_caller_of_schedule(ctx->bt), &l.waiter, &l.key,
				       &l.bit_nr, var_mode, NULL, obj);
}

const struct wh_wait_kind_ops wh_wait_kind_var = {
    .name = "var",
    .recognize = recognize,
    .describe = describe,
};
