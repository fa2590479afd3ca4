/* The kernel log kdump saves beside the dump (kdump-tools' dmesg.STAMP,
 * RHEL's vmcore-dmesg.txt), used when the dump's own log is unreadable: a
 * copy of the fixture's ELF dump with the printk ring pointer (prb) zeroed,
 * in a directory laid out as each tool does, the log file made by
 * makedumpfile --dump-dmesg as kdump-tools makes it.
 * usage: test_fixture_log_beside VMLINUX ELF_VMCORE WORKDIR */
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

#include "kdump_log_file.h"
#include "summary.h"

static const char *vmlinux_path, *elf_path, *work_dir;

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

static void run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void run(const char *fmt, ...)
{
	char cmd[16384];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("failed: %s", cmd);
}

/* DIR/NAME: the ELF dump with its log pointer zeroed. */
static void damaged_copy(const char *dir, const char *name)
{
	struct wh_kernel *k;
	assert_null(wh_kernel_open(elf_path, vmlinux_path, &k));
	uint64_t prb, paddr;
	assert_null(wh_kernel_symbol_address(k, "prb", &prb));
	assert_null(wh_dump_virt_to_phys(k->dump, prb, &paddr));
	wh_kernel_destroy(k);
	run("rm -rf '%s' && mkdir -p '%s' && cp '%s' '%s/%s'", dir, dir, elf_path, dir, name);
	char path[8192];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	off_t off = elf_offset(fd, paddr);
	assert_true(off >= 0);
	uint64_t zero = 0;
	assert_int_equal(pwrite(fd, &zero, sizeof(zero), off), sizeof(zero));
	close(fd);
}

static void summary_of(const char *path, struct wh_summary *s)
{
	struct wh_kernel *k;
	assert_null(wh_kernel_open(path, vmlinux_path, &k));
	assert_null(wh_summary_build(k, s));
	wh_kernel_destroy(k);
}

static void test_kdump_tools_layout(void **state)
{
	struct wh_summary plain;
	summary_of(elf_path, &plain);
	assert_false(plain.panic.log_unavailable);
	assert_string_equal(plain.panic.log_file, "");

	char dir[4096], dump[8192], dmesg[8192];
	snprintf(dir, sizeof(dir), "%s/202612020301", work_dir);
	damaged_copy(dir, "dump.202612020301");
	snprintf(dump, sizeof(dump), "%s/dump.202612020301", dir);
	snprintf(dmesg, sizeof(dmesg), "%s/dmesg.202612020301", dir);

	/* Without the file: the panic is unknown, as before. */
	struct wh_summary s;
	summary_of(dump, &s);
	assert_true(s.panic.log_unavailable);
	wh_summary_deinit(&s);

	run("makedumpfile --dump-dmesg '%s' '%s' >/dev/null 2>&1", elf_path, dmesg);
	summary_of(dump, &s);
	assert_false(s.panic.log_unavailable);
	assert_string_equal(s.panic.log_file, dmesg);
	assert_true(s.panic.log_error[0] != '\0');
	/* The same panic as from the dump's own log. */
	assert_int_equal(s.panic.kind, plain.panic.kind);
	assert_int_equal(s.panic.n_hung, plain.panic.n_hung);
	assert_true(s.panic.n_hung > 0);
	assert_string_equal(s.panic.hung[0].comm, plain.panic.hung[0].comm);
	assert_int_equal(s.panic.hung[0].pid, plain.panic.hung[0].pid);
	wh_summary_deinit(&s);

	/* log: every line of the file, and it is named. */
	struct wh_kernel *k;
	assert_null(wh_kernel_open(dump, vmlinux_path, &k));
	struct wh_log log;
	assert_null(wh_log_read_or_beside(k, &log));
	assert_string_equal(log.file, dmesg);
	assert_non_null(log.dump_error);
	assert_string_equal(log.format, "file");
	FILE *f = fopen(dmesg, "r");
	assert_non_null(f);
	size_t lines = 0;
	for (int c; (c = fgetc(f)) != EOF;)
		lines += c == '\n';
	fclose(f);
	assert_int_equal(log.count, lines);
	assert_true(log.records[0].ts_nsec == 0 && log.records[lines - 1].ts_nsec > 0);
	wh_log_deinit(&log);
	wh_kernel_destroy(k);

	/* Compressed as a whole, the dump keeps its log: dump.STAMP.xz. */
	char *found;
	run("mv '%s' '%s.xz'", dump, dump);
	const char *files[] = {dump};
	snprintf(dump + strlen(dump), sizeof(dump) - strlen(dump), ".xz");
	assert_null(wh_kdump_log_file_find(files, 1, &found));
	assert_non_null(found);
	assert_string_equal(found, dmesg);
	free(found);
	wh_summary_deinit(&plain);
}

static void test_rhel_layout(void **state)
{
	char dir[4096], dump[8192], dmesg[8192];
	snprintf(dir, sizeof(dir), "%s/127.0.0.1-2026-12-02-03:01:00", work_dir);
	damaged_copy(dir, "vmcore");
	snprintf(dump, sizeof(dump), "%s/vmcore", dir);
	snprintf(dmesg, sizeof(dmesg), "%s/vmcore-dmesg.txt", dir);
	run("makedumpfile --dump-dmesg '%s' '%s' >/dev/null 2>&1", elf_path, dmesg);
	struct wh_summary s;
	summary_of(dump, &s);
	assert_string_equal(s.panic.log_file, dmesg);
	assert_int_equal(s.panic.kind, WH_PANIC_HUNG_TASK);
	wh_summary_deinit(&s);
	/* A file that is not a log beside a dump whose log is fine: unused. */
	struct wh_summary plain;
	summary_of(elf_path, &plain);
	assert_string_equal(plain.panic.log_file, "");
	wh_summary_deinit(&plain);
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s VMLINUX ELF_VMCORE WORKDIR\n", argv[0]);
		return 2;
	}
	vmlinux_path = argv[1];
	elf_path = argv[2];
	work_dir = argv[3];
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_kdump_tools_layout),
	    cmocka_unit_test(test_rhel_layout),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
