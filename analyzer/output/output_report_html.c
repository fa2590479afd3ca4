/* The report as one self-contained HTML page: inline CSS, the wait graph
 * as inline SVG, no script and no external fetch, readable and printable
 * without JavaScript. Every string from the dump goes through
 * markup_escape.h; the ids of sections come from graph_view.h so that the
 * graph's links and the page's anchors agree. */
#include "explain.h"
#include "graph_view.h"
#include "markup_escape.h"
#include "output_backtrace.h"
#include "output_cpus.h"
#include "output_report.h"
#include "output_report_common.h"
#include "output_summary.h"
#include "svg_graph.h"
#include "wait_words.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const char html_style[] =
    "body{font:14px/1.4 sans-serif;margin:1.5em auto;max-width:80em;padding:0 1em;color:#111}"
    "pre,code,td.m{font-family:monospace;font-size:13px}"
    "pre{white-space:pre-wrap;background:#f6f6f6;padding:.5em;overflow-x:auto}"
    ".panic{font:bold 15px monospace;background:#fde8e8;border-left:4px solid #d00000;"
    "padding:.5em}"
    ".explanation p{margin:.4em 0}"
    "figure{margin:0;overflow:auto;border:1px solid #ddd}"
    "figure svg{max-width:100%;height:auto}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;"
    "text-align:left;vertical-align:top}"
    ".cycle{color:#d00000;font-weight:bold}li.root::marker{color:#e8590c}"
    "section.obj{border-top:1px solid #ddd;margin-top:.5em}"
    ":target{outline:3px solid #4a90d9}"
    /* Printed, every <details> is open (Chromium 131+, Firefox 143+). */
    "@media print{figure{border:0}a{color:inherit;text-decoration:none}"
    "details::details-content{content-visibility:visible;display:block}"
    "details>summary{list-style:none}}";

/* The report with what the page asks per task made lookups, not scans:
 * on 10,000 tasks, scanning the task, wait and stack lists per link cost
 * seconds. */
struct page {
	const struct wh_report *r;
	struct task_ref {
		uint64_t address;
		size_t task;
	} * by_address;			/* sorted by address */
	bool *listed;			/* per task: blocked, waiting or holding */
	size_t *group;			/* per task: its stack group, or SIZE_MAX */
	const struct wh_backtrace **bt; /* per task, or NULL */
};

static int task_ref_cmp(const void *a, const void *b)
{
	uint64_t x = ((const struct task_ref *)a)->address;
	uint64_t y = ((const struct task_ref *)b)->address;
	return x < y ? -1 : x > y;
}

/* Task list index of the task at ADDR, or SIZE_MAX. */
static size_t page_task(const struct page *p, uint64_t addr)
{
	struct task_ref key = {.address = addr};
	const struct task_ref *hit =
	    bsearch(&key, p->by_address, p->r->summary.tasks.count, sizeof(key), task_ref_cmp);
	return hit ? hit->task : SIZE_MAX;
}

static void page_deinit(struct page *p)
{
	free(p->by_address);
	free(p->listed);
	free(p->group);
	free(p->bt);
}

static struct wh_error *page_init(const struct wh_report *r, struct page *p)
{
	size_t n = r->summary.tasks.count ? r->summary.tasks.count : 1;
	*p = (struct page){.r = r,
			   .by_address = malloc(n * sizeof(*p->by_address)),
			   .listed = calloc(n, sizeof(*p->listed)),
			   .group = malloc(n * sizeof(*p->group)),
			   .bt = calloc(n, sizeof(*p->bt))};
	if (!p->by_address || !p->listed || !p->group || !p->bt) {
		page_deinit(p);
		return &wh_error_nomem;
	}
	for (size_t i = 0; i < r->summary.tasks.count; i++) {
		const struct wh_task *t = &r->summary.tasks.tasks[i];
		p->by_address[i] = (struct task_ref){.address = t->address, .task = i};
		p->group[i] = SIZE_MAX;
		p->listed[i] = t->state == 'D';
	}
	qsort(p->by_address, r->summary.tasks.count, sizeof(*p->by_address), task_ref_cmp);
	size_t ti;
	for (size_t i = 0; i < r->waits.n_waits; i++)
		if ((ti = page_task(p, r->waits.waits[i].task)) != SIZE_MAX)
			p->listed[ti] = true;
	for (size_t o = 0; o < r->waits.n_objects; o++)
		for (size_t k = 0; k < r->waits.objects[o].n_owners; k++)
			if ((ti = page_task(p, r->waits.objects[o].owners[k].task)) != SIZE_MAX)
				p->listed[ti] = true;
	/* wh_report_backtrace()'s choice: the first task (not CPU) stack. */
	for (size_t i = r->bts.count; i-- > 0;)
		if (r->bts.items[i]->cpu < 0 &&
		    (ti = page_task(p, r->bts.items[i]->task.address)) != SIZE_MAX)
			p->bt[ti] = r->bts.items[i];
	for (size_t g = r->n_groups; g-- > 0;)
		for (size_t i = 0; i < r->groups[g].n; i++)
			if ((ti = page_task(p,
					    r->bts.items[r->groups[g].members[i]]->task.address)) !=
			    SIZE_MAX)
				p->group[ti] = g;
	return NULL;
}

