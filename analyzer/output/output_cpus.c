#include "output_diags.h"
#include "output_cpus.h"
#include "escape.h"
#include "output_backtrace.h"

#include <inttypes.h>

static const char *tristate(int v, const char *yes, const char *no)
{
	return v < 0 ? "unknown" : v ? yes : no;
}

void wh_output_text_cpus(FILE *out, const struct wh_cpus *c)
{
	for (size_t i = 0; i < c->count; i++) {
		const struct wh_cpu_view *v = &c->cpus[i];
		const struct wh_backtrace *bt = v->bt;
		char comm[4 * WH_COMM_LEN + 1] = "?";
		if (bt->task.pid >= 0)
			wh_escape_text(bt->task.comm, WH_COMM_LEN, comm, sizeof(comm));
		fprintf(out, "%sCPU %u%s: %s[%d], %s%s context, interrupts %s", i ? "\n" : "",
			v->cpu, v->panicking ? " (panicking)" : "", comm, bt->task.pid,
			v->stopped_by_nmi ? "stopped by an NMI for the dump, was in " : "",
			v->context, tristate(v->irqs_disabled, "off", "on"));
		if (v->preempt_count >= 0)
			fprintf(out, ", preempt count 0x%" PRIx64, (uint64_t)v->preempt_count);
		if (v->watchdog_age_s >= 0)
			fprintf(out, ", watchdog touched %" PRId64 "s ago", v->watchdog_age_s);
		fputc('\n', out);
		if (!v->have_regs) {
			fprintf(out, "  no registers saved for this CPU in the dump\n");
			continue;
		}
		for (size_t f = 0; f < bt->stack.n; f++) {
			if (f == v->interrupted_frame)
				fprintf(out, "  -- interrupted code (interrupts were %s):\n",
					tristate(v->interrupted_irqs_disabled, "off", "on"));
			wh_output_text_frame_lines(out, bt, f, " ");
		}
		wh_output_text_trace_end(out, &bt->stack, "  ", false);
	}
}

static void tristate_json(struct wh_json *j, int v)
{
	if (v < 0)
		wh_json_null(j);
	else
		wh_json_bool(j, v);
}

void wh_output_json_cpu_array(struct wh_json *j, const struct wh_cpus *c)
{
	wh_json_begin_array(j);
	for (size_t i = 0; i < c->count; i++) {
		const struct wh_cpu_view *v = &c->cpus[i];
		wh_json_begin_object(j);
		wh_json_key(j, "cpu");
		wh_json_uint(j, v->cpu);
		wh_json_key(j, "panicking");
		wh_json_bool(j, v->panicking);
		wh_json_key(j, "stopped_by_nmi");
		wh_json_bool(j, v->stopped_by_nmi);
		wh_json_key(j, "pid");
		if (v->bt->task.pid >= 0)
			wh_json_int(j, v->bt->task.pid);
		else
			wh_json_null(j);
		wh_json_key(j, "comm");
		wh_json_string_n(j, v->bt->task.comm, WH_COMM_LEN);
		wh_json_key(j, "context");
		wh_json_string(j, v->context);
		wh_json_key(j, "preempt_count");
		if (v->preempt_count >= 0)
			wh_json_int(j, v->preempt_count);
		else
			wh_json_null(j);
		wh_json_key(j, "irqs_disabled");
		tristate_json(j, v->irqs_disabled);
		wh_json_key(j, "watchdog_age_s");
		if (v->watchdog_age_s >= 0)
			wh_json_int(j, v->watchdog_age_s);
		else
			wh_json_null(j);
		wh_json_key(j, "interrupted_frame");
		if (v->interrupted_frame != SIZE_MAX)
			wh_json_uint(j, v->interrupted_frame);
		else
			wh_json_null(j);
		wh_json_key(j, "interrupted_irqs_disabled");
		tristate_json(j, v->interrupted_irqs_disabled);
		wh_json_key(j, "frames");
		wh_output_json_frames(j, v->bt);
		wh_json_end_object(j);
	}
	wh_json_end_array(j);
}

void wh_output_json_cpus(FILE *out, const struct wh_cpus *c)
{
	struct wh_json j;
	wh_json_init(&j, out);
	wh_json_begin_object(&j);
	wh_json_key(&j, "schema");
	wh_json_string(&j, WH_SCHEMA_CPUS);
	wh_json_key(&j, "cpus");
	wh_output_json_cpu_array(&j, c);
	wh_json_key(&j, "warnings");
	wh_json_begin_array(&j);
	wh_output_json_diag_messages(&j, &c->diags);
	wh_json_end_array(&j);
	wh_json_key(&j, "diagnostics");
	wh_json_begin_array(&j);
	wh_output_json_diags(&j, &c->diags);
	wh_json_end_array(&j);
	wh_json_end_object(&j);
}
