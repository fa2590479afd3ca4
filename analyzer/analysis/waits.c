#include "waits.h"
#include "object_name.h"
#include "wait_kind.h"
#include "stack_start.h"

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

static struct wh_error *find_or_add_object(struct wh_waits *w, const char *kind, uint64_t addr,
					   size_t *ret)
{
	for (size_t i = 0; i < w->n_objects; i++) {
		if (w->objects[i].address == addr && !strcmp(w->objects[i].kind, kind)) {
			*ret = i;
			return NULL;
		}
	}
	struct wh_wait_object *objs = realloc(w->objects, (w->n_objects + 1) * sizeof(*objs));
	if (!objs)
		return &wh_error_nomem;
	w->objects = objs;
	struct wh_wait_object *o = &objs[w->n_objects];
	memset(o, 0, sizeof(*o));
	snprintf(o->kind, sizeof(o->kind), "%s", kind);
	o->address = addr;
	*ret = w->n_objects++;
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
	if (!devices) {
		wh_stack_index_destroy(idx);
		return &wh_error_nomem;
	}
	const struct wh_wait_kind_ops *const *kinds = wh_wait_kinds();
	/* Which plugin found each object, and one waiter's context to describe it. */
	const struct wh_wait_kind_ops **owner_kind = NULL;
	struct wh_wait_context *first_ctx = NULL;
	for (size_t b = 0; !err && b < bts->count; b++) {
		const struct wh_backtrace *bt = bts->items[b];
		if (bt->cpu >= 0 || !maybe_waiting(&bt->task))
			continue;
		struct wh_wait_context ctx = {.k = k,
					      .tasks = tasks,
					      .task = &bt->task,
					      .bt = bt,
					      .stacks = idx,
					      .devices = devices};
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
				e = wh_error_wrap(e, "%s wait of pid %d", (*op)->name,
						  bt->task.pid);
				if ((err = add_warning(ret, e)))
					break;
				continue;
			}
			if (!found)
				continue;
			if (bt->task.state != 'D' && (*op)->sleeping_is_idle)
				break;
			size_t oi;
			size_t before = ret->n_objects;
			if ((err = find_or_add_object(ret, (*op)->name, obj, &oi)))
				break;
			if (ret->n_objects != before) {
				void *p1 =
				    realloc(owner_kind, ret->n_objects * sizeof(*owner_kind));
				if (p1)
					owner_kind = p1;
				void *p2 = realloc(first_ctx, ret->n_objects * sizeof(*first_ctx));
				if (p2)
					first_ctx = p2;
				if (!p1 || !p2) {
					err = &wh_error_nomem;
					break;
				}
				owner_kind[oi] = *op;
				first_ctx[oi] = ctx;
			}
			struct wh_task_wait *tw =
			    realloc(ret->waits, (ret->n_waits + 1) * sizeof(*tw));
			if (!tw) {
				err = &wh_error_nomem;
				break;
			}
			ret->waits = tw;
			tw[ret->n_waits] =
			    (struct wh_task_wait){.task = bt->task.address, .object = oi};
			snprintf(tw[ret->n_waits].mode, sizeof(tw[0].mode), "%s", mode);
			ret->n_waits++;
			break;
		}
	}
	for (size_t i = 0; !err && i < ret->n_objects; i++) {
		struct wh_wait_object *o = &ret->objects[i];
		wh_object_name(k, tasks, o->kind, o->address, o->name, sizeof(o->name));
		struct wh_error *e = owner_kind[i]->describe(&first_ctx[i], o);
		if (e == &wh_error_nomem)
			err = e;
		else if (e)
			err = add_warning(ret, wh_error_wrap(e, "describing %s", o->name));
		/* What could not be learnt about a device (e.g. dm_mod's types
		 * without -m) is said once per device among the warnings. */
		if (!err && o->io.known && o->io.incomplete[0]) {
			char msg[256];
			snprintf(msg, sizeof(msg), "I/O to %s: %s", o->io.device, o->io.incomplete);
			bool seen = false;
			for (size_t w = 0; w < ret->n_warnings && !seen; w++)
				seen = !strcmp(ret->warnings[w], msg);
			if (!seen)
				err = add_warning(ret, wh_error_create(WH_ERR_ABSENT, "%s", msg));
		}
	}
	free(owner_kind);
	free(first_ctx);
	wh_stack_index_destroy(idx);
	wh_blockdev_cache_destroy(devices);
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
	memset(w, 0, sizeof(*w));
}

const struct wh_task_wait *wh_waits_of_task(const struct wh_waits *w, uint64_t task)
{
	for (size_t i = 0; i < w->n_waits; i++)
		if (w->waits[i].task == task)
			return &w->waits[i];
	return NULL;
}