static void esc(FILE *out, const char *s)
{
	wh_markup_write(out, WH_MARKUP_LABEL, s, SIZE_MAX);
}

static void task_link(FILE *out, const struct page *p, uint64_t addr)
{
	char label[160], id[48];
	size_t ti = page_task(p, addr);
	if (ti == SIZE_MAX)
		snprintf(label, sizeof(label), "task 0x%" PRIx64, addr);
	else
		wh_report_task_label(&p->r->summary.tasks.tasks[ti], label, sizeof(label));
	if (ti == SIZE_MAX || !p->listed[ti]) {
		esc(out, label);
		return;
	}
	wh_view_task_id(ti, id, sizeof(id));
	fprintf(out, "<a href=\"#%s\">", id);
	esc(out, label);
	fputs("</a>", out);
}

static void object_link(FILE *out, const struct wh_report *r, size_t object)
{
	char label[400], id[48];
	wh_explain_object_label(r, object, label, sizeof(label));
	wh_view_object_id(object, id, sizeof(id));
	fprintf(out, "<a href=\"#%s\">", id);
	esc(out, label);
	fputs("</a>", out);
}

/* Text renderings reused as preformatted blocks. */
struct text_block {
	char *buf;
	size_t len;
	FILE *f;
};

static struct wh_error *text_block_open(struct text_block *b)
{
	b->buf = NULL;
	b->len = 0;
	b->f = open_memstream(&b->buf, &b->len);
	return b->f ? NULL : &wh_error_nomem;
}

static struct wh_error *text_block_close(struct text_block *b)
{
	if (fclose(b->f) != 0) {
		free(b->buf);
		return &wh_error_nomem;
	}
	return NULL;
}

static void html_head(FILE *out, const struct wh_report *r, const char *header)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'; img-src data:\">\n<title>whyhung: ",
	      out);
	wh_markup_write(out, WH_MARKUP_RAW, r->summary.release, sizeof(r->summary.release));
	fprintf(out, "</title>\n<style>%s</style></head>\n<body>\n<h1>Why it hung</h1>\n",
		html_style);
	/* The panic line(s) of the text header first. */
	fputs("<div class=\"panic\" id=\"panic\">", out);
	bool any = false;
	for (const char *line = header; *line;) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		if (!strncmp(line, "panic", 5) || !strncmp(line, "warning", 7) ||
		    (any && line[0] == ' ')) {
			wh_markup_write(out, WH_MARKUP_LABEL, line, n);
			fputs("<br>\n", out);
			any = !strncmp(line, "panic", 5) || any;
		}
		line += n + (nl ? 1 : 0);
	}
	fputs("</div>\n<div class=\"explanation\" id=\"explanation\">\n", out);
	for (const char *p = r->explanation ? r->explanation : ""; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		fputs("<p>", out);
		wh_markup_write(out, WH_MARKUP_LABEL, p, n);
		fputs("</p>\n", out);
		p += n + (nl ? 1 : 0);
	}
	fputs("</div>\n", out);
}

