/* What each CPU was doing when the dump was taken: the task running, the
 * context (task, softirq, hardirq, NMI, idle) from its preempt count, its
 * stack split at the interrupt that stopped it, interrupts on or off, and
 * how long since its soft-lockup watchdog was last touched. */
#ifndef WHYHUNG_CPUS_H
#define WHYHUNG_CPUS_H

#include "backtraces.h"
#include "diag.h"

struct wh_cpu_view {
	unsigned cpu;
	struct wh_backtrace *bt; /* task = what rq->curr says runs there */
	bool have_regs;
	bool idle;	       /* the idle task is current */
	int64_t preempt_count; /* raw, -1 unknown */
	const char *context;   /* "task", "softirq", "hardirq", "nmi", "idle", "unknown" */
	int irqs_disabled;     /* at the point the CPU was stopped: 1, 0, -1 unknown */
	/* First frame of the code the CPU was running when the interrupt
	 * that stopped it (panic IPI, NMI, watchdog timer) came; SIZE_MAX if
	 * the stack has no interrupt frame. */
	size_t interrupted_frame;
	int interrupted_irqs_disabled; /* from that pt_regs' flags: 1, 0, -1 */
	int64_t watchdog_age_s;	       /* seconds since watchdog_touch_ts, -1 unknown */
	bool panicking;
	/* In the NMI that stopped it for the dump (kdump's crash NMI), with
	 * registers saved from the code it interrupted: context then tells
	 * what that code was doing. */
	bool stopped_by_nmi;
};

struct wh_cpus {
	struct wh_cpu_view *cpus;
	size_t count;
	struct wh_diags diags; /* why facts left unknown (-1) are unknown */
};

struct wh_error *wh_cpus_build(struct wh_kernel *k, const struct wh_task_list *tasks, int panic_cpu,
			       struct wh_cpus *ret);
void wh_cpus_deinit(struct wh_cpus *c);

#endif
