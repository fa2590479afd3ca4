#include "output_backtrace.h"
#include "escape.h"
#include "output_summary.h"

#include <inttypes.h>
#include <string.h>

/* One frame line "#N func+0xoff [module] (file:line)" without newline. */
static void text_frame(FILE *out, const struct wh_backtrace *bt, size_t i)
{
	const struct wh_frame *f = &bt->stack.frames[i];
	char name[512], mod[4 * 64 + 1];
	fprintf(out, " #%-2zu %s", i, f->flags & WH_FRAME_SCANNED ? "? " : "");
	if (f->have_symbol)
		fprintf(out, "%s+0x%" PRIx64,
			wh_escape_text(f->sym.function, SIZE_MAX, name, sizeof(name)),
			f->sym.offset);
	else
		fprintf(out, "0x%016" PRIx64, f->ip);
	if (f->sym.module)
		fprintf(out, " [%s]", wh_escape_text(f->sym.module, SIZE_MAX, mod, sizeof(mod)));
	if (bt->sources[i].file)
		fprintf(out, " (%s:%u)",
			wh_escape_text(bt->sources[i].file, SIZE_MAX, name, sizeof(name)),
			bt->sources[i].line);
	if (f->flags & WH_FRAME_REGS)
		fputs(" <interrupted here>", out);
}

void wh_output_text_frame_lines(FILE *out, const struct wh_backtrace *bt, size_t i,
				const char *indent)
{
	const struct wh_frame_source *src = &bt->sources[i];
	char name[512], file[512];
	for (size_t k = 0; k < src->n_inlined; k++) {
		const struct wh_inline_frame *in = &src->inlined[k];
		/* No number: the numbers are the physical frames'. */
		fprintf(out, "%s     %s (inlined)", indent,
			in->function ? wh_escape_text(in->function, SIZE_MAX, name, sizeof(name))
				     : "?");
		if (in->file)
			fprintf(out, " (%s:%u)",
				wh_escape_text(in->file, SIZE_MAX, file, sizeof(file)), in->line);
		fputc('\n', out);
	}
	fputs(indent, out);
	text_frame(out, bt, i);
	fputc('\n', out);
}

static void print_header(FILE *out, const struct wh_backtrace *bt)
{
	char comm[4 * WH_COMM_LEN + 1], dur[32];
	const struct wh_task *t = &bt->task;
	wh_escape_text(t->comm, WH_COMM_LEN, comm, sizeof(comm));
	if (bt->cpu >= 0 && t->pid < 0) {
		fprintf(out, "CPU %d: no task known to run here\n", bt->cpu);
		return;
	}
	if (bt->cpu >= 0)
		fprintf(out, "CPU %d running ", bt->cpu);
	fprintf(out, "PID %" PRId32 " TGID %" PRId32 " \"%s\" state %c", t->pid, t->tgid, comm,
		t->state);
	if (t->cpu >= 0)
		fprintf(out, " CPU %d", t->cpu);
	if (t->in_state_ns >= 0)
		fprintf(out, " for %s", wh_format_duration(t->in_state_ns, dur, sizeof(dur)));
	fprintf(out, " task 0x%" PRIx64 "\n", t->address);
}

void wh_output_text_backtraces(FILE *out, const struct wh_backtraces *bts)
{
	for (size_t b = 0; b < bts->count; b++) {
		const struct wh_backtrace *bt = bts->items[b];
		if (b)
			fputc('\n', out);
		print_header(out, bt);
		for (size_t i = 0; i < bt->stack.n; i++)
			wh_output_text_frame_lines(out, bt, i, "");
		wh_output_text_trace_end(out, &bt->stack, " ", true);
	}
}

void wh_output_text_trace_end(FILE *out, const struct wh_stack *stack, const char *indent,
			      bool with_address)
{
	if (wh_unwind_complete(stack))
		return;
	fprintf(out, "%s-- trace ends: %s", indent, wh_unwind_end_name(stack->end));
	if (with_address && stack->end_address)
		fprintf(out, " at 0x%" PRIx64, stack->end_address);
	if (stack->end_detail[0]) {
		char esc[4 * sizeof(stack->end_detail) + 1];
		fprintf(out, " (%s)",
			wh_escape_text(stack->end_detail, strnlen(stack->end_detail,
								  sizeof(stack->end_detail)),
				       esc, sizeof(esc)));
	}
	fputc('\n', out);
}

