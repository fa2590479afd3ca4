/* Dying pid namespaces: a namespace's init in zap_pid_ns_processes()
 * (kernel/pid_namespace.c) waits until every other task of the namespace
 * has exited and been reaped. Which tasks are left is read from each task's
 * struct pid (numbers[level].ns, the namespace at the reaper's level), over
 * the task list already walked; each left is exiting, a zombie, or still
 * running, with SIGKILL pending or not. (The reaper's wait is not in the
 * wait graph yet: that wants a pid_ns wait kind, plugins/wait_kind.h.) */
#ifndef WHYHUNG_PID_NS_H
#define WHYHUNG_PID_NS_H

#include "backtraces.h"
#include "waits.h"

enum { WH_PIDNS_MAX_LEFT = 64, WH_PIDNS_MAX = 16 };

struct wh_pidns_task {
	uint64_t task;
	int32_t pid;  /* global */
	bool exiting; /* PF_EXITING */
	bool zombie;  /* exit_state EXIT_ZOMBIE or later */
	int sigkill;  /* SIGKILL pending: 1, 0, -1 unknown */
};

struct wh_pidns {
	uint64_t ns;	 /* struct pid_namespace */
	unsigned level;	 /* its depth: 0 is the initial namespace */
	uint64_t reaper; /* the task in zap_pid_ns_processes() */
	int32_t reaper_pid;
	int64_t pid_allocated; /* pids still allocated, -1 unknown */
	struct wh_pidns_task left[WH_PIDNS_MAX_LEFT];
	size_t n_left, n_left_dropped;
	char error[160]; /* what could not be read, or "" */
};

struct wh_pidns_view {
	struct wh_pidns dying[WH_PIDNS_MAX];
	size_t count;
};

/* The namespace of task TASK at LEVEL (LEVEL = -1: its own, deepest one),
 * and that deepest level. WH_ERR_CORRUPT on an absurd level. */
struct wh_error *wh_task_pid_ns(struct wh_kernel *k, uint64_t task, int level, uint64_t *ret_ns,
				unsigned *ret_level);
/* Find the reapers among BTS (stacks in zap_pid_ns_processes) and the tasks
 * left in their namespaces. Unreadable parts are said in each error. */
struct wh_error *wh_pidns_view_build(struct wh_kernel *k, const struct wh_task_list *tasks,
				     const struct wh_backtraces *bts, struct wh_pidns_view *ret);
#endif
