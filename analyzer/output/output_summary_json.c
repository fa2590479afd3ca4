#include "output_diags.h"
#include "json_writer.h"
#include "output_summary.h"
#include "task_state.h"

static void write_kernel(struct wh_json *j, const struct wh_summary *s)
{
	wh_json_key(j, "kernel");
	wh_json_begin_object(j);
	wh_json_key(j, "release");
	wh_json_string_n(j, s->release, sizeof(s->release));
	wh_json_key(j, "build_id");
	if (s->build_id[0])
		wh_json_string(j, s->build_id);
	else
		wh_json_null(j);
	wh_json_key(j, "kaslr_offset");
	wh_json_hex(j, s->kaslr_offset);
	wh_json_key(j, "cpus_present");
	wh_json_uint(j, s->cpus_present);
	wh_json_key(j, "cpus_online");
	wh_json_uint(j, s->cpus_online);
	wh_json_key(j, "cpus_possible");
	wh_json_uint(j, s->cpus_possible);
	/* Which debug info, and what it leaves out (null: nothing). */
	wh_json_key(j, "debuginfo");
	wh_json_string(j, s->debuginfo);
	wh_json_key(j, "debuginfo_missing");
	wh_json_string(j, s->debuginfo_missing);
	wh_json_end_object(j);
	wh_json_key(j, "dump");
	wh_json_begin_object(j);
	wh_json_key(j, "format");
	wh_json_string(j, s->dump_format);
	wh_json_key(j, "source");
	if (s->dump_source[0])
		wh_json_string_n(j, s->dump_source, sizeof(s->dump_source));
	else
		wh_json_null(j);
	wh_json_key(j, "crash_time");
	if (s->have_crash_time)
		wh_json_int(j, s->crash_time);
	else
		wh_json_null(j);
	wh_json_key(j, "crash_time_source");
	wh_json_string(j, s->have_crash_time ? s->crash_time_source : NULL);
	wh_json_key(j, "excluded_page_reads");
	wh_json_uint(j, s->excluded_reads);
	wh_json_end_object(j);
}

static void write_lockup(struct wh_json *j, const struct wh_panic *p)
{
	wh_json_key(j, "lockup");
	if (p->lockup_cpu < 0 ||
	    (p->kind != WH_PANIC_SOFT_LOCKUP && p->kind != WH_PANIC_HARD_LOCKUP)) {
		wh_json_null(j);
		return;
	}
	wh_json_begin_object(j);
	wh_json_key(j, "cpu");
	wh_json_int(j, p->lockup_cpu);
	if (p->kind == WH_PANIC_SOFT_LOCKUP) {
		wh_json_key(j, "seconds");
		wh_json_uint(j, p->lockup_seconds);
		wh_json_key(j, "pid");
		if (p->lockup_pid >= 0)
			wh_json_int(j, p->lockup_pid);
		else
			wh_json_null(j);
		wh_json_key(j, "comm");
		if (p->lockup_pid >= 0)
			wh_json_string_n(j, p->lockup_comm, sizeof(p->lockup_comm));
		else
			wh_json_null(j);
	}
	wh_json_end_object(j);
}

/* The first RCU stall warning of the log, as the kernel printed it. */
static void write_rcu_stall(struct wh_json *j, const struct wh_rcu_stall_report *r)
{
	wh_json_key(j, "rcu_stall");
	if (!r->seen) {
		wh_json_null(j);
		return;
	}
	wh_json_begin_object(j);
	wh_json_key(j, "flavour");
	wh_json_string_n(j, r->flavour, sizeof(r->flavour));
	wh_json_key(j, "self_detected");
	wh_json_bool(j, r->self_detected);
	wh_json_key(j, "detected_by");
	if (r->detected_by >= 0)
		wh_json_int(j, r->detected_by);
	else
		wh_json_null(j);
	wh_json_key(j, "jiffies");
	if (r->jiffies >= 0)
		wh_json_int(j, r->jiffies);
	else
		wh_json_null(j);
	wh_json_key(j, "gp_seq");
	if (r->have_gp)
		wh_json_int(j, r->gp);
	else
		wh_json_null(j);
	wh_json_key(j, "cpus");
	wh_json_begin_array(j);
	for (size_t i = 0; i < r->n_cpus; i++)
		wh_json_int(j, r->cpus[i]);
	wh_json_end_array(j);
	wh_json_key(j, "pids");
	wh_json_begin_array(j);
	for (size_t i = 0; i < r->n_pids; i++)
		wh_json_int(j, r->pids[i]);
	wh_json_end_array(j);
	wh_json_end_object(j);
}

