#include "wait_kinds.h"
#include "module_debug.h"
#include "symbolize.h"

#include <stdlib.h>

/* The mode FN implies when it is one of FRAMES; false if it is none. */
static const struct wh_wait_frame *frame_of(const char *fn, const struct wh_wait_frame *frames)
{
	for (const struct wh_wait_frame *f = frames; f && f->function; f++)
		if (wh_function_is_one_of(fn, (const char *const[]){f->function, NULL}))
			return f;
	return NULL;
}

void wh_wait_match_frames(const struct wh_backtrace *bt, const struct wh_wait_kind_entry *kinds,
			  size_t n, struct wh_wait_match *ret, bool *ret_matched)
{
	/* Kinds still looking: not yet matched, not yet ruled out. */
	bool looking[WH_MAX_WAIT_KINDS];
	size_t n_looking = 0;
	if (n > WH_MAX_WAIT_KINDS)
		n = WH_MAX_WAIT_KINDS; /* the registry asserts it cannot be */
	for (size_t k = 0; k < n; k++) {
		const struct wh_wait_kind_ops *ops = kinds[k].ops;
		ret[k] = (struct wh_wait_match){.frame = -1};
		ret_matched[k] = ops->from_task;
		looking[k] = !ops->from_task && (ops->frames || ops->in_schedule_caller);
		n_looking += looking[k];
	}
	for (size_t i = 0; n_looking && i < bt->stack.n; i++) {
		const struct wh_frame *f = &bt->stack.frames[i];
		if (f->flags & WH_FRAME_SCANNED)
			break; /* a guess from the stack scan is no wait frame */
		const char *fn = f->have_symbol ? f->sym.function : NULL;
		if (wh_is_scheduler_frame(fn))
			continue;
		for (size_t k = 0; k < n; k++) {
			const struct wh_wait_kind_ops *ops = kinds[k].ops;
			const struct wh_wait_frame *wf;
			if (!looking[k])
				continue;
			if (ops->in_schedule_caller || (wf = frame_of(fn, ops->frames))) {
				ret[k] = (struct wh_wait_match){.frame = (int)i};
				if (!ops->in_schedule_caller) {
					ret[k].mode.how = wf->how;
					ret[k].variant = wf->variant;
				}
				ret_matched[k] = true;
			} else if (wh_function_is_one_of(fn, ops->skip)) {
				continue;
			}
			looking[k] = false;
			n_looking--;
		}
	}
}

struct kind_slot {
	bool resolved;
	struct wh_error *failed; /* why the layout could not be resolved */
	struct wh_wait_kind_state state;
};

struct wh_wait_kinds {
	struct wh_kernel *k;
	const struct wh_wait_kind_entry *entries;
	size_t n;
	struct kind_slot *slots;
};

struct wh_error *wh_wait_kinds_create(struct wh_kernel *k, struct wh_wait_kinds **ret)
{
	struct wh_wait_kinds *kinds = calloc(1, sizeof(*kinds));
	if (!kinds)
		return &wh_error_nomem;
	kinds->k = k;
	kinds->entries = wh_wait_kinds(&kinds->n);
	if (!(kinds->slots = calloc(kinds->n, sizeof(*kinds->slots)))) {
		free(kinds);
		return &wh_error_nomem;
	}
	*ret = kinds;
	return NULL;
}

void wh_wait_kinds_destroy(struct wh_wait_kinds *kinds)
{
	if (!kinds)
		return;
	for (size_t i = 0; i < kinds->n; i++) {
		struct kind_slot *s = &kinds->slots[i];
		if (s->failed != &wh_error_nomem)
			wh_error_destroy(s->failed);
		if (s->state.layout)
			(kinds->entries[i].ops->deinit ? kinds->entries[i].ops->deinit
						       : free)(s->state.layout);
	}
	free(kinds->slots);
	free(kinds);
}

const struct wh_wait_kind_entry *wh_wait_kinds_list(const struct wh_wait_kinds *kinds,
						    size_t *ret_n)
{
	*ret_n = kinds->n;
	return kinds->entries;
}

