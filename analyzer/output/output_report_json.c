#include "json_writer.h"
#include "output_backtrace.h"
#include "output_cpus.h"
#include "output_diags.h"
#include "output_incidents_json.h"
#include "output_report.h"
#include "output_report_common.h"
#include "output_summary.h"
#include "wait_words.h"

/* "mode": the wait's mode, or null for a wait without one. */
static void json_mode(struct wh_json *j, struct wh_wait_mode mode)
{
	char buf[8];
	const char *m = wh_wait_mode_name(mode, buf);
	wh_json_key(j, "mode");
	wh_json_string(j, m[0] ? m : NULL);
}

/* "pid" (null for a task not in the task list) and "task" (its address). */
static void json_task_ref(struct wh_json *j, int32_t pid, uint64_t task)
{
	wh_json_key(j, "pid");
	if (pid >= 0)
		wh_json_int(j, pid);
	else
		wh_json_null(j);
	wh_json_key(j, "task");
	wh_json_hex(j, task);
}

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
		wh_json_string(j, wh_wait_kind_name(r->waits.objects[w->object].kind));
		wh_json_key(j, "address");
		wh_json_hex(j, r->waits.objects[w->object].address);
		json_mode(j, w->mode);
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
	wh_output_json_diags_joined(j, &t->incomplete);
	wh_json_end_object(j);
}

/* The facts of a state or of evidence, by condition or kind: which field
 * goes out under which key. Tables, so that a new condition is a row. */
enum fact_field {
	FACT_NONE,
	FACT_VALUE_HEX, /* state value / evidence field, as "0x..." */
	FACT_VALUE,	/* state value, as a number */
	FACT_NUMBER,	/* state number / evidence number */
	FACT_TASK,	/* state task, "0x..." */
	FACT_FROZEN,	/* state frozen */
	FACT_FLAG,	/* state flag / evidence handed_off, biased, on_stack */
	FACT_WRITEBACK, /* state writeback */
	FACT_STATE,	/* evidence task_state, a letter */
	FACT_WHAT,	/* state what */
	FACT_WHY,	/* state why (from the dump: escaped) */
};

struct fact_key {
	enum fact_field field;
	const char *key;
};

enum { MAX_FACTS = 4 };

static const struct fact_key state_facts[][MAX_FACTS] = {
    [WH_STATE_UNREADABLE] = {{FACT_WHAT, "what"}, {FACT_WHY, "why"}},
    [WH_STATE_MUTEX_UNLOCKED] = {{FACT_VALUE_HEX, "owner_field"}},
    [WH_STATE_MUTEX_LOCKED] = {{FACT_VALUE_HEX, "owner_field"}, {FACT_FLAG, "waiters_flagged"}},
    [WH_STATE_MUTEX_HANDED_OFF] = {{FACT_VALUE_HEX, "owner_field"}, {FACT_FLAG, "waiters_flagged"}},
    [WH_STATE_RWSEM_WRITE] = {{FACT_VALUE_HEX, "count"}},
    [WH_STATE_RWSEM_READ] = {{FACT_VALUE_HEX, "count"}, {FACT_NUMBER, "readers"}},
    [WH_STATE_RWSEM_FREE] = {{FACT_VALUE_HEX, "count"}},
    [WH_STATE_SEMAPHORE] = {{FACT_VALUE, "count"}},
    [WH_STATE_COMPLETION] = {{FACT_VALUE, "done"}},
    [WH_STATE_COMPLETION_OF_BIO] = {{FACT_VALUE, "done"}},
    [WH_STATE_PCPU_WRITER_WAITING] = {{FACT_TASK, "writer"},
				      {FACT_NUMBER, "readers"},
				      {FACT_FROZEN, "s_writers_frozen"}},
    [WH_STATE_PCPU_WRITE] = {{FACT_FROZEN, "s_writers_frozen"}},
    [WH_STATE_PCPU_READ] = {{FACT_NUMBER, "readers"}, {FACT_FROZEN, "s_writers_frozen"}},
    [WH_STATE_PCPU_FREE] = {{FACT_FROZEN, "s_writers_frozen"}},
    [WH_STATE_FOLIO] = {{FACT_VALUE_HEX, "flags"},
			{FACT_FLAG, "locked"},
			{FACT_WRITEBACK, "writeback"}},
    [WH_STATE_BIT_WORD] = {{FACT_VALUE_HEX, "word"}},
    [WH_STATE_BUFFER_LOCKED] = {{FACT_VALUE_HEX, "b_state"}},
    [WH_STATE_BUFFER_SHADOW] = {{FACT_VALUE_HEX, "b_state"}},
    [WH_STATE_JBD2_COMMIT] = {{FACT_NUMBER, "requested"},
			      {FACT_VALUE, "last_committed"},
			      {FACT_FLAG, "committing"}},
    [WH_STATE_QUEUE_FREEZE] = {{FACT_NUMBER, "mq_freeze_depth"}},
    [WH_STATE_VAR] = {{FACT_VALUE_HEX, "first_bytes"}},
    [WH_STATE_RT_UNLOCKED] = {{FACT_VALUE_HEX, "owner_field"}},
    [WH_STATE_RT_LOCKED] = {{FACT_VALUE_HEX, "owner_field"}, {FACT_FLAG, "waiters_flagged"}},
    [WH_STATE_RWBASE_WRITE] = {{FACT_VALUE_HEX, "readers_count"}},
    [WH_STATE_RWBASE_READ] = {{FACT_VALUE_HEX, "readers_count"},
			      {FACT_NUMBER, "readers"},
			      {FACT_FLAG, "writer_waiting"}},
    [WH_STATE_RWBASE_FREE] = {{FACT_VALUE_HEX, "readers_count"}},
};

