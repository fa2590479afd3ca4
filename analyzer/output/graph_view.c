#include "graph_view.h"
#include "output_report_common.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void wh_view_task_id(size_t task, char *buf, size_t size)
{
	snprintf(buf, size, "task-%zu", task);
}

void wh_view_object_id(size_t object, char *buf, size_t size)
{
	snprintf(buf, size, "obj-%zu", object);
}

static bool task_holds_something(const struct wh_report *r, uint64_t addr)
{
	if (r->waits.indexed) /* every analysis; hand-made reports in tests are not */
		return wh_addr_map_get(&r->waits.held_by, addr) != SIZE_MAX;
	for (size_t i = 0; i < r->waits.n_objects; i++)
		for (size_t j = 0; j < r->waits.objects[i].n_owners; j++)
			if (r->waits.objects[i].owners[j].task == addr)
				return true;
	return false;
}

static bool task_is_root(const struct wh_report *r, size_t task)
{
	for (size_t i = 0; i < r->graph.n_roots; i++)
		if (r->graph.roots[i].kind == WH_ROOT_TASK && r->graph.roots[i].index == task)
			return true;
	return false;
}

static bool object_is_root(const struct wh_report *r, size_t object)
{
	for (size_t i = 0; i < r->graph.n_roots; i++)
		if (r->graph.roots[i].kind == WH_ROOT_OBJECT && r->graph.roots[i].index == object)
			return true;
	return false;
}

/* A waiter that only waits: nothing to tell it from its neighbours. */
static bool foldable(const struct wh_report *r, size_t task)
{
	const struct wh_task *t = &r->summary.tasks.tasks[task];
	return r->graph.task_cycle[task] < 0 && !task_is_root(r, task) &&
	       !task_holds_something(r, t->address);
}

struct builder {
	struct wh_graph_view *v;
	size_t cap_nodes, cap_edges;
	size_t *task_node;	    /* per task list index, SIZE_MAX when not drawn */
	struct wh_addr_map edge_at; /* (from, to) hashed -> edge index */
};

static uint64_t edge_key(size_t from, size_t to)
{
	return ((uint64_t)from << 32) ^ (uint64_t)to;
}

static struct wh_error *add_node(struct builder *b, struct wh_view_node n, size_t *ret)
{
	struct wh_graph_view *v = b->v;
	if (v->n_nodes == b->cap_nodes) {
		size_t cap = b->cap_nodes ? 2 * b->cap_nodes : 64;
		struct wh_view_node *p = realloc(v->nodes, cap * sizeof(*p));
		if (!p)
			return &wh_error_nomem;
		v->nodes = p;
		b->cap_nodes = cap;
	}
	*ret = v->n_nodes;
	v->nodes[v->n_nodes++] = n;
	return NULL;
}

static struct wh_error *add_edge(struct builder *b, struct wh_view_edge e)
{
	struct wh_graph_view *v = b->v;
	/* Folded waiters: one edge for the group. A hash, not a scan of every
	 * edge so far: thousands of waiters draw thousands of edges. */
	uint64_t key = edge_key(e.from, e.to);
	size_t cursor = 0, i;
	while ((i = wh_addr_map_next(&b->edge_at, key, &cursor)) != SIZE_MAX)
		if (v->edges[i].from == e.from && v->edges[i].to == e.to)
			return NULL;
	struct wh_error *err = wh_addr_map_add(&b->edge_at, key, v->n_edges);
	if (err)
		return err;
	if (v->n_edges == b->cap_edges) {
		size_t cap = b->cap_edges ? 2 * b->cap_edges : 64;
		struct wh_view_edge *p = realloc(v->edges, cap * sizeof(*p));
		if (!p)
			return &wh_error_nomem;
		v->edges = p;
		b->cap_edges = cap;
	}
	v->edges[v->n_edges++] = e;
	return NULL;
}

static size_t task_index(const struct wh_report *r, uint64_t addr)
{
	const struct wh_task *t = wh_task_list_find_address(&r->summary.tasks, addr);
	return t ? (size_t)(t - r->summary.tasks.tasks) : SIZE_MAX;
}

/* How many waits on OBJECT in MODE could be folded (WAIT_TASK: each
 * wait's task list index). */
static size_t count_foldable(const struct wh_report *r, const size_t *wait_task, size_t object,
			     struct wh_wait_mode mode)
{
	size_t n = 0;
	for (size_t i = 0; i < r->waits.n_waits; i++) {
		const struct wh_task_wait *w = &r->waits.waits[i];
		if (w->object == object && wh_wait_mode_equal(w->mode, mode) &&
		    wait_task[i] != SIZE_MAX && foldable(r, wait_task[i]))
			n++;
	}
	return n;
}

static size_t find_group(const struct wh_graph_view *v, size_t object, struct wh_wait_mode mode)
{
	for (size_t k = 0; k < v->n_nodes; k++) {
		const struct wh_view_node *g = &v->nodes[k];
		if (g->kind == WH_VIEW_FOLDED && g->index == object &&
		    wh_wait_mode_equal(g->mode, mode))
			return k;
	}
	return SIZE_MAX;
}

/* Does a task of cycle CYCLE wait on OBJECT? */
static bool cycle_waits_on(const struct wh_report *r, const size_t *wait_task, int cycle,
			   size_t object)
{
	for (size_t i = 0; i < r->waits.n_waits; i++)
		if (r->waits.waits[i].object == object && wait_task[i] != SIZE_MAX &&
		    r->graph.task_cycle[wait_task[i]] == cycle)
			return true;
	return false;
}