static struct wh_error *resolve_members(struct wh_kernel *k, const struct wh_kind_member *m,
					struct wh_wait_kind_state *s)
{
	for (size_t i = 0; m && m[i].struct_name; i++) {
		if (i == WH_KIND_MAX_MEMBERS)
			return wh_error_create(WH_ERR_INTERNAL, "more than %d members in a kind",
					       WH_KIND_MAX_MEMBERS);
		struct wh_types *types = k->types;
		struct wh_error *err = m[i].module ? wh_types_of(k, m[i].module, &types) : NULL;
		if (!err)
			err = wh_types_struct_member(types, m[i].struct_name, m[i].path,
						     &s->members[i]);
		s->have[i] = !err;
		if (err && err->code == WH_ERR_ABSENT && m[i].optional) {
			wh_error_destroy(err);
			continue;
		}
		if (err)
			return err;
	}
	return NULL;
}

/* The kind's state, resolved on first use; its failure, kept, as a new
 * error each time. */
static struct wh_error *resolve(struct wh_wait_kinds *kinds, enum wh_wait_kind_id kind,
				const struct wh_wait_kind_state **ret)
{
	struct kind_slot *s = &kinds->slots[kind];
	const struct wh_wait_kind_ops *ops = kinds->entries[kind].ops;
	if (!s->resolved) {
		s->resolved = true;
		if (ops->list)
			s->failed = wh_list_layout_init(kinds->k, ops->list, &s->state.list);
		if (!s->failed && ops->type_hint)
			wh_kernel_type_hint(kinds->k, ops->type_hint);
		if (!s->failed)
			s->failed = resolve_members(kinds->k, ops->members, &s->state);
		if (!s->failed && ops->init)
			s->failed = ops->init(kinds->k, &s->state.layout);
	}
	*ret = &s->state;
	if (!s->failed)
		return NULL;
	if (s->failed == &wh_error_nomem)
		return &wh_error_nomem;
	return s->failed->has_address
		   ? wh_error_at(s->failed->code, s->failed->address, "%s", s->failed->message)
		   : wh_error_create(s->failed->code, "%s", s->failed->message);
}

struct wh_error *wh_wait_kinds_find(struct wh_wait_kinds *kinds, enum wh_wait_kind_id kind,
				    const struct wh_wait_context *ctx,
				    const struct wh_wait_match *m, struct wh_wait_found *ret)
{
	const struct wh_wait_kind_ops *ops = kinds->entries[kind].ops;
	const struct wh_wait_kind_state *state;
	*ret = (struct wh_wait_found){.variant = m->variant};
	struct wh_error *err = resolve(kinds, kind, &state);
	if (err)
		return err;
	if (ops->find)
		return ops->find(ctx, state, m, ret);
	return wh_list_kind_find(ctx, &state->list, m->frame, m->mode, &ret->object, &ret->mode,
				 &ret->record, &ret->found);
}

struct wh_error *wh_wait_kinds_describe(struct wh_wait_kinds *kinds,
					const struct wh_wait_context *ctx,
					const struct wh_wait_found *first,
					struct wh_wait_object *obj)
{
	const struct wh_wait_kind_ops *ops = kinds->entries[obj->kind].ops;
	const struct wh_wait_kind_state *state;
	struct wh_error *err = resolve(kinds, obj->kind, &state);
	if (err)
		return err;
	if (ops->describe)
		return ops->describe(ctx, state, first, obj);
	if (ops->list)
		wh_list_kind_waiters(ctx, &state->list, obj);
	return NULL;
}

bool wh_wait_kinds_name(struct wh_wait_kinds *kinds, enum wh_wait_kind_id kind,
			const struct wh_wait_context *ctx, uint64_t addr, char *buf, size_t size)
{
	const struct wh_wait_kind_ops *ops = kinds->entries[kind].ops;
	const struct wh_wait_kind_state *state;
	if (!ops->name_object || !wh_best_effort(resolve(kinds, kind, &state)))
		return false;
	return ops->name_object(ctx, state, addr, buf, size);
}
