/* The hostile report (tests/support/hostile_report.h) through every report
 * format: HTML and SVG carry no markup from the dump (no element, no
 * attribute, no comment it opens), Graphviz's escapes (\N, \l) stay
 * text, the SVG is well-formed; text, JSON and DOT hold as before. And
 * large graphs: identical waiters fold into one node with their count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "graph_view.h"
#include "markup_escape.h"
#include "output_report.h"
#include "tests/support/hostile_report.h"
#include "tests/support/json_read.h"

static struct hostile_report h;

static char *render(struct wh_error *(*fn)(FILE *, const struct wh_report *),
		    const struct wh_report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	struct wh_error *err = fn(f, r);
	if (err)
		fail_msg("%s", err->message);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static char *render_void(void (*fn)(FILE *, const struct wh_report *), const struct wh_report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	fn(f, r);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static int setup(void **state)
{
	hostile_report_build(&h);
	return 0;
}

/* Nothing a name could open: every '<' in the document is followed by a
 * tag or comment we write; none of the payloads' tag names. */
static void assert_no_injected_markup(const char *doc)
{
	static const char *const bad[] = {"<script",   "<img",	     "<svg onload", "<!--",
					  "</title><", "onerror=\"", "<a>"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		if (strstr(doc, bad[i]))
			fail_msg("found %s in the output", bad[i]);
	/* No raw control byte or non-ASCII byte, only newlines. */
	for (const char *p = doc; *p; p++)
		if (*p != '\n' && ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f))
			fail_msg("raw byte 0x%02x at offset %td", (unsigned char)*p, p - doc);
}

static void test_html(void **state)
{
	char *html = render(wh_output_html_report, &h.r);
	/* The graph's comments (<!-- n0 -->) are Graphviz's: drop the SVG
	 * before looking for comments a name might open. */
	char *svg = strstr(html, "<svg");
	char *end = svg ? strstr(svg, "</svg>") : NULL;
	assert_non_null(end);
	memmove(svg, end + 6, strlen(end + 6) + 1);
	assert_no_injected_markup(html);
	/* The names are there, as text. */
	assert_non_null(
	    strstr(html, "&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;"));
	assert_non_null(strstr(html, "&quot;&gt;&lt;img src=x&gt;"));
	assert_non_null(strstr(html, "a\\x1b[2J\\x07\\x0d\\x0ab&#39;"));
	assert_non_null(strstr(html, "\\xff\\xfe\\xc3(\\xed\\xa0\\x80&lt;/a&gt;"));
	/* The 16-byte comm, whole and not one byte more. */
	assert_non_null(strstr(html, ">0123456789abcdef<"));
	assert_non_null(strstr(html, "&amp;lt;b&amp;gt;\\x5cN\\x5cl&amp;"));
	/* Every task and object has its section, and its links land. */
	assert_non_null(strstr(html, "id=\"task-4\""));
	assert_non_null(strstr(html, "id=\"obj-2\""));
	free(html);
}

static void test_svg(void **state)
{
	char *svg = render(wh_output_svg_report, &h.r);
	char *body = strstr(svg, "<svg");
	assert_non_null(body);
	/* Graphviz comments each node with its name, ours ("n0"): drop them. */
	for (char *c; (c = strstr(body, "<!-- n"));) {
		char *e = strstr(c, "-->");
		assert_non_null(e);
		memmove(c, e + 3, strlen(e + 3) + 1);
	}
	assert_no_injected_markup(body);
	assert_non_null(strstr(body, "&lt;script&gt;[10]"));
	/* Graphviz's own escapes from a name are not read as escapes: the
	 * backslashes stay (as \x5c, the text report's escape). */
	assert_non_null(strstr(body, "\\x5cN\\x5cl"));
	/* Links to the page's sections; the cycle in red, the root orange. */
	assert_non_null(strstr(body, "xlink:href=\"#task-0\""));
	assert_non_null(strstr(body, "xlink:href=\"#obj-2\""));
	assert_non_null(strstr(body, "#d00000"));
	assert_non_null(strstr(body, "#ffd8a8"));
	free(svg);
}

