#include "hard_lockup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A per-CPU int-sized variable of CPU, or -1 when absent or unreadable. */
static int64_t percpu_u32(struct wh_kernel *k, const char *name, unsigned cpu, bool *absent)
{
	uint64_t addr;
	uint32_t v;
	struct wh_error *err = wh_kernel_percpu_address(k, name, cpu, &addr);
	if (err && err->code == WH_ERR_ABSENT && absent)
		*absent = true;
	if (!err)
		err = wh_dump_read_u32(k->dump, addr, &v);
	bool ok = !err;
	wh_error_destroy(err);
	return ok ? (int64_t)v : -1;
}

static int64_t percpu_u8(struct wh_kernel *k, const char *name, unsigned cpu)
{
	uint64_t addr;
	uint8_t v;
	struct wh_error *err = wh_kernel_percpu_address(k, name, cpu, &addr);
	if (!err)
		err = wh_dump_read(k->dump, addr, &v, 1);
	bool ok = !err;
	wh_error_destroy(err);
	return ok ? v : -1;
}

static uint64_t read_sample_period(struct wh_kernel *k)
{
	uint64_t addr, v = 0;
	struct wh_error *err = wh_kernel_symbol_address(k, "sample_period", &addr);
	if (!err)
		err = wh_dump_read_u64(k->dump, addr, &v);
	wh_error_destroy(err);
	/* watchdog_thresh is 1-60 s; the period is 2/5 of it. */
	return !err && v >= 100000000ull && v <= 60000000000ull ? v : 0;
}

struct wh_error *wh_hard_lockup_build(struct wh_kernel *k, const struct wh_panic *p,
				      const struct wh_cpus *cpus, struct wh_hard_lockup *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->cpu = -1;
	ret->missed_periods = -1;
	ret->missed_s = -1;
	if (p->kind == WH_PANIC_HARD_LOCKUP && p->lockup_cpu >= 0) {
		ret->cpu = p->lockup_cpu;
		ret->source = "log";
	}
	ret->counts = calloc(cpus->count ? cpus->count : 1, sizeof(*ret->counts));
	if (!ret->counts)
		return &wh_error_nomem;
	bool absent = false;
	for (size_t i = 0; i < cpus->count && !absent; i++) {
		struct wh_watchdog_count *c = &ret->counts[ret->n_counts++];
		c->cpu = cpus->cpus[i].cpu;
		c->interrupts = percpu_u32(k, "hrtimer_interrupts", c->cpu, &absent);
		c->saved = percpu_u32(k, "hrtimer_interrupts_saved", c->cpu, NULL);
		int64_t w = percpu_u8(k, "watchdog_hardlockup_warned", c->cpu);
		c->warned = w < 0 ? -1 : w != 0;
		if (ret->cpu < 0 && c->warned == 1) {
			ret->cpu = (int)c->cpu;
			ret->source = "watchdog_hardlockup_warned";
		}
	}
	if (absent) {
		/* Kernels without the hrtimer-counting detectors (no
		 * HARDLOCKUP_DETECTOR, or 6.1's perf-only one without it). */
		ret->n_counts = 0;
		snprintf(ret->error, sizeof(ret->error),
			 "no hrtimer_interrupts: the kernel counts no watchdog interrupts");
	}
	ret->found = ret->cpu >= 0;
	if (!ret->found || !ret->n_counts)
		return NULL;
	int64_t mine = -1, others = -1;
	for (size_t i = 0; i < ret->n_counts; i++) {
		const struct wh_watchdog_count *c = &ret->counts[i];
		if ((int)c->cpu == ret->cpu)
			mine = c->interrupts;
		else if (c->interrupts > others)
			others = c->interrupts;
	}
	if (mine >= 0 && others >= mine) {
		ret->missed_periods = others - mine;
		ret->period_ns = read_sample_period(k);
		if (ret->period_ns)
			ret->missed_s = (int64_t)((uint64_t)ret->missed_periods * ret->period_ns /
						  1000000000ull);
	}
	return NULL;
}

void wh_hard_lockup_deinit(struct wh_hard_lockup *h)
{
	free(h->counts);
	memset(h, 0, sizeof(*h));
	h->cpu = -1;
}
