#include "rt_lock.h"
#include "kind_memo.h"
#include "rbtree_walk.h"
#include "stack_index.h"
#include "symbolize.h"
#include "waiter_scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* RT_MUTEX_HAS_WAITERS (kernel/locking/rtmutex.c). */
static const uint64_t RT_MUTEX_HAS_WAITERS = 1;

/* The lock API each container is taken through (kernel/locking/
 * rtmutex_api.c, spinlock_rt.c, rwsem.c; the inlined helpers too). The
 * first of these frames from the top of the stack names the container;
 * shared internals (rtlock_slowlock, rwbase_read_lock, ...) are in none. */
static const char *const mutex_rt_frames[] = {
    "mutex_lock",
    "mutex_lock_interruptible",
    "mutex_lock_killable",
    "mutex_lock_io",
    "mutex_lock_nested",
    "_mutex_lock_nest_lock",
    "mutex_lock_interruptible_nested",
    "mutex_lock_killable_nested",
    "mutex_lock_io_nested",
    "__mutex_lock_common",
    NULL,
};
static const char *const rt_mutex_frames[] = {
    "rt_mutex_lock",
    "rt_mutex_lock_nested",
    "_rt_mutex_lock_nest_lock",
    "rt_mutex_lock_interruptible",
    "rt_mutex_lock_killable",
    "__rt_mutex_lock_common",
    NULL,
};
static const char *const spinlock_frames[] = {
    "rt_spin_lock",   "rt_spin_lock_nested", "rt_spin_lock_nest_lock",
    "__rt_spin_lock", "rt_spin_lock_unlock", NULL,
};
static const char *const rwlock_read_frames[] = {"rt_read_lock", NULL};
static const char *const rwlock_write_frames[] = {"rt_write_lock", "rt_write_lock_nested", NULL};
static const char *const rwsem_read_frames[] = {
    "down_read",
    "down_read_interruptible",
    "down_read_killable",
    "down_read_nested",
    "down_read_killable_nested",
    "down_read_non_owner",
    "__down_read",
    "__down_read_interruptible",
    "__down_read_killable",
    NULL,
};
static const char *const rwsem_write_frames[] = {
    "down_write",
    "down_write_killable",
    "down_write_nested",
    "_down_write_nest_lock",
    "down_write_killable_nested",
    "__down_write",
    "__down_write_killable",
    NULL,
};
/* The rtmutex slow path, whose frames hold the rt_mutex_waiter record. */
static const char *const slowpath_frames[] = {
    "rt_mutex_slowlock_block",
    "__rt_mutex_slowlock",
    "__rt_mutex_slowlock_locked",
    "rt_mutex_slowlock",
    "rtlock_slowlock_locked",
    "rtlock_slowlock",
    "rwbase_rtmutex_slowlock_locked",
    "__rwbase_read_lock",
    NULL,
};
/* A writer waiting for readers to leave (rwbase_rt owns the rtmutex). */
static const char *const rwbase_write_frames[] = {"rwbase_write_lock", NULL};
/* The compile unit that defines struct rt_mutex_waiter. */
static const char *const waiter_hint[] = {"rt_mutex_lock", "rt_mutex_unlock", NULL};

struct rt_layout {
	bool present; /* task_struct.pi_blocked_on exists */
	struct wh_member_info blocked_on, w_task, w_lock, w_entry, owner, root;
	struct wh_rbtree_layout rb;
};

static const char layout_tag = 0, wait_tag = 0;

static struct wh_error *entry_member(struct wh_kernel *k, struct wh_member_info *ret)
{
	/* 6.6+: struct rt_waiter_node tree {entry, prio, deadline};
	 * before: struct rb_node tree_entry. */
	bool found;
	struct wh_error *err =
	    wh_kernel_member_opt(k, "rt_mutex_waiter", "tree.entry", ret, &found);
	if (err || found)
		return err;
	return wh_kernel_member(k, "rt_mutex_waiter", "tree_entry", ret);
}