void wh_output_json_frames(struct wh_json *j, const struct wh_backtrace *bt)
{
	wh_json_begin_array(j);
	for (size_t i = 0; i < bt->stack.n; i++) {
		const struct wh_frame *f = &bt->stack.frames[i];
		wh_json_begin_object(j);
		wh_json_key(j, "function");
		wh_json_string(j, f->have_symbol ? f->sym.function : NULL);
		wh_json_key(j, "offset");
		if (f->have_symbol)
			wh_json_uint(j, f->sym.offset);
		else
			wh_json_null(j);
		wh_json_key(j, "module");
		wh_json_string(j, f->sym.module);
		wh_json_key(j, "address");
		wh_json_hex(j, f->ip);
		wh_json_key(j, "file");
		wh_json_string(j, bt->sources[i].file);
		wh_json_key(j, "line");
		if (bt->sources[i].file)
			wh_json_uint(j, bt->sources[i].line);
		else
			wh_json_null(j);
		wh_json_key(j, "inlined");
		wh_json_begin_array(j);
		for (size_t k = 0; k < bt->sources[i].n_inlined; k++) {
			const struct wh_inline_frame *in = &bt->sources[i].inlined[k];
			wh_json_begin_object(j);
			wh_json_key(j, "function");
			wh_json_string(j, in->function);
			wh_json_key(j, "file");
			wh_json_string(j, in->file);
			wh_json_key(j, "line");
			if (in->file)
				wh_json_uint(j, in->line);
			else
				wh_json_null(j);
			wh_json_end_object(j);
		}
		wh_json_end_array(j);
		wh_json_key(j, "scanned");
		wh_json_bool(j, f->flags & WH_FRAME_SCANNED);
		wh_json_key(j, "interrupted");
		wh_json_bool(j, f->flags & WH_FRAME_REGS);
		wh_json_end_object(j);
	}
	wh_json_end_array(j);
}

void wh_output_json_backtraces(FILE *out, const struct wh_backtraces *bts)
{
	struct wh_json j;
	wh_json_init(&j, out);
	wh_json_begin_object(&j);
	wh_json_key(&j, "schema");
	wh_json_string(&j, WH_SCHEMA_BACKTRACES);
	wh_json_key(&j, "backtraces");
	wh_json_begin_array(&j);
	for (size_t b = 0; b < bts->count; b++) {
		const struct wh_backtrace *bt = bts->items[b];
		char state[2] = {bt->task.state, '\0'};
		wh_json_begin_object(&j);
		wh_json_key(&j, "cpu");
		if (bt->cpu >= 0)
			wh_json_int(&j, bt->cpu);
		else
			wh_json_null(&j);
		wh_json_key(&j, "pid");
		if (bt->task.pid >= 0)
			wh_json_int(&j, bt->task.pid);
		else
			wh_json_null(&j);
		wh_json_key(&j, "tgid");
		wh_json_int(&j, bt->task.tgid);
		wh_json_key(&j, "comm");
		wh_json_string_n(&j, bt->task.comm, WH_COMM_LEN);
		wh_json_key(&j, "state");
		wh_json_string(&j, bt->task.pid >= 0 ? state : NULL);
		wh_json_key(&j, "frames");
		wh_output_json_frames(&j, bt);
		wh_json_key(&j, "complete");
		wh_json_bool(&j, wh_unwind_complete(&bt->stack));
		wh_json_key(&j, "end");
		wh_json_string(&j, wh_unwind_end_name(bt->stack.end));
		wh_json_key(&j, "end_detail");
		if (bt->stack.end_detail[0])
			wh_json_string(&j, bt->stack.end_detail);
		else
			wh_json_null(&j);
		wh_json_key(&j, "user_mode");
		wh_json_bool(&j, bt->stack.user_mode);
		wh_json_end_object(&j);
	}
	wh_json_end_array(&j);
	wh_json_end_object(&j);
}
