/* The report's JSON against the fixture's truth.json, field by field: for
 * every intentionally blocked task, the object kind and address, the
 * owners and how they are known, the position in the wait queue, and
 * cycle membership and order.
 * usage: test_fixture_waits FIXTURE_DIR VMLINUX VMCORE */
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

static const char *fixture_dir, *vmlinux_path, *vmcore_path;

struct fixture {
	struct jr_value *truth;
	struct jr_value *report;
	size_t units_scanned;
};

static int setup(void **state)
{
	static struct fixture f;
	char path[4096];
	snprintf(path, sizeof(path), "%s/truth.json", fixture_dir);
	f.truth = jr_parse_file(path);
	struct wh_kernel *k;
	struct wh_error *err = wh_kernel_open(vmcore_path, vmlinux_path, &k);
	struct wh_report r;
	if (!err)
		err = wh_report_build(k, &r);
	if (!err)
		err = wh_explain_report(&r);
	if (err) {
		fprintf(stderr, "%s\n", err->message);
		return -1;
	}
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	wh_output_json_report(out, &r);
	fclose(out);
	f.units_scanned = wh_types_units_scanned(k->types);
	f.report = jr_parse(buf);
	free(buf);
	wh_report_deinit(&r);
	wh_kernel_destroy(k);
	if (!f.truth || !f.report) {
		fprintf(stderr, "cannot parse %s\n", f.truth ? "the report" : "truth.json");
		return -1;
	}
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	jr_free(f->truth);
	jr_free(f->report);
	return 0;
}

static const struct jr_value *report_task(const struct fixture *f, int64_t pid)
{
	const struct jr_value *tasks = jr_get(f->report, "tasks");
	for (size_t i = 0; tasks && i < tasks->count; i++)
		if (jr_get_int(&tasks->items[i], "pid", -1) == pid)
			return &tasks->items[i];
	return NULL;
}

static const struct jr_value *report_object(const struct fixture *f, int64_t id)
{
	const struct jr_value *objs = jr_get(f->report, "objects");
	for (size_t i = 0; objs && i < objs->count; i++)
		if (jr_get_int(&objs->items[i], "id", -1) == id)
			return &objs->items[i];
	return NULL;
}

static uint64_t hex(const char *s)
{
	return s ? strtoull(s, NULL, 16) : 0;
}

static bool pid_in(const struct jr_value *arr, int64_t pid, const char *key)
{
	for (size_t i = 0; arr && i < arr->count; i++) {
		const struct jr_value *v = &arr->items[i];
		int64_t p = key ? jr_get_int(v, key, -1) : (int64_t)v->number;
		if (p == pid)
			return true;
	}
	return false;
}

/* The same cycle in the same wait order: the truth starts each cycle at
 * its smallest pid and follows task -> owner of what it waits on, as the
 * report does. */
static void assert_cycle_order(const struct jr_value *want, const struct jr_value *got)
{
	assert_int_equal(want->count, got->count);
	for (size_t i = 0; i < want->count; i++)
		if (want->items[i].number != got->items[i].number)
			fail_msg("cycle step %zu: pid %lld, truth %lld", i,
				 (long long)got->items[i].number, (long long)want->items[i].number);
}

