/* The explanation's first lines for the incidents that are not a task
 * waiting on a lock: a CPU locked up with interrupts off, and an RCU grace
 * period held up by a CPU or a preempted reader. */
#include "escape.h"
#include "explain.h"
#include "report.h"
#include "task_state.h"

#include <stdio.h>
#include <string.h>

static const struct wh_cpu_view *cpu_view(const struct wh_report *r, int cpu)
{
	for (size_t i = 0; i < r->cpus.count; i++)
		if ((int)r->cpus.cpus[i].cpu == cpu)
			return &r->cpus.cpus[i];
	return NULL;
}

/* "wh_irq_waiter[41] in native_queued_spin_lock_slowpath" from the code the
 * CPU was running when it was stopped. */
static void cpu_running(const struct wh_cpu_view *v, char *buf, size_t size)
{
	char label[96];
	wh_report_task_label(&v->bt->task, label, sizeof(label));
	const struct wh_frame *f =
	    v->interrupted_frame != SIZE_MAX ? &v->bt->stack.frames[v->interrupted_frame] : NULL;
	char fn[200] = "";
	if (f && f->have_symbol) {
		char e[160];
		snprintf(fn, sizeof(fn), " in %s",
			 wh_escape_text(f->sym.function, SIZE_MAX, e, sizeof(e)));
	}
	snprintf(buf, size, "%s%s", label, fn);
}

void wh_explain_hard_lockup(FILE *f, const struct wh_report *r)
{
	const struct wh_hard_lockup *h = &r->hard_lockup;
	if (!h->found)
		return;
	const struct wh_cpu_view *v = cpu_view(r, h->cpu);
	const char *irqs = !v || v->interrupted_irqs_disabled < 0 ? ""
			   : v->interrupted_irqs_disabled	  ? " with interrupts off"
								  : " (interrupts on)";
	fprintf(f, "CPU %d locked up%s (hard lockup)", h->cpu, irqs);
	if (h->missed_s >= 0)
		fprintf(f,
			": its watchdog timer has not run for about %lld s (%lld watchdog periods)",
			(long long)h->missed_s, (long long)h->missed_periods);
	else if (h->missed_periods >= 0)
		fprintf(f, ": it missed %lld watchdog timer periods", (long long)h->missed_periods);
	if (v && v->bt) {
		char running[320];
		cpu_running(v, running, sizeof(running));
		fprintf(f, "; it runs %s", running);
	}
	for (size_t i = 0; i < r->spinlocks.count; i++) {
		const struct wh_spinlock *l = &r->spinlocks.locks[i];
		bool spins = false;
		for (size_t s = 0; s < l->n_spinners; s++)
			spins |= (int)l->spinners[s] == h->cpu;
		if (!spins)
			continue;
		char name[4 * sizeof(l->name)];
		wh_escape_text(l->name, sizeof(l->name), name, sizeof(name));
		fprintf(f, ", spinning on spinlock %s", name);
		const struct wh_cpu_view *hv =
		    l->holder_cpu >= 0 ? cpu_view(r, l->holder_cpu) : NULL;
		if (hv && hv->bt) {
			char running[320];
			cpu_running(hv, running, sizeof(running));
			fprintf(
			    f, ", held by CPU %d running %s (inferred, not recorded by the kernel)",
			    l->holder_cpu, running);
		} else {
			fprintf(f, ", whose holder the dump does not show");
		}
		break;
	}
	fprintf(f, ".\n");
}

static void reader_label(const struct wh_report *r, const struct wh_rcu_reader *rd, char *buf,
			 size_t size)
{
	const struct wh_task *t = wh_task_list_find_address(&r->summary.tasks, rd->task);
	char label[96] = "a task not in the task list";
	if (t)
		wh_report_task_label(t, label, sizeof(label));
	if (t)
		snprintf(buf, size, "%s (state %c, %s inside rcu_read_lock())", label, t->state,
			 t->on_cpu ? "running" : "preempted");
	else
		snprintf(buf, size, "%s at 0x%llx", label, (unsigned long long)rd->task);
}

