#include "waiter_scan.h"
#include "kind_memo.h"
#include "list_walk.h"
#include "stack_refs.h"
#include "symbolize.h"
#include "wait_lists.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const scheduler_frames[] = {
    "__schedule",
    "schedule",
    "schedule_preempt_disabled",
    "schedule_timeout",
    "io_schedule",
    "io_schedule_timeout",
    "schedule_hrtimeout_range_clock",
    NULL,
};

bool wh_is_scheduler_frame(const char *function)
{
	return wh_function_is_one_of(function, scheduler_frames);
}

static struct wh_error *read_u64(const struct wh_wait_context *ctx, uint64_t addr, uint64_t *ret)
{
	return wh_dump_read_u64(ctx->k->dump, addr, ret);
}

/* NODE (a list_head) belongs to a waiter record: on a task's stack, with
 * that task in the record's task field. */
static bool is_record_node(const struct wh_wait_context *ctx, uint64_t node,
			   const struct wh_waiter_layout *l)
{
	uint64_t owner = wh_stack_index_owner(ctx->stacks, node);
	if (!owner)
		return false;
	uint64_t task;
	struct wh_error *err = read_u64(ctx, node - l->list_off + l->task_off, &task);
	if (err) {
		wh_error_destroy(err);
		return false;
	}
	return task == owner;
}

struct wh_error *wh_find_waiter_record(const struct wh_wait_context *ctx, int frame,
				       const struct wh_waiter_layout *l, uint64_t *ret_record,
				       bool *ret_found)
{
	*ret_found = false;
	const struct wh_stack *st = &ctx->bt->stack;
	uint64_t lo = st->frames[frame].sp;
	uint64_t hi = (size_t)frame + 1 < st->n ? st->frames[frame + 1].sp : ctx->stack_hi;
	if (hi <= lo || hi - lo > 65536)
		hi = ctx->stack_hi;
	if (lo < ctx->stack_lo || hi > ctx->stack_hi || lo >= hi)
		return NULL;
	for (uint64_t rec = lo & ~7ull; rec + l->list_off + 16 <= hi; rec += 8) {
		uint64_t task, next, prev, back, fwd;
		struct wh_error *err;
		if ((err = read_u64(ctx, rec + l->task_off, &task))) {
			wh_error_destroy(err);
			continue;
		}
		if (task != ctx->task->address)
			continue;
		uint64_t node = rec + l->list_off;
		if ((err = read_u64(ctx, node, &next)) || (err = read_u64(ctx, node + 8, &prev)) ||
		    (err = read_u64(ctx, next + 8, &back)) || (err = read_u64(ctx, prev, &fwd))) {
			wh_error_destroy(err);
			continue;
		}
		if (back == node && fwd == node && next != node) {
			*ret_record = rec;
			*ret_found = true;
			return NULL;
		}
	}
	return NULL;
}

/* Walk from START to the head, or to a node an earlier walk passed (its
 * head is known). Nodes passed go to *PASSED (START first). */
static struct wh_error *walk_to_head(const struct wh_wait_context *ctx, uint64_t start,
				     const struct wh_waiter_layout *l, uint64_t **passed,
				     size_t *n_passed, uint64_t *ret_head)
{
	uint64_t delta = l->task_off - l->list_off, node = start;
	*passed = malloc((WH_MAX_WAITERS + 1) * sizeof(**passed));
	if (!*passed)
		return &wh_error_nomem;
	(*passed)[(*n_passed)++] = start;
	for (size_t i = 0; i <= WH_MAX_WAITERS; i++) {
		struct wh_error *err = read_u64(ctx, node, &node);
		if (err)
			return wh_error_wrap(err, "following wait list from 0x%llx",
					     (unsigned long long)start);
		if (node == start)
			break;
		if (wh_wait_lists_head(ctx->lists, node, delta, ret_head))
			return NULL;
		if (!is_record_node(ctx, node, l)) {
			*ret_head = node;
			return NULL;
		}
		if (i < WH_MAX_WAITERS)
			(*passed)[(*n_passed)++] = node;
	}
	return wh_error_at(WH_ERR_CORRUPT, start, "wait list at 0x%llx has no head",
			   (unsigned long long)start);
}

struct wh_error *wh_waiter_list_head(const struct wh_wait_context *ctx, uint64_t record,
				     const struct wh_waiter_layout *l, uint64_t *ret_head)
{
	uint64_t start = record + l->list_off, delta = l->task_off - l->list_off;
	if (wh_wait_lists_head(ctx->lists, start, delta, ret_head))
		return NULL;
	uint64_t *passed = NULL;
	size_t n_passed = 0;
	struct wh_error *err = walk_to_head(ctx, start, l, &passed, &n_passed, ret_head);
	/* The waiters behind START on this list stop at their own nodes. */
	for (size_t i = 0; !err && i < n_passed; i++)
		err = wh_wait_lists_remember(ctx->lists, passed[i], delta, *ret_head);
	free(passed);
	return err;
}

