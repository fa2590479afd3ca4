#include "output_diags.h"
#include "escape.h"
#include "explain.h"
#include "output_backtrace.h"
#include "output_cpus.h"
#include "output_report.h"
#include "output_report_common.h"
#include "output_summary.h"
#include "wait_words.h"

#include <inttypes.h>

static void text_objects(FILE *out, const struct wh_report *r)
{
	if (!r->waits.n_objects)
		return;
	fprintf(out, "\nLocks and wait objects:\n");
	for (size_t i = 0; i < r->waits.n_objects; i++) {
		const struct wh_wait_object *o = &r->waits.objects[i];
		char label[400], raw[WH_STATE_TEXT], state[4 * WH_STATE_TEXT];
		wh_explain_object_label(r, i, label, sizeof(label));
		wh_object_state_text(&o->state, WH_WORDS_BESIDE_OWNERS, raw, sizeof(raw));
		wh_escape_text(raw, sizeof(raw), state, sizeof(state));
		fprintf(out, "  %s at 0x%" PRIx64 ": %s\n", label, o->address, state);
		for (size_t j = 0; j < o->n_owners; j++) {
			char who[96], raw_ev[WH_EVIDENCE_TEXT], ev[4 * WH_EVIDENCE_TEXT];
			wh_report_task_label_by_address(r, o->owners[j].task, who, sizeof(who));
			wh_evidence_text(&o->owners[j].evidence, raw_ev, sizeof(raw_ev));
			wh_escape_text(raw_ev, sizeof(raw_ev), ev, sizeof(ev));
			fprintf(out, "    held by %s (%s: %s)\n", who,
				wh_owner_how_name(o->owners[j].how), ev);
		}
		if (!o->n_owners)
			fprintf(out, "    held by: unknown\n");
		for (size_t j = 0; j < o->n_waiters; j++) {
			char who[96], mode[16];
			wh_report_task_label_by_address(r, o->waiters[j], who, sizeof(who));
			fprintf(out, "    waiter %zu: %s%s\n", j + 1, who,
				wh_report_for_mode(o->waiter_modes[j], mode));
		}
		if (o->io.known) {
			char io[400], esc[4 * sizeof(io)];
			wh_io_target_summary(&o->io, io, sizeof(io));
			wh_escape_text(io, sizeof(io), esc, sizeof(esc));
			fprintf(out, "    I/O to: %s\n", esc);
			wh_output_text_diags(out, "    I/O target incomplete: ", &o->io.incomplete);
		}
		wh_output_text_diags(out, "    incomplete: ", &o->incomplete);
	}
}

static void text_roots(FILE *out, const struct wh_report *r)
{
	if (!r->graph.n_roots)
		return;
	fprintf(out, "\nRoot causes (most tasks blocked first):\n");
	for (size_t i = 0; i < r->graph.n_roots; i++) {
		const struct wh_root_cause *rc = &r->graph.roots[i];
		char what[1024]; /* an object's label and its I/O target: 400 each */
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
			possible ? "possible " : "", wh_root_kind_name(rc->kind), what, rc->blocked,
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
		char who[96], obj[400], mode[16];
		wh_report_task_label_by_address(r, w->task, who, sizeof(who));
		wh_explain_object_label(r, w->object, obj, sizeof(obj));
		fprintf(out, "  %s -> %s%s ->", who, obj, wh_report_for_mode(w->mode, mode));
		if (!o->n_owners)
			fprintf(out, " (no known holder)");
		for (size_t j = 0; j < o->n_owners; j++) {
			char h[96];
			wh_report_task_label_by_address(r, o->owners[j].task, h, sizeof(h));
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
		wh_output_text_trace_end(out, &bt->stack, "   ", false);
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
	wh_output_text_diags(out, "warning: ", &r->summary.tasks.diags);
	wh_output_text_diags(out, "warning: ", &r->waits.diags);
	wh_output_text_diags(out, "warning: ", &r->cpus.diags);
	wh_output_text_diags(out, "warning: ", &r->diags);
	if (r->summary.budget_spent)
		fprintf(out, "warning: analysis budget spent (%s)\n", r->summary.budget_spent);
}