static void write_panic(struct wh_json *j, const struct wh_panic *p)
{
	wh_json_key(j, "panic");
	wh_json_begin_object(j);
	wh_json_key(j, "kind");
	wh_json_string(j, p->log_unavailable ? "unknown" : wh_panic_kind_id(p->kind));
	wh_json_key(j, "message");
	if (p->have_message)
		wh_json_string_n(j, p->message, sizeof(p->message));
	else
		wh_json_null(j);
	wh_json_key(j, "cpu");
	if (p->cpu >= 0)
		wh_json_int(j, p->cpu);
	else
		wh_json_null(j);
	wh_json_key(j, "cpu_source");
	wh_json_string(j, p->cpu >= 0 ? p->cpu_source : NULL);
	wh_json_key(j, "task");
	if (p->pid >= 0) {
		wh_json_begin_object(j);
		wh_json_key(j, "pid");
		wh_json_int(j, p->pid);
		wh_json_key(j, "comm");
		wh_json_string_n(j, p->comm, sizeof(p->comm));
		wh_json_key(j, "source");
		wh_json_string(j, p->task_source);
		wh_json_end_object(j);
	} else {
		wh_json_null(j);
	}
	wh_json_key(j, "hung_tasks");
	wh_json_begin_array(j);
	for (size_t i = 0; i < p->n_hung; i++) {
		wh_json_begin_object(j);
		wh_json_key(j, "pid");
		wh_json_int(j, p->hung[i].pid);
		wh_json_key(j, "comm");
		wh_json_string_n(j, p->hung[i].comm, sizeof(p->hung[i].comm));
		wh_json_key(j, "seconds");
		wh_json_uint(j, p->hung[i].seconds);
		wh_json_end_object(j);
	}
	wh_json_end_array(j);
	wh_json_key(j, "hung_tasks_dropped");
	wh_json_uint(j, p->n_hung_dropped);
	write_lockup(j, p);
	write_rcu_stall(j, &p->rcu);
	wh_json_key(j, "detail");
	if (p->detail[0])
		wh_json_string_n(j, p->detail, sizeof(p->detail));
	else
		wh_json_null(j);
	wh_json_key(j, "log_error");
	wh_json_string(j, p->log_unavailable || p->log_file[0] ? p->log_error : NULL);
	wh_json_key(j, "log_file");
	wh_json_string(j, p->log_file[0] ? p->log_file : NULL);
	wh_json_end_object(j);
}

void wh_output_json_task_fields(struct wh_json *j, const struct wh_task *t)
{
	char state[2] = {t->state, '\0'};
	wh_json_key(j, "pid");
	wh_json_int(j, t->pid);
	wh_json_key(j, "tgid");
	wh_json_int(j, t->tgid);
	wh_json_key(j, "comm");
	wh_json_string_n(j, t->comm, WH_COMM_LEN);
	wh_json_key(j, "state");
	wh_json_string(j, state);
	wh_json_key(j, "state_name");
	wh_json_string(j, wh_task_state_name(t->state));
	wh_json_key(j, "cpu");
	if (t->cpu >= 0)
		wh_json_int(j, t->cpu);
	else
		wh_json_null(j);
	wh_json_key(j, "on_cpu");
	wh_json_bool(j, t->on_cpu);
	wh_json_key(j, "idle_task");
	wh_json_bool(j, t->idle);
	wh_json_key(j, "kthread");
	wh_json_bool(j, t->kthread);
	wh_json_key(j, "in_state_ns");
	if (t->in_state_ns >= 0)
		wh_json_int(j, t->in_state_ns);
	else
		wh_json_null(j);
	wh_json_key(j, "address");
	wh_json_hex(j, t->address);
	wh_json_key(j, "raw_state");
	wh_json_hex(j, t->raw_state);
}

