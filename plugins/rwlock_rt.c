/* rwlock_t on PREEMPT_RT: a rwbase_rt (plugins/rwbase_rt.c).
 * The kind keeps the non-RT name, as mutex_rt.c does. */
#include "rt_lock.h"

static bool mine(enum wh_rt_container c)
{
	return c == WH_RT_RWLOCK;
}

static struct wh_error *find(const struct wh_wait_context *ctx,
			     const struct wh_wait_kind_state *state, const struct wh_wait_match *m,
			     struct wh_wait_found *ret)
{
	return wh_rt_find(ctx, mine, ret);
}

static struct wh_error *describe(const struct wh_wait_context *ctx,
				 const struct wh_wait_kind_state *state,
				 const struct wh_wait_found *first, struct wh_wait_object *obj)
{
	return wh_rwbase_describe(ctx, obj, WH_RT_RWLOCK);
}

const struct wh_wait_kind_ops wh_wait_kind_rwlock_rt = {
    .name = "rwlock",
    .order = 2,
    .from_task = true,
    .find = find,
    .describe = describe,
};