struct wh_error *wh_waiter_object(const struct wh_wait_context *ctx, int frame,
				  const struct wh_waiter_layout *l, uint64_t head_offset,
				  uint64_t *ret_object, uint64_t *ret_record, bool *ret_found)
{
	uint64_t rec, head;
	struct wh_error *err = wh_find_waiter_record(ctx, frame, l, &rec, ret_found);
	if (err)
		return err;
	if (!*ret_found) {
		/* The task sleeps in a lock function but no consistently linked
		 * waiter record is on its stack: say so rather than drop it. */
		const struct wh_frame *f = &ctx->bt->stack.frames[frame];
		return wh_error_at(
		    WH_ERR_CORRUPT, f->sp,
		    "pid %d sleeps in %s but no linked waiter record is in that "
		    "frame (stack at 0x%llx): its wait list is corrupt or unreadable",
		    ctx->task->pid, f->have_symbol ? f->sym.function : "?",
		    (unsigned long long)f->sp);
	}
	if ((err = wh_waiter_list_head(ctx, rec, l, &head))) {
		*ret_found = false;
		return err;
	}
	*ret_object = head - head_offset;
	*ret_record = rec;
	return NULL;
}

struct wh_error *wh_object_add_waiter(struct wh_wait_object *obj, size_t *cap, uint64_t task,
				      struct wh_wait_mode mode)
{
	if (obj->n_waiters == *cap) {
		size_t n = *cap ? *cap * 2 : 8;
		uint64_t *w = realloc(obj->waiters, n * sizeof(*w));
		if (!w)
			return &wh_error_nomem;
		obj->waiters = w;
		struct wh_wait_mode *m = realloc(obj->waiter_modes, n * sizeof(*m));
		if (!m)
			return &wh_error_nomem;
		obj->waiter_modes = m;
		*cap = n;
	}
	obj->waiters[obj->n_waiters] = task;
	obj->waiter_modes[obj->n_waiters] = mode;
	obj->n_waiters++;
	return NULL;
}

struct wh_wait_mode wh_waiter_mode(const struct wh_wait_context *ctx,
				   const struct wh_waiter_layout *l, const enum wh_wait_how *modes,
				   size_t n_modes, uint64_t record)
{
	struct wh_wait_mode mode = {WH_WAIT_PLAIN, 0};
	uint64_t value = 0;
	if (l->mode_off == UINT64_MAX || !modes ||
	    !wh_best_effort(wh_dump_read(ctx->k->dump, record + l->mode_off, &value,
					 l->mode_size <= 8 ? l->mode_size : 8)))
		return mode;
	if (l->mode_mask)
		value = (value & l->mode_mask) >> l->mode_shift;
	if (value < n_modes)
		mode.how = modes[value];
	return mode;
}

struct read_ctx {
	const struct wh_wait_context *ctx;
	const struct wh_waiter_layout *l;
	const enum wh_wait_how *modes;
	size_t n_modes;
	struct wh_wait_object *obj;
	size_t cap;
};

static struct wh_error *visit_waiter(void *arg, uint64_t node, bool *stop)
{
	struct read_ctx *r = arg;
	uint64_t rec = node - r->l->list_off, task;
	struct wh_error *err = read_u64(r->ctx, rec + r->l->task_off, &task);
	if (err)
		return err;
	return wh_object_add_waiter(r->obj, &r->cap, task,
				    wh_waiter_mode(r->ctx, r->l, r->modes, r->n_modes, rec));
}

void wh_waiter_list_read(const struct wh_wait_context *ctx, uint64_t head,
			 const struct wh_waiter_layout *l, const enum wh_wait_how *modes,
			 size_t n_modes, struct wh_wait_object *obj)
{
	struct read_ctx r = {.ctx = ctx, .l = l, .modes = modes, .n_modes = n_modes, .obj = obj};
	struct wh_error *err = wh_list_walk(ctx->k, head, WH_MAX_WAITERS, visit_waiter, &r);
	if (err) {
		snprintf(obj->incomplete, sizeof(obj->incomplete), "wait list: %s", err->message);
		wh_error_destroy(err);
	}
}

