/* The wait graph as it is drawn (SVG, HTML): tasks, wait objects and the
 * edges between them, with the waiters that nothing tells apart (same
 * object, same mode, holding nothing, in no cycle, no root cause) folded
 * into one node with a count, so that 4,000 tasks behind one mutex are one
 * box, not 4,000. Nodes link to the HTML report's sections, whose ids
 * come from here too. */
#ifndef WHYHUNG_GRAPH_VIEW_H
#define WHYHUNG_GRAPH_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "report.h"

enum wh_view_node_kind {
	WH_VIEW_TASK,	/* index: task list index */
	WH_VIEW_OBJECT, /* index: object index */
	WH_VIEW_FOLDED, /* index: the object the folded tasks wait on */
};

struct wh_view_node {
	enum wh_view_node_kind kind;
	size_t index;
	size_t count;		  /* WH_VIEW_FOLDED: how many tasks */
	size_t first;		  /* WH_VIEW_FOLDED: task list index of the first */
	struct wh_wait_mode mode; /* WH_VIEW_FOLDED: their wait mode */
	bool in_cycle;		  /* a task of a deadlock cycle */
	bool root;		  /* a root cause (task or object) */
};

struct wh_view_edge {
	size_t from, to; /* node indices */
	bool held_by;	 /* object -> holder; else task -> object */
	bool inferred;	 /* held_by only inferred */
	bool in_cycle;	 /* an edge of a deadlock cycle */
	/* held_by into a task of a cycle: laying it out against the flow
	 * keeps the layout's graph acyclic (Graphviz 2.42 leaks the edges it
	 * reverses to break cycles). */
	bool back;
};

struct wh_graph_view {
	struct wh_view_node *nodes;
	size_t n_nodes;
	struct wh_view_edge *edges;
	size_t n_edges;
	size_t folded_tasks; /* tasks hidden in folded nodes */
};

/* Fold a group of identical waiters when it has at least this many. */
enum { WH_VIEW_FOLD_MIN = 8 };

struct wh_error *wh_graph_view_build(const struct wh_report *r, size_t fold_min,
				     struct wh_graph_view *ret);
void wh_graph_view_deinit(struct wh_graph_view *v);

/* The HTML ids of a task's and an object's sections ("task-3", "obj-1"). */
void wh_view_task_id(size_t task, char *buf, size_t size);
void wh_view_object_id(size_t object, char *buf, size_t size);

#endif
