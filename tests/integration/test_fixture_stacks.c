/* Stacks of the fixture's D tasks, compared with the reference tools'
 * saved traces (drgn; crash >= 8.0.3 when saved): the same functions in
 * the same order, compiler suffixes (.constprop.0, .isra.0, .cold)
 * ignored; with drgn, inlined functions included (drgn lists them as their
 * own frames), with crash, physical frames only.
 * usage: test_fixture_stacks FIXTURE_DIR VMLINUX VMCORE [EXPECTED_ORC_SOURCE] */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "backtraces.h"
#include "cpus.h"
#include "dump.h"
#include "kernel.h"
#include "module_debug.h"
#include "orc.h"
#include "summary.h"
#include "tests/support/crash_ref.h"

static const char *fixture_dir, *vmlinux_path, *vmcore_path, *expect_orc_source;

struct fixture {
	struct wh_kernel *k;
	struct wh_summary s;
	char module_dir[64]; /* "" when the fixture has no module .ko */
};

/* drgn had the fixture module's DWARF and lists what is inlined into
 * its functions: give ours the committed .ko as -m would, in a
 * temporary tree laid out like a -dbg package's. */
static struct wh_error *add_module_debug(struct fixture *f)
{
	char ko[4096], cmd[8400];
	snprintf(ko, sizeof(ko), "%s/whyhung_fixture.ko", fixture_dir);
	FILE *probe = fopen(ko, "rb");
	if (!probe)
		return NULL;
	fclose(probe);
	snprintf(f->module_dir, sizeof(f->module_dir), "/tmp/whyhung-stacks-XXXXXX");
	if (!mkdtemp(f->module_dir))
		return wh_error_create(WH_ERR_IO, "mkdtemp failed");
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p '%s/lib/modules/%s/extra' && cp '%s' '%s/lib/modules/%s/extra/'",
		 f->module_dir, wh_dump_release(f->k->dump), ko, f->module_dir,
		 wh_dump_release(f->k->dump));
	if (system(cmd) != 0)
		return wh_error_create(WH_ERR_IO, "cannot copy %s", ko);
	return wh_kernel_set_module_dir(f->k, f->module_dir);
}

static int setup(void **state)
{
	static struct fixture f;
	*state = &f; /* teardown runs after a failed setup too */
	struct wh_error *err = wh_kernel_open(vmcore_path, vmlinux_path, &f.k);
	if (!err)
		err = add_module_debug(&f);
	if (!err)
		err = wh_summary_build(f.k, &f.s);
	if (err) {
		fprintf(stderr, "%s\n", err->message);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	if (f->module_dir[0]) {
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->module_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", f->module_dir);
	}
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
	bool inlined[64];
	size_t n;
};

/* Our stack as the reference tools list it: for drgn (WITH_INLINED),
 * each physical frame preceded by the functions inlined into it,
 * innermost first; for crash, physical frames only. */
struct our_entry {
	char name[128];
	const struct wh_frame *frame; /* the physical frame, or the one inlined into */
	bool inlined;
};

static size_t flatten(const struct wh_backtrace *bt, bool with_inlined, struct our_entry *out,
		      size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < bt->stack.n; i++) {
		const struct wh_frame *fr = &bt->stack.frames[i];
		const struct wh_frame_source *src = &bt->sources[i];
		for (size_t k = 0; with_inlined && k < src->n_inlined && n < cap; k++, n++) {
			base_name(src->inlined[k].function ? src->inlined[k].function : "?",
				  out[n].name, sizeof(out[n].name));
			out[n].frame = fr;
			out[n].inlined = true;
		}
		if (n == cap)
			break;
		base_name(fr->have_symbol ? fr->sym.function : "?", out[n].name,
			  sizeof(out[n].name));
		out[n].frame = fr;
		out[n].inlined = false;
		n++;
	}
	return n;
}

/* Compare our stack of PID with REF; fail with both on a difference.
 * SUBSEQUENCE: REF may skip some of our frames (crash 8.0.6 drops the
 * caller frame of a function split into .cold text; drgn does not). */
static void compare_stack(struct fixture *f, const struct ref_stack *ref, const char *tool,
			  bool subsequence, bool with_inlined)
{
	const struct wh_task *task = wh_task_list_find_pid(&f->s.tasks, ref->pid);
	if (!task)
		fail_msg("%s has pid %d, whyhung does not", tool, ref->pid);
	struct wh_backtrace *bt;
	struct wh_error *err = wh_backtrace_of_task(f->k, task, &bt);
	if (err)
		fail_msg("pid %d: %s", ref->pid, err->message);
	static struct our_entry ours[256];
	size_t n = flatten(bt, with_inlined, ours, sizeof(ours) / sizeof(*ours));
	/* drgn follows the registers into user space: a bare address. */
	size_t ref_n = ref->n;
	if (bt->stack.user_mode && ref_n && !strncmp(ref->names[ref_n - 1], "0x", 2))
		ref_n--;
	bool ok = (subsequence ? n >= ref_n : n == ref_n) && wh_unwind_complete(&bt->stack);
	size_t skipped = 0;
	for (size_t i = 0; ok && i < ref_n; i++) {
		if (i + skipped >= n) {
			ok = false;
			break;
		}
		const struct our_entry *e = &ours[i + skipped];
		const struct wh_frame *fr = e->frame;
		ok = e->inlined == ref->inlined[i] && !strcmp(e->name, ref->names[i]);
		/* We name an address like the kernel does, by the nearest symbol,
		 * which may be a label inside the function drgn names from DWARF
		 * (entry_SYSCALL_64_after_hwframe in entry_SYSCALL_64). */
		struct wh_symbol sym;
		if (!ok && !e->inlined && !ref->inlined[i] && fr->have_symbol && !fr->sym.module) {
			struct wh_error *err2 =
			    wh_elf_image_symbol(f->k->vmlinux, ref->names[i], &sym);
			if (!err2 && sym.size)
				ok = fr->sym.link_address - 1 - sym.address < sym.size;
			wh_error_destroy(err2);
		}
		if (!ok && subsequence && skipped < 2 && i + skipped + 1 < n) {
			skipped++;
			i--; /* retry this reference frame against our next frame */
			ok = true;
		}
	}
	if (ok && subsequence && ref_n + skipped != n)
		ok = false;
	if (!ok) {
		fprintf(stderr, "pid %d differs from %s (end: %s):\n", ref->pid, tool,
			wh_unwind_end_name(bt->stack.end));
		for (size_t i = 0; i < n || i < ref_n; i++)
			fprintf(stderr, "  %-40s%s %s%s\n", i < n ? ours[i].name : "-",
				i < n && ours[i].inlined ? " (inlined)" : "",
				i < ref_n ? ref->names[i] : "-",
				i < ref_n && ref->inlined[i] ? " (inlined)" : "");
	}
	wh_backtrace_destroy(bt);
	assert_true(ok);
}

