/* struct rt_mutex, or a bare rt_mutex_base (also on non-RT kernels: futex
 * PI, RCU priority boosting). See rt_lock.h; PREEMPT_RT's mutex and
 * spinlock_t are mutex_rt.c and spinlock_rt.c. */
#include "rt_lock.h"
#include "waiter_scan.h"

#include <stdio.h>

static bool mine(enum wh_rt_container c)
{
	return c == WH_RT_MUTEX || c == WH_RT_BASE;
}

static struct wh_error *find(const struct wh_wait_context *ctx,
			     const struct wh_wait_kind_state *state, const struct wh_wait_match *m,
			     struct wh_wait_found *ret)
{
	return wh_rt_find(ctx, mine, ret);
}

/* Is ADDR rcu_state.node[i].boost_mtx? RCU priority boosting
 * (kernel/rcu/tree_plugin.h, rcu_boost()) proxy-locks it for the preempted
 * reader that holds up the grace period, then blocks on it: its owner is
 * that reader. Found by layout, no symbol names the element. */
static bool rcu_boost_mutex(struct wh_kernel *k, uint64_t addr, char *name, size_t size)
{
	static const char *const hint[] = {"synchronize_rcu", "rcu_barrier", NULL};
	struct wh_member_info node, boost;
	struct wh_type elem;
	uint64_t state, elem_size, n;
	wh_kernel_type_hint(k, hint);
	if (!wh_best_effort(wh_kernel_symbol_address(k, "rcu_state", &state)) ||
	    !wh_best_effort(wh_kernel_member(k, "rcu_state", "node", &node)) ||
	    !wh_best_effort(wh_kernel_member(k, "rcu_node", "boost_mtx", &boost)) ||
	    !wh_best_effort(wh_types_target(k->types, node.type, &elem)) ||
	    !wh_best_effort(wh_types_sizeof(k->types, elem, &elem_size)) ||
	    !wh_best_effort(wh_types_array_length(k->types, node.type, &n)) || !elem_size)
		return false;
	uint64_t first = state + node.offset + boost.offset;
	if (addr < first || (addr - first) % elem_size || (addr - first) / elem_size >= n)
		return false;
	snprintf(name, size, "rcu_state.node[%llu].boost_mtx (RCU priority boosting)",
		 (unsigned long long)((addr - first) / elem_size));
	return true;
}

static struct wh_error *describe(const struct wh_wait_context *ctx,
				 const struct wh_wait_kind_state *state,
				 const struct wh_wait_found *first, struct wh_wait_object *obj)
{
	/* struct rt_mutex or a bare rt_mutex_base: the base offset of
	 * struct rt_mutex is taken only when the waiter's frames said so,
	 * which .find already applied to the address. */
	struct wh_rt_wait w;
	struct wh_error *err = wh_rt_wait_of(ctx, &w);
	if (err)
		return err;
	uint64_t base = w.container == WH_RT_NONE ? obj->address : w.base, field;
	if ((err = wh_rt_owner(ctx->k, base, &field))) {
		wh_object_unreadable(obj, "owner", err);
	} else {
		bool boost = rcu_boost_mutex(ctx->k, obj->address, obj->name, sizeof(obj->name));
		wh_rt_add_field_owner(ctx, obj, field,
				      boost ? WH_EVIDENCE_RCU_BOOST_OWNER
					    : WH_EVIDENCE_RT_MUTEX_OWNER,
				      WH_RT_LOCK_RT_MUTEX);
	}
	size_t cap = 0;
	return wh_rt_waiters(ctx, base, obj, &cap);
}

const struct wh_wait_kind_ops wh_wait_kind_rt_mutex = {
    .name = "rt_mutex",
    .order = 5,
    .from_task = true,
    .find = find,
    .describe = describe,
};
