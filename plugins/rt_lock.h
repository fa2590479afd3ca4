/* What the PREEMPT_RT lock kinds share (plugins/rt_mutex.c,
 * plugins/rwbase_rt.c): on RT, struct mutex, struct rw_semaphore, spinlock_t
 * and rwlock_t are built on struct rt_mutex_base (kernel/locking/rtmutex.c).
 * Its owner field is the owning task | RT_MUTEX_HAS_WAITERS (bit 0); its
 * waiters are struct rt_mutex_waiter records on the waiters' stacks, in a
 * red-black tree ordered by priority (the kernel's wake order); a blocked
 * task points at its record through task_struct.pi_blocked_on. Non-RT
 * kernels with CONFIG_RT_MUTEXES use the same for rt_mutex and futex PI. */
#ifndef WHYHUNG_RT_LOCK_H
#define WHYHUNG_RT_LOCK_H

#include "wait_kind.h"
#include "wait_model.h"

/* What an rt_mutex_base is embedded in, told by the lock API frames on the
 * waiter's stack. */
enum wh_rt_container {
	WH_RT_NONE,	/* not blocked on an rt_mutex_base */
	WH_RT_BASE,	/* bare rt_mutex_base (futex PI, proxy locking) or unknown */
	WH_RT_MUTEX,	/* struct rt_mutex */
	WH_RT_MUTEX_RT, /* struct mutex on PREEMPT_RT */
	WH_RT_SPINLOCK, /* spinlock_t on PREEMPT_RT */
	WH_RT_RWSEM,	/* struct rw_semaphore on PREEMPT_RT (rwbase_rt) */
	WH_RT_RWLOCK,	/* rwlock_t on PREEMPT_RT (rwbase_rt) */
};

/* Where TASK waits: the container, its address, the rt_mutex_base inside
 * it and the mode (read or write for rwsem and rwlock, else plain). */
struct wh_rt_wait {
	enum wh_rt_container container;
	uint64_t object, base;
	struct wh_wait_mode mode;
};

/* The rt_mutex_base ctx->task is blocked on: task_struct.pi_blocked_on
 * first (its waiter must name the task), else a waiter record in the
 * rtmutex slow path's frames. The container from the API frames. *RET is
 * WH_RT_NONE when the task is not blocked on one. Cached per task: every
 * RT kind asks. */
struct wh_error *wh_rt_wait_of(const struct wh_wait_context *ctx, struct wh_rt_wait *ret);
/* Offset of the rt_mutex_base in a container. */
struct wh_error *wh_rt_base_offset(struct wh_kernel *k, enum wh_rt_container c, uint64_t *ret);
/* The rt_mutex_base's owner field. */
struct wh_error *wh_rt_owner(struct wh_kernel *k, uint64_t base, uint64_t *ret_field);
/* The waiters of the rt_mutex_base at BASE appended to OBJ in tree (wake)
 * order, each with the mode its wait was found with. What cannot be read
 * goes to obj->incomplete (wh_object_incomplete); only out-of-memory is
 * returned. */
struct wh_error *wh_rt_waiters(const struct wh_wait_context *ctx, uint64_t base,
			       struct wh_wait_object *obj, size_t *cap);
/* The owner field as an owner of OBJ (none when unlocked), with evidence
 * EV (numbered TYPE), and OBJ's state from it. */
void wh_rt_add_field_owner(const struct wh_wait_context *ctx, struct wh_wait_object *obj,
			   uint64_t field, enum wh_evidence_kind ev, enum wh_rt_lock_type type);
/* A .find for the RT kinds: ctx->task's wait when its container is one
 * MINE accepts. */
struct wh_error *wh_rt_find(const struct wh_wait_context *ctx, bool (*mine)(enum wh_rt_container),
			    struct wh_wait_found *ret);
/* Describe OBJ, a container C whose state is its rt_mutex_base alone
 * (PREEMPT_RT mutex and spinlock_t): owner, state, waiters. */
struct wh_error *wh_rt_describe_base(const struct wh_wait_context *ctx, struct wh_wait_object *obj,
				     enum wh_rt_container c, enum wh_rt_lock_type type);
/* Describe OBJ, a rwbase_rt container C (PREEMPT_RT rw_semaphore,
 * rwlock_t): readers count, writer, waiters, inferred readers. */
struct wh_error *wh_rwbase_describe(const struct wh_wait_context *ctx, struct wh_wait_object *obj,
				    enum wh_rt_container c);

#endif
