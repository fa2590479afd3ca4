#include "cpus.h"
#include "stack_start.h"

#include <stdlib.h>
#include <string.h>

/* include/linux/preempt.h, stable since 2.6: 8 preempt, 8 softirq, 4
 * hardirq, 4 NMI bits; x86 keeps PREEMPT_NEED_RESCHED inverted in bit 31. */
enum {
	SOFTIRQ_OFFSET = 0x100,
	HARDIRQ_MASK = 0xf0000,
	NMI_MASK = 0xf00000,
	NMI_OFFSET = 0x100000, /* nmi_enter() adds this and one HARDIRQ */
	HARDIRQ_OFFSET = 0x10000,
	NEED_RESCHED_BIT = 0x80000000,
	X86_EFLAGS_IF = 0x200,
};

static const char *context_of(uint32_t pc, bool idle)
{
	if (pc & NMI_MASK)
		return "nmi";
	if (pc & HARDIRQ_MASK)
		return "hardirq";
	if (pc & SOFTIRQ_OFFSET)
		return "softirq";
	return idle ? "idle" : "task";
}

static struct wh_error *read_preempt_count(struct wh_kernel *k, unsigned cpu, uint32_t *ret)
{
	uint64_t addr = 0;
	uint32_t pc = 0;
	/* 6.1: per-CPU __preempt_count; 6.2+: pcpu_hot.preempt_count. */
	struct wh_error *err = wh_kernel_percpu_address(k, "__preempt_count", cpu, &addr);
	if (err && err->code == WH_ERR_ABSENT) {
		struct wh_member_info m;
		wh_error_destroy(err);
		err = wh_kernel_percpu_address(k, "pcpu_hot", cpu, &addr);
		if (!err && !(err = wh_kernel_member(k, "pcpu_hot", "preempt_count", &m)))
			addr += m.offset;
	}
	if (!err)
		err = wh_dump_read_u32(k->dump, addr, &pc);
	if (!err)
		*ret = pc & ~(uint32_t)NEED_RESCHED_BIT;
	return err;
}

/* watchdog_touch_ts is in units of 2^30 ns of running_clock() (6.1
 * kernel/watchdog.c get_timestamp()); compare with the CPU's rq clock. */
/* *RET: -1 when the watchdog has not touched this CPU (or its clock is
 * behind), else seconds. */
static struct wh_error *watchdog_age(struct wh_kernel *k, unsigned cpu, int64_t *ret)
{
	uint64_t ts_addr, rq, ts = 0, clock = 0;
	struct wh_member_info m;
	struct wh_error *err = wh_kernel_percpu_address(k, "watchdog_touch_ts", cpu, &ts_addr);
	if (!err)
		err = wh_dump_read_u64(k->dump, ts_addr, &ts);
	if (!err)
		err = wh_kernel_percpu_address(k, "runqueues", cpu, &rq);
	if (!err)
		err = wh_kernel_member(k, "rq", "clock", &m);
	if (!err)
		err = wh_kernel_read_member(k, rq, &m, &clock);
	if (!err)
		*ret = ts && (clock >> 30) >= ts ? (int64_t)((clock >> 30) - ts) : -1;
	return err;
}

static struct wh_error *flags_irqs_disabled(struct wh_kernel *k, uint64_t regs, int *ret)
{
	struct wh_member_info m;
	uint64_t flags;
	struct wh_error *err = wh_kernel_member(k, "pt_regs", "flags", &m);
	if (!err)
		err = wh_kernel_read_member(k, regs, &m, &flags);
	if (!err)
		*ret = !(flags & X86_EFLAGS_IF);
	return err;
}

/* Keep why one of CPU's facts stays unknown (-1); consumes ERR. A fact
 * this kernel does not have (no watchdog, no such symbol) is no problem.
 * Out of memory is returned. */