static struct wh_error *layout(const struct wh_wait_context *ctx, const struct rt_layout **ret)
{
	struct rt_layout *l = wh_kind_memo_get(ctx->memo, &layout_tag, 0);
	if (l) {
		*ret = l;
		return NULL;
	}
	if (!(l = calloc(1, sizeof(*l))))
		return &wh_error_nomem;
	struct wh_kernel *k = ctx->k;
	struct wh_error *err =
	    wh_kernel_member_opt(k, "task_struct", "pi_blocked_on", &l->blocked_on, &l->present);
	if (!err && l->present) {
		wh_kernel_type_hint(k, waiter_hint);
		if ((err = wh_kernel_member(k, "rt_mutex_waiter", "task", &l->w_task)) ||
		    (err = wh_kernel_member(k, "rt_mutex_waiter", "lock", &l->w_lock)) ||
		    (err = entry_member(k, &l->w_entry)) ||
		    (err = wh_kernel_member(k, "rt_mutex_base", "owner", &l->owner)) ||
		    (err = wh_kernel_member(k, "rt_mutex_base", "waiters.rb_root.rb_node",
					    &l->root)) ||
		    (err = wh_rbtree_layout(k, &l->rb)))
			l->present = false;
	}
	if (err) {
		free(l);
		return err;
	}
	*ret = l;
	return wh_kind_memo_put(ctx->memo, &layout_tag, 0, l, NULL);
}

static struct wh_error *member_of(struct wh_kernel *k, const char *type, bool typedef_name,
				  const char *path, uint64_t *ret)
{
	struct wh_member_info m;
	struct wh_error *err;
	if (!typedef_name) {
		err = wh_kernel_member(k, type, path, &m);
	} else {
		struct wh_type t;
		if (!(err = wh_types_find(k->types, WH_TYPE_TYPEDEF, type, &t)))
			err = wh_types_member(k->types, t, path, &m);
	}
	if (!err)
		*ret = m.offset;
	return err;
}

struct wh_error *wh_rt_base_offset(struct wh_kernel *k, enum wh_rt_container c, uint64_t *ret)
{
	*ret = 0;
	switch (c) {
	case WH_RT_MUTEX: return member_of(k, "rt_mutex", false, "rtmutex", ret);
	case WH_RT_MUTEX_RT: return member_of(k, "mutex", false, "rtmutex", ret);
	case WH_RT_SPINLOCK: return member_of(k, "spinlock", false, "lock", ret);
	case WH_RT_RWSEM: return member_of(k, "rw_semaphore", false, "rwbase.rtmutex", ret);
	case WH_RT_RWLOCK: return member_of(k, "rwlock_t", true, "rwbase.rtmutex", ret);
	default: return NULL;
	}
}

/* The function a return address's call instruction called: the API
 * function the caller named, also when that function tail-called into the
 * slow path and left no frame (mutex_lock and down_write jump to
 * rt_mutex_slowlock and rwbase_write_lock). Only a direct call (e8 rel32);
 * a call to the 16-byte padding before a function (call depth tracking
 * thunks, __pfx_NAME) names NAME. */
static const char *called_function(struct wh_kernel *k, uint64_t ret_addr)
{
	unsigned char insn[5];
	if (!wh_best_effort(wh_dump_read(k->dump, ret_addr - 5, insn, sizeof(insn))) ||
	    insn[0] != 0xe8)
		return NULL;
	int32_t rel;
	memcpy(&rel, insn + 1, sizeof(rel));
	uint64_t target = ret_addr + (uint64_t)(int64_t)rel;
	struct wh_symbolized sym;
	if (!wh_best_effort(wh_symbolize(k, target, &sym)) || !sym.function)
		return NULL;
	if (!strncmp(sym.function, "__pfx_", 6) && sym.offset < 16)
		return sym.function + 6;
	return sym.offset == 0 ? sym.function : NULL;
}

/* The lock API tables in the order they are tried on each frame. */
static const struct {
	const char *const *frames;
	enum wh_rt_container c;
	enum wh_wait_how how;
} api[] = {
    {mutex_rt_frames, WH_RT_MUTEX_RT, WH_WAIT_PLAIN},
    {rt_mutex_frames, WH_RT_MUTEX, WH_WAIT_PLAIN},
    {spinlock_frames, WH_RT_SPINLOCK, WH_WAIT_PLAIN},
    {rwlock_read_frames, WH_RT_RWLOCK, WH_WAIT_READ},
    {rwlock_write_frames, WH_RT_RWLOCK, WH_WAIT_WRITE},
    {rwsem_read_frames, WH_RT_RWSEM, WH_WAIT_READ},
    {rwsem_write_frames, WH_RT_RWSEM, WH_WAIT_WRITE},
};

