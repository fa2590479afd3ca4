/* The whole analysis of a dump: the summary (tasks, panic), the stacks of
 * every task and CPU, the waits and their objects, the graph, and the
 * explanation. One in-memory result that every output format renders. */
#ifndef WHYHUNG_REPORT_H
#define WHYHUNG_REPORT_H

#include "backtraces.h"
#include "cpus.h"
#include "graph.h"
#include "spinlocks.h"
#include "summary.h"
#include "waits.h"

struct wh_stack_group {
	size_t *members; /* indices into bts.items, same function sequence */
	size_t n;
};

struct wh_report {
	struct wh_summary summary;
	struct wh_backtraces bts; /* every CPU, then every non-idle task */
	struct wh_waits waits;
	struct wh_graph graph;
	struct wh_cpus cpus;
	struct wh_spinlocks spinlocks;
	struct wh_stack_group *groups; /* of the D tasks, largest first */
	size_t n_groups;
	/* The explanation in words: not the analysis' to write. The output
	 * layer's wh_explain_report() fills it before rendering. */
	char *explanation;
	struct wh_addr_map bt_of_task; /* task address -> bts.items index */
};

struct wh_error *wh_report_build(struct wh_kernel *k, struct wh_report *ret);
void wh_report_deinit(struct wh_report *r);
/* The backtrace of a task (by task list index), or NULL. */
const struct wh_backtrace *wh_report_backtrace(const struct wh_report *r, uint64_t task);
/* "comm[pid]" with the comm escaped, for explanations. */
void wh_report_task_label(const struct wh_task *t, char *buf, size_t size);

#endif
