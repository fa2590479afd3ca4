/* Task listing on a real fixture dump, checked against the reference tools'
 * saved outputs (drgn, crash >= 8.0.3) and the fixture's truth.json.
 * usage: test_fixture_tasks FIXTURE_DIR VMLINUX [VMCORE_NAME] */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kernel.h"
#include "summary.h"
#include "tests/support/json_read.h"

static const char *fixture_dir, *vmlinux_path, *vmcore_name = "vmcore";

struct fixture {
	struct wh_kernel *k;
	struct wh_summary s;
};

static int setup(void **state)
{
	static struct fixture f;
	char path[4096];
	if (vmcore_name[0] == '/')
		snprintf(path, sizeof(path), "%s", vmcore_name);
	else
		snprintf(path, sizeof(path), "%s/%s", fixture_dir, vmcore_name);
	struct wh_error *err = wh_kernel_open(path, vmlinux_path, &f.k);
	if (err) {
		fprintf(stderr, "open: %s\n", err->message);
		return -1;
	}
	err = wh_summary_build(f.k, &f.s);
	if (err) {
		fprintf(stderr, "summary: %s\n", err->message);
		return -1;
	}
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	wh_summary_deinit(&f->s);
	wh_kernel_destroy(f->k);
	return 0;
}

static FILE *open_reference(const char *name)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/reference/%s", fixture_dir, name);
	return fopen(path, "r");
}

static const struct wh_task *find(const struct wh_summary *s, int32_t pid, int cpu_for_idle)
{
	for (size_t i = 0; i < s->tasks.count; i++) {
		const struct wh_task *t = &s->tasks.tasks[i];
		if (t->pid == pid && (pid != 0 || t->cpu == cpu_for_idle))
			return t;
	}
	return NULL;
}

/* drgn-tasks.txt: "pid<TAB>tgid<TAB>state<TAB>cpu<TAB>comm" lines for every
 * task drgn's for_each_task() yields; stack blocks follow, indented. */
static void test_tasks_equal_drgn(void **state)
{
	struct fixture *f = *state;
	FILE *in = open_reference("drgn-tasks.txt");
	if (!in)
		skip();
	char line[512];
	size_t matched = 0;
	while (fgets(line, sizeof(line), in)) {
		int pid, tgid, cpu;
		char st, comm[64] = "";
		if (line[0] == '#' || line[0] == ' ' || line[0] == '\t')
			continue;
		if (sscanf(line, "%d\t%d\t%c\t%d\t%63[^\n]", &pid, &tgid, &st, &cpu, comm) < 4)
			continue;
		const struct wh_task *t = find(&f->s, pid, cpu);
		if (!t)
			fail_msg("drgn lists pid %d (%s), whyhung does not", pid, comm);
		if (t->tgid != tgid || t->state != st || strcmp(t->comm, comm) || t->cpu != cpu)
			fail_msg("pid %d: drgn says tgid %d state %c cpu %d comm %s, whyhung says "
				 "tgid %d state %c cpu %d comm %s",
				 pid, tgid, st, cpu, comm, t->tgid, t->state, t->cpu, t->comm);
		matched++;
	}
	fclose(in);
	assert_true(matched > 10);
	/* Nothing extra: every task we list that is not an idle task is in drgn's list. */
	size_t non_idle = 0;
	for (size_t i = 0; i < f->s.tasks.count; i++)
		non_idle += !f->s.tasks.tasks[i].idle;
	assert_true(non_idle <= matched);
}

/* crash's ps: "[>] PID PPID CPU TASK ST %MEM VSZ RSS COMM". */
static void test_tasks_equal_crash_ps(void **state)
{
	struct fixture *f = *state;
	FILE *in = open_reference("crash-ps.txt");
	if (!in)
		skip();
	static const char *const codes[][2] = {{"RU", "R"}, {"IN", "S"}, {"UN", "D"}, {"ID", "I"},
					      {"ZO", "Z"}, {"ST", "T"}, {"TR", "t"}, {"DE", "X"},
					      {"PA", "P"}};
	char line[512];
	size_t matched = 0;
	while (fgets(line, sizeof(line), in)) {
		const char *p = line;
		while (*p == ' ' || *p == '>')
			p++;
		int pid, ppid, cpu;
		unsigned long long task;
		char st[8];
		if (sscanf(p, "%d %d %d %llx %7s", &pid, &ppid, &cpu, &task, st) != 5)
			continue;
		const struct wh_task *t = find(&f->s, pid, cpu);
		if (!t)
			fail_msg("crash lists pid %d, whyhung does not", pid);
		assert_int_equal(t->address, task);
		char want = '?';
		for (size_t i = 0; i < sizeof(codes) / sizeof(*codes); i++)
			if (!strcmp(st, codes[i][0]))
				want = codes[i][1][0];
		if (t->state != want)
			fail_msg("pid %d: crash state %s, whyhung %c", pid, st, t->state);
		assert_int_equal(t->cpu, cpu);
		matched++;
	}
	fclose(in);
	assert_int_equal(matched, f->s.tasks.count);
}

