#include "json_writer.h"
#include "output_summary.h"
#include "output_backtrace.h"
#include "output_cpus.h"
#include "output_incidents_json.h"
#include "output_report.h"
#include "output_report_common.h"

static void json_task(struct wh_json *j, const struct wh_report *r, const struct wh_task *t)
{
	wh_json_begin_object(j);
	wh_output_json_task_fields(j, t);
	wh_json_key(j, "blocked_ns");
	if (t->in_state_ns >= 0 && t->state != 'R')
		wh_json_int(j, t->in_state_ns);
	else
		wh_json_null(j);
	wh_json_key(j, "waits_on");
	const struct wh_task_wait *w = wh_waits_of_task(&r->waits, t->address);
	if (w) {
		wh_json_begin_object(j);
		wh_json_key(j, "object");
		wh_json_uint(j, w->object);
		wh_json_key(j, "kind");
		wh_json_string(j, r->waits.objects[w->object].kind);
		wh_json_key(j, "address");
		wh_json_hex(j, r->waits.objects[w->object].address);
		wh_json_key(j, "mode");
		wh_json_string(j, w->mode[0] ? w->mode : NULL);
		wh_json_end_object(j);
	} else {
		wh_json_null(j);
	}
	size_t ti = (size_t)(t - r->summary.tasks.tasks);
	wh_json_key(j, "cycle");
	if (r->graph.task_cycle[ti] >= 0)
		wh_json_int(j, r->graph.task_cycle[ti]);
	else
		wh_json_null(j);
	const struct wh_backtrace *bt = wh_report_backtrace(r, t->address);
	wh_json_key(j, "stack");
	if (bt)
		wh_output_json_frames(j, bt);
	else
		wh_json_null(j);
	wh_json_end_object(j);
}

static void json_tristate(struct wh_json *j, const char *key, int v)
{
	wh_json_key(j, key);
	if (v < 0)
		wh_json_null(j);
	else
		wh_json_bool(j, v);
}

static void json_count(struct wh_json *j, const char *key, int64_t v)
{
	wh_json_key(j, key);
	if (v < 0)
		wh_json_null(j);
	else
		wh_json_int(j, v);
}

static void json_io(struct wh_json *j, const struct wh_io_target *t)
{
	wh_json_key(j, "io");
	if (!t->known) {
		wh_json_null(j);
		return;
	}
	char summary[400];
	wh_io_target_summary(t, summary, sizeof(summary));
	wh_json_begin_object(j);
	wh_json_key(j, "device");
	wh_json_string_n(j, t->device, sizeof(t->device));
	wh_json_key(j, "block_device");
	wh_json_hex(j, t->bdev);
	wh_json_key(j, "filesystem");
	if (t->fstype[0])
		wh_json_string_n(j, t->fstype, sizeof(t->fstype));
	else
		wh_json_null(j);
	wh_json_key(j, "mount_point");
	if (t->mount[0])
		wh_json_string_n(j, t->mount, sizeof(t->mount));
	else
		wh_json_null(j);
	json_tristate(j, "fs_frozen", t->fs_frozen < 0 ? -1 : t->fs_frozen > 0);
	wh_json_key(j, "dm_name");
	if (t->dm_name[0])
		wh_json_string_n(j, t->dm_name, sizeof(t->dm_name));
	else
		wh_json_null(j);
	json_tristate(j, "dm_suspended", t->dm_suspended);
	json_tristate(j, "dm_suspend_in_progress", t->dm_suspending);
	json_count(j, "dm_deferred_bios", t->dm_deferred);
	json_tristate(j, "queue_quiesced", t->queue_quiesced);
	json_tristate(j, "queue_frozen", t->queue_frozen);
	json_count(j, "requests_allocated", t->rq_allocated);
	json_count(j, "requests_dispatched", t->rq_dispatched);
	json_count(j, "oldest_request_age_ms",
		   t->oldest_rq_age_ns < 0 ? -1 : t->oldest_rq_age_ns / 1000000);
	wh_json_key(j, "io_scheduler");
	wh_json_bool(j, t->scheduler);
	wh_json_key(j, "summary");
	wh_json_string_n(j, summary, sizeof(summary));
	wh_json_key(j, "incomplete");
	if (t->incomplete[0])
		wh_json_string_n(j, t->incomplete, sizeof(t->incomplete));
	else
		wh_json_null(j);
	wh_json_end_object(j);
}

