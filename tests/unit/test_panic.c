/* Panic classification from log records alone: each kind as the kernel
 * words it (6.1 and older), and hostile text: huge lines, missing or
 * overflowing fields, NULs, gaps, more hung tasks than are kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "panic.h"

/* Records for LINES, one line (or several, with '\n') each. */
static struct wh_log_record *records(const char *const *lines, size_t n)
{
	struct wh_log_record *r = calloc(n, sizeof(*r));
	assert_non_null(r);
	for (size_t i = 0; i < n; i++) {
		r[i].seq = i;
		r[i].text = (char *)lines[i];
		r[i].text_len = strlen(lines[i]);
	}
	return r;
}

static void classify(const char *const *lines, size_t n, struct wh_panic *p)
{
	struct wh_log_record *r = records(lines, n);
	assert_null(wh_panic_classify(r, n, p));
	free(r);
}

#define CLASSIFY(lines, p) classify(lines, sizeof(lines) / sizeof(*lines), p)

static void test_hung_task(void **state)
{
	static const char *const lines[] = {
		"Linux version 6.1.192",
		"INFO: task wh_abba_a:38 blocked for more than 10 seconds.",
		"      Tainted: G           O       6.1.192-whyhung #1",
		"INFO: task a:b:12 blocked for more than 122 seconds.", /* ':' in comm */
		"INFO: task wh_abba_a:38 blocked for more than 20 seconds.", /* again, later */
		"Kernel panic - not syncing: hung_task: blocked tasks",
		"CPU: 0 PID: 21 Comm: khungtaskd Tainted: G           O       6.1.192-whyhung #1 ",
		"Call Trace:",
		"---[ end Kernel panic - not syncing: hung_task: blocked tasks ]---",
	};
	struct wh_panic p;
	CLASSIFY(lines, &p);
	assert_int_equal(p.kind, WH_PANIC_HUNG_TASK);
	assert_string_equal(wh_panic_kind_name(p.kind), "hung task");
	assert_string_equal(wh_panic_kind_id(p.kind), "hung_task");
	assert_true(p.have_message);
	assert_string_equal(p.message, "hung_task: blocked tasks");
	assert_int_equal(p.n_hung, 2);
	assert_int_equal(p.hung[0].pid, 38);
	assert_string_equal(p.hung[0].comm, "wh_abba_a");
	assert_int_equal(p.hung[0].seconds, 20);
	assert_int_equal(p.hung[1].pid, 12);
	assert_string_equal(p.hung[1].comm, "a:b");
	assert_int_equal(p.hung[1].seconds, 122);
	assert_int_equal(p.cpu, 0);
	assert_string_equal(p.cpu_source, "log");
	assert_int_equal(p.pid, 21);
	assert_string_equal(p.comm, "khungtaskd");
	wh_panic_deinit(&p);
}

static void test_soft_lockup(void **state)
{
	static const char *const lines[] = {
		"watchdog: BUG: soft lockup - CPU#3 stuck for 22s! [spin:me:1234]",
		"Modules linked in: spin(O)",
		"Kernel panic - not syncing: softlockup: hung tasks",
		"CPU: 3 PID: 1234 Comm: spin:me Tainted: G             L     6.1.0 #1",
	};
	struct wh_panic p;
	CLASSIFY(lines, &p);
	assert_int_equal(p.kind, WH_PANIC_SOFT_LOCKUP);
	assert_int_equal(p.lockup_cpu, 3);
	assert_int_equal(p.lockup_seconds, 22);
	assert_int_equal(p.lockup_pid, 1234);
	assert_string_equal(p.lockup_comm, "spin:me");
	assert_int_equal(p.cpu, 3);
	assert_int_equal(p.pid, 1234);
	assert_string_equal(p.comm, "spin:me");
	assert_null(strstr(p.detail, "soft lockup")); /* not taken for an oops */
	wh_panic_deinit(&p);
}

static void test_hard_lockup(void **state)
{
	static const char *const lines[] = {
		"NMI watchdog: Watchdog detected hard LOCKUP on cpu 2",
		"Kernel panic - not syncing: Hard LOCKUP",
		/* 6.10+ puts the UID first. */
		"CPU: 2 UID: 0 PID: 0 Comm: swapper/2 Not tainted 6.12.0 #1",
	};
	struct wh_panic p;
	CLASSIFY(lines, &p);
	assert_int_equal(p.kind, WH_PANIC_HARD_LOCKUP);
	assert_int_equal(p.lockup_cpu, 2);
	assert_int_equal(p.cpu, 2);
	assert_int_equal(p.pid, 0);
	assert_string_equal(p.comm, "swapper/2");
	wh_panic_deinit(&p);
}