/* The task's se.exec_start as the dump has it. */
static uint64_t exec_start(const struct fixture *f, const struct wh_task *t)
{
	struct wh_member_info m;
	uint64_t v = 0;
	assert_null(wh_kernel_member(f->k, "task_struct", "se.exec_start", &m));
	assert_null(wh_kernel_read_member(f->k, t->address, &m, &v));
	return v;
}

static void test_truth_blocked_tasks_are_listed(void **state)
{
	struct fixture *f = *state;
	char path[4096];
	snprintf(path, sizeof(path), "%s/truth.json", fixture_dir);
	struct jr_value *truth = jr_parse_file(path);
	assert_non_null(truth);
	const char *release = jr_get_string(jr_get(truth, "kernel"), "release");
	assert_non_null(release);
	assert_string_equal(release, f->s.release);
	const struct jr_value *blocked = jr_get(truth, "blocked");
	assert_non_null(blocked);
	assert_true(blocked->count > 0);
	for (size_t i = 0; i < blocked->count; i++) {
		const struct jr_value *b = &blocked->items[i];
		int64_t pid = jr_get_int(b, "pid", -1);
		const struct wh_task *t = find(&f->s, (int32_t)pid, -1);
		if (!t)
			fail_msg("truth pid %lld missing", (long long)pid);
		assert_string_equal(t->comm, jr_get_string(b, "comm"));
		const char *st = jr_get_string(b, "state");
		assert_non_null(st);
		if (t->state != st[0])
			fail_msg("pid %lld: truth state %s, whyhung %c", (long long)pid, st, t->state);
		/* Blocked for at least a hung-task period before the panic. Unknown
		 * only where the kernel has no start time: enqueue_entity() zeroes
		 * se.exec_start of a task migrated to another CPU (6.12: a sleeper
		 * on the EEVDF delayed-dequeue list can be migrated and dequeued
		 * there without running), and whyhung must then not invent one. */
		if (t->in_state_ns < 0 && exec_start(f, t) == 0)
			continue;
		assert_true(t->in_state_ns > 1000000000ll);
	}
	jr_free(truth);
}

static void test_summary_counts_add_up(void **state)
{
	struct fixture *f = *state;
	size_t total = 0;
	for (size_t i = 0; i < WH_N_STATES; i++)
		total += f->s.state_counts[i];
	assert_int_equal(total, f->s.tasks.count);
	assert_int_equal(f->s.state_counts[WH_N_STATES - 1], 0); /* no undecodable state */
	assert_true(f->s.have_crash_time);
	assert_int_equal(f->s.tasks.diags.count, 0);
	/* One idle task per possible CPU. */
	size_t idle = 0;
	for (size_t i = 0; i < f->s.tasks.count; i++)
		idle += f->s.tasks.tasks[i].idle;
	assert_int_equal(idle, f->s.cpus_possible);
}

/* Pages filtered by makedumpfile read as "excluded", and reading goes on. */
static void test_excluded_pages_are_reported_not_fatal(void **state)
{
	struct fixture *f = *state;
	uint64_t pob_addr, page_offset_base;
	assert_null(wh_kernel_symbol_address(f->k, "page_offset_base", &pob_addr));
	assert_null(wh_dump_read_u64(f->k->dump, pob_addr, &page_offset_base));
	size_t excluded = 0, present = 0;
	/* Every 16th page of the first 256 MiB, below max_pfn (the hung-6.12
	 * guest has 256 MiB, whose last pages are e820-reserved and so not in
	 * the dump at all): kernel data and free memory. */
	uint64_t page = wh_dump_page_size(f->k->dump), max_pfn_addr, max_pfn;
	assert_null(wh_kernel_symbol_address(f->k, "max_pfn", &max_pfn_addr));
	assert_null(wh_dump_read_u64(f->k->dump, max_pfn_addr, &max_pfn));
	uint64_t end = (256u << 20) / page;
	if (max_pfn < end)
		end = max_pfn;
	for (uint64_t pfn = 0; pfn < end; pfn += 16) {
		uint64_t v;
		struct wh_error *err = wh_dump_read_u64(f->k->dump, page_offset_base + pfn * page, &v);
		if (!err) {
			present++;
			continue;
		}
		if (err->code != WH_ERR_EXCLUDED)
			fail_msg("unexpected error: %s", err->message);
		excluded++;
		wh_error_destroy(err);
	}
	/* makedumpfile -d 31 drops free pages; in its ELF output (-E) they are
	 * holes that read as zeros, so only the kdump format can show them. */
	if (strcmp(vmcore_name, "vmcore") == 0)
		assert_true(excluded > 0);
	assert_true(present > 0);
	uint64_t init_task;
	assert_null(wh_kernel_symbol_address(f->k, "init_task", &init_task));
	uint64_t v;
	assert_null(wh_dump_read_u64(f->k->dump, init_task, &v));
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s FIXTURE_DIR VMLINUX [VMCORE_NAME]\n", argv[0]);
		return 2;
	}
	fixture_dir = argv[1];
	vmlinux_path = argv[2];
	if (argc > 3)
		vmcore_name = argv[3];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tasks_equal_drgn),
		cmocka_unit_test(test_tasks_equal_crash_ps),
		cmocka_unit_test(test_truth_blocked_tasks_are_listed),
		cmocka_unit_test(test_summary_counts_add_up),
		cmocka_unit_test(test_excluded_pages_are_reported_not_fatal),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
