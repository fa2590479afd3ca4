/* The report's "hard_lockup" and "rcu" members: the watchdog counters of a
 * locked-up CPU, and the RCU grace period's holders and waiters. */
#include "output_incidents_json.h"

static void int_or_null(struct wh_json *j, const char *key, int64_t v)
{
	wh_json_key(j, key);
	if (v >= 0)
		wh_json_int(j, v);
	else
		wh_json_null(j);
}

static void json_hard_lockup(struct wh_json *j, const struct wh_hard_lockup *h)
{
	wh_json_key(j, "hard_lockup");
	wh_json_begin_object(j);
	int_or_null(j, "cpu", h->cpu);
	wh_json_key(j, "source");
	wh_json_string(j, h->source);
	int_or_null(j, "missed_periods", h->missed_periods);
	wh_json_key(j, "period_ns");
	if (h->period_ns)
		wh_json_uint(j, h->period_ns);
	else
		wh_json_null(j);
	int_or_null(j, "missed_seconds", h->missed_s);
	wh_json_key(j, "watchdog_counts");
	wh_json_begin_array(j);
	for (size_t i = 0; i < h->n_counts; i++) {
		const struct wh_watchdog_count *c = &h->counts[i];
		wh_json_begin_object(j);
		wh_json_key(j, "cpu");
		wh_json_uint(j, c->cpu);
		int_or_null(j, "hrtimer_interrupts", c->interrupts);
		int_or_null(j, "hrtimer_interrupts_saved", c->saved);
		wh_json_key(j, "warned");
		if (c->warned >= 0)
			wh_json_bool(j, c->warned);
		else
			wh_json_null(j);
		wh_json_end_object(j);
	}
	wh_json_end_array(j);
	wh_json_key(j, "error");
	wh_json_string(j, h->error[0] ? h->error : NULL);
	wh_json_end_object(j);
}

static void json_rcu(struct wh_json *j, const struct wh_rcu_view *v)
{
	wh_json_key(j, "rcu");
	wh_json_begin_object(j);
	wh_json_key(j, "known");
	wh_json_bool(j, v->known);
	wh_json_key(j, "flavour");
	if (v->known)
		wh_json_string_n(j, v->flavour, sizeof(v->flavour));
	else
		wh_json_null(j);
	wh_json_key(j, "gp_seq");
	wh_json_int(j, (int64_t)v->gp_seq);
	wh_json_key(j, "gp_in_progress");
	wh_json_bool(j, v->gp_in_progress);
	int_or_null(j, "gp_age_jiffies", v->gp_age_jiffies);
	int_or_null(j, "hz", v->hz ? v->hz : -1);
	wh_json_key(j, "stalled_cpus");
	wh_json_begin_array(j);
	for (size_t i = 0; i < v->n_stalled_cpus; i++)
		wh_json_int(j, v->stalled_cpus[i]);
	wh_json_end_array(j);
	wh_json_key(j, "blocked_readers");
	wh_json_begin_array(j);
	for (size_t i = 0; i < v->n_readers; i++) {
		const struct wh_rcu_reader *r = &v->readers[i];
		wh_json_begin_object(j);
		wh_json_key(j, "task");
		wh_json_hex(j, r->task);
		int_or_null(j, "pid", r->pid);
		wh_json_key(j, "nesting");
		if (r->nesting != -1)
			wh_json_int(j, r->nesting);
		else
			wh_json_null(j);
		wh_json_key(j, "blocks_gp");
		wh_json_bool(j, r->blocks_gp);
		wh_json_key(j, "blocks_expedited_gp");
		wh_json_bool(j, r->blocks_exp);
		wh_json_key(j, "node_cpus");
		wh_json_begin_array(j);
		wh_json_int(j, r->grplo);
		wh_json_int(j, r->grphi);
		wh_json_end_array(j);
		wh_json_end_object(j);
	}
	wh_json_end_array(j);
	wh_json_key(j, "waiters");
	wh_json_begin_array(j);
	for (size_t i = 0; i < v->n_waiters; i++) {
		const struct wh_rcu_waiter *w = &v->waiters[i];
		wh_json_begin_object(j);
		wh_json_key(j, "pid");
		wh_json_int(j, w->pid);
		wh_json_key(j, "function");
		wh_json_string(j, w->function);
		wh_json_key(j, "tied");
		wh_json_bool(j, w->tied);
		wh_json_end_object(j);
	}
	wh_json_end_array(j);
	wh_json_key(j, "incomplete");
	wh_json_string(j, v->incomplete[0] ? v->incomplete : NULL);
	wh_json_key(j, "error");
	wh_json_string(j, v->error[0] ? v->error : NULL);
	wh_json_end_object(j);
}

static void json_pidns(struct wh_json *j, const struct wh_pidns_view *v)
{
	wh_json_key(j, "dying_pid_namespaces");
	wh_json_begin_array(j);
	for (size_t i = 0; i < v->count; i++) {
		const struct wh_pidns *d = &v->dying[i];
		wh_json_begin_object(j);
		wh_json_key(j, "namespace");
		wh_json_hex(j, d->ns);
		wh_json_key(j, "level");
		wh_json_uint(j, d->level);
		wh_json_key(j, "reaper_pid");
		wh_json_int(j, d->reaper_pid);
		int_or_null(j, "pid_allocated", d->pid_allocated);
		wh_json_key(j, "left");
		wh_json_begin_array(j);
		for (size_t t = 0; t < d->n_left; t++) {
			const struct wh_pidns_task *l = &d->left[t];
			wh_json_begin_object(j);
			wh_json_key(j, "pid");
			wh_json_int(j, l->pid);
			wh_json_key(j, "exiting");
			wh_json_bool(j, l->exiting);
			wh_json_key(j, "zombie");
			wh_json_bool(j, l->zombie);
			wh_json_key(j, "sigkill_pending");
			if (l->sigkill >= 0)
				wh_json_bool(j, l->sigkill);
			else
				wh_json_null(j);
			wh_json_end_object(j);
		}
		wh_json_end_array(j);
		wh_json_key(j, "left_not_listed");
		wh_json_uint(j, d->n_left_dropped);
		wh_json_key(j, "error");
		wh_json_string(j, d->error[0] ? d->error : NULL);
		wh_json_end_object(j);
	}
	wh_json_end_array(j);
}

void wh_output_json_incidents(struct wh_json *j, const struct wh_report *r)
{
	json_hard_lockup(j, &r->hard_lockup);
	json_rcu(j, &r->rcu);
	json_pidns(j, &r->pidns);
}