/* 6.5+'s buddy detector: the CPU with interrupts off is found by another
 * one, after that one's own soft-lockup warning. The hard lockup names the
 * CPU, not the soft lockup's. */
static void test_hard_lockup_after_soft_warning(void **state)
{
	static const char *const lines[] = {
		"watchdog: BUG: soft lockup - CPU#1 stuck for 11s! [wh_irq_holder:40]",
		"Watchdog detected hard LOCKUP on cpu 0",
		"watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [wh_irq_holder:40]",
		"Kernel panic - not syncing: Hard LOCKUP",
		"CPU: 1 UID: 0 PID: 40 Comm: wh_irq_holder Tainted: G   O L 6.12.118 #1",
	};
	struct wh_panic p;
	CLASSIFY(lines, &p);
	assert_int_equal(p.kind, WH_PANIC_HARD_LOCKUP);
	assert_int_equal(p.lockup_cpu, 0);
	assert_int_equal(p.lockup_pid, -1);
	assert_int_equal(p.cpu, 1);
	wh_panic_deinit(&p);
}

/* kernel/rcu/tree_stall.h as 6.12 prints it: a preempted reader and a
 * stalled CPU, the pr_cont() of the readers once merged and once apart. */
static void test_rcu_stall(void **state)
{
	static const char *const lines[] = {
		"rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:",
		"rcu: \t1-...!: (0 ticks this GP) idle=1b4c/1/0x4000000000000000 softirq=1/1 fqs=0",
		"rcu: \tTasks blocked on level-0 rcu_node (CPUs 0-1): P45/1:b..l P47",
		"rcu: \t(detected by 0, t=8002 jiffies, g=-1183, q=12 ncpus=2)",
		"rcu: \t(detected by 0, t=9999 jiffies, g=5, q=12 ncpus=2)", /* not the first */
		"Kernel panic - not syncing: RCU Stall",
	};
	struct wh_panic p;
	CLASSIFY(lines, &p);
	assert_int_equal(p.kind, WH_PANIC_RCU_STALL);
	assert_string_equal(wh_panic_kind_id(p.kind), "rcu_stall");
	assert_true(p.rcu.seen);
	assert_false(p.rcu.self_detected);
	assert_string_equal(p.rcu.flavour, "rcu_preempt");
	assert_int_equal(p.rcu.n_cpus, 1);
	assert_int_equal(p.rcu.cpus[0], 1);
	assert_int_equal(p.rcu.n_pids, 2);
	assert_int_equal(p.rcu.pids[0], 45);
	assert_int_equal(p.rcu.pids[1], 47);
	assert_int_equal(p.rcu.detected_by, 0);
	assert_int_equal(p.rcu.jiffies, 8002);
	assert_true(p.rcu.have_gp);
	assert_int_equal(p.rcu.gp, -1183); /* gp_seq starts below 0 (rcu_init) */
	wh_panic_deinit(&p);

	static const char *const apart[] = {
		"rcu: INFO: rcu_sched self-detected stall on CPU",
		"rcu: \tTasks blocked on level-0 rcu_node (CPUs 0-3):",
		" P12/1:b..l",
		"rcu: \t(t=2100 jiffies g=77 q=1 ncpus=4)",
	};
	CLASSIFY(apart, &p);
	assert_int_equal(p.kind, WH_PANIC_RCU_STALL); /* no panic line: the warning */
	assert_true(p.rcu.self_detected);
	assert_string_equal(p.rcu.flavour, "rcu_sched");
	assert_int_equal(p.rcu.n_pids, 1);
	assert_int_equal(p.rcu.pids[0], 12);
	assert_int_equal(p.rcu.detected_by, -1);
	assert_int_equal(p.rcu.jiffies, 2100);
	assert_true(p.rcu.have_gp);
	assert_int_equal(p.rcu.gp, 77);
	wh_panic_deinit(&p);
}

