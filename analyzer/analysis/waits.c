#include "waits.h"
#include "kind_memo.h"
#include "object_name.h"
#include "stack_start.h"
#include "wait_kinds.h"
#include "wait_lists.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct wh_error *add_warning(struct wh_waits *w, struct wh_error *err)
{
	char **list = realloc(w->warnings, (w->n_warnings + 1) * sizeof(*list));
	if (!list) {
		wh_error_destroy(err);
		return &wh_error_nomem;
	}
	w->warnings = list;
	list[w->n_warnings] = strdup(err->message);
	if (list[w->n_warnings])
		w->n_warnings++;
	wh_error_destroy(err);
	return NULL;
}

/* What wh_waits_analyze() grows as it goes. */
struct collecting {
	struct wh_addr_map object_at; /* address -> objects index (any kind) */
	size_t objects_cap, waits_cap;
	/* Per object: its first waiter's context and what its kind found
	 * there, to describe it. */
	struct wh_wait_found *first_found;
	struct wh_wait_context *first_ctx;
};

static struct wh_error *find_or_add_object(struct wh_waits *w, struct collecting *c,
					   enum wh_wait_kind_id kind,
					   const struct wh_wait_context *ctx,
					   const struct wh_wait_found *found, size_t *ret)
{
	size_t cursor = 0, i;
	uint64_t addr = found->object;
	while ((i = wh_addr_map_next(&c->object_at, addr, &cursor)) != SIZE_MAX)
		if (w->objects[i].kind == kind) {
			*ret = i;
			return NULL;
		}
	if (w->n_objects == c->objects_cap) {
		size_t n = c->objects_cap ? 2 * c->objects_cap : 16;
		struct wh_wait_object *objs = realloc(w->objects, n * sizeof(*objs));
		if (objs)
			w->objects = objs;
		struct wh_wait_found *by = realloc(c->first_found, n * sizeof(*by));
		if (by)
			c->first_found = by;
		struct wh_wait_context *first = realloc(c->first_ctx, n * sizeof(*first));
		if (first)
			c->first_ctx = first;
		if (!objs || !by || !first)
			return &wh_error_nomem;
		c->objects_cap = n;
	}
	struct wh_wait_object *o = &w->objects[w->n_objects];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->address = addr;
	c->first_found[w->n_objects] = *found;
	c->first_ctx[w->n_objects] = *ctx;
	*ret = w->n_objects++;
	return wh_addr_map_add(&c->object_at, addr, *ret);
}

static struct wh_error *add_wait(struct wh_waits *w, struct collecting *c, uint64_t task,
				 size_t object, struct wh_wait_mode mode)
{
	if (w->n_waits == c->waits_cap) {
		size_t n = c->waits_cap ? 2 * c->waits_cap : 16;
		struct wh_task_wait *tw = realloc(w->waits, n * sizeof(*tw));
		if (!tw)
			return &wh_error_nomem;
		w->waits = tw;
		c->waits_cap = n;
	}
	struct wh_task_wait *tw = &w->waits[w->n_waits++];
	*tw = (struct wh_task_wait){.task = task, .object = object, .mode = mode};
	return NULL;
}

/* A task worth asking the plugins about: not running, not idle. */
static bool maybe_waiting(const struct wh_task *t)
{
	return !t->idle && !t->on_cpu && (t->state == 'D' || t->state == 'S');
}

/* Ask the kinds BT matches, in order, until one finds the task's wait. */
static struct wh_error *find_wait(struct wh_waits *w, struct collecting *c,
				  struct wh_wait_kinds *kinds, const struct wh_wait_context *ctx)
{
	size_t n;
	const struct wh_wait_kind_entry *entries = wh_wait_kinds_list(kinds, &n);
	struct wh_wait_match match[WH_MAX_WAIT_KINDS];
	bool matched[WH_MAX_WAIT_KINDS];
	wh_wait_match_frames(ctx->bt, entries, n, match, matched);
	for (size_t i = 0; i < n; i++) {
		const struct wh_wait_kind_ops *ops = entries[i].ops;
		struct wh_wait_found found;
		if (!matched[i])
			continue;
		struct wh_error *e = wh_wait_kinds_find(kinds, i, ctx, &match[i], &found);
		if (e == &wh_error_nomem)
			return e;
		if (e) {
			e = wh_error_wrap(e, "%s wait of pid %d", ops->name, ctx->task->pid);
			struct wh_error *err = add_warning(w, e);
			if (err)
				return err;
			continue;
		}
		if (!found.found)
			continue;
		if (ctx->task->state != 'D' && ops->sleeping_is_idle)
			return NULL;
		size_t oi;
		struct wh_error *err = find_or_add_object(w, c, i, ctx, &found, &oi);
		return err ? err : add_wait(w, c, ctx->task->address, oi, found.mode);
	}
	return NULL;
}

