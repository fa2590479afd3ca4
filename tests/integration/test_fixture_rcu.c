/* The RCU grace-period view of a real dump against drgn's reading of the
 * same dump (reference/drgn-rcu.json, fixtures/tools/drgn_rcu.py): flavour,
 * sequence, whether one is in progress and since when, the stalled CPUs,
 * the blocked readers, the tasks in synchronize_rcu() and friends. Where a
 * grace period is held up and waited for (softlockup-6.1: the spinning CPU
 * stalls it, a kworker waits in synchronize_rcu()), the waiter's wait is
 * tied to the task on the stalled CPU and the explanation says so. And
 * the hard-lockup view's watchdog counters against drgn's
 * (reference/drgn-watchdog.json, fixtures/tools/drgn_watchdog.py), and the
 * locked-up CPU truth.json names ("hard_lockup": {"cpu"}), or none.
 * usage: test_fixture_rcu FIXTURE_DIR VMLINUX */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "explain.h"
#include "kernel.h"
#include "output_report.h"
#include "report.h"
#include "tests/support/json_read.h"

static const char *fixture_dir, *vmlinux_path;

struct fixture {
	struct wh_kernel *k;
	struct wh_report r;
	struct jr_value *want, *report, *truth;
};

static int setup(void **state)
{
	static struct fixture f;
	char path[4096];
	snprintf(path, sizeof(path), "%s/reference/drgn-rcu.json", fixture_dir);
	f.want = jr_parse_file(path);
	snprintf(path, sizeof(path), "%s/truth.json", fixture_dir);
	f.truth = jr_parse_file(path);
	snprintf(path, sizeof(path), "%s/vmcore", fixture_dir);
	struct wh_error *err = wh_kernel_open(path, vmlinux_path, &f.k);
	if (!err)
		err = wh_report_build(f.k, &f.r);
	if (!err)
		err = wh_explain_report(&f.r);
	if (err) {
		fprintf(stderr, "%s\n", err->message);
		return -1;
	}
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	wh_output_json_report(out, &f.r);
	fclose(out);
	f.report = jr_parse(buf);
	free(buf);
	if (!f.want || !f.report || !f.truth)
		return -1;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	jr_free(f->want);
	jr_free(f->report);
	jr_free(f->truth);
	wh_report_deinit(&f->r);
	wh_kernel_destroy(f->k);
	return 0;
}

static void same_ints(const struct jr_value *got, const struct jr_value *want)
{
	assert_non_null(got);
	assert_non_null(want);
	assert_int_equal(got->count, want->count);
	for (size_t i = 0; i < got->count; i++)
		assert_int_equal((int64_t)got->items[i].number, (int64_t)want->items[i].number);
}

static void test_rcu_state_as_drgn_reads_it(void **state)
{
	struct fixture *f = *state;
	const struct jr_value *got = jr_get(f->report, "rcu");
	assert_non_null(got);
	assert_true(jr_get(got, "known")->boolean);
	assert_null(jr_get_string(got, "error"));
	assert_string_equal(jr_get_string(got, "flavour"), jr_get_string(f->want, "flavour"));
	assert_int_equal(jr_get_int(got, "gp_seq", 1), jr_get_int(f->want, "gp_seq", 2));
	assert_int_equal(jr_get(got, "gp_in_progress")->boolean,
			 jr_get(f->want, "gp_in_progress")->boolean);
	assert_int_equal(jr_get_int(got, "gp_age_jiffies", -1),
			 jr_get_int(f->want, "gp_age_jiffies", -1));
	same_ints(jr_get(got, "stalled_cpus"), jr_get(f->want, "stalled_cpus"));
	const struct jr_value *readers = jr_get(got, "blocked_readers");
	const struct jr_value *want_readers = jr_get(f->want, "blocked_readers");
	assert_int_equal(readers->count, want_readers->count);
	for (size_t i = 0; i < readers->count; i++) {
		assert_int_equal(jr_get_int(&readers->items[i], "pid", -1),
				 jr_get_int(&want_readers->items[i], "pid", -2));
		assert_int_equal(jr_get(&readers->items[i], "blocks_gp")->boolean,
				 jr_get(&want_readers->items[i], "blocks_gp")->boolean);
	}
	const struct jr_value *waiters = jr_get(got, "waiters");
	const struct jr_value *want_waiters = jr_get(f->want, "waiters");
	assert_int_equal(waiters->count, want_waiters->count);
	for (size_t i = 0; i < waiters->count; i++)
		assert_int_equal(jr_get_int(&waiters->items[i], "pid", -1),
				 (int64_t)want_waiters->items[i].number);
}

