#include "output_diags.h"
#include "escape.h"
#include "output_summary.h"
#include "task_state.h"

#include <inttypes.h>
#include <time.h>

char *wh_format_duration(int64_t ns, char *buf, size_t size)
{
	if (ns < 0) {
		snprintf(buf, size, "-");
		return buf;
	}
	double sec = (double)ns / 1e9;
	int64_t whole = ns / 1000000000;
	if (whole < 60)
		snprintf(buf, size, "%.1fs", sec);
	else if (whole < 3600)
		snprintf(buf, size, "%" PRId64 "m%02" PRId64 "s", whole / 60, whole % 60);
	else if (whole < 86400)
		snprintf(buf, size, "%" PRId64 "h%02" PRId64 "m", whole / 3600, whole % 3600 / 60);
	else
		snprintf(buf, size, "%" PRId64 "d%02" PRId64 "h", whole / 86400,
			 whole % 86400 / 3600);
	return buf;
}

static void print_task_header(FILE *out)
{
	fprintf(out, "     PID     TGID ST  CPU  IN-STATE  COMM\n");
}

/* ps style: '>' marks a task running on a CPU, [name] a kernel thread. */
static void print_task(FILE *out, const struct wh_task *t)
{
	char comm[4 * WH_COMM_LEN + 1], dur[32], cpu[16];
	wh_escape_text(t->comm, WH_COMM_LEN, comm, sizeof(comm));
	if (t->cpu >= 0)
		snprintf(cpu, sizeof(cpu), "%d", t->cpu);
	else
		snprintf(cpu, sizeof(cpu), "-");
	bool bracket = t->kthread && !t->idle;
	fprintf(out, "%c%7" PRId32 " %8" PRId32 "  %c %4s %9s  %s%s%s\n", t->on_cpu ? '>' : ' ',
		t->pid, t->tgid, t->state, cpu,
		wh_format_duration(t->in_state_ns, dur, sizeof(dur)), bracket ? "[" : "", comm,
		bracket ? "]" : "");
}

void wh_output_text_tasks(FILE *out, const struct wh_summary *s)
{
	print_task_header(out);
	for (size_t i = 0; i < s->tasks.count; i++)
		print_task(out, &s->tasks.tasks[i]);
	wh_output_text_diags(out, "warning: ", &s->tasks.diags);
}

/* What kind of panic, its particulars, and where it happened. */
static void print_panic(FILE *out, const struct wh_panic *p)
{
	char a[4 * WH_PANIC_TEXT], b[4 * WH_PANIC_TEXT];
	fprintf(out, "panic:      ");
	if (p->log_unavailable) {
		fprintf(out, "unknown (kernel log unreadable: %s)",
			wh_escape_text(p->log_error, sizeof(p->log_error), a, sizeof(a)));
	} else if (p->kind == WH_PANIC_HUNG_TASK && p->n_hung) {
		const struct wh_hung_report *h = &p->hung[0];
		size_t more = p->n_hung - 1 + p->n_hung_dropped;
		fprintf(out, "hung task: %s[%" PRId32 "] blocked for more than %" PRIu64 " seconds",
			wh_escape_text(h->comm, sizeof(h->comm), a, sizeof(a)), h->pid, h->seconds);
		if (more)
			fprintf(out, " (and %zu more)", more);
	} else if (p->kind == WH_PANIC_SOFT_LOCKUP && p->lockup_cpu >= 0) {
		fprintf(out, "soft lockup: CPU#%d stuck for %" PRIu64 "s", p->lockup_cpu,
			p->lockup_seconds);
		if (p->lockup_pid >= 0) {
			wh_escape_text(p->lockup_comm, sizeof(p->lockup_comm), a, sizeof(a));
			fprintf(out, " in %s[%" PRId32 "]", a, p->lockup_pid);
		}
	} else if (p->kind == WH_PANIC_HARD_LOCKUP && p->lockup_cpu >= 0) {
		fprintf(out, "hard lockup on CPU %d", p->lockup_cpu);
	} else if (p->kind == WH_PANIC_RCU_STALL && p->rcu.seen) {
		const struct wh_rcu_stall_report *r = &p->rcu;
		fprintf(out, "RCU stall (%s)",
			wh_escape_text(r->flavour, sizeof(r->flavour), a, sizeof(a)));
		if (r->have_gp)
			fprintf(out, " of grace period g=%" PRId64, r->gp);
		if (r->jiffies >= 0)
			fprintf(out, " after %" PRId64 " jiffies", r->jiffies);
		for (size_t i = 0; i < r->n_cpus; i++)
			fprintf(out, "%sCPU %d", i ? ", " : ": stalled ", r->cpus[i]);
		for (size_t i = 0; i < r->n_pids; i++)
			fprintf(out, "%s%" PRId32, i ? ", " : "; blocked readers ", r->pids[i]);
	} else if (p->kind == WH_PANIC_OOPS && p->detail[0]) {
		fprintf(out, "oops: %s",
			wh_escape_text(p->detail, sizeof(p->detail), a, sizeof(a)));
	} else if (p->kind == WH_PANIC_NONE) {
		fprintf(out, "none in the kernel log");
	} else {
		fprintf(out, "%s", wh_panic_kind_name(p->kind));
	}
	/* The panic message says more than the kind only for these. */
	if (p->have_message && (p->kind == WH_PANIC_OTHER || p->kind == WH_PANIC_OOPS))
		fprintf(out, " (\"%s\")",
			wh_escape_text(p->message, sizeof(p->message), b, sizeof(b)));
	else if (!p->have_message && p->kind != WH_PANIC_NONE && !p->log_unavailable)
		fprintf(out, " (no panic in the log)");
	if (p->cpu >= 0) {
		fprintf(out, "; panicked on CPU %d", p->cpu);
		if (p->pid >= 0)
			fprintf(out, " in %s[%" PRId32 "]",
				wh_escape_text(p->comm, sizeof(p->comm), a, sizeof(a)), p->pid);
	}
	fputc('\n', out);
	if (p->log_file[0])
		fprintf(out, "            (from %s, the log kdump saved beside the dump: the dump's "
			     "own is unreadable: %s)\n",
			wh_escape_text(p->log_file, sizeof(p->log_file), a, sizeof(a)),
			wh_escape_text(p->log_error, sizeof(p->log_error), b, sizeof(b)));
}