/* Name and describe each object, with its first waiter's context. */
static struct wh_error *describe_objects(struct wh_waits *w, struct collecting *c,
					 struct wh_wait_kinds *kinds)
{
	struct wh_error *err = NULL;
	for (size_t i = 0; !err && i < w->n_objects; i++) {
		struct wh_wait_object *o = &w->objects[i];
		wh_object_name(kinds, &c->first_ctx[i], o->kind, o->address, o->name,
			       sizeof(o->name));
		struct wh_error *e =
		    wh_wait_kinds_describe(kinds, &c->first_ctx[i], &c->first_found[i], o);
		if (e == &wh_error_nomem)
			err = e;
		else if (e)
			err = add_warning(w, wh_error_wrap(e, "describing %s", o->name));
		/* What could not be learnt about a device (e.g. dm_mod's types
		 * without -m) is said once per device among the warnings. */
		if (!err && o->io.known && o->io.incomplete[0]) {
			char msg[256];
			snprintf(msg, sizeof(msg), "I/O to %s: %s", o->io.device, o->io.incomplete);
			bool seen = false;
			for (size_t j = 0; j < w->n_warnings && !seen; j++)
				seen = !strcmp(w->warnings[j], msg);
			if (!seen)
				err = add_warning(w, wh_error_create(WH_ERR_ABSENT, "%s", msg));
		}
	}
	return err;
}

struct wh_error *wh_waits_analyze(struct wh_kernel *k, const struct wh_task_list *tasks,
				  const struct wh_backtraces *bts, struct wh_waits *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct wh_stack_index *idx;
	struct wh_error *err = wh_stack_index_build(k, tasks, &idx);
	if (err)
		return err;
	struct wh_blockdev_cache *devices = wh_blockdev_cache_create();
	struct wh_wait_lists *lists = NULL;
	struct wh_kind_memo *memo = NULL;
	struct wh_wait_kinds *kinds = NULL;
	if (!devices || (err = wh_wait_lists_create(&lists)) ||
	    (err = wh_kind_memo_create(&memo)) || (err = wh_wait_kinds_create(k, &kinds))) {
		wh_kind_memo_destroy(memo);
		wh_wait_lists_destroy(lists);
		wh_blockdev_cache_destroy(devices);
		wh_stack_index_destroy(idx);
		return &wh_error_nomem;
	}
	struct collecting c = {0};
	wh_addr_map_init(&c.object_at);
	for (size_t b = 0; !err && b < bts->count; b++) {
		const struct wh_backtrace *bt = bts->items[b];
		if (bt->cpu >= 0 || !maybe_waiting(&bt->task))
			continue;
		struct wh_wait_context ctx = {.k = k,
					      .tasks = tasks,
					      .task = &bt->task,
					      .bt = bt,
					      .stacks = idx,
					      .devices = devices,
					      .lists = lists,
					      .memo = memo,
					      .waits = ret};
		if (wh_stack_index_range(idx, bt->task.address, &ctx.stack_lo, &ctx.stack_hi))
			err = find_wait(ret, &c, kinds, &ctx);
	}
	/* Who waits on what is known now: describe() may ask (a waiter is no
	 * holder candidate). Indexed again below, with the owners. */
	if (!err)
		err = wh_waits_index(ret);
	if (!err)
		err = describe_objects(ret, &c, kinds);
	free(c.first_found);
	free(c.first_ctx);
	wh_addr_map_deinit(&c.object_at);
	wh_wait_kinds_destroy(kinds);
	wh_stack_index_destroy(idx);
	wh_blockdev_cache_destroy(devices);
	wh_wait_lists_destroy(lists);
	wh_kind_memo_destroy(memo);
	if (!err)
		err = wh_waits_index(ret);
	if (err)
		wh_waits_deinit(ret);
	return err;
}

void wh_waits_deinit(struct wh_waits *w)
{
	for (size_t i = 0; i < w->n_objects; i++) {
		free(w->objects[i].waiters);
		free(w->objects[i].waiter_modes);
	}
	free(w->objects);
	free(w->waits);
	for (size_t i = 0; i < w->n_warnings; i++)
		free(w->warnings[i]);
	free(w->warnings);
	wh_addr_map_deinit(&w->wait_of_task);
	wh_addr_map_deinit(&w->held_by);
	memset(w, 0, sizeof(*w));
}

struct wh_error *wh_waits_index(struct wh_waits *w)
{
	wh_addr_map_deinit(&w->wait_of_task);
	wh_addr_map_deinit(&w->held_by);
	w->indexed = false;
	struct wh_error *err = wh_addr_map_reserve(&w->wait_of_task, w->n_waits);
	/* A task's first wait is the one it is found with. */
	for (size_t i = 0; !err && i < w->n_waits; i++)
		if (wh_addr_map_get(&w->wait_of_task, w->waits[i].task) == SIZE_MAX)
			err = wh_addr_map_add(&w->wait_of_task, w->waits[i].task, i);
	for (size_t o = 0; !err && o < w->n_objects; o++)
		for (size_t j = 0; !err && j < w->objects[o].n_owners; j++)
			err = wh_addr_map_add(&w->held_by, w->objects[o].owners[j].task, o);
	w->indexed = !err;
	return err;
}

const struct wh_task_wait *wh_waits_of_task(const struct wh_waits *w, uint64_t task)
{
	if (!w->indexed) { /* waits made by hand for tests */
		for (size_t i = 0; i < w->n_waits; i++)
			if (w->waits[i].task == task)
				return &w->waits[i];
		return NULL;
	}
	size_t i = wh_addr_map_get(&w->wait_of_task, task);
	return i == SIZE_MAX ? NULL : &w->waits[i];
}

bool wh_waits_task_holds(const struct wh_waits *w, uint64_t task)
{
	if (!w->indexed) {
		for (size_t o = 0; o < w->n_objects; o++)
			for (size_t j = 0; j < w->objects[o].n_owners; j++)
				if (w->objects[o].owners[j].task == task)
					return true;
		return false;
	}
	return wh_addr_map_get(&w->held_by, task) != SIZE_MAX;
}