static bool api_match(const char *fn, enum wh_rt_container *c, struct wh_wait_mode *mode)
{
	for (size_t j = 0; fn && j < sizeof(api) / sizeof(api[0]); j++)
		if (wh_function_is_one_of(fn, api[j].frames)) {
			*c = api[j].c;
			*mode = (struct wh_wait_mode){.how = api[j].how};
			return true;
		}
	return false;
}

/* rwbase_rt internals shared by rwsem and rwlock: which one by the task
 * state, as the kernel waits: rwlock_t (spinlock_rt.c) in
 * TASK_RTLOCK_WAIT, rw_semaphore (rwsem.c) in the caller's state. */
static const char *const rwbase_read_frames[] = {"__rwbase_read_lock", "rwbase_read_lock", NULL};
static const char *const rtlock_frames[] = {"rtlock_slowlock", "rtlock_slowlock_locked", NULL};
static const uint64_t TASK_RTLOCK_WAIT = 0x1000;

/* The container and mode: the first lock API function from the top of the
 * stack, as a frame or as the target of a frame's call; failing that the
 * rwbase/rtlock internals; failing that a bare rt_mutex_base. *RET_FRAME:
 * the frame it was learnt from, -1 if none. */
static enum wh_rt_container classify(const struct wh_wait_context *ctx, struct wh_wait_mode *mode,
				     int *ret_frame)
{
	const struct wh_backtrace *bt = ctx->bt;
	enum wh_rt_container c = WH_RT_BASE, internal = WH_RT_NONE;
	enum wh_wait_how internal_how = WH_WAIT_PLAIN;
	*ret_frame = -1;
	*mode = (struct wh_wait_mode){.how = WH_WAIT_PLAIN};
	bool rtlock_wait = ctx->task->raw_state & TASK_RTLOCK_WAIT;
	for (size_t i = 0; i < bt->stack.n; i++) {
		const struct wh_frame *f = &bt->stack.frames[i];
		if (f->flags & WH_FRAME_SCANNED)
			break;
		const char *fn = f->have_symbol ? f->sym.function : NULL;
		if (api_match(fn, &c, mode) ||
		    (i > 0 && api_match(called_function(ctx->k, f->ip), &c, mode))) {
			*ret_frame = (int)i;
			return c;
		}
		if (internal != WH_RT_NONE || !fn)
			continue;
		if (wh_function_is_one_of(fn, rwbase_write_frames) ||
		    wh_function_is_one_of(fn, rwbase_read_frames)) {
			internal = rtlock_wait ? WH_RT_RWLOCK : WH_RT_RWSEM;
			internal_how = wh_function_is_one_of(fn, rwbase_write_frames)
					   ? WH_WAIT_WRITE
					   : WH_WAIT_READ;
			*ret_frame = (int)i;
		} else if (wh_function_is_one_of(fn, rtlock_frames) && rtlock_wait) {
			internal = WH_RT_SPINLOCK;
		}
	}
	if (internal == WH_RT_NONE)
		return WH_RT_BASE;
	mode->how = internal_how;
	return internal;
}

/* The stack range of frames [FIRST, LAST] (LAST's caller's sp bounds it). */
static bool frames_range(const struct wh_wait_context *ctx, int first, int last, uint64_t *lo,
			 uint64_t *hi)
{
	const struct wh_stack *st = &ctx->bt->stack;
	*lo = st->frames[first].sp;
	*hi = (size_t)last + 1 < st->n ? st->frames[last + 1].sp : ctx->stack_hi;
	if (*hi <= *lo || *hi - *lo > 65536)
		*hi = *lo + 4096 < ctx->stack_hi ? *lo + 4096 : ctx->stack_hi;
	return *lo >= ctx->stack_lo && *hi <= ctx->stack_hi && *lo < *hi;
}