static void json_objects(struct wh_json *j, const struct wh_report *r)
{
	wh_json_key(j, "objects");
	wh_json_begin_array(j);
	for (size_t i = 0; i < r->waits.n_objects; i++) {
		const struct wh_wait_object *o = &r->waits.objects[i];
		wh_json_begin_object(j);
		wh_json_key(j, "id");
		wh_json_uint(j, i);
		wh_json_key(j, "kind");
		wh_json_string(j, o->kind);
		wh_json_key(j, "address");
		wh_json_hex(j, o->address);
		wh_json_key(j, "name");
		wh_json_string_n(j, o->name, sizeof(o->name));
		wh_json_key(j, "state");
		wh_json_string_n(j, o->state, sizeof(o->state));
		wh_json_key(j, "owners");
		wh_json_begin_array(j);
		for (size_t k = 0; k < o->n_owners; k++) {
			wh_json_begin_object(j);
			wh_json_key(j, "pid");
			if (o->owners[k].pid >= 0)
				wh_json_int(j, o->owners[k].pid);
			else
				wh_json_null(j);
			wh_json_key(j, "task");
			wh_json_hex(j, o->owners[k].task);
			wh_json_key(j, "how");
			wh_json_string(j, wh_owner_how_name(o->owners[k].how));
			wh_json_key(j, "evidence");
			wh_json_string_n(j, o->owners[k].evidence, sizeof(o->owners[k].evidence));
			wh_json_end_object(j);
		}
		wh_json_end_array(j);
		wh_json_key(j, "waiters");
		wh_json_begin_array(j);
		for (size_t k = 0; k < o->n_waiters; k++) {
			const struct wh_task *t =
			    wh_task_list_find_address(&r->summary.tasks, o->waiters[k]);
			wh_json_begin_object(j);
			wh_json_key(j, "pid");
			if (t)
				wh_json_int(j, t->pid);
			else
				wh_json_null(j);
			wh_json_key(j, "task");
			wh_json_hex(j, o->waiters[k]);
			wh_json_key(j, "mode");
			wh_json_string(j, o->waiter_modes[k][0] ? o->waiter_modes[k] : NULL);
			wh_json_end_object(j);
		}
		wh_json_end_array(j);
		wh_json_key(j, "incomplete");
		wh_json_string(j, o->incomplete[0] ? o->incomplete : NULL);
		json_io(j, &o->io);
		wh_json_end_object(j);
	}
	wh_json_end_array(j);
}

static void json_graph(struct wh_json *j, const struct wh_report *r)
{
	wh_json_key(j, "cycles");
	wh_json_begin_array(j);
	for (size_t i = 0; i < r->graph.n_cycles; i++) {
		wh_json_begin_array(j);
		for (size_t k = 0; k < r->graph.cycles[i].n; k++)
			wh_json_int(j, r->summary.tasks.tasks[r->graph.cycles[i].tasks[k]].pid);
		wh_json_end_array(j);
	}
	wh_json_end_array(j);
	wh_json_key(j, "root_causes");
	wh_json_begin_array(j);
	for (size_t i = 0; i < r->graph.n_roots; i++) {
		const struct wh_root_cause *rc = &r->graph.roots[i];
		wh_json_begin_object(j);
		wh_json_key(j, "kind");
		wh_json_string(j, wh_root_kind_name(rc->kind));
		wh_json_key(j, "blocked");
		wh_json_uint(j, rc->blocked);
		if (rc->kind == WH_ROOT_CYCLE) {
			wh_json_key(j, "cycle");
			wh_json_uint(j, rc->index);
			wh_json_key(j, "inferred");
			wh_json_bool(j, r->graph.cycles[rc->index].inferred);
		} else if (rc->kind == WH_ROOT_TASK) {
			wh_json_key(j, "pid");
			wh_json_int(j, r->summary.tasks.tasks[rc->index].pid);
			wh_json_key(j, "holds");
			wh_json_uint(j, rc->via_object);
		} else {
			wh_json_key(j, "object");
			wh_json_uint(j, rc->index);
		}
		wh_json_end_object(j);
	}
	wh_json_end_array(j);
}

