#include "output_report.h"
#include "escape.h"
#include "explain.h"
#include "json_writer.h"
#include "output.h"
#include "output_backtrace.h"
#include "output_cpus.h"

#include <inttypes.h>
#include <string.h>

static const char *owner_how(enum wh_owner_how how)
{
	return how == WH_OWNER_FIELD ? "owner-field" : "inferred";
}

static const char *root_kind(enum wh_root_kind kind)
{
	switch (kind) {
	case WH_ROOT_CYCLE: return "deadlock";
	case WH_ROOT_TASK: return "holder";
	case WH_ROOT_OBJECT: return "no-holder";
	}
	return "unknown";
}

static void task_label_by_address(const struct wh_report *r, uint64_t addr, char *buf, size_t size)
{
	const struct wh_task *t = wh_task_list_find_address(&r->summary.tasks, addr);
	if (t)
		wh_report_task_label(t, buf, size);
	else
		snprintf(buf, size, "task 0x%" PRIx64, addr);
}

/* ---- text ---- */

static void text_objects(FILE *out, const struct wh_report *r)
{
	if (!r->waits.n_objects)
		return;
	fprintf(out, "\nLocks and wait objects:\n");
	for (size_t i = 0; i < r->waits.n_objects; i++) {
		const struct wh_wait_object *o = &r->waits.objects[i];
		char label[400], state[4 * sizeof(o->state)];
		wh_explain_object_label(r, i, label, sizeof(label));
		wh_escape_text(o->state, sizeof(o->state), state, sizeof(state));
		fprintf(out, "  %s at 0x%" PRIx64 ": %s\n", label, o->address, state);
		for (size_t j = 0; j < o->n_owners; j++) {
			char who[96], ev[4 * sizeof(o->owners[j].evidence)];
			task_label_by_address(r, o->owners[j].task, who, sizeof(who));
			wh_escape_text(o->owners[j].evidence, sizeof(o->owners[j].evidence), ev,
				       sizeof(ev));
			fprintf(out, "    held by %s (%s: %s)\n", who, owner_how(o->owners[j].how),
				ev);
		}
		if (!o->n_owners)
			fprintf(out, "    held by: unknown\n");
		for (size_t j = 0; j < o->n_waiters; j++) {
			char who[96];
			task_label_by_address(r, o->waiters[j], who, sizeof(who));
			fprintf(out, "    waiter %zu: %s%s%s\n", j + 1, who,
				o->waiter_modes[j][0] ? " for " : "", o->waiter_modes[j]);
		}
		if (o->io.known) {
			char io[400], esc[4 * sizeof(io)];
			wh_io_target_summary(&o->io, io, sizeof(io));
			wh_escape_text(io, sizeof(io), esc, sizeof(esc));
			fprintf(out, "    I/O to: %s\n", esc);
			if (o->io.incomplete[0]) {
				char inc[4 * sizeof(o->io.incomplete)];
				wh_escape_text(o->io.incomplete, sizeof(o->io.incomplete), inc,
					       sizeof(inc));
				fprintf(out, "    I/O target incomplete: %s\n", inc);
			}
		}
		if (o->incomplete[0]) {
			char inc[4 * sizeof(o->incomplete)];
			wh_escape_text(o->incomplete, sizeof(o->incomplete), inc, sizeof(inc));
			fprintf(out, "    incomplete: %s\n", inc);
		}
	}
}

static void text_roots(FILE *out, const struct wh_report *r)
{
	if (!r->graph.n_roots)
		return;
	fprintf(out, "\nRoot causes (most tasks blocked first):\n");
	for (size_t i = 0; i < r->graph.n_roots; i++) {
		const struct wh_root_cause *rc = &r->graph.roots[i];
		char what[512];
		if (rc->kind == WH_ROOT_CYCLE) {
			const struct wh_cycle *cy = &r->graph.cycles[rc->index];
			size_t n = 0;
			what[0] = '\0';
			for (size_t j = 0; j < cy->n; j++) {
				char label[96];
				wh_report_task_label(&r->summary.tasks.tasks[cy->tasks[j]], label,
						     sizeof(label));
				n += (size_t)snprintf(what + n,
						      n < sizeof(what) ? sizeof(what) - n : 0,
						      "%s%s", j ? " <-> " : "", label);
			}
		} else if (rc->kind == WH_ROOT_TASK) {
			char label[96], where[400];
			wh_report_task_label(&r->summary.tasks.tasks[rc->index], label,
					     sizeof(label));
			wh_explain_task_whereabouts(r, rc->index, where, sizeof(where));
			snprintf(what, sizeof(what), "%s, %s", label, where);
		} else {
			const struct wh_io_target *io = &r->waits.objects[rc->index].io;
			char label[400], sum[400] = "";
			wh_explain_object_label(r, rc->index, label, sizeof(label));
			if (io->known) {
				char raw[400];
				wh_io_target_summary(io, raw, sizeof(raw));
				wh_escape_text(raw, sizeof(raw), sum, sizeof(sum));
			}
			snprintf(what, sizeof(what), "%s%s%s", label, io->known ? ", I/O to " : "",
				 sum);
		}
		bool possible = rc->kind == WH_ROOT_CYCLE && r->graph.cycles[rc->index].inferred;
		fprintf(out, "  %zu. %s%s: %s; %zu task%s blocked\n", i + 1,
			possible ? "possible " : "", root_kind(rc->kind), what, rc->blocked,
			rc->blocked == 1 ? "" : "s");
	}
}