static void check_blocked(const struct fixture *f, const struct jr_value *b)
{
	int64_t pid = jr_get_int(b, "pid", -1);
	const struct jr_value *t = report_task(f, pid);
	if (!t)
		fail_msg("pid %lld: not in the report", (long long)pid);
	const struct jr_value *want = jr_get(b, "waits_on");
	const struct jr_value *got = jr_get(t, "waits_on");
	if (!want || want->type == JR_NULL) {
		if (got && got->type != JR_NULL)
			fail_msg("pid %lld: truth says it waits on nothing, report says %s",
				 (long long)pid, jr_get_string(got, "kind"));
		return;
	}
	if (!got || got->type == JR_NULL)
		fail_msg("pid %lld: waits on %s %s, report found nothing", (long long)pid,
			 jr_get_string(want, "kind"), jr_get_string(want, "address"));
	assert_string_equal(jr_get_string(got, "kind"), jr_get_string(want, "kind"));
	/* The truth may not know an address (e.g. a FUSE request allocated at
	 * run time): then only the kind is compared. */
	if (jr_get_string(want, "address") &&
	    hex(jr_get_string(got, "address")) != hex(jr_get_string(want, "address")))
		fail_msg("pid %lld: object %s, truth %s", (long long)pid,
			 jr_get_string(got, "address"), jr_get_string(want, "address"));
	const struct jr_value *obj = report_object(f, jr_get_int(got, "object", -1));
	assert_non_null(obj);
	/* Owners: the same set, known the same way. */
	const struct jr_value *owners = jr_get(obj, "owners");
	const struct jr_value *want_owners = jr_get(want, "owners");
	const char *how = jr_get_string(want, "owner_how");
	assert_non_null(owners);
	assert_non_null(want_owners);
	if (owners->count != want_owners->count)
		fail_msg("pid %lld: %zu owners, truth %zu", (long long)pid, owners->count,
			 want_owners->count);
	for (size_t i = 0; i < want_owners->count; i++) {
		int64_t op = (int64_t)want_owners->items[i].number;
		if (!pid_in(owners, op, "pid"))
			fail_msg("pid %lld: owner %lld missing", (long long)pid, (long long)op);
	}
	for (size_t i = 0; i < owners->count; i++)
		assert_string_equal(jr_get_string(&owners->items[i], "how"), how);
	/* Queue position, 1-based. */
	const struct jr_value *waiters = jr_get(obj, "waiters");
	int64_t pos = jr_get_int(b, "queue_position", -1);
	assert_non_null(waiters);
	assert_true(pos >= 1 && (size_t)pos <= waiters->count);
	if (jr_get_int(&waiters->items[pos - 1], "pid", -1) != pid)
		fail_msg("pid %lld: truth queue position %lld, report has pid %lld there",
			 (long long)pid, (long long)pos,
			 (long long)jr_get_int(&waiters->items[pos - 1], "pid", -1));
	/* I/O waits: the device and the state the scenario put it in. */
	const char *want_dev = jr_get_string(want, "device");
	if (want_dev) {
		const struct jr_value *io = jr_get(obj, "io");
		if (!io || io->type == JR_NULL)
			fail_msg(
			    "pid %lld: truth says its I/O goes to %s, report has no I/O target",
			    (long long)pid, want_dev);
		assert_string_equal(jr_get_string(io, "device"), want_dev);
		const struct jr_value *ds = jr_get(want, "device_state");
		static const char *const flags[] = {"queue_quiesced", "queue_frozen",
						    "dm_suspended"};
		for (size_t i = 0; i < 3; i++) {
			const struct jr_value *w = jr_get(ds, flags[i]);
			const struct jr_value *g = jr_get(io, flags[i]);
			bool want_set = w && w->type == JR_BOOL && w->boolean;
			bool got_set = g && g->type == JR_BOOL && g->boolean;
			if (want_set != got_set)
				fail_msg("pid %lld: %s %d, truth %d", (long long)pid, flags[i],
					 got_set, want_set);
		}
		const char *dm = jr_get_string(ds, "dm_name");
		if (dm)
			assert_string_equal(jr_get_string(io, "dm_name"), dm);
		/* A stalled queue shows the requests it holds back: never 0 with
		 * a writer waiting on it, and none of them reached the driver. */
		if (jr_get(ds, "queue_quiesced")) {
			assert_true(jr_get_int(io, "requests_allocated", -1) >= 1);
			assert_int_equal(jr_get_int(io, "requests_dispatched", -1), 0);
			assert_true(jr_get_int(io, "oldest_request_age_ms", -1) > 0);
		}
		if (dm) {
			assert_true(jr_get_int(io, "dm_deferred_bios", -1) >= 1);
			/* Suspended, not a suspend still draining I/O. */
			const struct jr_value *p = jr_get(io, "dm_suspend_in_progress");
			assert_true(p && p->type == JR_BOOL && !p->boolean);
		}
	}
	/* A module's static is named by its symbol and module, e.g.
	 * "wh_mutex_b [whyhung_fixture]" (6.4+ keep module data in
	 * mod->mem[MOD_DATA], apart from the text). */
	const char *sym = jr_get_string(want, "symbol");
	if (sym) {
		char named[300];
		snprintf(named, sizeof(named), "%s [whyhung_fixture]", sym);
		if (strcmp(jr_get_string(obj, "name"), named))
			fail_msg("pid %lld: object name \"%s\", not \"%s\"", (long long)pid,
				 jr_get_string(obj, "name"), named);
	}
	/* A lock in an inode is named by the inode's path in its file system. */
	const char *path = jr_get_string(want, "path");
	if (path && !strstr(jr_get_string(obj, "name"), path))
		fail_msg("pid %lld: object name \"%s\" lacks the path %s", (long long)pid,
			 jr_get_string(obj, "name"), path);
	/* A page of a file is named with where its file system is mounted. */
	const char *mount = jr_get_string(want, "mount");
	if (mount) {
		char at[300];
		snprintf(at, sizeof(at), " at %s", mount);
		if (!strstr(jr_get_string(obj, "name"), at))
			fail_msg("pid %lld: object name \"%s\" lacks \"%s\"", (long long)pid,
				 jr_get_string(obj, "name"), at);
		const struct jr_value *io = jr_get(obj, "io");
		if (io && io->type == JR_OBJECT)
			assert_string_equal(jr_get_string(io, "mount_point"), mount);
	}
	/* Cycle membership: same members as the truth's cycle. */
	const struct jr_value *want_cycle = jr_get(b, "cycle");
	const struct jr_value *got_cycle = jr_get(t, "cycle");
	bool want_in = want_cycle && want_cycle->type == JR_NUMBER;
	bool got_in = got_cycle && got_cycle->type == JR_NUMBER;
	if (want_in != got_in)
		fail_msg("pid %lld: cycle membership %d, truth %d", (long long)pid, got_in,
			 want_in);
	if (want_in) {
		const struct jr_value *tc =
		    &jr_get(f->truth, "cycles")->items[(size_t)want_cycle->number];
		const struct jr_value *gc =
		    &jr_get(f->report, "cycles")->items[(size_t)got_cycle->number];
		assert_cycle_order(tc, gc);
	}
}