static void json_spinlocks(struct wh_json *j, const struct wh_report *r)
{
	wh_json_key(j, "spinlocks");
	wh_json_begin_array(j);
	for (size_t i = 0; i < r->spinlocks.count; i++) {
		const struct wh_spinlock *l = &r->spinlocks.locks[i];
		wh_json_begin_object(j);
		wh_json_key(j, "address");
		wh_json_hex(j, l->address);
		wh_json_key(j, "name");
		wh_json_string_n(j, l->name, sizeof(l->name));
		wh_json_key(j, "value");
		wh_json_hex(j, l->val);
		wh_json_key(j, "locked");
		wh_json_bool(j, l->locked);
		wh_json_key(j, "pending");
		wh_json_bool(j, l->pending);
		wh_json_key(j, "tail_cpu");
		if (l->tail_cpu >= 0)
			wh_json_int(j, l->tail_cpu);
		else
			wh_json_null(j);
		wh_json_key(j, "spinners");
		wh_json_begin_array(j);
		for (size_t k = 0; k < l->n_spinners; k++)
			wh_json_uint(j, l->spinners[k]);
		wh_json_end_array(j);
		wh_json_key(j, "found_in");
		wh_json_string(j, l->how_found);
		wh_json_key(j, "holder");
		if (l->holder_cpu >= 0) {
			wh_json_begin_object(j);
			wh_json_key(j, "cpu");
			wh_json_int(j, l->holder_cpu);
			wh_json_key(j, "how");
			wh_json_string(j, "inferred");
			wh_json_key(j, "evidence");
			wh_json_string(j, l->holder_evidence);
			wh_json_end_object(j);
		} else {
			wh_json_null(j);
		}
		wh_json_key(j, "suspects");
		wh_json_string(j, l->suspects[0] ? l->suspects : NULL);
		wh_json_end_object(j);
	}
	wh_json_end_array(j);
}

void wh_output_json_report(FILE *out, const struct wh_report *r)
{
	struct wh_json j;
	wh_json_init(&j, out);
	wh_json_begin_object(&j);
	wh_json_key(&j, "schema");
	wh_json_string(&j, WH_SCHEMA_REPORT);
	wh_output_json_header(&j, &r->summary);
	wh_json_key(&j, "explanation");
	wh_json_string(&j, r->explanation);
	wh_json_key(&j, "tasks");
	wh_json_begin_array(&j);
	for (size_t i = 0; i < r->summary.tasks.count; i++)
		if (wh_report_task_interesting(r, &r->summary.tasks.tasks[i]))
			json_task(&j, r, &r->summary.tasks.tasks[i]);
	wh_json_end_array(&j);
	json_objects(&j, r);
	json_graph(&j, r);
	wh_json_key(&j, "cpus");
	wh_output_json_cpu_array(&j, &r->cpus);
	json_spinlocks(&j, r);
	wh_output_json_incidents(&j, r);
	wh_json_key(&j, "warnings");
	wh_json_begin_array(&j);
	for (size_t i = 0; i < r->waits.n_warnings; i++)
		wh_json_string(&j, r->waits.warnings[i]);
	for (size_t i = 0; i < r->summary.tasks.n_warnings; i++)
		wh_json_string(&j, r->summary.tasks.warnings[i]);
	if (r->summary.budget_spent) {
		char msg[128];
		snprintf(msg, sizeof(msg), "analysis budget spent (%s)", r->summary.budget_spent);
		wh_json_string(&j, msg);
	}
	if (r->summary.dump_incomplete) {
		char msg[128];
		snprintf(msg, sizeof(msg), "dump incomplete: %llu pages not saved",
			 (unsigned long long)r->summary.missing.pages);
		wh_json_string(&j, msg);
	}
	wh_json_end_array(&j);
	wh_json_end_object(&j);
}