static void html_roots(FILE *out, const struct page *p)
{
	const struct wh_report *r = p->r;
	fputs("<h2 id=\"roots\">Root causes</h2>\n", out);
	if (!r->graph.n_roots) {
		fputs("<p>None found.</p>\n", out);
		return;
	}
	fputs("<ol>\n", out);
	for (size_t i = 0; i < r->graph.n_roots; i++) {
		const struct wh_root_cause *rc = &r->graph.roots[i];
		bool possible = rc->kind == WH_ROOT_CYCLE && r->graph.cycles[rc->index].inferred;
		fprintf(out, "<li class=\"root\"><b>%s%s</b>: ", possible ? "possible " : "",
			wh_root_kind_name(rc->kind));
		if (rc->kind == WH_ROOT_CYCLE) {
			const struct wh_cycle *cy = &r->graph.cycles[rc->index];
			for (size_t j = 0; j < cy->n; j++) {
				fputs(j ? " &harr; " : "", out);
				task_link(out, p, r->summary.tasks.tasks[cy->tasks[j]].address);
			}
		} else if (rc->kind == WH_ROOT_TASK) {
			char where[400];
			task_link(out, p, r->summary.tasks.tasks[rc->index].address);
			wh_explain_task_whereabouts(r, rc->index, where, sizeof(where));
			fputs(", ", out);
			esc(out, where);
		} else {
			object_link(out, r, rc->index);
		}
		fprintf(out, "; %zu task%s blocked</li>\n", rc->blocked,
			rc->blocked == 1 ? "" : "s");
	}
	fputs("</ol>\n", out);
}

static void html_object(FILE *out, const struct page *p, size_t i)
{
	const struct wh_report *r = p->r;
	const struct wh_wait_object *o = &r->waits.objects[i];
	char id[48];
	wh_view_object_id(i, id, sizeof(id));
	fprintf(out, "<section class=\"obj\" id=\"%s\"><h3>", id);
	char label[400];
	wh_explain_object_label(r, i, label, sizeof(label));
	esc(out, label);
	fprintf(out, "</h3>\n<p><code>0x%" PRIx64 "</code>: ", o->address);
	char state[WH_STATE_TEXT];
	wh_object_state_text(&o->state, WH_WORDS_BESIDE_OWNERS, state, sizeof(state));
	wh_markup_write(out, WH_MARKUP_RAW, state, sizeof(state));
	fputs("</p>\n<p>Held by: ", out);
	if (!o->n_owners)
		fputs("unknown (nothing records a holder)", out);
	for (size_t j = 0; j < o->n_owners; j++) {
		fputs(j ? "; " : "", out);
		task_link(out, p, o->owners[j].task);
		fprintf(out, " (%s: ", wh_owner_how_name(o->owners[j].how));
		char ev[WH_EVIDENCE_TEXT];
		wh_evidence_text(&o->owners[j].evidence, ev, sizeof(ev));
		wh_markup_write(out, WH_MARKUP_RAW, ev, sizeof(ev));
		fputs(")", out);
	}
	fputs("</p>\n", out);
	if (o->io.known) {
		char io[400];
		wh_io_target_summary(&o->io, io, sizeof(io));
		fputs("<p>I/O to: ", out);
		wh_markup_write(out, WH_MARKUP_RAW, io, sizeof(io));
		fputs("</p>\n", out);
	}
	if (o->incomplete[0]) {
		fputs("<p>Incomplete: ", out);
		wh_markup_write(out, WH_MARKUP_RAW, o->incomplete, sizeof(o->incomplete));
		fputs("</p>\n", out);
	}
	if (o->n_waiters) {
		fprintf(out, "<details%s><summary>%zu waiter%s, in queue order</summary><ol>\n",
			o->n_waiters <= 20 ? " open" : "", o->n_waiters,
			o->n_waiters == 1 ? "" : "s");
		for (size_t j = 0; j < o->n_waiters; j++) {
			fputs("<li>", out);
			char mode[16];
			task_link(out, p, o->waiters[j]);
			/* Mode names are whyhung's own words: nothing to escape. */
			fputs(wh_report_for_mode(o->waiter_modes[j], mode), out);
			fputs("</li>\n", out);
		}
		fputs("</ol></details>\n", out);
	}
	fputs("</section>\n", out);
}

static void html_objects(FILE *out, const struct page *p)
{
	const struct wh_report *r = p->r;
	fputs("<h2 id=\"objects\">Locks and wait objects</h2>\n", out);
	if (!r->waits.n_objects)
		fputs("<p>No task waits on a lock or wait object whyhung recognised.</p>\n", out);
	for (size_t i = 0; i < r->waits.n_objects; i++)
		html_object(out, p, i);
}