static struct wh_error *note(struct wh_cpus *c, unsigned cpu, const char *what,
			     struct wh_error *err)
{
	if (err == &wh_error_nomem)
		return err;
	if (err && err->code == WH_ERR_ABSENT)
		wh_error_destroy(err);
	else if (err)
		wh_diags_add_error(&c->diags, "cpus", wh_error_wrap(err, "CPU %u: %s", cpu, what));
	return NULL;
}

struct wh_error *wh_cpus_build(struct wh_kernel *k, const struct wh_task_list *tasks, int panic_cpu,
			       struct wh_cpus *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->cpus = calloc(k->nr_cpu_ids, sizeof(*ret->cpus));
	if (!ret->cpus)
		return &wh_error_nomem;
	struct wh_bt_selection sel = {.cpu = -1, .all_cpus = true};
	struct wh_backtraces bts;
	struct wh_error *err = wh_backtraces_build(k, tasks, &sel, &bts);
	if (err) {
		wh_cpus_deinit(ret);
		return err;
	}
	for (size_t i = 0; i < bts.count; i++) {
		struct wh_cpu_view *v = &ret->cpus[ret->count++];
		struct wh_backtrace *bt = bts.items[i];
		bts.items[i] = NULL;
		v->bt = bt;
		v->cpu = (unsigned)bt->cpu;
		v->have_regs = bt->stack.end != WH_UNWIND_NO_START;
		v->idle = bt->task.idle;
		uint32_t preempt;
		struct wh_error *e = read_preempt_count(k, v->cpu, &preempt);
		v->preempt_count = e ? -1 : (int64_t)preempt;
		v->context = e ? "unknown" : context_of(preempt, v->idle);
		if ((err = note(ret, v->cpu, "preempt count", e)))
			break;
		v->irqs_disabled = -1;
		struct wh_regs regs;
		bool found;
		e = wh_cpu_registers(k, v->cpu, &regs, &found);
		if (!e && found && regs.have_flags)
			v->irqs_disabled = !(regs.flags & X86_EFLAGS_IF);
		if ((err = note(ret, v->cpu, "saved registers", e)))
			break;
		v->interrupted_frame = SIZE_MAX;
		v->interrupted_irqs_disabled = -1;
		/* The outermost interrupt frame: below it runs the code that was
		 * interrupted (the loop a soft lockup caught, the idle loop). */
		for (size_t f = bt->stack.n; f-- > 0;) {
			if (bt->stack.frames[f].flags & WH_FRAME_REGS) {
				v->interrupted_frame = f;
				e = flags_irqs_disabled(k, bt->stack.frames[f].regs,
							&v->interrupted_irqs_disabled);
				err = note(ret, v->cpu, "interrupted flags", e);
				break;
			}
		}
		if (err)
			break;
		v->watchdog_age_s = -1;
		if ((err = note(ret, v->cpu, "watchdog timestamp",
				watchdog_age(k, v->cpu, &v->watchdog_age_s))))
			break;
		v->panicking = panic_cpu >= 0 && (unsigned)panic_cpu == v->cpu;
		/* In an NMI at dump time but no interrupt frame on the stack: the
		 * saved registers are the interrupted code's (crash_nmi_callback
		 * saves those), so describe that code. */
		uint32_t pc = (uint32_t)v->preempt_count;
		if (v->preempt_count >= 0 && (pc & NMI_MASK) >= NMI_OFFSET &&
		    (pc & HARDIRQ_MASK) >= HARDIRQ_OFFSET && v->interrupted_frame == SIZE_MAX &&
		    !v->panicking && v->have_regs) {
			v->stopped_by_nmi = true;
			v->context = context_of(pc - NMI_OFFSET - HARDIRQ_OFFSET, v->idle);
		}
	}
	wh_backtraces_deinit(&bts);
	if (err)
		wh_cpus_deinit(ret);
	return err;
}

void wh_cpus_deinit(struct wh_cpus *c)
{
	for (size_t i = 0; i < c->count; i++)
		wh_backtrace_destroy(c->cpus[i].bt);
	free(c->cpus);
	wh_diags_deinit(&c->diags);
	memset(c, 0, sizeof(*c));
}