/* What the analysis lacks comes first: everything below depends on it. */
static void print_limits(FILE *out, const struct wh_summary *s)
{
	if (s->dump_incomplete) {
		const struct wh_dump_missing *m = &s->missing;
		fprintf(out, "warning: dump incomplete: the file ends early, %" PRIu64
			     " page%s not saved (pfn",
			m->pages, m->pages == 1 ? "" : "s");
		for (size_t i = 0; i < m->n_ranges; i++) {
			fprintf(out, "%s 0x%" PRIx64, i ? "," : "", m->ranges[i].first_pfn);
			if (m->ranges[i].last_pfn != m->ranges[i].first_pfn)
				fprintf(out, "-0x%" PRIx64, m->ranges[i].last_pfn);
		}
		fprintf(out, "%s); what they held is missing below\n",
			m->more_ranges ? ", ..." : "");
	}
	if (s->budget_spent)
		fprintf(out,
			"warning: analysis budget spent (%s): the analysis stopped early, what "
			"follows is partial\n",
			s->budget_spent);
	if (s->tasks.list_incomplete) {
		fprintf(out, "warning: the task list cannot be walked: %zu tasks found otherwise",
			s->tasks.count);
		if (s->panic.n_hung)
			fprintf(out, "; the kernel log names %zu hung task%s", s->panic.n_hung,
				s->panic.n_hung == 1 ? "" : "s");
		fputc('\n', out);
	}
}

void wh_output_text_header(FILE *out, const struct wh_summary *s)
{
	print_limits(out, s);
	char when[64] = "unknown";
	if (s->have_crash_time) {
		time_t t = (time_t)s->crash_time;
		struct tm tm;
		if (gmtime_r(&t, &tm))
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	}
	char release[sizeof(s->release) * 4];
	wh_escape_text(s->release, sizeof(s->release), release, sizeof(release));
	print_panic(out, &s->panic);
	fprintf(out, "kernel:     %s\n", release);
	fprintf(out, "dump:       %s format, %u CPU%s\n", s->dump_format, s->cpus_present,
		s->cpus_present == 1 ? "" : "s");
	if (s->dump_source[0]) {
		char source[sizeof(s->dump_source) * 4];
		fprintf(out, "source:     %s\n",
			wh_escape_text(s->dump_source, sizeof(s->dump_source), source,
				       sizeof(source)));
	}
	if (s->debuginfo_missing)
		fprintf(out, "debuginfo:  %s: %s\n", s->debuginfo, s->debuginfo_missing);
	fprintf(out, "crash time: %s%s%s%s\n", when, s->have_crash_time ? " (from " : "",
		s->have_crash_time ? s->crash_time_source : "", s->have_crash_time ? ")" : "");
	fprintf(out, "tasks:      %zu:", s->tasks.count);
	for (size_t i = 0; i < WH_N_STATES; i++)
		if (s->state_counts[i])
			fprintf(out, " %zu %s (%c)", s->state_counts[i],
				wh_task_state_name(WH_STATE_LETTERS[i]), WH_STATE_LETTERS[i]);
	fputc('\n', out);
}

void wh_output_text_summary(FILE *out, const struct wh_summary *s)
{
	wh_output_text_header(out, s);
	size_t nd = s->state_counts[wh_summary_state_index('D')];
	fprintf(out, "\n%zu task%s in uninterruptible sleep (D):\n", nd, nd == 1 ? "" : "s");
	if (nd) {
		print_task_header(out);
		for (size_t i = 0; i < s->tasks.count; i++)
			if (s->tasks.tasks[i].state == 'D')
				print_task(out, &s->tasks.tasks[i]);
	}
	if (s->excluded_reads)
		fprintf(out, "\nnote: %" PRIu64 " reads met pages excluded from the dump\n",
			s->excluded_reads);
	wh_output_text_diags(out, "warning: ", &s->tasks.diags);
}