static void test_oops_bug_warning(void **state)
{
	static const char *const oops[] = {
		"BUG: kernel NULL pointer dereference, address: 0000000000000000",
		"#PF: supervisor write access in kernel mode",
		"Oops: 0002 [#1] PREEMPT SMP NOPTI",
		"CPU: 1 PID: 99 Comm: insmod Tainted: G           O       6.1.0 #1",
		"Kernel panic - not syncing: Fatal exception",
	};
	struct wh_panic p;
	CLASSIFY(oops, &p);
	assert_int_equal(p.kind, WH_PANIC_OOPS);
	assert_string_equal(p.detail,
			    "BUG: kernel NULL pointer dereference, address: 0000000000000000");
	assert_string_equal(p.message, "Fatal exception");
	wh_panic_deinit(&p);

	static const char *const bug[] = {
		"------------[ cut here ]------------",
		"kernel BUG at mm/slub.c:123!",
		"invalid opcode: 0000 [#1] SMP",
		"Kernel panic - not syncing: Fatal exception in interrupt",
	};
	CLASSIFY(bug, &p);
	assert_int_equal(p.kind, WH_PANIC_OOPS);
	assert_string_equal(p.detail, "kernel BUG at mm/slub.c:123!");
	wh_panic_deinit(&p);

	static const char *const warn[] = {
		"WARNING: CPU: 1 PID: 1 at kernel/foo.c:10 foo+0x10/0x20",
		"Kernel panic - not syncing: panic_on_warn set ...",
	};
	CLASSIFY(warn, &p);
	assert_int_equal(p.kind, WH_PANIC_OOPS);
	assert_string_equal(p.detail, "WARNING: CPU: 1 PID: 1 at kernel/foo.c:10 foo+0x10/0x20");
	wh_panic_deinit(&p);
}

static void test_sysrq(void **state)
{
	static const char *const now[] = {
		"sysrq: Trigger a crash",
		"Kernel panic - not syncing: sysrq triggered crash",
	};
	struct wh_panic p;
	CLASSIFY(now, &p);
	assert_int_equal(p.kind, WH_PANIC_SYSRQ);
	wh_panic_deinit(&p);
	/* Before 4.?: sysrq-c dereferenced NULL and died in an oops. */
	static const char *const old[] = {
		"SysRq : Trigger a crash",
		"BUG: unable to handle kernel NULL pointer dereference at           (null)",
		"Oops: 0002 [#1] SMP",
		"Kernel panic - not syncing: Fatal exception",
	};
	CLASSIFY(old, &p);
	assert_int_equal(p.kind, WH_PANIC_SYSRQ);
	wh_panic_deinit(&p);
}

static void test_other_and_none(void **state)
{
	static const char *const other[] = {
		"Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)",
	};
	struct wh_panic p;
	CLASSIFY(other, &p);
	assert_int_equal(p.kind, WH_PANIC_OTHER);
	assert_string_equal(p.message, "VFS: Unable to mount root fs on unknown-block(0,0)");
	assert_int_equal(p.cpu, -1);
	assert_int_equal(p.pid, -1);
	wh_panic_deinit(&p);

	static const char *const none[] = {"Linux version 6.1.0", "all is well"};
	CLASSIFY(none, &p);
	assert_int_equal(p.kind, WH_PANIC_NONE);
	assert_false(p.have_message);
	wh_panic_deinit(&p);

	/* A dump taken without a panic: the hung tasks still name the problem. */
	static const char *const no_panic[] = {
		"INFO: task dd:7 blocked for more than 120 seconds.",
	};
	CLASSIFY(no_panic, &p);
	assert_int_equal(p.kind, WH_PANIC_HUNG_TASK);
	assert_false(p.have_message);
	assert_int_equal(p.n_hung, 1);
	wh_panic_deinit(&p);

	assert_null(wh_panic_classify(NULL, 0, &p));
	assert_int_equal(p.kind, WH_PANIC_NONE);
	wh_panic_deinit(&p);
}

static char *repeat(const char *prefix, char c, size_t n, const char *suffix)
{
	size_t a = strlen(prefix), b = strlen(suffix);
	char *s = malloc(a + n + b + 1);
	assert_non_null(s);
	memcpy(s, prefix, a);
	memset(s + a, c, n);
	memcpy(s + a + n, suffix, b + 1);
	return s;
}

