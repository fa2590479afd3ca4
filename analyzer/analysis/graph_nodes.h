/* The wait graph as numbered nodes with forward and reverse edges, built
 * only over the tasks that wait or hold something: a dump of 100k tasks
 * with two waits makes a graph of a handful of nodes. Internal to graph.c. */
#ifndef WHYHUNG_GRAPH_NODES_H
#define WHYHUNG_GRAPH_NODES_H

#include "waits.h"

struct wh_node_graph {
	size_t nt, n;	 /* task nodes 0..nt-1 (by task list index), objects nt..n-1 */
	size_t *task_of; /* task node -> task list index */
	/* Forward edges of node v: out[out_start[v] .. out_start[v + 1]),
	 * task -> object waited on, object -> owner; no duplicates. */
	size_t *out_start, *out;
	/* Reverse edges, the same way: who waits on an object, what a task
	 * holds that others wait on; sources in increasing node order. */
	size_t *in_start, *in;
};

struct wh_error *wh_node_graph_build(const struct wh_task_list *tasks, const struct wh_waits *waits,
				     struct wh_node_graph *ret);
void wh_node_graph_deinit(struct wh_node_graph *g);

static inline size_t wh_node_out_degree(const struct wh_node_graph *g, size_t v)
{
	return g->out_start[v + 1] - g->out_start[v];
}

static inline size_t wh_node_in_degree(const struct wh_node_graph *g, size_t v)
{
	return g->in_start[v + 1] - g->in_start[v];
}

#endif
