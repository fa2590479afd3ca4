/* A hard lockup: which CPU stopped taking its watchdog hrtimer interrupt
 * (kernel/watchdog.c: the per-CPU hrtimer_interrupts count against the
 * hrtimer_interrupts_saved the last check stored), for about how long
 * (how many watchdog periods the other CPUs counted meanwhile), with
 * interrupts on or off, and what it was running. The spinlock it spins on,
 * if any, is in the report's spinlocks. */
#ifndef WHYHUNG_HARD_LOCKUP_H
#define WHYHUNG_HARD_LOCKUP_H

#include "cpus.h"
#include "panic.h"

struct wh_watchdog_count {
	unsigned cpu;
	int64_t interrupts; /* hrtimer_interrupts, -1 unreadable */
	int64_t saved;	    /* hrtimer_interrupts_saved, -1 unreadable */
	int warned;	    /* watchdog_hardlockup_warned: 1, 0, -1 unknown */
};

struct wh_hard_lockup {
	bool found;			  /* a locked-up CPU is named (log or warned flag) */
	int cpu;			  /* -1 none */
	const char *source;		  /* "log", "watchdog_hardlockup_warned" */
	struct wh_watchdog_count *counts; /* per CPU, when the counters exist */
	size_t n_counts;
	/* The other CPUs' highest count minus the locked CPU's: watchdog
	 * periods it missed (the counts start together at boot). -1 unknown. */
	int64_t missed_periods;
	uint64_t period_ns; /* sample_period, 0 unknown */
	int64_t missed_s;   /* missed_periods * period, -1 unknown */
	char error[160];    /* why the counters could not be read, or "" */
};

struct wh_error *wh_hard_lockup_build(struct wh_kernel *k, const struct wh_panic *p,
				      const struct wh_cpus *cpus, struct wh_hard_lockup *ret);
void wh_hard_lockup_deinit(struct wh_hard_lockup *h);

#endif