/* The pid truth.json says runs on CPU, or -1. */
static int64_t truth_pid_on(const struct fixture *f, int64_t cpu)
{
	const struct jr_value *cpus = jr_get(f->truth, "cpus");
	for (size_t i = 0; cpus && i < cpus->count; i++)
		if (jr_get_int(&cpus->items[i], "cpu", -1) == cpu)
			return jr_get_int(&cpus->items[i], "pid", -1);
	return -1;
}

static void test_waiters_tied_to_the_stalled_cpu(void **state)
{
	struct fixture *f = *state;
	const struct jr_value *stalled = jr_get(f->want, "stalled_cpus");
	const struct jr_value *waiters = jr_get(f->want, "waiters");
	const char *ex = jr_get_string(f->report, "explanation");
	char line[160];
	snprintf(line, sizeof(line), "RCU stall: grace period g=%lld of %s",
		 (long long)jr_get_int(f->want, "gp_seq", 0), jr_get_string(f->want, "flavour"));
	if (!stalled->count || !waiters->count) {
		/* Nothing held up and waited for: no RCU line, no tie. */
		assert_null(strstr(ex, "RCU stall"));
		skip();
	}
	assert_non_null(strstr(ex, line));
	int64_t holder = truth_pid_on(f, (int64_t)stalled->items[0].number);
	assert_true(holder > 0);
	/* Each waiter's wait object has the stalled CPU's task as an inferred owner. */
	const struct jr_value *tasks = jr_get(f->report, "tasks");
	const struct jr_value *objects = jr_get(f->report, "objects");
	for (size_t w = 0; w < waiters->count; w++) {
		int64_t pid = (int64_t)waiters->items[w].number;
		int64_t obj = -1;
		for (size_t i = 0; i < tasks->count && obj < 0; i++)
			if (jr_get_int(&tasks->items[i], "pid", -1) == pid)
				obj =
				    jr_get_int(jr_get(&tasks->items[i], "waits_on"), "object", -1);
		assert_true(obj >= 0);
		bool tied = false;
		for (size_t i = 0; i < objects->count; i++) {
			const struct jr_value *o = &objects->items[i];
			if (jr_get_int(o, "id", -2) != obj)
				continue;
			const struct jr_value *owners = jr_get(o, "owners");
			for (size_t j = 0; j < owners->count; j++)
				tied |=
				    jr_get_int(&owners->items[j], "pid", -1) == holder &&
				    !strcmp(jr_get_string(&owners->items[j], "how"), "inferred");
		}
		assert_true(tied);
	}
}

static void test_watchdog_counts_as_drgn_reads_them(void **state)
{
	struct fixture *f = *state;
	char path[4096];
	snprintf(path, sizeof(path), "%s/reference/drgn-watchdog.json", fixture_dir);
	struct jr_value *want = jr_parse_file(path);
	if (!want)
		skip();
	const struct jr_value *h = jr_get(f->report, "hard_lockup");
	assert_non_null(h);
	const struct jr_value *truth_hl = jr_get(f->truth, "hard_lockup");
	if (truth_hl)
		assert_int_equal(jr_get_int(h, "cpu", -1), jr_get_int(truth_hl, "cpu", -2));
	else
		assert_int_equal(jr_get(h, "cpu")->type, JR_NULL);
	const struct jr_value *got = jr_get(h, "watchdog_counts");
	const struct jr_value *counts = jr_get(want, "counts");
	assert_int_equal(got->count, counts->count);
	for (size_t i = 0; i < got->count; i++) {
		const struct jr_value *g = &got->items[i], *w = &counts->items[i];
		assert_int_equal(jr_get_int(g, "cpu", -1), jr_get_int(w, "cpu", -2));
		assert_int_equal(jr_get_int(g, "hrtimer_interrupts", -1),
				 jr_get_int(w, "hrtimer_interrupts", -2));
		assert_int_equal(jr_get_int(g, "hrtimer_interrupts_saved", -1),
				 jr_get_int(w, "hrtimer_interrupts_saved", -2));
		const struct jr_value *gw = jr_get(g, "warned"), *ww = jr_get(w, "warned");
		assert_int_equal(gw->type, ww->type); /* absent before 6.5: null both */
		if (ww->type == JR_BOOL)
			assert_int_equal(gw->boolean, ww->boolean);
	}
	jr_free(want);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s FIXTURE_DIR VMLINUX\n", argv[0]);
		return 2;
	}
	fixture_dir = argv[1];
	vmlinux_path = argv[2];
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rcu_state_as_drgn_reads_it),
	    cmocka_unit_test(test_waiters_tied_to_the_stalled_cpu),
	    cmocka_unit_test(test_watchdog_counts_as_drgn_reads_them),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
