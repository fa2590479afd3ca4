/* The lock-dependency graph: nodes are the tasks that wait or hold, and
 * the wait objects; edges are "task waits on object" and "object held by
 * task". Deadlocks are found exactly (strongly connected components) and
 * each is shown as a real cycle of that graph; root causes are the nodes that
 * others are stuck behind and that wait on nothing with a known holder:
 * a deadlock cycle, a holder that is not itself blocked on a lock, or an
 * object nobody is known to hold (a completion, a wait queue). */
#ifndef WHYHUNG_GRAPH_H
#define WHYHUNG_GRAPH_H

#include "waits.h"

enum wh_root_kind {
	WH_ROOT_CYCLE,	/* a deadlock */
	WH_ROOT_TASK,	/* a holder that waits on no lock */
	WH_ROOT_OBJECT, /* an object with no known holder */
};

/* A deadlock: one strongly connected component of the graph. TASKS is the
 * shortest cycle through its lowest-pid task, in wait order: tasks[i]
 * waits on objects[i], which tasks[i + 1] (tasks[0] after the last) holds;
 * every such edge is in the dump. A component can hold more than one
 * cycle (several holders of one rwsem, tasks waiting across two cycles):
 * its other tasks are in the same deadlock: MEMBERS lists all the
 * component's tasks and task_cycle names this cycle for each of them. */
struct wh_cycle {
	size_t *tasks;	 /* indices into the task list */
	size_t *objects; /* indices into wh_waits.objects */
	size_t n;
	size_t *members;  /* task list indices, in list order */
	size_t n_members; /* n or more */
	/* Some "held by" edge of it is only inferred (e.g. an rwsem reader):
	 * a possible deadlock, not a proven one. */
	bool inferred;
};

struct wh_root_cause {
	enum wh_root_kind kind;
	size_t index;	   /* cycle, task (task list index) or object index */
	size_t blocked;	   /* tasks stuck in or behind it */
	size_t via_object; /* WH_ROOT_TASK: an object it holds that others wait on */
};

struct wh_graph {
	struct wh_cycle *cycles;
	size_t n_cycles;
	int *task_cycle;	     /* per task list index: its deadlock (cycle index) or -1 */
	struct wh_root_cause *roots; /* most blocked first */
	size_t n_roots;
};

struct wh_error *wh_graph_build(const struct wh_task_list *tasks, const struct wh_waits *waits,
				struct wh_graph *ret);
void wh_graph_deinit(struct wh_graph *g);

#endif