void wh_object_add_owner(const struct wh_wait_context *ctx, struct wh_wait_object *obj,
			 uint64_t task, enum wh_owner_how how, struct wh_evidence evidence)
{
	if (obj->n_owners == WH_MAX_OWNERS)
		return;
	for (size_t i = 0; i < obj->n_owners; i++)
		if (obj->owners[i].task == task)
			return;
	/* A task found waiting on OBJ has its address on the stack because
	 * it waits: never a candidate holder, even when an unreadable wait
	 * list leaves it out of obj->waiters (a partial dump or budget). */
	const struct wh_waits *w = ctx->waits;
	if (how == WH_OWNER_INFERRED && w && w->indexed) {
		size_t i = wh_addr_map_get(&w->wait_of_task, task);
		if (i != SIZE_MAX && &w->objects[w->waits[i].object] == obj)
			return;
	}
	struct wh_owner *o = &obj->owners[obj->n_owners++];
	o->task = task;
	const struct wh_task *t = wh_task_list_find_address(ctx->tasks, task);
	o->pid = t ? t->pid : -1;
	o->how = how;
	o->evidence = evidence;
}

void wh_object_unreadable(struct wh_wait_object *obj, const char *what, struct wh_error *err)
{
	obj->state = (struct wh_object_state){.condition = WH_STATE_UNREADABLE};
	snprintf(obj->state.what, sizeof(obj->state.what), "%s", what);
	snprintf(obj->state.why, sizeof(obj->state.why), "%s", err->message);
	wh_error_destroy(err);
}

bool wh_stack_holds(const struct wh_wait_context *ctx, uint64_t task, uint64_t value)
{
	const struct wh_task *t = wh_task_list_find_address(ctx->tasks, task);
	uint64_t lo, hi;
	if (!t || !wh_stack_live_range(ctx->k, ctx->stacks, t, &lo, &hi))
		return false;
	uint64_t buf[512];
	for (uint64_t a = lo; a < hi; a += sizeof(buf)) {
		uint64_t n = hi - a < sizeof(buf) ? hi - a : sizeof(buf);
		struct wh_error *err = wh_dump_read(ctx->k->dump, a, buf, n);
		if (err) {
			wh_error_destroy(err);
			continue;
		}
		for (size_t i = 0; i < n / 8; i++)
			if (buf[i] == value)
				return true;
	}
	return false;
}

static const char stack_refs_tag; /* the analysis' stack references in its memo */

static void destroy_stack_refs(void *refs)
{
	wh_stack_refs_destroy(refs);
}

struct wh_error *wh_stack_holders(const struct wh_wait_context *ctx,
				  const struct wh_wait_object *obj, const size_t **ret,
				  size_t *ret_n)
{
	struct wh_stack_refs *refs = wh_kind_memo_get(ctx->memo, &stack_refs_tag, 0);
	if (!refs) {
		const struct wh_waits *w = ctx->waits;
		uint64_t *values = malloc((w->n_objects ? w->n_objects : 1) * sizeof(*values));
		if (!values)
			return &wh_error_nomem;
		for (size_t i = 0; i < w->n_objects; i++)
			values[i] = w->objects[i].address;
		struct wh_error *err = wh_stack_refs_build(ctx->k, ctx->tasks, ctx->stacks, values,
							   w->n_objects, &refs);
		free(values);
		if (!err)
			err = wh_kind_memo_put(ctx->memo, &stack_refs_tag, 0, refs,
					       destroy_stack_refs);
		if (err)
			return err;
	}
	if (!wh_stack_refs_tasks(refs, obj->address, ret, ret_n))
		return wh_error_create(WH_ERR_INTERNAL, "object at 0x%llx not looked for on stacks",
				       (unsigned long long)obj->address);
	return NULL;
}

struct wh_error *wh_wait_bit_layout(struct wh_kernel *k, struct wh_wait_bit_layout *ret)
{
	struct wh_member_info wq, entry, private;
	struct wh_error *err;
	if ((err = wh_kernel_member(k, "wait_bit_queue_entry", "wq_entry", &wq)) ||
	    (err = wh_kernel_member(k, "wait_bit_queue_entry", "key.flags", &ret->key)) ||
	    (err = wh_kernel_member(k, "wait_bit_queue_entry", "key.bit_nr", &ret->bit_nr)) ||
	    (err = wh_kernel_member(k, "wait_queue_entry", "entry", &entry)) ||
	    (err = wh_kernel_member(k, "wait_queue_entry", "private", &private)) ||
	    (err = wh_kernel_member(k, "wait_queue_entry", "func", &ret->func)))
		return err;
	ret->func.offset += wq.offset;
	ret->waiter = (struct wh_waiter_layout){.list_off = wq.offset + entry.offset,
						.task_off = wq.offset + private.offset,
						.mode_off = UINT64_MAX};
	return NULL;
}
