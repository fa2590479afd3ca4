#include "explain.h"
#include "output_report.h"
#include "output_report_common.h"

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
		if (!wh_report_task_interesting(r, t))
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