static const struct fact_key evidence_facts[][MAX_FACTS] = {
    [WH_EVIDENCE_MUTEX_OWNER] = {{FACT_VALUE_HEX, "owner_field"}, {FACT_FLAG, "handed_off"}},
    [WH_EVIDENCE_RWSEM_WRITER] = {{FACT_VALUE_HEX, "owner_field"}, {FACT_FLAG, "biased_count"}},
    [WH_EVIDENCE_RWSEM_LAST_READER] = {{FACT_VALUE_HEX, "owner_field"},
				       {FACT_FLAG, "stack_holds_lock"}},
    [WH_EVIDENCE_FUSE_DEVICE] = {{FACT_NUMBER, "fd"}, {FACT_STATE, "state"}},
    [WH_EVIDENCE_JBD2_COMMIT_TASK] = {{FACT_NUMBER, "transaction"}},
    [WH_EVIDENCE_RT_MUTEX_OWNER] = {{FACT_VALUE_HEX, "owner_field"}},
    [WH_EVIDENCE_RCU_BOOST_OWNER] = {{FACT_VALUE_HEX, "owner_field"}},
    [WH_EVIDENCE_RWBASE_WRITER] = {{FACT_VALUE_HEX, "owner_field"}, {FACT_NUMBER, "readers_count"}},
};

static void json_state(struct wh_json *j, const struct wh_object_state *s)
{
	wh_json_begin_object(j);
	wh_json_key(j, "condition");
	wh_json_string(j, wh_object_condition_name(s->condition));
	const size_t rows = sizeof(state_facts) / sizeof(*state_facts);
	for (size_t i = 0; (size_t)s->condition < rows && i < MAX_FACTS; i++) {
		const struct fact_key *f = &state_facts[s->condition][i];
		if (f->field == FACT_NONE)
			break;
		wh_json_key(j, f->key);
		switch (f->field) {
		case FACT_VALUE_HEX: wh_json_hex(j, s->value); break;
		case FACT_VALUE: wh_json_uint(j, s->value); break;
		case FACT_NUMBER: wh_json_int(j, s->number); break;
		case FACT_TASK: wh_json_hex(j, s->task); break;
		case FACT_FROZEN: wh_json_int(j, s->frozen); break;
		case FACT_FLAG: wh_json_bool(j, s->flag); break;
		case FACT_WRITEBACK: wh_json_bool(j, s->writeback); break;
		case FACT_WHAT: wh_json_string_n(j, s->what, sizeof(s->what)); break;
		case FACT_WHY: wh_json_string_n(j, s->why, sizeof(s->why)); break;
		default: wh_json_null(j); break;
		}
	}
	wh_json_end_object(j);
	char text[WH_STATE_TEXT];
	wh_object_state_text(s, WH_WORDS_ALONE, text, sizeof(text));
	wh_json_key(j, "state_text");
	wh_json_string_n(j, text, sizeof(text));
}

