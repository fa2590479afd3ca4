/* Pid namespaces read from a real dump: every task of the hung fixtures
 * lives in the initial namespace (init_pid_ns, level 0), as read through
 * its struct pid; with the ELF dump, a copy whose init's struct pid claims
 * an absurd depth: that task's namespace is refused as corrupt, the others
 * still read, and the report is still built with no dying namespace.
 * usage: test_fixture_pidns FIXTURE_DIR VMLINUX [ELF_VMCORE WORKDIR] */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "kernel.h"
#include "pid_ns.h"
#include "report.h"

static const char *fixture_dir, *vmlinux_path, *elf_path, *work_dir;

static void all_in_init_pid_ns(struct wh_kernel *k, const struct wh_task_list *tasks,
			       uint64_t except)
{
	uint64_t init_ns;
	assert_null(wh_kernel_symbol_address(k, "init_pid_ns", &init_ns));
	size_t n = 0;
	for (size_t i = 0; i < tasks->count; i++) {
		const struct wh_task *t = &tasks->tasks[i];
		if (t->idle || t->address == except)
			continue;
		uint64_t ns = 0;
		unsigned level = 99;
		struct wh_error *err = wh_task_pid_ns(k, t->address, -1, &ns, &level);
		if (err)
			fail_msg("pid %d: %s", t->pid, err->message);
		assert_int_equal(ns, init_ns);
		assert_int_equal(level, 0);
		n++;
	}
	assert_true(n > 10);
}

static void test_tasks_in_the_initial_namespace(void **state)
{
	(void)state;
	char path[4096];
	snprintf(path, sizeof(path), "%s/vmcore", fixture_dir);
	struct wh_kernel *k;
	assert_null(wh_kernel_open(path, vmlinux_path, &k));
	struct wh_report r;
	assert_null(wh_report_build(k, &r));
	all_in_init_pid_ns(k, &r.summary.tasks, 0);
	assert_int_equal(r.pidns.count, 0); /* nobody in zap_pid_ns_processes() */
	wh_report_deinit(&r);
	wh_kernel_destroy(k);
}

/* The file offset of physical address PADDR in an ELF core, or -1. */
static off_t elf_offset(int fd, uint64_t paddr)
{
	Elf64_Ehdr eh;
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh))
		return -1;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) != sizeof(ph))
			return -1;
		if (ph.p_type == PT_LOAD && paddr >= ph.p_paddr &&
		    paddr + 8 <= ph.p_paddr + ph.p_filesz)
			return (off_t)(ph.p_offset + (paddr - ph.p_paddr));
	}
	return -1;
}

static void test_absurd_pid_level(void **state)
{
	(void)state;
	if (!elf_path)
		skip();
	struct wh_kernel *k;
	assert_null(wh_kernel_open(elf_path, vmlinux_path, &k));
	struct wh_report r;
	assert_null(wh_report_build(k, &r));
	const struct wh_task *init = wh_task_list_find_pid(&r.summary.tasks, 1);
	assert_non_null(init);
	uint64_t task = init->address, pid, paddr;
	struct wh_member_info thread_pid, level;
	assert_null(wh_kernel_member(k, "task_struct", "thread_pid", &thread_pid));
	assert_null(wh_kernel_member(k, "pid", "level", &level));
	assert_null(wh_kernel_read_member(k, task, &thread_pid, &pid));
	assert_null(wh_dump_virt_to_phys(k->dump, pid + level.offset, &paddr));
	wh_report_deinit(&r);
	wh_kernel_destroy(k);

	char copy[4096], cmd[9000];
	snprintf(copy, sizeof(copy), "%s/absurd-pid-level.elf", work_dir);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", elf_path, copy);
	assert_int_equal(system(cmd), 0);
	int fd = open(copy, O_RDWR);
	assert_true(fd >= 0);
	off_t off = elf_offset(fd, paddr);
	assert_true(off >= 0);
	uint32_t absurd = 1000;
	assert_int_equal(pwrite(fd, &absurd, sizeof(absurd), off), sizeof(absurd));
	close(fd);

	assert_null(wh_kernel_open(copy, vmlinux_path, &k));
	uint64_t ns;
	unsigned lvl;
	struct wh_error *err = wh_task_pid_ns(k, task, -1, &ns, &lvl);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_CORRUPT);
	wh_error_destroy(err);
	assert_null(wh_report_build(k, &r));
	all_in_init_pid_ns(k, &r.summary.tasks, task);
	assert_int_equal(r.pidns.count, 0);
	wh_report_deinit(&r);
	wh_kernel_destroy(k);
	unlink(copy);
}

int main(int argc, char **argv)
{
	if (argc != 3 && argc != 5) {
		fprintf(stderr, "usage: %s FIXTURE_DIR VMLINUX [ELF_VMCORE WORKDIR]\n", argv[0]);
		return 2;
	}
	fixture_dir = argv[1];
	vmlinux_path = argv[2];
	if (argc == 5) {
		elf_path = argv[3];
		work_dir = argv[4];
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tasks_in_the_initial_namespace),
	    cmocka_unit_test(test_absurd_pid_level),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