static void html_task_row(FILE *out, const struct page *p, size_t ti)
{
	const struct wh_report *r = p->r;
	const struct wh_task *t = &r->summary.tasks.tasks[ti];
	char id[48], dur[32];
	wh_view_task_id(ti, id, sizeof(id));
	int cycle = r->graph.task_cycle[ti];
	fprintf(out, "<tr id=\"%s\"%s><td>%" PRId32 "</td><td class=\"m\">", id,
		cycle >= 0 ? " class=\"cycle\"" : "", t->pid);
	wh_markup_write(out, WH_MARKUP_RAW, t->comm, sizeof(t->comm));
	fprintf(out, "</td><td>%c</td><td>%s</td><td>", t->state,
		wh_format_duration(t->state == 'R' ? -1 : t->in_state_ns, dur, sizeof(dur)));
	const struct wh_task_wait *w = wh_waits_of_task(&r->waits, t->address);
	if (w) {
		char mode[16];
		object_link(out, r, w->object);
		fputs(wh_report_for_mode(w->mode, mode), out);
	}
	fputs("</td><td>", out);
	bool first = true;
	for (size_t o = 0; o < r->waits.n_objects; o++)
		for (size_t k = 0; k < r->waits.objects[o].n_owners; k++)
			if (r->waits.objects[o].owners[k].task == t->address) {
				fputs(first ? "" : "; ", out);
				object_link(out, r, o);
				first = false;
			}
	fputs("</td><td>", out);
	if (cycle >= 0)
		fprintf(out, "deadlock cycle %d", cycle + 1);
	size_t g = p->group[ti];
	fputs("</td><td>", out);
	if (g != SIZE_MAX)
		fprintf(out, "<a href=\"#stack-%zu\">stack %zu</a>", g + 1, g + 1);
	else if (p->bt[ti])
		fprintf(out, "<a href=\"#stack-%s\">stack</a>", id);
	fputs("</td></tr>\n", out);
}

static void html_tasks(FILE *out, const struct page *p)
{
	const struct wh_report *r = p->r;
	fputs("<h2 id=\"tasks\">Tasks that are blocked, wait or hold</h2>\n<table><thead><tr>"
	      "<th>pid</th><th>name</th><th>state</th><th>since last ran</th><th>waits on</th>"
	      "<th>holds</th><th>cycle</th><th>stack</th></tr></thead><tbody>\n",
	      out);
	for (size_t i = 0; i < r->summary.tasks.count; i++)
		if (p->listed[i])
			html_task_row(out, p, i);
	fputs("</tbody></table>\n", out);
}

static struct wh_error *html_stack(FILE *out, const struct wh_backtrace *bt)
{
	struct text_block b;
	struct wh_error *err = text_block_open(&b);
	if (err)
		return err;
	for (size_t i = 0; i < bt->stack.n; i++)
		wh_output_text_frame_lines(b.f, bt, i, "");
	wh_output_text_trace_end(b.f, &bt->stack, " ", false);
	if ((err = text_block_close(&b)))
		return err;
	fputs("<pre>", out);
	wh_markup_write(out, WH_MARKUP_LINES, b.buf, b.len);
	fputs("</pre>", out);
	free(b.buf);
	return NULL;
}

static struct wh_error *html_stacks(FILE *out, const struct page *p)
{
	const struct wh_report *r = p->r;
	struct wh_error *err;
	fprintf(out, "<h2 id=\"stacks\">Stacks of the D tasks (%zu distinct)</h2>\n", r->n_groups);
	for (size_t g = 0; g < r->n_groups; g++) {
		const struct wh_stack_group *grp = &r->groups[g];
		fprintf(out, "<details id=\"stack-%zu\"%s><summary>%zu task%s:", g + 1,
			g < 3 ? " open" : "", grp->n, grp->n == 1 ? "" : "s");
		for (size_t i = 0; i < grp->n && i < 12; i++) {
			fputc(' ', out);
			task_link(out, p, r->bts.items[grp->members[i]]->task.address);
		}
		if (grp->n > 12)
			fprintf(out, " and %zu more", grp->n - 12);
		fputs("</summary>", out);
		if ((err = html_stack(out, r->bts.items[grp->members[0]])))
			return err;
		fputs("</details>\n", out);
	}
	/* Holders and waiters outside the D groups (running, sleeping). */
	bool heading = false;
	for (size_t ti = 0; ti < r->summary.tasks.count; ti++) {
		const struct wh_task *t = &r->summary.tasks.tasks[ti];
		const struct wh_backtrace *bt = p->bt[ti];
		if (!bt || !p->listed[ti] || p->group[ti] != SIZE_MAX)
			continue;
		if (!heading)
			fputs("<h3>Other tasks' stacks</h3>\n", out);
		heading = true;
		char id[48], label[160];
		wh_view_task_id(ti, id, sizeof(id));
		wh_report_task_label(t, label, sizeof(label));
		fprintf(out, "<details id=\"stack-%s\" open><summary>", id);
		task_link(out, p, t->address);
		fprintf(out, " (state %c)</summary>", t->state);
		if ((err = html_stack(out, bt)))
			return err;
		fputs("</details>\n", out);
	}
	return NULL;
}

