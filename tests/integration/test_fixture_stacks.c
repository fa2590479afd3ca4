/* Stacks of the fixture's D tasks, compared with the reference tools'
 * saved traces (drgn; crash >= 8.0.3 when saved): the same functions in
 * the same order, inlined frames (drgn only) left out, compiler suffixes
 * (.constprop.0, .isra.0, .cold) ignored.
 * usage: test_fixture_stacks FIXTURE_DIR VMLINUX VMCORE [EXPECTED_ORC_SOURCE] */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "analyzer/backtraces.h"
#include "analyzer/kernel.h"
#include "analyzer/orc.h"
#include "analyzer/summary.h"

static const char *fixture_dir, *vmlinux_path, *vmcore_path, *expect_orc_source;

struct fixture {
	struct wh_kernel *k;
	struct wh_summary s;
};

static int setup(void **state)
{
	static struct fixture f;
	struct wh_error *err = wh_kernel_open(vmcore_path, vmlinux_path, &f.k);
	if (!err)
		err = wh_summary_build(f.k, &f.s);
	if (err) {
		fprintf(stderr, "%s\n", err->message);
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

/* "__mutex_lock.constprop.0" -> "__mutex_lock" */
static void base_name(const char *in, char *out, size_t size)
{
	snprintf(out, size, "%s", in);
	char *dot = strchr(out, '.');
	if (dot)
		*dot = '\0';
}

struct ref_stack {
	int pid;
	char names[64][128];
	size_t n;
};

/* Compare our stack of PID with REF; fail with both on a difference.
 * SUBSEQUENCE: REF may skip some of our frames (crash 8.0.6 drops the
 * caller frame of a function split into .cold text; drgn does not). */
static void compare_stack(struct fixture *f, const struct ref_stack *ref, const char *tool,
			  bool subsequence)
{
	const struct wh_task *task = wh_task_list_find_pid(&f->s.tasks, ref->pid);
	if (!task)
		fail_msg("%s has pid %d, whyhung does not", tool, ref->pid);
	struct wh_backtrace *bt;
	struct wh_error *err = wh_backtrace_of_task(f->k, task, &bt);
	if (err)
		fail_msg("pid %d: %s", ref->pid, err->message);
	/* drgn follows the registers into user space: a bare address. */
	size_t ref_n = ref->n;
	if (bt->stack.user_mode && ref_n && !strncmp(ref->names[ref_n - 1], "0x", 2))
		ref_n--;
	bool ok = (subsequence ? bt->stack.n >= ref_n : bt->stack.n == ref_n) &&
		  wh_unwind_complete(&bt->stack);
	size_t skipped = 0;
	for (size_t i = 0; ok && i < ref_n; i++) {
		if (i + skipped >= bt->stack.n) {
			ok = false;
			break;
		}
		const struct wh_frame *fr = &bt->stack.frames[i + skipped];
		char name[128] = "?";
		if (fr->have_symbol)
			base_name(fr->sym.function, name, sizeof(name));
		ok = !strcmp(name, ref->names[i]);
		/* We name an address like the kernel does, by the nearest symbol,
		 * which may be a label inside the function drgn names from DWARF
		 * (entry_SYSCALL_64_after_hwframe in entry_SYSCALL_64). */
		struct wh_symbol sym;
		if (!ok && fr->have_symbol && !fr->sym.module) {
			struct wh_error *err2 = wh_elf_image_symbol(f->k->vmlinux, ref->names[i], &sym);
			if (!err2 && sym.size)
				ok = fr->sym.link_address - 1 - sym.address < sym.size;
			wh_error_destroy(err2);
		}
		if (!ok && subsequence && skipped < 2 && i + skipped + 1 < bt->stack.n) {
			skipped++;
			i--; /* retry this reference frame against our next frame */
			ok = true;
		}
	}
	if (ok && subsequence && ref_n + skipped != bt->stack.n)
		ok = false;
	if (!ok) {
		fprintf(stderr, "pid %d differs from %s (end: %s):\n", ref->pid, tool,
			wh_unwind_end_name(bt->stack.end));
		for (size_t i = 0; i < bt->stack.n || i < ref_n; i++)
			fprintf(stderr, "  %-40s %s\n",
				i < bt->stack.n && bt->stack.frames[i].have_symbol
					? bt->stack.frames[i].sym.function
					: "-",
				i < ref_n ? ref->names[i] : "-");
	}
	wh_backtrace_destroy(bt);
	assert_true(ok);
}

/* drgn-tasks.txt blocks: "== PID COMM" then "#N name" or "#N name (inlined)". */
static void test_d_stacks_equal_drgn(void **state)
{
	struct fixture *f = *state;
	char path[4096], line[512];
	snprintf(path, sizeof(path), "%s/reference/drgn-tasks.txt", fixture_dir);
	FILE *in = fopen(path, "r");
	if (!in)
		skip();
	struct ref_stack ref = {.pid = -1};
	size_t compared = 0;
	while (fgets(line, sizeof(line), in)) {
		int pid, idx;
		char name[128];
		if (sscanf(line, "== %d", &pid) == 1) {
			if (ref.pid >= 0) {
				compare_stack(f, &ref, "drgn", false);
				compared++;
			}
			memset(&ref, 0, sizeof(ref));
			ref.pid = pid;
		} else if (ref.pid >= 0 && sscanf(line, "#%d %127s", &idx, name) == 2 &&
			   !strstr(line, "(inlined)") && ref.n < 64) {
			base_name(name, ref.names[ref.n++], sizeof(ref.names[0]));
		}
	}
	if (ref.pid >= 0) {
		compare_stack(f, &ref, "drgn", false);
		compared++;
	}
	fclose(in);
	assert_true(compared >= 10);
}

/* crash's "foreach UN bt": "PID: N ..." then " #0 [ffff...] func at ffff..." */
static void test_d_stacks_equal_crash(void **state)
{
	struct fixture *f = *state;
	char path[4096], line[512];
	snprintf(path, sizeof(path), "%s/reference/crash-foreach-UN-bt.txt", fixture_dir);
	FILE *in = fopen(path, "r");
	if (!in)
		skip();
	struct ref_stack ref = {.pid = -1};
	size_t compared = 0;
	while (fgets(line, sizeof(line), in)) {
		int pid, idx;
		char name[128];
		unsigned long long sp;
		if (sscanf(line, "PID: %d", &pid) == 1) {
			if (ref.pid >= 0) {
				compare_stack(f, &ref, "crash", true);
				compared++;
			}
			memset(&ref, 0, sizeof(ref));
			ref.pid = pid;
		} else if (ref.pid >= 0 && sscanf(line, " #%d [%llx] %127s", &idx, &sp, name) == 3 &&
			   ref.n < 64) {
			base_name(name, ref.names[ref.n++], sizeof(ref.names[0]));
		}
	}
	if (ref.pid >= 0) {
		compare_stack(f, &ref, "crash", true);
		compared++;
	}
	fclose(in);
	assert_true(compared >= 10);
}

/* Every D task's trace ends normally and resolves every frame. */
static void test_d_stacks_complete(void **state)
{
	struct fixture *f = *state;
	size_t n = 0;
	for (size_t i = 0; i < f->s.tasks.count; i++) {
		const struct wh_task *t = &f->s.tasks.tasks[i];
		if (t->state != 'D')
			continue;
		struct wh_backtrace *bt;
		assert_null(wh_backtrace_of_task(f->k, t, &bt));
		if (!wh_unwind_complete(&bt->stack))
			fail_msg("pid %d: trace ends: %s", t->pid, wh_unwind_end_name(bt->stack.end));
		assert_true(bt->stack.n >= 4);
		assert_string_equal(bt->stack.frames[0].sym.function, "__schedule");
		for (size_t j = 0; j < bt->stack.n; j++)
			assert_true(bt->stack.frames[j].have_symbol);
		wh_backtrace_destroy(bt);
		n++;
	}
	assert_true(n >= 10);
}

/* Where ORC came from: the vmlinux, or kernel memory when the debug
 * vmlinux lacks the sections (some distributions strip them). */
static void test_orc_source(void **state)
{
	struct fixture *f = *state;
	const char *source;
	assert_null(wh_orc_source(f->k, &source));
	assert_string_equal(source, expect_orc_source ? expect_orc_source : "vmlinux");
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
	if (argc > 4)
		expect_orc_source = argv[4];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_orc_source),
		cmocka_unit_test(test_d_stacks_complete),
		cmocka_unit_test(test_d_stacks_equal_drgn),
		cmocka_unit_test(test_d_stacks_equal_crash),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