static void write_task(struct wh_json *j, const struct wh_task *t)
{
	wh_json_begin_object(j);
	wh_output_json_task_fields(j, t);
	wh_json_end_object(j);
}

static void write_tasks(struct wh_json *j, const struct wh_summary *s, bool only_d)
{
	wh_json_key(j, "tasks");
	wh_json_begin_array(j);
	for (size_t i = 0; i < s->tasks.count; i++)
		if (!only_d || s->tasks.tasks[i].state == 'D')
			write_task(j, &s->tasks.tasks[i]);
	wh_json_end_array(j);
	wh_json_key(j, "warnings");
	wh_json_begin_array(j);
	wh_output_json_diag_messages(j, &s->tasks.diags);
	wh_json_end_array(j);
	wh_json_key(j, "diagnostics");
	wh_json_begin_array(j);
	wh_output_json_diags(j, &s->tasks.diags);
	wh_json_end_array(j);
}

void wh_output_json_tasks(FILE *out, const struct wh_summary *s)
{
	struct wh_json j;
	wh_json_init(&j, out);
	wh_json_begin_object(&j);
	wh_json_key(&j, "schema");
	wh_json_string(&j, WH_SCHEMA_TASKS);
	write_kernel(&j, s);
	write_tasks(&j, s, false);
	wh_json_end_object(&j);
}

/* What the analysis lacks: "incomplete" (null, or the pages an incomplete
 * dump did not save), "budget_spent" (null or which budget ran out),
 * "task_list_complete". */
static void write_limits(struct wh_json *j, const struct wh_summary *s)
{
	wh_json_key(j, "incomplete");
	if (!s->dump_incomplete) {
		wh_json_null(j);
	} else {
		wh_json_begin_object(j);
		wh_json_key(j, "pages_missing");
		wh_json_uint(j, s->missing.pages);
		wh_json_key(j, "ranges");
		wh_json_begin_array(j);
		for (size_t i = 0; i < s->missing.n_ranges; i++) {
			wh_json_begin_object(j);
			wh_json_key(j, "first_pfn");
			wh_json_hex(j, s->missing.ranges[i].first_pfn);
			wh_json_key(j, "last_pfn");
			wh_json_hex(j, s->missing.ranges[i].last_pfn);
			wh_json_end_object(j);
		}
		wh_json_end_array(j);
		wh_json_key(j, "more_ranges");
		wh_json_bool(j, s->missing.more_ranges);
		wh_json_end_object(j);
	}
	wh_json_key(j, "budget_spent");
	wh_json_string(j, s->budget_spent);
	wh_json_key(j, "task_list_complete");
	wh_json_bool(j, !s->tasks.list_incomplete);
}

void wh_output_json_header(struct wh_json *j, const struct wh_summary *s)
{
	write_limits(j, s);
	write_kernel(j, s);
	write_panic(j, &s->panic);
}

void wh_output_json_summary(FILE *out, const struct wh_summary *s)
{
	struct wh_json j;
	wh_json_init(&j, out);
	wh_json_begin_object(&j);
	wh_json_key(&j, "schema");
	wh_json_string(&j, WH_SCHEMA_SUMMARY);
	wh_output_json_header(&j, s);
	wh_json_key(&j, "state_counts");
	wh_json_begin_object(&j);
	for (size_t i = 0; i < WH_N_STATES; i++) {
		char key[2] = {WH_STATE_LETTERS[i], '\0'};
		wh_json_key(&j, key);
		wh_json_uint(&j, s->state_counts[i]);
	}
	wh_json_end_object(&j);
	/* The blocked tasks only; `whyhung tasks` lists all of them. */
	write_tasks(&j, s, true);
	wh_json_end_object(&j);
}