static void html_warnings(FILE *out, const struct wh_report *r)
{
	size_t n = r->summary.tasks.n_warnings + r->waits.n_warnings + !!r->summary.budget_spent;
	fputs("<h2 id=\"warnings\">Warnings</h2>\n", out);
	if (!n) {
		fputs("<p>None.</p>\n", out);
		return;
	}
	fputs("<ul>\n", out);
	for (size_t i = 0; i < r->summary.tasks.n_warnings; i++) {
		fputs("<li>", out);
		wh_markup_write(out, WH_MARKUP_RAW, r->summary.tasks.warnings[i], SIZE_MAX);
		fputs("</li>\n", out);
	}
	for (size_t i = 0; i < r->waits.n_warnings; i++) {
		fputs("<li>", out);
		wh_markup_write(out, WH_MARKUP_RAW, r->waits.warnings[i], SIZE_MAX);
		fputs("</li>\n", out);
	}
	if (r->summary.budget_spent)
		fprintf(out, "<li>analysis budget spent (%s): the report is partial</li>\n",
			r->summary.budget_spent);
	fputs("</ul>\n", out);
}

static void html_pre(FILE *out, const char *id, const char *title, const char *text)
{
	fprintf(out, "<h2 id=\"%s\">%s</h2>\n<pre>", id, title);
	wh_markup_write(out, WH_MARKUP_LINES, text, SIZE_MAX);
	fputs("</pre>\n", out);
}

static struct wh_error *html_page(FILE *out, const struct page *p, const char *svg, size_t svg_len,
				  const char *header, const char *cpus)
{
	html_head(out, p->r, header);
	fputs("<h2 id=\"graph\">Wait graph</h2>\n<p>Tasks (boxes) wait on objects (ellipses), "
	      "held by tasks. Red: a deadlock cycle; orange: a root cause; a double box: "
	      "identical waiters folded into one with their count. Each node links to its "
	      "section.</p>\n<figure>",
	      out);
	fwrite(svg, 1, svg_len, out);
	fputs("</figure>\n", out);
	html_roots(out, p);
	html_objects(out, p);
	html_tasks(out, p);
	html_pre(out, "cpus", "CPUs at the time of the dump", cpus);
	struct wh_error *err = html_stacks(out, p);
	if (!err) {
		html_warnings(out, p->r);
		html_pre(out, "facts", "Kernel and dump", header);
	}
	fputs("<footer><p>Written by whyhung.</p></footer>\n</body></html>\n", out);
	return err;
}

/* The text report's header and CPUs, reused as the page's blocks. */
static struct wh_error *text_parts(const struct wh_report *r, char **header, char **cpus)
{
	struct text_block h, c;
	struct wh_error *err = text_block_open(&h);
	if (err)
		return err;
	wh_output_text_header(h.f, &r->summary);
	if ((err = text_block_close(&h)))
		return err;
	if ((err = text_block_open(&c))) {
		free(h.buf);
		return err;
	}
	wh_output_text_cpus(c.f, &r->cpus);
	if ((err = text_block_close(&c))) {
		free(h.buf);
		return err;
	}
	*header = h.buf;
	*cpus = c.buf;
	return NULL;
}

struct wh_error *wh_output_html_report(FILE *out, const struct wh_report *r)
{
	char *svg, *header, *cpus;
	size_t svg_len;
	struct page page;
	struct wh_error *err = wh_svg_graph_render(r, &svg, &svg_len);
	if (err)
		return err;
	if ((err = text_parts(r, &header, &cpus))) {
		free(svg);
		return err;
	}
	if (!(err = page_init(r, &page))) {
		err = html_page(out, &page, svg, svg_len, header, cpus);
		page_deinit(&page);
	}
	free(svg);
	free(header);
	free(cpus);
	return err;
}