/* drgn-tasks.txt blocks: "== PID COMM" then "#N name" or "#N name (inlined)":
 * the whole sequence, inlined functions included, in drgn's order. */
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
				compare_stack(f, &ref, "drgn", false, true);
				compared++;
			}
			memset(&ref, 0, sizeof(ref));
			ref.pid = pid;
		} else if (ref.pid >= 0 && sscanf(line, "#%d %127s", &idx, name) == 2 &&
			   ref.n < 64) {
			ref.inlined[ref.n] = strstr(line, "(inlined)") != NULL;
			base_name(name, ref.names[ref.n++], sizeof(ref.names[0]));
		}
	}
	if (ref.pid >= 0) {
		compare_stack(f, &ref, "drgn", false, true);
		compared++;
	}
	fclose(in);
	assert_true(compared >= 10);
}

/* crash's "foreach UN bt" (tests/support/crash_ref.c reads it). */
static void test_d_stacks_equal_crash(void **state)
{
	struct fixture *f = *state;
	char path[4096];
	snprintf(path, sizeof(path), "%s/reference/crash-foreach-UN-bt.txt", fixture_dir);
	struct crash_stack *stacks;
	size_t n = crash_stacks_read(path, &stacks);
	if (!stacks)
		skip();
	for (size_t i = 0; i < n; i++) {
		struct ref_stack ref = {.pid = stacks[i].pid, .n = stacks[i].n};
		memcpy(ref.names, stacks[i].names, sizeof(ref.names));
		compare_stack(f, &ref, "crash", true, false);
	}
	free(stacks);
	assert_true(n >= 10);
}

/* The panicking CPU's stack is complete and contains, in order, the frames
 * crash's "bt -a" shows for it, except machine_kexec: on a kdump the
 * registers are taken in __crash_kexec (crash_setup_regs) before it is
 * called, and ORC cannot follow them there (the unwinder resumes at the
 * next return address). On a kdump the other CPUs sat in the crash NMI at
 * dump time and are said to be stopped by it. */
static void test_panic_cpu_stack_equal_crash(void **state)
{
	struct fixture *f = *state;
	char path[4096];
	snprintf(path, sizeof(path), "%s/reference/crash-bt-a.txt", fixture_dir);
	struct crash_stack *stacks;
	size_t n = crash_stacks_read(path, &stacks);
	int cpu = f->s.panic.cpu;
	if (!stacks || cpu < 0) {
		free(stacks);
		skip();
	}
	struct wh_cpus cpus;
	assert_null(wh_cpus_build(f->k, &f->s.tasks, cpu, &cpus));
	const struct crash_stack *ref = NULL;
	for (size_t i = 0; i < n; i++)
		if (stacks[i].cpu == cpu)
			ref = &stacks[i];
	assert_non_null(ref);
	bool kdump = wh_dump_vmcoreinfo(f->k->dump, "CRASHTIME") != NULL;
	for (size_t c = 0; c < cpus.count; c++) {
		const struct wh_cpu_view *v = &cpus.cpus[c];
		if ((int)v->cpu != cpu) {
			if (kdump && !v->stopped_by_nmi)
				fail_msg(
				    "kdump: CPU %u is not reported as stopped by the crash NMI",
				    v->cpu);
			continue;
		}
		if (!wh_unwind_complete(&v->bt->stack))
			fail_msg("panicking CPU %d: trace ends: %s", cpu,
				 wh_unwind_end_name(v->bt->stack.end));
		size_t j = 0;
		for (size_t i = 0; i < v->bt->stack.n && j < ref->n; i++) {
			char name[128];
			base_name(v->bt->stack.frames[i].have_symbol
				      ? v->bt->stack.frames[i].sym.function
				      : "?",
				  name, sizeof(name));
			while (j < ref->n && !strcmp(ref->names[j], "machine_kexec"))
				j++;
			if (j < ref->n && !strcmp(name, ref->names[j]))
				j++;
		}
		while (j < ref->n && !strcmp(ref->names[j], "machine_kexec"))
			j++;
		if (j != ref->n)
			fail_msg("crash's frame %zu (%s) of CPU %d not found in order", j,
				 ref->names[j], cpu);
	}
	wh_cpus_deinit(&cpus);
	free(stacks);
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
			fail_msg("pid %d: trace ends: %s", t->pid,
				 wh_unwind_end_name(bt->stack.end));
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
	    cmocka_unit_test(test_panic_cpu_stack_equal_crash),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