static void json_evidence(struct wh_json *j, const struct wh_evidence *e)
{
	wh_json_begin_object(j);
	wh_json_key(j, "kind");
	wh_json_string(j, wh_evidence_kind_name(e->kind));
	const size_t rows = sizeof(evidence_facts) / sizeof(*evidence_facts);
	for (size_t i = 0; (size_t)e->kind < rows && i < MAX_FACTS; i++) {
		const struct fact_key *f = &evidence_facts[e->kind][i];
		if (f->field == FACT_NONE)
			break;
		wh_json_key(j, f->key);
		switch (f->field) {
		case FACT_VALUE_HEX: wh_json_hex(j, e->field); break;
		case FACT_NUMBER: wh_json_uint(j, e->number); break;
		case FACT_FLAG: wh_json_bool(j, e->handed_off || e->biased || e->on_stack); break;
		case FACT_STATE: {
			char state[2] = {e->task_state, '\0'};
			wh_json_string(j, state);
			break;
		}
		default: wh_json_null(j); break;
		}
	}
	wh_json_end_object(j);
	char text[WH_EVIDENCE_TEXT];
	wh_evidence_text(e, text, sizeof(text));
	wh_json_key(j, "evidence_text");
	wh_json_string_n(j, text, sizeof(text));
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
		wh_json_string(j, wh_wait_kind_name(o->kind));
		wh_json_key(j, "address");
		wh_json_hex(j, o->address);
		wh_json_key(j, "name");
		wh_json_string_n(j, o->name, sizeof(o->name));
		wh_json_key(j, "state");
		json_state(j, &o->state);
		wh_json_key(j, "owners");
		wh_json_begin_array(j);
		for (size_t k = 0; k < o->n_owners; k++) {
			wh_json_begin_object(j);
			json_task_ref(j, o->owners[k].pid, o->owners[k].task);
			wh_json_key(j, "how");
			wh_json_string(j, wh_owner_how_name(o->owners[k].how));
			wh_json_key(j, "evidence");
			json_evidence(j, &o->owners[k].evidence);
			wh_json_end_object(j);
		}
		wh_json_end_array(j);
		wh_json_key(j, "waiters");
		wh_json_begin_array(j);
		for (size_t k = 0; k < o->n_waiters; k++) {
			const struct wh_task *t =
			    wh_task_list_find_address(&r->summary.tasks, o->waiters[k]);
			wh_json_begin_object(j);
			json_task_ref(j, t ? t->pid : -1, o->waiters[k]);
			json_mode(j, o->waiter_modes[k]);
			wh_json_end_object(j);
		}
		wh_json_end_array(j);
		wh_json_key(j, "incomplete");
		wh_output_json_diags_joined(j, &o->incomplete);
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
	wh_output_json_diag_messages(&j, &r->waits.diags);
	wh_output_json_diag_messages(&j, &r->summary.tasks.diags);
	wh_output_json_diag_messages(&j, &r->cpus.diags);
	wh_output_json_diag_messages(&j, &r->diags);
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
	/* The same problems with their code, address and where they were met,
	 * and each object's own (its "incomplete"). */
	wh_json_key(&j, "diagnostics");
	wh_json_begin_array(&j);
	wh_output_json_diags(&j, &r->waits.diags);
	wh_output_json_diags(&j, &r->summary.tasks.diags);
	wh_output_json_diags(&j, &r->cpus.diags);
	wh_output_json_diags(&j, &r->diags);
	for (size_t i = 0; i < r->waits.n_objects; i++)
		wh_output_json_diags(&j, &r->waits.objects[i].incomplete);
	wh_json_end_array(&j);
	wh_json_end_object(&j);
}