static void test_blocked_tasks_match_truth(void **state)
{
	struct fixture *f = *state;
	const struct jr_value *blocked = jr_get(f->truth, "blocked");
	assert_non_null(blocked);
	assert_true(blocked->count >= 10);
	for (size_t i = 0; i < blocked->count; i++)
		check_blocked(f, &blocked->items[i]);
}

static void test_cycles_match_truth(void **state)
{
	struct fixture *f = *state;
	const struct jr_value *want = jr_get(f->truth, "cycles");
	const struct jr_value *got = jr_get(f->report, "cycles");
	assert_non_null(want);
	assert_non_null(got);
	assert_int_equal(got->count, want->count);
	/* Both in the order of their first (smallest) pid. */
	for (size_t i = 0; i < want->count; i++)
		assert_cycle_order(&want->items[i], &got->items[i]);
}

static void test_root_causes_and_explanation(void **state)
{
	struct fixture *f = *state;
	const struct jr_value *roots = jr_get(f->report, "root_causes");
	assert_non_null(roots);
	assert_true(roots->count >= 1);
	/* Ranked: blocked counts never increase down the list. */
	for (size_t i = 1; i < roots->count; i++)
		assert_true(jr_get_int(&roots->items[i], "blocked", 0) <=
			    jr_get_int(&roots->items[i - 1], "blocked", 0));
	const char *ex = jr_get_string(f->report, "explanation");
	assert_non_null(ex);
	assert_non_null(strstr(ex, "Deadlock"));
	/* Every device the truth stalled is named in the explanation as the
	 * I/O everything waits for. */
	const struct jr_value *blocked = jr_get(f->truth, "blocked");
	for (size_t i = 0; blocked && i < blocked->count; i++) {
		const char *dev = jr_get_string(jr_get(&blocked->items[i], "waits_on"), "device");
		char want[96];
		if (!dev)
			continue;
		snprintf(want, sizeof(want), "I/O that has not completed on %s", dev);
		if (!strstr(ex, want))
			fail_msg("explanation lacks \"%s\":\n%s", want, ex);
	}
	assert_string_equal(jr_get_string(f->report, "schema"), "whyhung-report/2");
}

/* The whole report finds its types through hints (the compile unit of a
 * function that uses them): a type left without one is found by indexing
 * compile units one after another from the start, which on a distribution
 * vmlinux costs up to seconds. Four such slips were found by hand. A few
 * early units are fine (enum pageflags is found in the first 30). */
static void test_types_come_from_hinted_units(void **state)
{
	struct fixture *f = *state;
	if (f->units_scanned > 40)
		fail_msg("the report indexed %zu compile units sequentially: a type lookup "
			 "lacks a hint",
			 f->units_scanned);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: %s FIXTURE_DIR VMLINUX VMCORE\n", argv[0]);
		return 2;
	}
	fixture_dir = argv[1];
	vmlinux_path = argv[2];
	vmcore_path = argv[3];
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_blocked_tasks_match_truth),
	    cmocka_unit_test(test_cycles_match_truth),
	    cmocka_unit_test(test_root_causes_and_explanation),
	    cmocka_unit_test(test_types_come_from_hinted_units),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
