/* PREEMPT_RT's sleeping locks whose state is an rt_mutex_base alone:
 * struct mutex, spinlock_t, and struct rt_mutex itself (also on non-RT
 * kernels: futex PI, RCU priority boosting). See rt_lock.h. The kinds keep
 * the names of their non-RT counterparts ("mutex", "spinlock"): a person
 * reading the report asks what the code called, not how RT builds it. */
#include "rt_lock.h"
#include "wait_kind.h"
#include "waiter_scan.h"

#include <stdio.h>

static struct wh_error *recognize_as(const struct wh_wait_context *ctx, bool (*mine)(int),
				     uint64_t *ret_object, char ret_mode[8], bool *ret_found)
{
	struct wh_rt_wait w;
	struct wh_error *err = wh_rt_wait_of(ctx, &w);
	*ret_found = !err && mine((int)w.container);
	if (*ret_found) {
		*ret_object = w.object;
		snprintf(ret_mode, 8, "%s", w.mode);
	}
	return err;
}

static struct wh_error *describe_as(const struct wh_wait_context *ctx, struct wh_wait_object *obj,
				    enum wh_rt_container c, const char *what)
{
	uint64_t off, field;
	struct wh_error *err = wh_rt_base_offset(ctx->k, c, &off);
	if (err)
		return err;
	if ((err = wh_rt_owner(ctx->k, obj->address + off, &field))) {
		snprintf(obj->state, sizeof(obj->state), "owner unreadable: %s", err->message);
		wh_error_destroy(err);
	} else {
		wh_rt_add_field_owner(ctx, obj, field, what);
	}
	size_t cap = 0;
	return wh_rt_waiters(ctx, obj->address + off, obj, &cap);
}

static bool is_mutex(int c)
{
	return c == WH_RT_MUTEX_RT;
}
static bool is_spinlock(int c)
{
	return c == WH_RT_SPINLOCK;
}
static bool is_rt_mutex(int c)
{
	return c == WH_RT_MUTEX || c == WH_RT_BASE;
}

static struct wh_error *recognize_mutex(const struct wh_wait_context *ctx, uint64_t *ret_object,
					char ret_mode[8], bool *ret_found)
{
	return recognize_as(ctx, is_mutex, ret_object, ret_mode, ret_found);
}
static struct wh_error *describe_mutex(const struct wh_wait_context *ctx,
				       struct wh_wait_object *obj)
{
	return describe_as(ctx, obj, WH_RT_MUTEX_RT, "mutex (rt_mutex)");
}
static struct wh_error *recognize_spinlock(const struct wh_wait_context *ctx, uint64_t *ret_object,
					   char ret_mode[8], bool *ret_found)
{
	return recognize_as(ctx, is_spinlock, ret_object, ret_mode, ret_found);
}
static struct wh_error *describe_spinlock(const struct wh_wait_context *ctx,
					  struct wh_wait_object *obj)
{
	return describe_as(ctx, obj, WH_RT_SPINLOCK, "spinlock_t (rt_mutex)");
}
static struct wh_error *recognize_rt_mutex(const struct wh_wait_context *ctx, uint64_t *ret_object,
					   char ret_mode[8], bool *ret_found)
{
	return recognize_as(ctx, is_rt_mutex, ret_object, ret_mode, ret_found);
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

static struct wh_error *describe_rt_mutex(const struct wh_wait_context *ctx,
					  struct wh_wait_object *obj)
{
	/* struct rt_mutex or a bare rt_mutex_base: the base offset of
	 * struct rt_mutex is taken only when the waiter's frames said so,
	 * which recognize() already applied to the address. */
	struct wh_rt_wait w;
	struct wh_error *err = wh_rt_wait_of(ctx, &w);
	if (err)
		return err;
	uint64_t base = w.container == WH_RT_NONE ? obj->address : w.base, field;
	if ((err = wh_rt_owner(ctx->k, base, &field))) {
		snprintf(obj->state, sizeof(obj->state), "owner unreadable: %s", err->message);
		wh_error_destroy(err);
	} else {
		bool boost = rcu_boost_mutex(ctx->k, obj->address, obj->name, sizeof(obj->name));
		wh_rt_add_field_owner(ctx, obj, field,
				      boost ? "the preempted RCU reader it boosts: rt_mutex"
					    : "rt_mutex");
	}
	size_t cap = 0;
	return wh_rt_waiters(ctx, base, obj, &cap);
}

const struct wh_wait_kind_ops wh_wait_kind_mutex_rt = {
    .name = "mutex",
    .recognize = recognize_mutex,
    .describe = describe_mutex,
};
const struct wh_wait_kind_ops wh_wait_kind_spinlock_rt = {
    .name = "spinlock",
    .recognize = recognize_spinlock,
    .describe = describe_spinlock,
};
const struct wh_wait_kind_ops wh_wait_kind_rt_mutex = {
    .name = "rt_mutex",
    .recognize = recognize_rt_mutex,
    .describe = describe_rt_mutex,
};