static void text_graph(FILE *out, const struct wh_report *r)
{
	if (!r->waits.n_waits)
		return;
	fprintf(out, "\nWait graph (task -> object -> holder):\n");
	for (size_t i = 0; i < r->waits.n_waits; i++) {
		const struct wh_task_wait *w = &r->waits.waits[i];
		const struct wh_wait_object *o = &r->waits.objects[w->object];
		char who[96], obj[400];
		task_label_by_address(r, w->task, who, sizeof(who));
		wh_explain_object_label(r, w->object, obj, sizeof(obj));
		fprintf(out, "  %s -> %s%s%s ->", who, obj, w->mode[0] ? " for " : "", w->mode);
		if (!o->n_owners)
			fprintf(out, " (no known holder)");
		for (size_t j = 0; j < o->n_owners; j++) {
			char h[96];
			task_label_by_address(r, o->owners[j].task, h, sizeof(h));
			fprintf(out, "%s %s%s", j ? "," : "", h,
				o->owners[j].how == WH_OWNER_INFERRED ? " (inferred)" : "");
		}
		const struct wh_task *t = wh_task_list_find_address(&r->summary.tasks, w->task);
		if (t) {
			size_t ti = (size_t)(t - r->summary.tasks.tasks);
			if (r->graph.task_cycle[ti] >= 0)
				fprintf(out, "  [deadlock cycle %d]", r->graph.task_cycle[ti] + 1);
		}
		fputc('\n', out);
	}
}

static void text_groups(FILE *out, const struct wh_report *r)
{
	if (!r->n_groups)
		return;
	fprintf(out, "\nStacks of the D tasks (%zu distinct):\n", r->n_groups);
	for (size_t g = 0; g < r->n_groups; g++) {
		const struct wh_stack_group *grp = &r->groups[g];
		fprintf(out, "\n  %zu task%s:", grp->n, grp->n == 1 ? "" : "s");
		for (size_t i = 0; i < grp->n && i < 12; i++) {
			char label[96];
			wh_report_task_label(&r->bts.items[grp->members[i]]->task, label,
					     sizeof(label));
			fprintf(out, " %s", label);
		}
		if (grp->n > 12)
			fprintf(out, " and %zu more", grp->n - 12);
		fputc('\n', out);
		const struct wh_backtrace *bt = r->bts.items[grp->members[0]];
		for (size_t i = 0; i < bt->stack.n; i++)
			wh_output_text_frame_lines(out, bt, i, "  ");
		if (!wh_unwind_complete(&bt->stack))
			fprintf(out, "   -- trace ends: %s\n", wh_unwind_end_name(bt->stack.end));
	}
}

void wh_output_text_report(FILE *out, const struct wh_report *r)
{
	wh_output_text_header(out, &r->summary);
	fprintf(out, "\nWhy it hung:\n%s", r->explanation ? r->explanation : "");
	text_roots(out, r);
	text_graph(out, r);
	text_objects(out, r);
	fprintf(out, "\nCPUs at the time of the dump:\n");
	wh_output_text_cpus(out, &r->cpus);
	text_groups(out, r);
	for (size_t i = 0; i < r->waits.n_warnings; i++) {
		char msg[1024];
		fprintf(out, "warning: %s\n",
			wh_escape_text(r->waits.warnings[i], SIZE_MAX, msg, sizeof(msg)));
	}
}

/* ---- JSON ---- */

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

/* Tasks worth listing: blocked, waiting, or holding something. */
static bool interesting(const struct wh_report *r, const struct wh_task *t)
{
	if (t->state == 'D' || wh_waits_of_task(&r->waits, t->address))
		return true;
	for (size_t i = 0; i < r->waits.n_objects; i++)
		for (size_t j = 0; j < r->waits.objects[i].n_owners; j++)
			if (r->waits.objects[i].owners[j].task == t->address)
				return true;
	return false;
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
			wh_json_string(j, owner_how(o->owners[k].how));
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
		wh_json_string(j, root_kind(rc->kind));
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
		if (interesting(r, &r->summary.tasks.tasks[i]))
			json_task(&j, r, &r->summary.tasks.tasks[i]);
	wh_json_end_array(&j);
	json_objects(&j, r);
	json_graph(&j, r);
	wh_json_key(&j, "cpus");
	wh_output_json_cpu_array(&j, &r->cpus);
	json_spinlocks(&j, r);
	wh_json_key(&j, "warnings");
	wh_json_begin_array(&j);
	for (size_t i = 0; i < r->waits.n_warnings; i++)
		wh_json_string(&j, r->waits.warnings[i]);
	for (size_t i = 0; i < r->summary.tasks.n_warnings; i++)
		wh_json_string(&j, r->summary.tasks.warnings[i]);
	wh_json_end_array(&j);
	wh_json_end_object(&j);
}

