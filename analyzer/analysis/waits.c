#include "waits.h"
#include "kind_memo.h"
#include "object_name.h"
#include "stack_start.h"
#include "wait_kind.h"
#include "wait_lists.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What wh_waits_analyze() grows as it goes. */
struct collecting {
	struct wh_addr_map object_at; /* address -> objects index (any kind) */
	size_t objects_cap, waits_cap;
	/* Per object: which plugin found it, and one waiter's context to
	 * describe it. */
	const struct wh_wait_kind_ops **found_by;
	struct wh_wait_context *first_ctx;
};

static struct wh_error *find_or_add_object(struct wh_waits *w, struct collecting *c,
					   const struct wh_wait_kind_ops *kind,
					   const struct wh_wait_context *ctx, uint64_t addr,
					   size_t *ret)
{
	size_t cursor = 0, i;
	while ((i = wh_addr_map_next(&c->object_at, addr, &cursor)) != SIZE_MAX)
		if (!strcmp(w->objects[i].kind, kind->name)) {
			*ret = i;
			return NULL;
		}
	if (w->n_objects == c->objects_cap) {
		size_t n = c->objects_cap ? 2 * c->objects_cap : 16;
		struct wh_wait_object *objs = realloc(w->objects, n * sizeof(*objs));
		if (objs)
			w->objects = objs;
		const struct wh_wait_kind_ops **by = realloc(c->found_by, n * sizeof(*by));
		if (by)
			c->found_by = by;
		struct wh_wait_context *first = realloc(c->first_ctx, n * sizeof(*first));
		if (first)
			c->first_ctx = first;
		if (!objs || !by || !first)
			return &wh_error_nomem;
		c->objects_cap = n;
	}
	struct wh_wait_object *o = &w->objects[w->n_objects];
	memset(o, 0, sizeof(*o));
	snprintf(o->kind, sizeof(o->kind), "%s", kind->name);
	o->address = addr;
	c->found_by[w->n_objects] = kind;
	c->first_ctx[w->n_objects] = *ctx;
	*ret = w->n_objects++;
	return wh_addr_map_add(&c->object_at, addr, *ret);
}

static struct wh_error *add_wait(struct wh_waits *w, struct collecting *c, uint64_t task,
				 size_t object, const char *mode)
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
	*tw = (struct wh_task_wait){.task = task, .object = object};
	snprintf(tw->mode, sizeof(tw->mode), "%s", mode);
	return NULL;
}

/* A task worth asking the plugins about: not running, not idle. */
static bool maybe_waiting(const struct wh_task *t)
{
	return !t->idle && !t->on_cpu && (t->state == 'D' || t->state == 'S');
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
	if (!devices || (err = wh_wait_lists_create(&lists)) ||
	    (err = wh_kind_memo_create(&memo))) {
		wh_wait_lists_destroy(lists);
		wh_blockdev_cache_destroy(devices);
		wh_stack_index_destroy(idx);
		return &wh_error_nomem;
	}
	const struct wh_wait_kind_ops *const *kinds = wh_wait_kinds();
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
		if (!wh_stack_index_range(idx, bt->task.address, &ctx.stack_lo, &ctx.stack_hi))
			continue;
		for (const struct wh_wait_kind_ops *const *op = kinds; *op; op++) {
			uint64_t obj;
			char mode[8] = "";
			bool found = false;
			struct wh_error *e = (*op)->recognize(&ctx, &obj, mode, &found);
			if (e) {
				if (e == &wh_error_nomem) {
					err = e;
					break;
				}
				wh_diags_add_error(&ret->diags, (*op)->name,
						   wh_error_wrap(e, "%s wait of pid %d", (*op)->name,
								 bt->task.pid));
				continue;
			}
			if (!found)
				continue;
			if (bt->task.state != 'D' && (*op)->sleeping_is_idle)
				break;
			size_t oi;
			if (!(err = find_or_add_object(ret, &c, *op, &ctx, obj, &oi)))
				err = add_wait(ret, &c, bt->task.address, oi, mode);
			break;
		}
	}
	/* Who waits on what is known now: describe() may ask (a waiter is no
	 * holder candidate). Indexed again below, with the owners. */
	if (!err)
		err = wh_waits_index(ret);
	struct wh_mmap_locks *mm = NULL;
	for (size_t i = 0; !err && i < ret->n_objects; i++) {
		struct wh_wait_object *o = &ret->objects[i];
		if (!mm && !strcmp(o->kind, "rwsem") && (err = wh_mmap_locks_build(k, tasks, &mm)))
			break;
		wh_object_name(k, tasks, mm, o->kind, o->address, o->name, sizeof(o->name));
		struct wh_error *e = c.found_by[i]->describe(&c.first_ctx[i], o);
		if (e == &wh_error_nomem)
			err = e;
		else if (e)
			wh_diags_add_error(&ret->diags, o->kind,
					   wh_error_wrap(e, "describing %s", o->name));
		/* What could not be learnt about a device (e.g. dm_mod's types
		 * without -m) is said once per device among the warnings. */
		for (size_t p = 0; !err && o->io.known && p < o->io.incomplete.count; p++) {
			const struct wh_diag *d = &o->io.incomplete.items[p];
			char msg[512];
			snprintf(msg, sizeof(msg), "I/O to %s: %s", o->io.device, d->message);
			if (!wh_diags_has_message(&ret->diags, msg))
				wh_diags_add(&ret->diags, "block device", d->code, "%s", msg);
		}
	}
	wh_mmap_locks_destroy(mm);
	free(c.found_by);
	free(c.first_ctx);
	wh_addr_map_deinit(&c.object_at);
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
		wh_diags_deinit(&w->objects[i].incomplete);
		wh_io_target_deinit(&w->objects[i].io);
	}
	free(w->objects);
	free(w->waits);
	wh_diags_deinit(&w->diags);
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