void wh_explain_rcu_stall(FILE *f, const struct wh_report *r)
{
	const struct wh_rcu_view *v = &r->rcu;
	bool panic = r->summary.panic.kind == WH_PANIC_RCU_STALL;
	size_t tied = 0;
	for (size_t i = 0; i < v->n_waiters; i++)
		tied += v->waiters[i].tied;
	if (!panic && !(wh_rcu_view_stalled(v) && tied))
		return;
	char flavour[4 * sizeof(v->flavour)];
	wh_escape_text(v->flavour, sizeof(v->flavour), flavour, sizeof(flavour));
	if (!v->known) {
		char e[4 * sizeof(v->error)];
		fprintf(f, "RCU stall: the kernel's RCU state could not be read (%s).\n",
			wh_escape_text(v->error, sizeof(v->error), e, sizeof(e)));
		return;
	}
	fprintf(f, "RCU stall: grace period g=%lld%s%s%s", (long long)(int64_t)v->gp_seq,
		flavour[0] ? " of " : "", flavour, v->gp_in_progress ? "" : " (none in progress)");
	if (v->gp_age_jiffies >= 0 && v->hz > 0)
		fprintf(f, " has waited %lld s", (long long)(v->gp_age_jiffies / v->hz));
	else if (v->gp_age_jiffies >= 0)
		fprintf(f, " has waited %lld jiffies", (long long)v->gp_age_jiffies);
	const char *sep = " for ";
	size_t told = 0;
	for (size_t i = 0; i < v->n_readers; i++) {
		const struct wh_rcu_reader *rd = &v->readers[i];
		if (!rd->blocks_gp && !rd->blocks_exp)
			continue;
		char label[256];
		reader_label(r, rd, label, sizeof(label));
		fprintf(f, "%s%s reader %s", told ? ", " : sep, told ? "" : "preempted", label);
		told++;
	}
	for (size_t i = 0; i < v->n_stalled_cpus; i++) {
		const struct wh_cpu_view *cv = cpu_view(r, v->stalled_cpus[i]);
		char running[320] = "";
		if (cv && cv->bt && !cv->idle)
			cpu_running(cv, running, sizeof(running));
		fprintf(f, "%sCPU %d%s%s", told ? ", " : sep, v->stalled_cpus[i],
			running[0] ? " running " : " (no quiescent state)", running);
		told++;
	}
	if (!told)
		fprintf(f, "; the dump shows no CPU or reader holding it up any more");
	if (v->n_waiters) {
		fprintf(f, "; %zu task%s wait%s for it: ", v->n_waiters,
			v->n_waiters == 1 ? "" : "s", v->n_waiters == 1 ? "s" : "");
		for (size_t i = 0; i < v->n_waiters && i < 5; i++) {
			const struct wh_task *t =
			    wh_task_list_find_address(&r->summary.tasks, v->waiters[i].task);
			char label[96] = "?";
			if (t)
				wh_report_task_label(t, label, sizeof(label));
			fprintf(f, "%s%s in %s()", i ? ", " : "", label, v->waiters[i].function);
		}
		if (v->n_waiters > 5)
			fprintf(f, " and %zu more", v->n_waiters - 5);
	}
	if (v->incomplete[0]) {
		char e[4 * sizeof(v->incomplete)];
		fprintf(f, " (incomplete: %s)",
			wh_escape_text(v->incomplete, sizeof(v->incomplete), e, sizeof(e)));
	}
	fprintf(f, ".\n");
}

void wh_explain_pidns(FILE *f, const struct wh_report *r)
{
	for (size_t i = 0; i < r->pidns.count; i++) {
		const struct wh_pidns *d = &r->pidns.dying[i];
		const struct wh_task *reaper =
		    wh_task_list_find_address(&r->summary.tasks, d->reaper);
		char label[96] = "?";
		if (reaper)
			wh_report_task_label(reaper, label, sizeof(label));
		size_t left = d->n_left + d->n_left_dropped;
		fprintf(f,
			"Dying pid namespace: its init %s waits in zap_pid_ns_processes() for %zu "
			"task%s that %s not exited",
			label, left, left == 1 ? "" : "s", left == 1 ? "has" : "have");
		for (size_t j = 0; j < d->n_left && j < 5; j++) {
			const struct wh_pidns_task *l = &d->left[j];
			const struct wh_task *t =
			    wh_task_list_find_address(&r->summary.tasks, l->task);
			char tl[96] = "?";
			if (t)
				wh_report_task_label(t, tl, sizeof(tl));
			fprintf(f, "%s%s (%s%s)", j ? ", " : ": ", tl,
				l->zombie    ? "zombie"
				: l->exiting ? "exiting"
					     : "not exiting",
				l->sigkill == 1 ? ", SIGKILL pending" : "");
		}
		if (d->n_left > 5)
			fprintf(f, " and %zu more", left - 5);
		if (d->error[0]) {
			char e[4 * sizeof(d->error)];
			fprintf(f, " (incomplete: %s)",
				wh_escape_text(d->error, sizeof(d->error), e, sizeof(e)));
		}
		fprintf(f, ".\n");
	}
}