static int frame_index(const struct wh_backtrace *bt, const char *const *names, bool last)
{
	int found = -1;
	for (size_t i = 0; i < bt->stack.n; i++) {
		const struct wh_frame *f = &bt->stack.frames[i];
		if (f->flags & WH_FRAME_SCANNED)
			break;
		if (f->have_symbol && wh_function_is_one_of(f->sym.function, names)) {
			found = (int)i;
			if (!last)
				break;
		}
	}
	return found;
}

static bool read_ok(struct wh_kernel *k, uint64_t addr, uint64_t *ret)
{
	return wh_best_effort(wh_dump_read_u64(k->dump, addr, ret));
}

/* Second source: an rt_mutex_waiter on the slow path's frames that names
 * the task, when pi_blocked_on is empty (a dump taken mid-way). */
static uint64_t base_from_stack(const struct wh_wait_context *ctx, const struct rt_layout *l)
{
	int first = frame_index(ctx->bt, slowpath_frames, false);
	int last = frame_index(ctx->bt, slowpath_frames, true);
	uint64_t lo, hi;
	if (first < 0 || !frames_range(ctx, first, last, &lo, &hi))
		return 0;
	for (uint64_t rec = lo & ~7ull; rec + l->w_lock.offset + 8 <= hi; rec += 8) {
		uint64_t task, lock;
		if (read_ok(ctx->k, rec + l->w_task.offset, &task) && task == ctx->task->address &&
		    read_ok(ctx->k, rec + l->w_lock.offset, &lock) && lock && !(lock & 7))
			return lock;
	}
	return 0;
}

/* A writer waiting in rwbase_write_lock() for readers to leave owns the
 * rtmutex and is queued nowhere: find the lock among the values on those
 * frames, as the one whose rtmutex it owns with a writer pending
 * (0 <= readers < WRITER_BIAS; kernel/locking/rwbase_rt.c). */
static const uint32_t WRITER_BIAS = 1u << 30;

static struct wh_error *pending_writer(const struct wh_wait_context *ctx, const struct rt_layout *l,
				       enum wh_rt_container c, int api_frame,
				       struct wh_rt_wait *ret)
{
	/* From the top of the stack (the lock pointer may sit in a callee-saved
	 * register the scheduler's frames saved) to the frame that called the
	 * lock API. */
	int first = 0;
	int last = api_frame >= first ? api_frame : first;
	uint64_t lo, hi, base_off, readers_off;
	if (!frames_range(ctx, first, last, &lo, &hi))
		return NULL;
	struct wh_error *err = wh_rt_base_offset(ctx->k, c, &base_off);
	if (!err)
		err = member_of(ctx->k, c == WH_RT_RWSEM ? "rw_semaphore" : "rwlock_t",
				c == WH_RT_RWLOCK, "rwbase.readers", &readers_off);
	/* No rwbase in this kernel's rwsem or rwlock_t: not PREEMPT_RT, where
	 * down_write() is the non-RT kind's, not a pending RT writer. */
	if (err && err->code == WH_ERR_ABSENT) {
		wh_error_destroy(err);
		return NULL;
	}
	if (err)
		return err;
	for (uint64_t at = lo & ~7ull; at + 8 <= hi; at += 8) {
		uint64_t v, owner, readers;
		if (!read_ok(ctx->k, at, &v) || !v || (v & 3) || v < 0xffff800000000000ull)
			continue;
		/* The lock's address, or its rtmutex's (what the slow path uses). */
		const uint64_t objs[] = {v, v - base_off};
		for (size_t i = 0; i < 2; i++) {
			uint64_t o = objs[i];
			if (!read_ok(ctx->k, o + base_off + l->owner.offset, &owner) ||
			    (owner & ~RT_MUTEX_HAS_WAITERS) != ctx->task->address ||
			    !read_ok(ctx->k, o + readers_off, &readers) ||
			    (uint32_t)readers >= WRITER_BIAS)
				continue;
			ret->container = c;
			ret->object = o;
			ret->base = o + base_off;
			ret->mode = (struct wh_wait_mode){.how = WH_WAIT_WRITE};
			return NULL;
		}
	}
	return NULL;
}