static void test_hostile_text(void **state)
{
	char *huge = repeat("INFO: task ", 'A', 100000, "");
	char *long_comm = repeat("INFO: task ", 'B', 5000,
				 ":77 blocked for more than 99999999999999999999999999 seconds.");
	char *long_panic = repeat("Kernel panic - not syncing: ", 'X', 1000, "");
	const char *lines[] = {
		huge,
		long_comm,
		"INFO: task :abc blocked for more than 5 seconds.",
		"INFO: task x:99999999999999999999999 blocked for more than 5 seconds.",
		"INFO: task nocolon blocked for more than 5 seconds.",
		"INFO: task y:-3 blocked for more than 5 seconds.",
		"INFO: task z:8 blocked for more than seconds.", /* no number: 0 */
		"BUG: soft lockup - CPU#",                       /* no number: ignored */
		"BUG: soft lockup - CPU#5 stuck",                /* no comm or pid */
		long_panic,
		"CPU: x PID: y",
		"CPU: 1 PID: 2 Comm: ",
	};
	struct wh_log_record *r = records(lines, sizeof(lines) / sizeof(*lines));
	/* A gap and a NUL inside a line do not derail the scan. */
	struct wh_log_record extra[3] = {
		{.gap = true, .gap_count = 3, .gap_reason = "excluded"},
		{.text = "INFO: task n\0ul:9 blocked for more than 4 seconds.", .text_len = 50},
		r[0],
	};
	struct wh_panic p;
	assert_null(wh_panic_classify(extra, 3, &p));
	assert_int_equal(p.n_hung, 1);
	assert_int_equal(p.hung[0].pid, 9);
	assert_memory_equal(p.hung[0].comm, "n\0ul", 5);
	wh_panic_deinit(&p);

	assert_null(wh_panic_classify(r, sizeof(lines) / sizeof(*lines), &p));
	free(r);
	/* A panic message naming nothing known makes it "other", whatever
	 * else the log reports; the message was cut to fit. */
	assert_int_equal(p.kind, WH_PANIC_OTHER);
	assert_true(p.have_message);
	assert_int_equal(strlen(p.message), WH_PANIC_TEXT - 1);
	assert_int_equal(p.lockup_cpu, 5);
	assert_int_equal(p.lockup_pid, -1);
	assert_int_equal(p.n_hung, 2);
	assert_int_equal(p.hung[0].pid, 77);
	assert_int_equal(strlen(p.hung[0].comm), WH_COMM_LEN);
	assert_int_equal(p.hung[0].seconds, 9999999999999999999ull);
	assert_int_equal(p.hung[1].pid, 8);
	assert_int_equal(p.hung[1].seconds, 0);
	/* "CPU: x" is no CPU line; "CPU: 1 PID: 2 Comm: " is, with no name. */
	assert_int_equal(p.cpu, 1);
	assert_int_equal(p.pid, 2);
	assert_string_equal(p.comm, "");
	wh_panic_deinit(&p);
	free(huge);
	free(long_comm);
	free(long_panic);
}

static void test_many_hung_tasks(void **state)
{
	enum { N = WH_PANIC_MAX_HUNG + 904 };
	char *buf = malloc((size_t)N * 64);
	assert_non_null(buf);
	struct wh_log_record *r = calloc(N, sizeof(*r));
	assert_non_null(r);
	for (size_t i = 0; i < N; i++) {
		r[i].text = buf + i * 64;
		r[i].text_len = (size_t)snprintf(
			r[i].text, 64, "INFO: task t%zu:%zu blocked for more than 1 seconds.", i,
			i + 100);
	}
	struct wh_panic p;
	assert_null(wh_panic_classify(r, N, &p));
	assert_int_equal(p.n_hung, WH_PANIC_MAX_HUNG);
	assert_int_equal(p.n_hung_dropped, 904);
	assert_int_equal(p.hung[WH_PANIC_MAX_HUNG - 1].pid, WH_PANIC_MAX_HUNG - 1 + 100);
	wh_panic_deinit(&p);
	free(r);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hung_task),
		cmocka_unit_test(test_soft_lockup),
		cmocka_unit_test(test_hard_lockup),
		cmocka_unit_test(test_hard_lockup_after_soft_warning),
		cmocka_unit_test(test_rcu_stall),
		cmocka_unit_test(test_oops_bug_warning),
		cmocka_unit_test(test_sysrq),
		cmocka_unit_test(test_other_and_none),
		cmocka_unit_test(test_hostile_text),
		cmocka_unit_test(test_many_hung_tasks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
