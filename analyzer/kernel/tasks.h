/* Every task of the dumped kernel: group leaders from init_task.tasks, their
 * threads, and each CPU's idle task. The one place that reads task_struct
 * fields; layouts are probed from DWARF once per kernel. */
#ifndef WHYHUNG_TASKS_H
#define WHYHUNG_TASKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr_map.h"
#include "diag.h"
#include "kernel.h"

enum { WH_COMM_LEN = 16 };

struct wh_task {
	uint64_t address;
	int32_t pid;
	int32_t tgid;
	char comm[WH_COMM_LEN + 1]; /* raw bytes from the dump: escape on output */
	char state;		    /* ps letter */
	uint64_t raw_state;
	uint64_t exit_state;
	uint64_t flags;
	int cpu;   /* -1 when unknown */
	bool idle; /* a CPU's idle task (pid 0) */
	bool kthread;
	bool on_cpu; /* rq->curr of its CPU at the time of the dump */
	/* Time since the task last ran (sched_entity.exec_start against its
	 * runqueue's clock_task); -1 when not recorded or running. */
	int64_t in_state_ns;
};

struct wh_task_list {
	struct wh_task *tasks; /* sorted by pid, idle tasks first by CPU */
	size_t count;
	/* Problems met while walking (corrupt lists, unreadable tasks): the
	 * list is complete up to them. */
	struct wh_diags diags;
	/* The task list (init_task.tasks) could not be walked to its end,
	 * or was empty: the tasks here are only part of the machine's. */
	bool list_incomplete;
	/* task_struct address -> index, for wh_task_list_find_address(). */
	struct wh_addr_map by_address;
};

struct wh_error *wh_tasks_collect(struct wh_kernel *k, struct wh_task_list *ret);
void wh_task_list_deinit(struct wh_task_list *list);
/* Index the tasks by address: wh_tasks_collect() does it; a list made
 * otherwise (tests, benchmarks) calls it once filled. */
struct wh_error *wh_task_list_index(struct wh_task_list *list);
/* NULL when absent. Constant time on an indexed list. */
const struct wh_task *wh_task_list_find_address(const struct wh_task_list *list, uint64_t addr);
/* NULL when absent. */
const struct wh_task *wh_task_list_find_pid(const struct wh_task_list *list, int32_t pid);

#endif
