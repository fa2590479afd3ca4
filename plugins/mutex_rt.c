/* struct mutex on PREEMPT_RT: an rt_mutex_base (rt_lock.h). The kind keeps
 * the non-RT name: a person reading the report asks what the code called,
 * not how RT builds it. */
#include "rt_lock.h"

static bool mine(enum wh_rt_container c)
{
	return c == WH_RT_MUTEX_RT;
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
	return wh_rt_describe_base(ctx, obj, WH_RT_MUTEX_RT, WH_RT_LOCK_MUTEX);
}

const struct wh_wait_kind_ops wh_wait_kind_mutex_rt = {
    .name = "mutex",
    .order = 4,
    .from_task = true,
    .find = find,
    .describe = describe,
};