static struct wh_error *find_wait(const struct wh_wait_context *ctx, struct wh_rt_wait *ret)
{
	const struct rt_layout *l;
	struct wh_error *err = layout(ctx, &l);
	if (err || !l->present)
		return err;
	uint64_t waiter = 0, task = 0, base = 0;
	err = wh_kernel_read_member(ctx->k, ctx->task->address, &l->blocked_on, &waiter);
	if (err)
		return wh_error_wrap(err, "task_struct.pi_blocked_on");
	if (waiter) {
		if ((err = wh_dump_read_u64(ctx->k->dump, waiter + l->w_task.offset, &task)) ||
		    (err = wh_dump_read_u64(ctx->k->dump, waiter + l->w_lock.offset, &base)))
			return wh_error_wrap(err, "rt_mutex_waiter at 0x%llx (pi_blocked_on)",
					     (unsigned long long)waiter);
		if (task != ctx->task->address)
			return wh_error_at(WH_ERR_CORRUPT, waiter,
					   "pi_blocked_on 0x%llx names task 0x%llx, not this one",
					   (unsigned long long)waiter, (unsigned long long)task);
	} else {
		base = base_from_stack(ctx, l);
	}
	struct wh_wait_mode mode;
	int api_frame;
	enum wh_rt_container c = classify(ctx, &mode, &api_frame);
	if (!base) {
		if ((c == WH_RT_RWSEM || c == WH_RT_RWLOCK) && mode.how == WH_WAIT_WRITE)
			return pending_writer(ctx, l, c, api_frame, ret);
		return NULL;
	}
	uint64_t off;
	if ((err = wh_rt_base_offset(ctx->k, c, &off))) {
		/* The container's type is missing: still a wait on the base. */
		if (err->code != WH_ERR_ABSENT)
			return err;
		wh_error_destroy(err);
		c = WH_RT_BASE;
		off = 0;
	}
	ret->container = c;
	ret->base = base;
	ret->object = base - off;
	ret->mode = mode;
	return NULL;
}

struct wh_error *wh_rt_wait_of(const struct wh_wait_context *ctx, struct wh_rt_wait *ret)
{
	const struct wh_rt_wait *memo = wh_kind_memo_get(ctx->memo, &wait_tag, ctx->task->address);
	if (memo) {
		*ret = *memo;
		return NULL;
	}
	memset(ret, 0, sizeof(*ret));
	struct wh_error *err = find_wait(ctx, ret);
	if (err) {
		ret->container = WH_RT_NONE;
		return err;
	}
	struct wh_rt_wait *copy = malloc(sizeof(*copy));
	if (!copy)
		return &wh_error_nomem;
	*copy = *ret;
	return wh_kind_memo_put(ctx->memo, &wait_tag, ctx->task->address, copy, NULL);
}

struct wh_error *wh_rt_owner(struct wh_kernel *k, uint64_t base, uint64_t *ret_field)
{
	struct wh_member_info owner;
	struct wh_error *err = wh_kernel_member(k, "rt_mutex_base", "owner", &owner);
	if (!err)
		err = wh_kernel_read_member(k, base, &owner, ret_field);
	return err;
}

void wh_rt_add_field_owner(const struct wh_wait_context *ctx, struct wh_wait_object *obj,
			   uint64_t field, enum wh_evidence_kind ev, enum wh_rt_lock_type type)
{
	uint64_t task = field & ~RT_MUTEX_HAS_WAITERS;
	if (!task) {
		obj->state =
		    (struct wh_object_state){.condition = WH_STATE_RT_UNLOCKED, .value = field};
		return;
	}
	obj->state = (struct wh_object_state){
	    .condition = WH_STATE_RT_LOCKED, .value = field, .flag = field & RT_MUTEX_HAS_WAITERS};
	wh_object_add_owner(ctx, obj, task, WH_OWNER_FIELD,
			    (struct wh_evidence){.kind = ev, .field = field, .number = type});
}

struct wh_error *wh_rt_find(const struct wh_wait_context *ctx, bool (*mine)(enum wh_rt_container),
			    struct wh_wait_found *ret)
{
	struct wh_rt_wait w;
	struct wh_error *err = wh_rt_wait_of(ctx, &w);
	ret->found = !err && w.container != WH_RT_NONE && mine(w.container);
	if (ret->found) {
		ret->object = w.object;
		ret->mode = w.mode;
	}
	return err;
}

