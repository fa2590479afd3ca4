/* The soft-lockup fixture: the report's JSON against truth.json (panic
 * kind, what each CPU runs, the spinlock, its spinners and holder) and the
 * CPU stacks against crash's "bt -a".
 * usage: test_fixture_softlockup FIXTURE_DIR VMLINUX */
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
#include "tests/support/crash_ref.h"
#include "tests/support/json_read.h"

static const char *fixture_dir, *vmlinux_path;

struct fixture {
	struct wh_kernel *k;
	struct wh_report r;
	struct jr_value *truth, *report;
};

static int setup(void **state)
{
	static struct fixture f;
	char path[4096];
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
	if (!f.truth || !f.report)
		return -1;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	jr_free(f->truth);
	jr_free(f->report);
	wh_report_deinit(&f->r);
	wh_kernel_destroy(f->k);
	return 0;
}

static uint64_t hex(const char *s)
{
	return s ? strtoull(s, NULL, 16) : 0;
}

static void test_panic_is_soft_lockup(void **state)
{
	struct fixture *f = *state;
	const struct jr_value *panic = jr_get(f->report, "panic");
	assert_string_equal(jr_get_string(panic, "kind"), "soft_lockup");
	const struct jr_value *rep = &jr_get(f->truth, "soft_lockup_reports")->items[0];
	assert_int_equal(f->r.summary.panic.lockup_cpu, jr_get_int(rep, "cpu", -1));
	assert_int_equal(f->r.summary.panic.lockup_pid, jr_get_int(rep, "pid", -1));
}

static void test_cpus_run_the_truth_tasks(void **state)
{
	struct fixture *f = *state;
	const struct jr_value *want = jr_get(f->truth, "cpus");
	const struct jr_value *got = jr_get(f->report, "cpus");
	assert_non_null(want);
	assert_non_null(got);
	for (size_t i = 0; i < want->count; i++) {
		int64_t cpu = jr_get_int(&want->items[i], "cpu", -1);
		const struct jr_value *g = NULL;
		for (size_t j = 0; j < got->count; j++)
			if (jr_get_int(&got->items[j], "cpu", -2) == cpu)
				g = &got->items[j];
		assert_non_null(g);
		assert_int_equal(jr_get_int(g, "pid", -1), jr_get_int(&want->items[i], "pid", -2));
		/* The interrupted code, not the watchdog, is what the CPU ran. */
		const struct jr_value *frames = jr_get(g, "frames");
		int64_t at = jr_get_int(g, "interrupted_frame", -1);
		assert_true(at >= 0 && (size_t)at < frames->count);
		const char *fn = jr_get_string(&frames->items[at], "function");
		const char *role = jr_get_string(&want->items[i], "role");
		if (!strcmp(role, "holder"))
			assert_non_null(strstr(fn, "wh_spin_holder_fn"));
		else
			assert_non_null(strstr(fn, "spin_lock_slowpath"));
		const struct jr_value *irqs = jr_get(g, "interrupted_irqs_disabled");
		const struct jr_value *want_irqs = jr_get(&want->items[i], "irqs_disabled");
		/* A null (unknown) must not pass for "false". */
		assert_true(irqs && want_irqs && irqs->type == JR_BOOL &&
			    irqs->boolean == want_irqs->boolean);
	}
}

static void test_spinlock_spinners_and_holder(void **state)
{
	struct fixture *f = *state;
	const struct jr_value *want = &jr_get(f->truth, "spinlocks")->items[0];
	const struct jr_value *got = jr_get(f->report, "spinlocks");
	assert_int_equal(got->count, 1);
	const struct jr_value *l = &got->items[0];
	assert_int_equal(hex(jr_get_string(l, "address")), hex(jr_get_string(want, "address")));
	assert_non_null(strstr(jr_get_string(l, "name"), jr_get_string(want, "symbol")));
	const struct jr_value *spinners = jr_get(l, "spinners");
	const struct jr_value *want_spinners = jr_get(want, "spinners");
	assert_int_equal(spinners->count, want_spinners->count);
	for (size_t i = 0; i < spinners->count; i++)
		assert_int_equal((int64_t)spinners->items[i].number,
				 (int64_t)want_spinners->items[i].number);
	const struct jr_value *holder = jr_get(l, "holder");
	assert_non_null(holder);
	assert_int_equal(holder->type, JR_OBJECT);
	assert_int_equal(jr_get_int(holder, "cpu", -1), jr_get_int(want, "holder_cpu", -2));
	/* Spinlocks record no owner: it can only ever be inferred. */
	assert_string_equal(jr_get_string(holder, "how"), "inferred");
	assert_non_null(strstr(jr_get_string(f->report, "explanation"), "spinning on spinlock"));
}

/* crash's "bt -a" block for the holder CPU: its functions, in order, are
 * among ours (crash starts at panic, we at the panic loop's delay). */
static void test_cpu_stack_matches_crash(void **state)
{
	struct fixture *f = *state;
	char path[4096];
	snprintf(path, sizeof(path), "%s/reference/crash-bt-a.txt", fixture_dir);
	struct crash_stack *stacks;
	if (!crash_stacks_read(path, &stacks))
		skip();
	/* The first block: the holder CPU. */
	int cpu = stacks[0].cpu;
	size_t n = stacks[0].n;
	char(*names)[128] = stacks[0].names;
	assert_true(n >= 4);
	const struct wh_cpu_view *v = NULL;
	for (size_t i = 0; i < f->r.cpus.count; i++)
		if ((int)f->r.cpus.cpus[i].cpu == cpu)
			v = &f->r.cpus.cpus[i];
	assert_non_null(v);
	size_t j = 0;
	for (size_t i = 0; i < v->bt->stack.n && j < n; i++) {
		const char *fn = v->bt->stack.frames[i].sym.function;
		if (fn && !strncmp(fn, names[j], strlen(names[j])) &&
		    (fn[strlen(names[j])] == '\0' || fn[strlen(names[j])] == '.'))
			j++;
	}
	if (j != n)
		fail_msg("crash's frame %zu (%s) not found in order in CPU %d's stack", j, names[j],
			 cpu);
	free(stacks);
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
	    cmocka_unit_test(test_panic_is_soft_lockup),
	    cmocka_unit_test(test_cpus_run_the_truth_tasks),
	    cmocka_unit_test(test_spinlock_spinners_and_holder),
	    cmocka_unit_test(test_cpu_stack_matches_crash),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