static void test_text_json_dot(void **state)
{
	char *text = render_void(wh_output_text_report, &h.r);
	for (const char *p = text; *p; p++)
		assert_true(*p == '\n' || ((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f));
	assert_non_null(strstr(text, "a\\x1b[2J\\x07\\x0d\\x0ab'[12]"));
	free(text);

	char *json = render_void(wh_output_json_report, &h.r);
	struct jr_value *v = jr_parse(json);
	assert_non_null(v);
	const struct jr_value *tasks = jr_get(v, "tasks");
	assert_non_null(tasks);
	assert_int_equal(tasks->count, HOSTILE_TASKS);
	assert_string_equal(jr_get_string(&tasks->items[0], "comm"), "<script>");
	assert_string_equal(jr_get_string(&tasks->items[4], "comm"), "0123456789abcdef");
	const struct jr_value *objs = jr_get(v, "objects");
	assert_string_equal(jr_get_string(&objs->items[0], "name"), hostile_object_names[0]);
	jr_free(v);
	free(json);

	char *dot = render_void(wh_output_dot_report, &h.r);
	for (char *line = strtok(dot, "\n"); line; line = strtok(NULL, "\n")) {
		size_t quotes = 0;
		for (const char *p = line; *p; p++) {
			assert_true((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
			if (*p == '"' && (p == line || p[-1] != '\\'))
				quotes++;
		}
		assert_int_equal(quotes % 2, 0);
	}
	free(dot);
}

static void test_markup_escape(void **state)
{
	char buf[64];
	/* Truncation drops an entity whole, never half of one. */
	assert_string_equal(wh_markup_escape(WH_MARKUP_RAW, "ab<c", SIZE_MAX, buf, 6), "ab");
	assert_string_equal(wh_markup_escape(WH_MARKUP_RAW, "a\\b", SIZE_MAX, buf, sizeof(buf)),
			    "a\\x5cb");
	assert_string_equal(wh_markup_escape(WH_MARKUP_LABEL, "a\\x1b", SIZE_MAX, buf, sizeof(buf)),
			    "a\\x1b");
	assert_string_equal(
	    wh_markup_escape(WH_MARKUP_GRAPHVIZ, "a\\N", SIZE_MAX, buf, sizeof(buf)), "a\\\\N");
	assert_string_equal(wh_markup_escape(WH_MARKUP_LINES, "a\nb\r", SIZE_MAX, buf, sizeof(buf)),
			    "a\nb\\x0d");
	/* LEN bounds a name without NUL. */
	assert_string_equal(wh_markup_escape(WH_MARKUP_RAW, "abcdef", 3, buf, sizeof(buf)), "abc");
}

/* 500 tasks behind one mutex held by task 0: one folded node. */
static void test_large_graph_folds(void **state)
{
	enum { N = 501 };
	static struct wh_task tasks[N];
	static struct wh_task_wait waits[N];
	static uint64_t waiters[N];
	static struct wh_wait_mode modes[N];
	static int cycle[N];
	struct wh_wait_object obj = {.kind = WH_WAIT_KIND_MUTEX, .name = "big_lock", .n_owners = 1};
	struct wh_report r = {0};
	for (size_t i = 0; i < N; i++) {
		tasks[i] = (struct wh_task){
		    .pid = (int32_t)(100 + i), .state = 'D', .address = 0x1000 * (i + 1)};
		snprintf(tasks[i].comm, sizeof(tasks[i].comm), "worker/%zu", i);
		cycle[i] = -1;
	}
	obj.owners[0] = (struct wh_owner){.task = tasks[0].address, .pid = 100};
	for (size_t i = 1; i < N; i++) {
		waiters[i - 1] = tasks[i].address;
		waits[i - 1] = (struct wh_task_wait){.task = tasks[i].address, .object = 0};
	}
	obj.waiters = waiters;
	obj.waiter_modes = modes;
	obj.n_waiters = N - 1;
	r.summary.tasks = (struct wh_task_list){.tasks = tasks, .count = N};
	r.waits =
	    (struct wh_waits){.objects = &obj, .n_objects = 1, .waits = waits, .n_waits = N - 1};
	r.graph.task_cycle = cycle;
	struct wh_graph_view v;
	assert_null(wh_graph_view_build(&r, WH_VIEW_FOLD_MIN, &v));
	/* The mutex, its holder, one node for the 500 waiters. */
	assert_int_equal(v.n_nodes, 3);
	assert_int_equal(v.n_edges, 2);
	assert_int_equal(v.folded_tasks, N - 1);
	size_t folded = 0;
	for (size_t i = 0; i < v.n_nodes; i++)
		if (v.nodes[i].kind == WH_VIEW_FOLDED) {
			assert_int_equal(v.nodes[i].count, N - 1);
			folded++;
		}
	assert_int_equal(folded, 1);
	wh_graph_view_deinit(&v);
	/* Folding off: every waiter drawn. */
	assert_null(wh_graph_view_build(&r, 0, &v));
	assert_int_equal(v.n_nodes, N + 1);
	wh_graph_view_deinit(&v);
	char *svg = render(wh_output_svg_report, &r);
	assert_non_null(strstr(svg, "500 tasks waiting"));
	assert_null(strstr(svg, "worker/17["));
	free(svg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_markup_escape),
	    cmocka_unit_test(test_html),
	    cmocka_unit_test(test_svg),
	    cmocka_unit_test(test_text_json_dot),
	    cmocka_unit_test(test_large_graph_folds),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
