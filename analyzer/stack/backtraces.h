/* The result of `whyhung bt`: chosen tasks (or CPUs) with their unwound,
 * symbolized stacks and source lines. Built here, rendered by output_*. */
#ifndef WHYHUNG_BACKTRACES_H
#define WHYHUNG_BACKTRACES_H

#include "tasks.h"
#include "unwind.h"

/* A function inlined into a physical frame, and where its code at the
 * frame's address is (for the innermost, the address's own line; for
 * the others, the line where the next inner one was inlined). */
struct wh_inline_frame {
	char *function; /* NULL when the DWARF names none */
	char *file;	/* NULL when unknown */
	unsigned line;
};

/* Side data of a physical frame, filled by wh_backtrace_add_sources().
 * With inlined functions, FILE:LINE is where the outermost of them was
 * inlined into the frame's function (what gdb and drgn show). */
struct wh_frame_source {
	char *file; /* NULL when unknown */
	unsigned line;
	struct wh_inline_frame *inlined; /* innermost first; NULL when none */
	size_t n_inlined;
};

struct wh_backtrace {
	struct wh_task task; /* the task (for a CPU: the one running there) */
	int cpu;	     /* >= 0 for a CPU backtrace */
	struct wh_stack stack;
	struct wh_frame_source sources[WH_MAX_FRAMES + WH_MAX_SCANNED_FRAMES];
};

struct wh_backtraces {
	struct wh_backtrace **items;
	size_t count, capacity;
};

struct wh_bt_selection {
	const int32_t *pids;
	size_t n_pids;
	char state; /* 0: any */
	int cpu;    /* -1: none */
	bool all;   /* every task */
	bool all_cpus;
	bool skip_sources; /* no file:line now; wh_backtrace_add_sources() later */
};

struct wh_error *wh_backtraces_build(struct wh_kernel *k, const struct wh_task_list *tasks,
				     const struct wh_bt_selection *sel, struct wh_backtraces *ret);
void wh_backtraces_deinit(struct wh_backtraces *bts);
/* Unwind and symbolize one task, with sources; for the summary's groups. */
struct wh_error *wh_backtrace_of_task(struct wh_kernel *k, const struct wh_task *task,
				      struct wh_backtrace **ret);
void wh_backtrace_destroy(struct wh_backtrace *bt);
/* Fill in file:line where missing (decoding line tables is the costly part
 * of a stack: done only for the stacks a report shows). */
void wh_backtrace_add_sources(struct wh_kernel *k, struct wh_backtrace *bt);
/* Same function/module sequence (what a human compares)? */
bool wh_backtrace_same_functions(const struct wh_backtrace *a, const struct wh_backtrace *b);
/* Equal for stacks wh_backtrace_same_functions() finds the same: groups
 * them by hash instead of comparing each with every group. */
uint64_t wh_backtrace_functions_hash(const struct wh_backtrace *bt);

#endif