/* ---- DOT ---- */

/* DOT string literal: only printable ASCII, quotes and backslashes escaped. */
static void dot_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\\\x%02x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

void wh_output_dot_report(FILE *out, const struct wh_report *r)
{
	fprintf(out, "digraph whyhung {\n  rankdir=LR;\n  node [fontname=\"monospace\"];\n");
	for (size_t i = 0; i < r->summary.tasks.count; i++) {
		const struct wh_task *t = &r->summary.tasks.tasks[i];
		if (!interesting(r, t))
			continue;
		char label[160], l2[200];
		wh_report_task_label(t, label, sizeof(label));
		snprintf(l2, sizeof(l2), "%s\n%c", label, t->state);
		fprintf(out, "  t%zu [shape=box%s label=", i,
			r->graph.task_cycle[i] >= 0 ? " color=red" : "");
		dot_string(out, l2);
		fprintf(out, "];\n");
	}
	for (size_t i = 0; i < r->waits.n_objects; i++) {
		char label[400];
		wh_explain_object_label(r, i, label, sizeof(label));
		fprintf(out, "  o%zu [shape=ellipse label=", i);
		dot_string(out, label);
		fprintf(out, "];\n");
		const struct wh_wait_object *o = &r->waits.objects[i];
		for (size_t k = 0; k < o->n_owners; k++) {
			const struct wh_task *t =
			    wh_task_list_find_address(&r->summary.tasks, o->owners[k].task);
			if (t)
				fprintf(out, "  o%zu -> t%zu [label=\"held by%s\"%s];\n", i,
					(size_t)(t - r->summary.tasks.tasks),
					o->owners[k].how == WH_OWNER_INFERRED ? " (inferred)" : "",
					o->owners[k].how == WH_OWNER_INFERRED ? " style=dashed"
									      : "");
		}
	}
	/* Block devices the awaited I/O goes to: one node per device, named
	 * by the first object that waits on it. */
	for (size_t i = 0; i < r->waits.n_objects; i++) {
		const struct wh_io_target *io = &r->waits.objects[i].io;
		if (!io->known)
			continue;
		size_t first = i;
		for (size_t k = 0; k < i; k++)
			if (r->waits.objects[k].io.known &&
			    r->waits.objects[k].io.bdev == io->bdev) {
				first = k;
				break;
			}
		if (first == i) {
			char sum[400];
			wh_io_target_summary(io, sum, sizeof(sum));
			fprintf(out, "  d%zu [shape=cylinder label=", i);
			dot_string(out, sum);
			fprintf(out, "];\n");
		}
		fprintf(out, "  o%zu -> d%zu [label=\"I/O to\"];\n", i, first);
	}
	for (size_t i = 0; i < r->waits.n_waits; i++) {
		const struct wh_task *t =
		    wh_task_list_find_address(&r->summary.tasks, r->waits.waits[i].task);
		if (t)
			fprintf(out, "  t%zu -> o%zu [label=\"waits\"];\n",
				(size_t)(t - r->summary.tasks.tasks), r->waits.waits[i].object);
	}
	/* CPUs spinning on spinlocks, and the CPU inferred to hold each. */
	for (size_t i = 0; i < r->spinlocks.count; i++) {
		const struct wh_spinlock *l = &r->spinlocks.locks[i];
		fprintf(out, "  s%zu [shape=diamond label=", i);
		dot_string(out, l->name);
		fprintf(out, "];\n");
		for (size_t k = 0; k < l->n_spinners; k++)
			fprintf(out,
				"  cpu%u [shape=box style=rounded label=\"CPU %u\"];\n"
				"  cpu%u -> s%zu [label=\"spins\"];\n",
				l->spinners[k], l->spinners[k], l->spinners[k], i);
		if (l->holder_cpu >= 0)
			fprintf(out,
				"  cpu%d [shape=box style=rounded label=\"CPU %d\"];\n"
				"  s%zu -> cpu%d [label=\"held by (inferred)\" style=dashed];\n",
				l->holder_cpu, l->holder_cpu, i, l->holder_cpu);
	}
	fprintf(out, "}\n");
}
