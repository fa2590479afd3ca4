/* Hostile strings from a dump (task names, lock names) cannot break any
 * output format: a report built by hand with quotes, newlines, escapes and
 * non-ASCII bytes in them, rendered as text, JSON and DOT. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "output_report.h"
#include "report.h"
#include "tests/support/json_read.h"

static const char evil_comm[] = "a\"b\n}c\x1b[2J\xff";
static const char evil_name[] = "lock\"];\nX -> Y [label=\"pwn";

static char *render(void (*fn)(FILE *, const struct wh_report *), const struct wh_report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	fn(f, r);
	fclose(f);
	return buf;
}

static void build(struct wh_report *r, struct wh_task *task, struct wh_wait_object *obj,
		  struct wh_task_wait *wait, int *cycle, uint64_t *waiters,
		  struct wh_wait_mode *modes)
{
	memset(r, 0, sizeof(*r));
	memset(task, 0, sizeof(*task));
	task->pid = 42;
	task->tgid = 42;
	memcpy(task->comm, evil_comm,
	       sizeof(evil_comm) < sizeof(task->comm) ? sizeof(evil_comm) : sizeof(task->comm));
	task->comm[WH_COMM_LEN] = '\0';
	task->state = 'D';
	task->cpu = 0;
	task->address = 0xffff000000001000;
	snprintf(r->summary.release, sizeof(r->summary.release), "6.1\"\n");
	r->summary.tasks.tasks = task;
	r->summary.tasks.count = 1;
	memset(obj, 0, sizeof(*obj));
	obj->kind = WH_WAIT_KIND_MUTEX;
	snprintf(obj->name, sizeof(obj->name), "%s", evil_name);
	/* An unreadable part's error may carry bytes from the dump. */
	obj->state = (struct wh_object_state){.condition = WH_STATE_UNREADABLE, .what = "owner"};
	snprintf(obj->state.why, sizeof(obj->state.why), "locked\n\"x\"");
	obj->address = 0xffffffffc0000000;
	waiters[0] = task->address;
	modes[0] = (struct wh_wait_mode){WH_WAIT_PLAIN, 0};
	obj->waiters = waiters;
	obj->waiter_modes = modes;
	obj->n_waiters = 1;
	r->waits.objects = obj;
	r->waits.n_objects = 1;
	*wait = (struct wh_task_wait){.task = task->address, .object = 0};
	r->waits.waits = wait;
	r->waits.n_waits = 1;
	*cycle = -1;
	r->graph.task_cycle = cycle;
	r->explanation = (char *)"1 task waits.\n";
}

static void test_json_stays_valid(void **state)
{
	struct wh_report r;
	struct wh_task task;
	struct wh_wait_object obj;
	struct wh_task_wait wait;
	int cycle;
	uint64_t waiters[1];
	struct wh_wait_mode modes[1];
	build(&r, &task, &obj, &wait, &cycle, waiters, modes);
	char *json = render(wh_output_json_report, &r);
	struct jr_value *v = jr_parse(json);
	assert_non_null(v);
	const struct jr_value *objs = jr_get(v, "objects");
	assert_non_null(objs);
	assert_string_equal(jr_get_string(&objs->items[0], "name"), evil_name);
	const struct jr_value *tasks = jr_get(v, "tasks");
	assert_int_equal(tasks->count, 1);
	/* Every byte is escaped, so none of them can end the string early. */
	assert_int_equal(memcmp(jr_get_string(&tasks->items[0], "comm"), evil_comm, 5), 0);
	jr_free(v);
	free(json);
}

static void test_dot_labels_cannot_break_out(void **state)
{
	struct wh_report r;
	struct wh_task task;
	struct wh_wait_object obj;
	struct wh_task_wait wait;
	int cycle;
	uint64_t waiters[1];
	struct wh_wait_mode modes[1];
	build(&r, &task, &obj, &wait, &cycle, waiters, modes);
	char *dot = render(wh_output_dot_report, &r);
	/* The injected edge must not appear as a statement of its own. */
	assert_null(strstr(dot, "\nX -> Y"));
	/* One statement per line: node and edge lines only, balanced quotes. */
	for (char *line = strtok(dot, "\n"); line; line = strtok(NULL, "\n")) {
		size_t quotes = 0;
		for (const char *p = line; *p; p++)
			if (*p == '"' && (p == line || p[-1] != '\\'))
				quotes++;
		assert_int_equal(quotes % 2, 0);
		for (const char *p = line; *p; p++)
			assert_true((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
	}
	free(dot);
}

static void test_text_has_no_raw_control_bytes(void **state)
{
	struct wh_report r;
	struct wh_task task;
	struct wh_wait_object obj;
	struct wh_task_wait wait;
	int cycle;
	uint64_t waiters[1];
	struct wh_wait_mode modes[1];
	build(&r, &task, &obj, &wait, &cycle, waiters, modes);
	char *text = render(wh_output_text_report, &r);
	for (const char *p = text; *p; p++)
		assert_true(*p == '\n' || ((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f));
	assert_non_null(strstr(text, "\\x1b"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json_stays_valid),
	    cmocka_unit_test(test_dot_labels_cannot_break_out),
	    cmocka_unit_test(test_text_has_no_raw_control_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