struct tree_visit {
	const struct wh_wait_context *ctx;
	const struct rt_layout *l;
	struct wh_wait_object *obj;
	uint64_t base;
	size_t *cap;
	uint64_t stray, stray_lock; /* a waiter naming another lock */
};

static struct wh_error *visit_waiter(void *arg, uint64_t node, bool *stop)
{
	struct tree_visit *v = arg;
	uint64_t rec = node - v->l->w_entry.offset, task, lock;
	struct wh_error *err;
	if ((err = wh_dump_read_u64(v->ctx->k->dump, rec + v->l->w_task.offset, &task)) ||
	    (err = wh_dump_read_u64(v->ctx->k->dump, rec + v->l->w_lock.offset, &lock)))
		return wh_error_wrap(err, "rt_mutex_waiter at 0x%llx", (unsigned long long)rec);
	if (lock != v->base) {
		if (!v->stray) {
			v->stray = rec;
			v->stray_lock = lock;
		}
		return NULL;
	}
	/* The mode the task's own wait was found with. */
	struct wh_wait_mode mode = {.how = WH_WAIT_PLAIN};
	const struct wh_waits *w = v->ctx->waits;
	size_t i = w && w->indexed ? wh_addr_map_get(&w->wait_of_task, task) : SIZE_MAX;
	if (i != SIZE_MAX && &w->objects[w->waits[i].object] == v->obj)
		mode = w->waits[i].mode;
	for (i = 0; i < v->obj->n_waiters; i++)
		if (v->obj->waiters[i] == task)
			return NULL; /* the pending writer, listed first */
	return wh_object_add_waiter(v->obj, v->cap, task, mode);
}

struct wh_error *wh_rt_waiters(const struct wh_wait_context *ctx, uint64_t base,
			       struct wh_wait_object *obj, size_t *cap)
{
	const struct rt_layout *l;
	struct wh_error *err = layout(ctx, &l);
	if (err == &wh_error_nomem)
		return err;
	if (err || !l->present) {
		wh_object_incomplete(
		    obj, err ? err->code : WH_ERR_ABSENT, obj->address, "waiter tree: %s",
		    err ? err->message : "no task_struct.pi_blocked_on in this kernel");
		wh_error_destroy(err);
		return NULL;
	}
	uint64_t root;
	if ((err = wh_dump_read_u64(ctx->k->dump, base + l->root.offset, &root))) {
		wh_object_incomplete(obj, err->code, base + l->root.offset, "waiter tree root: %s",
				     err->message);
		wh_error_destroy(err);
		return NULL;
	}
	struct tree_visit v = {.ctx = ctx, .l = l, .obj = obj, .base = base, .cap = cap};
	err = wh_rbtree_walk(ctx->k, root, &l->rb, WH_MAX_WAITERS, visit_waiter, &v);
	if (err == &wh_error_nomem)
		return err;
	if (err) {
		wh_object_incomplete(obj, err->code, err->has_address ? err->address : base,
				     "waiter tree: %s", err->message);
		wh_error_destroy(err);
	} else if (v.stray) {
		wh_object_incomplete(obj, WH_ERR_CORRUPT, v.stray,
				     "waiter tree: waiter 0x%llx names lock 0x%llx, left out",
				     (unsigned long long)v.stray, (unsigned long long)v.stray_lock);
	}
	return NULL;
}

struct wh_error *wh_rt_describe_base(const struct wh_wait_context *ctx, struct wh_wait_object *obj,
				     enum wh_rt_container c, enum wh_rt_lock_type type)
{
	uint64_t off, field;
	struct wh_error *err = wh_rt_base_offset(ctx->k, c, &off);
	if (err)
		return err;
	if ((err = wh_rt_owner(ctx->k, obj->address + off, &field)))
		wh_object_unreadable(obj, "owner", err);
	else
		wh_rt_add_field_owner(ctx, obj, field, WH_EVIDENCE_RT_MUTEX_OWNER, type);
	size_t cap = 0;
	return wh_rt_waiters(ctx, obj->address + off, obj, &cap);
}