/* Is OBJECT held by a task of cycle CYCLE? */
static bool cycle_holds(const struct wh_report *r, int cycle, size_t object)
{
	const struct wh_wait_object *o = &r->waits.objects[object];
	for (size_t k = 0; k < o->n_owners; k++) {
		size_t ti = task_index(r, o->owners[k].task);
		if (ti != SIZE_MAX && r->graph.task_cycle[ti] == cycle)
			return true;
	}
	return false;
}

static struct wh_error *add_tasks(struct builder *b, const struct wh_report *r, size_t fold_min,
				  const size_t *wait_task, size_t first_object_node)
{
	struct wh_error *err;
	size_t n;
	/* Waiters first: folded per (object, mode) when there are enough. */
	for (size_t i = 0; i < r->waits.n_waits; i++) {
		const struct wh_task_wait *w = &r->waits.waits[i];
		size_t ti = wait_task[i];
		if (ti == SIZE_MAX || b->task_node[ti] != SIZE_MAX)
			continue;
		size_t group = foldable(r, ti) ? find_group(b->v, w->object, w->mode) : SIZE_MAX;
		if (group != SIZE_MAX || (foldable(r, ti) && count_foldable(r, wait_task, w->object,
									    w->mode) >= fold_min)) {
			if (group == SIZE_MAX) {
				struct wh_view_node g = {
				    .kind = WH_VIEW_FOLDED, .index = w->object, .first = ti};
				g.mode = w->mode;
				if ((err = add_node(b, g, &group)))
					return err;
			}
			b->v->nodes[group].count++;
			b->v->folded_tasks++;
			b->task_node[ti] = group;
		} else {
			struct wh_view_node t = {.kind = WH_VIEW_TASK,
						 .index = ti,
						 .in_cycle = r->graph.task_cycle[ti] >= 0,
						 .root = task_is_root(r, ti)};
			if ((err = add_node(b, t, &n)))
				return err;
			b->task_node[ti] = n;
		}
		int cycle = r->graph.task_cycle[ti];
		struct wh_view_edge e = {.from = b->task_node[ti],
					 .to = first_object_node + w->object,
					 .in_cycle =
					     cycle >= 0 && cycle_holds(r, cycle, w->object)};
		if ((err = add_edge(b, e)))
			return err;
	}
	/* Holders that wait on nothing drawn, then the held-by edges. */
	for (size_t o = 0; o < r->waits.n_objects; o++) {
		const struct wh_wait_object *obj = &r->waits.objects[o];
		for (size_t k = 0; k < obj->n_owners; k++) {
			size_t ti = task_index(r, obj->owners[k].task);
			if (ti == SIZE_MAX)
				continue;
			if (b->task_node[ti] == SIZE_MAX) {
				struct wh_view_node t = {.kind = WH_VIEW_TASK,
							 .index = ti,
							 .in_cycle = r->graph.task_cycle[ti] >= 0,
							 .root = task_is_root(r, ti)};
				if ((err = add_node(b, t, &n)))
					return err;
				b->task_node[ti] = n;
			}
			int cycle = r->graph.task_cycle[ti];
			struct wh_view_edge e = {
			    .from = first_object_node + o,
			    .to = b->task_node[ti],
			    .held_by = true,
			    .inferred = obj->owners[k].how == WH_OWNER_INFERRED,
			    .in_cycle = cycle >= 0 && cycle_waits_on(r, wait_task, cycle, o),
			    .back = cycle >= 0};
			if ((err = add_edge(b, e)))
				return err;
		}
	}
	return NULL;
}

struct wh_error *wh_graph_view_build(const struct wh_report *r, size_t fold_min,
				     struct wh_graph_view *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct builder b = {.v = ret};
	wh_addr_map_init(&b.edge_at);
	size_t n_tasks = r->summary.tasks.count;
	b.task_node = malloc((n_tasks ? n_tasks : 1) * sizeof(*b.task_node));
	if (!b.task_node)
		return &wh_error_nomem;
	for (size_t i = 0; i < n_tasks; i++)
		b.task_node[i] = SIZE_MAX;
	size_t *wait_task = malloc((r->waits.n_waits ? r->waits.n_waits : 1) * sizeof(*wait_task));
	if (!wait_task) {
		free(b.task_node);
		return &wh_error_nomem;
	}
	for (size_t i = 0; i < r->waits.n_waits; i++)
		wait_task[i] = task_index(r, r->waits.waits[i].task);
	struct wh_error *err = NULL;
	size_t n;
	/* Objects first, so object I is node I. */
	for (size_t o = 0; o < r->waits.n_objects && !err; o++)
		err =
		    add_node(&b,
			     (struct wh_view_node){
				 .kind = WH_VIEW_OBJECT, .index = o, .root = object_is_root(r, o)},
			     &n);
	if (!err)
		err = add_tasks(&b, r, fold_min ? fold_min : SIZE_MAX, wait_task, 0);
	free(wait_task);
	free(b.task_node);
	wh_addr_map_deinit(&b.edge_at);
	if (err)
		wh_graph_view_deinit(ret);
	return err;
}

void wh_graph_view_deinit(struct wh_graph_view *v)
{
	free(v->nodes);
	free(v->edges);
	memset(v, 0, sizeof(*v));
}
