#include "graph_nodes.h"
#include "addr_map.h"

#include <stdlib.h>
#include <string.h>

struct edge {
	size_t from, to;
};

static int compare_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

static int compare_edges(const void *a, const void *b)
{
	const struct edge *x = a, *y = b;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return x->to < y->to ? -1 : x->to > y->to;
}

/* Task list index of the task at ADDR, SIZE_MAX when it is not listed. */
static size_t task_index(const struct wh_task_list *tasks, uint64_t addr)
{
	const struct wh_task *t = wh_task_list_find_address(tasks, addr);
	return t ? (size_t)(t - tasks->tasks) : SIZE_MAX;
}

/* An edge before the tasks are numbered: TASK (task list index) waits on
 * OBJECT, or OBJECT is held by TASK. */
struct raw_edge {
	size_t task, object;
	bool task_waits;
};

static struct wh_error *raw_edges(const struct wh_task_list *tasks, const struct wh_waits *waits,
				  struct raw_edge **ret, size_t *ret_n)
{
	size_t cap = waits->n_waits;
	for (size_t o = 0; o < waits->n_objects; o++)
		cap += waits->objects[o].n_owners;
	struct raw_edge *e = malloc((cap ? cap : 1) * sizeof(*e));
	if (!e)
		return &wh_error_nomem;
	size_t n = 0;
	for (size_t i = 0; i < waits->n_waits; i++) {
		size_t t = task_index(tasks, waits->waits[i].task);
		if (t != SIZE_MAX)
			e[n++] = (struct raw_edge){t, waits->waits[i].object, true};
	}
	for (size_t o = 0; o < waits->n_objects; o++)
		for (size_t j = 0; j < waits->objects[o].n_owners; j++) {
			size_t t = task_index(tasks, waits->objects[o].owners[j].task);
			if (t != SIZE_MAX)
				e[n++] = (struct raw_edge){t, o, false};
		}
	*ret = e;
	*ret_n = n;
	return NULL;
}

/* Number the tasks met in edges 0..nt-1 in task list order. */
static struct wh_error *number_tasks(struct wh_node_graph *g, const struct raw_edge *e, size_t n,
				     struct wh_addr_map *node_of)
{
	g->task_of = malloc((n ? n : 1) * sizeof(*g->task_of));
	if (!g->task_of)
		return &wh_error_nomem;
	g->nt = 0;
	for (size_t i = 0; i < n; i++)
		g->task_of[g->nt++] = e[i].task;
	qsort(g->task_of, g->nt, sizeof(*g->task_of), compare_size);
	size_t unique = 0;
	for (size_t i = 0; i < g->nt; i++)
		if (!unique || g->task_of[unique - 1] != g->task_of[i])
			g->task_of[unique++] = g->task_of[i];
	g->nt = unique;
	struct wh_error *err = wh_addr_map_reserve(node_of, g->nt);
	for (size_t i = 0; !err && i < g->nt; i++)
		err = wh_addr_map_add(node_of, g->task_of[i], i);
	return err;
}

/* Compressed rows: START[v] .. START[v + 1] index LIST for node v. */
static struct wh_error *compress(size_t n_nodes, const struct edge *e, size_t n, bool reverse,
				 size_t **ret_start, size_t **ret_list)
{
	size_t *start = calloc(n_nodes + 1, sizeof(*start));
	size_t *list = malloc((n ? n : 1) * sizeof(*list));
	if (!start || !list) {
		free(start);
		free(list);
		return &wh_error_nomem;
	}
	for (size_t i = 0; i < n; i++)
		start[(reverse ? e[i].to : e[i].from) + 1]++;
	for (size_t v = 0; v < n_nodes; v++)
		start[v + 1] += start[v];
	/* Fill in edge order (sorted by source): rows come out sorted. */
	size_t *fill = malloc((n_nodes ? n_nodes : 1) * sizeof(*fill));
	if (!fill) {
		free(start);
		free(list);
		return &wh_error_nomem;
	}
	memcpy(fill, start, n_nodes * sizeof(*fill));
	for (size_t i = 0; i < n; i++) {
		size_t v = reverse ? e[i].to : e[i].from;
		list[fill[v]++] = reverse ? e[i].from : e[i].to;
	}
	free(fill);
	*ret_start = start;
	*ret_list = list;
	return NULL;
}

struct wh_error *wh_node_graph_build(const struct wh_task_list *tasks, const struct wh_waits *waits,
				     struct wh_node_graph *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct raw_edge *raw;
	struct edge *e = NULL;
	size_t n;
	struct wh_error *err = raw_edges(tasks, waits, &raw, &n);
	if (err)
		return err;
	struct wh_addr_map node_of;
	wh_addr_map_init(&node_of);
	if ((err = number_tasks(ret, raw, n, &node_of)))
		goto out;
	ret->n = ret->nt + waits->n_objects;
	if (!(e = malloc((n ? n : 1) * sizeof(*e)))) {
		err = &wh_error_nomem;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		size_t task = wh_addr_map_get(&node_of, raw[i].task),
		       object = ret->nt + raw[i].object;
		e[i] =
		    raw[i].task_waits ? (struct edge){task, object} : (struct edge){object, task};
	}
	qsort(e, n, sizeof(*e), compare_edges);
	size_t unique = 0;
	for (size_t i = 0; i < n; i++)
		if (!unique || compare_edges(&e[unique - 1], &e[i]))
			e[unique++] = e[i];
	if (!(err = compress(ret->n, e, unique, false, &ret->out_start, &ret->out)))
		err = compress(ret->n, e, unique, true, &ret->in_start, &ret->in);
out:
	free(raw);
	free(e);
	wh_addr_map_deinit(&node_of);
	if (err)
		wh_node_graph_deinit(ret);
	return err;
}

void wh_node_graph_deinit(struct wh_node_graph *g)
{
	free(g->task_of);
	free(g->out_start);
	free(g->out);
	free(g->in_start);
	free(g->in);
	memset(g, 0, sizeof(*g));
}
