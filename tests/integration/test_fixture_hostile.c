/* Damaged and cut copies of a real kdump-compressed dump (and of an ELF
 * one), run through the whyhung binary: page descriptors the library
 * would overflow a buffer with or read past the end of the file through
 * its mmap with, each header field it trusts, truncations at several
 * points. Every run must end within a time bound, never on a signal (a
 * Release build crashed on some), with a documented exit code and one
 * line in whyhung's words; a cut dump gives a partial report that says
 * so in its first lines.
 * usage: test_fixture_hostile WHYHUNG VMCORE ELF_VMCORE VMLINUX WORKDIR */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "kernel.h"

static const char *whyhung, *vmcore, *elf_vmcore, *vmlinux, *work;

enum { RUN_SECONDS = 120 };

/* One run's output; runs are sequential, so one buffer serves all. */
static char out_buf[1 << 21], err_buf[1 << 16];

struct run {
	int status; /* exit code, or -signal */
	char *out, *err;
};

static void slurp(const char *path, char *buf, size_t size)
{
	buf[0] = '\0';
	FILE *f = fopen(path, "rb");
	if (!f)
		return;
	size_t n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* whyhung ARGS... with stdout/stderr to files; killed after RUN_SECONDS. */
static void run_whyhung(struct run *r, const char *const *args)
{
	char out[4200], err[4200];
	snprintf(out, sizeof(out), "%s/hostile.out", work);
	snprintf(err, sizeof(err), "%s/hostile.err", work);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(o, 1);
		dup2(e, 2);
		const char *argv[16] = {whyhung};
		size_t n = 1;
		for (; args[n - 1] && n < 15; n++)
			argv[n] = args[n - 1];
		argv[n] = NULL;
		execv(whyhung, (char *const *)argv);
		_exit(127);
	}
	int status;
	time_t start = time(NULL);
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (time(NULL) - start > RUN_SECONDS) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			fail_msg("whyhung ran longer than %d s", RUN_SECONDS);
		}
		usleep(20000);
	}
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
	r->out = out_buf;
	r->err = err_buf;
	slurp(out, out_buf, sizeof(out_buf));
	slurp(err, err_buf, sizeof(err_buf));
}

/* Exit code in WANT (a -1 terminated list); a failure is one line,
 * "whyhung: ...", printable, no library wording, no sanitizer report. */
static void check_run(const struct run *r, const char *what, const int *want)
{
	if (r->status < 0)
		fail_msg("%s: killed by signal %d: %s", what, -r->status, r->err);
	bool ok = false;
	for (const int *w = want; *w >= 0; w++)
		ok |= r->status == *w;
	if (!ok)
		fail_msg("%s: exit %d: %s", what, r->status, r->err);
	if (strstr(r->err, "Sanitizer") || strstr(r->err, "runtime error"))
		fail_msg("%s: sanitizer report: %s", what, r->err);
	if (r->status != 0) {
		if (strncmp(r->err, "whyhung: ", 9) ||
		    strchr(r->err, '\n') != r->err + strlen(r->err) - 1)
			fail_msg("%s: stderr is not one whyhung line: %s", what, r->err);
		for (const char *p = r->err; *p; p++)
			if ((unsigned char)*p < 0x20 && *p != '\n')
				fail_msg("%s: raw control byte in: %s", what, r->err);
		if (strstr(r->err, "Cannot ") || strstr(r->err, "file.set"))
			fail_msg("%s: library wording: %s", what, r->err);
	}
}

static char *copy_path(const char *name)
{
	static char path[4200];
	snprintf(path, sizeof(path), "%s/%s", work, name);
	return path;
}

/* Copy SRC to DST, keeping the first LEN bytes (all when LEN is 0). */
static void copy_file(const char *src, const char *dst, uint64_t len)
{
	int in = open(src, O_RDONLY), out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(in >= 0 && out >= 0);
	char buf[1 << 16];
	uint64_t done = 0;
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));
		assert_true(n >= 0);
		if (n == 0)
			break;
		if (len && done + (uint64_t)n > len)
			n = (ssize_t)(len - done);
		assert_int_equal(write(out, buf, (size_t)n), n);
		done += (uint64_t)n;
		if (len && done == len)
			break;
	}
	close(in);
	close(out);
}

static void poke(const char *path, uint64_t off, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, data, len, (off_t)off), (ssize_t)len);
	close(fd);
}

static uint64_t file_size(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return (uint64_t)st.st_size;
}

struct geometry {
	uint32_t block_size;
	uint64_t bitmap_off, desc_off;
};

static void read_geometry(struct geometry *g)
{
	int fd = open(vmcore, O_RDONLY);
	assert_true(fd >= 0);
	unsigned char h[464];
	assert_int_equal(pread(fd, h, sizeof(h), 0), sizeof(h));
	uint32_t sub, bb;
	memcpy(&g->block_size, h + 428, 4);
	memcpy(&sub, h + 432, 4);
	memcpy(&bb, h + 436, 4);
	g->bitmap_off = (1 + (uint64_t)sub) * g->block_size + (uint64_t)bb * g->block_size / 2;
	g->desc_off = (1 + (uint64_t)sub + bb) * g->block_size;
	close(fd);
}

/* File offset of the page descriptor of the page holding SYMBOL. */
static uint64_t descriptor_of(const struct geometry *g, const char *symbol)
{
	struct wh_kernel *k;
	assert_null(wh_kernel_open(vmcore, vmlinux, &k));
	uint64_t addr, paddr;
	assert_null(wh_kernel_symbol_address(k, symbol, &addr));
	assert_null(wh_dump_virt_to_phys(k->dump, addr, &paddr));
	wh_kernel_destroy(k);
	uint64_t pfn = paddr / g->block_size, index = 0;
	int fd = open(vmcore, O_RDONLY);
	unsigned char byte;
	for (uint64_t b = 0; b < pfn / 8; b++) {
		assert_int_equal(pread(fd, &byte, 1, (off_t)(g->bitmap_off + b)), 1);
		index += (uint64_t)__builtin_popcount(byte);
	}
	assert_int_equal(pread(fd, &byte, 1, (off_t)(g->bitmap_off + pfn / 8)), 1);
	assert_true(byte >> (pfn % 8) & 1);
	index += (uint64_t)__builtin_popcount(byte & ((1u << (pfn % 8)) - 1));
	close(fd);
	return g->desc_off + index * 24;
}

static const int ok_or_data[] = {0, 9, -1};

/* Descriptors of the pages that hold init_task and nr_cpu_ids, damaged the
 * ways that made libkdumpfile overflow its buffer or fault. */
static void test_damaged_descriptors(void **state)
{
	struct geometry g;
	read_geometry(&g);
	const char *symbols[] = {"init_task", "nr_cpu_ids", "linux_banner"};
	uint64_t size = file_size(vmcore);
	for (size_t s = 0; s < 3; s++) {
		uint64_t d = descriptor_of(&g, symbols[s]);
		struct {
			const char *what;
			uint64_t offset; /* 0: keep */
			uint32_t size, flags;
		} cases[] = {
		    {"compressed size of 3 pages", 0, 3 * g.block_size, 1},
		    {"compressed size of page + 1", 0, g.block_size + 1, 1},
		    {"raw page 10 bytes before EOF", size - 10, g.block_size, 0},
		    {"offset far past EOF", 1ull << 50, g.block_size, 0},
		    {"unknown flags", 0, 100, 0x80},
		    {"raw page of the wrong size", 0, 100, 0},
		};
		for (size_t c = 0; c < sizeof(cases) / sizeof(*cases); c++) {
			char *copy = copy_path("damaged-descriptor");
			copy_file(vmcore, copy, 0);
			if (cases[c].offset)
				poke(copy, d, &cases[c].offset, 8);
			poke(copy, d + 8, &cases[c].size, 4);
			poke(copy, d + 12, &cases[c].flags, 4);
			struct run r;
			const char *args[] = {copy, "-k", vmlinux, NULL};
			run_whyhung(&r, args);
			char what[256];
			snprintf(what, sizeof(what), "%s: %s", symbols[s], cases[c].what);
			check_run(&r, what, ok_or_data);
			unlink(copy);
		}
	}
}

/* One damaged header field at OFF; must be refused with exit WANT. */
static void bad_header(const char *what, uint64_t off, const void *data, size_t len, int want)
{
	char *copy = copy_path("damaged-header");
	copy_file(vmcore, copy, 0);
	poke(copy, off, data, len);
	struct run r;
	const char *args[] = {copy, "-k", vmlinux, NULL};
	run_whyhung(&r, args);
	int codes[] = {want, -1};
	check_run(&r, what, codes);
	unlink(copy);
}

static uint64_t find_bytes(const char *path, const char *needle)
{
	int fd = open(path, O_RDONLY);
	static char buf[1 << 20];
	ssize_t n = pread(fd, buf, sizeof(buf), 0);
	close(fd);
	assert_true(n > 0);
	char *p = memmem(buf, (size_t)n, needle, strlen(needle));
	assert_non_null(p);
	return (uint64_t)(p - buf);
}

static void test_damaged_headers(void **state)
{
	int32_t minus_one = -1;
	uint32_t all_ones = 0xffffffff;
	uint64_t huge = 1ull << 40;
	bad_header("header_version -1", 8, &minus_one, 4, 4);
	bad_header("max_mapnr 0xffffffff", 440, &all_ones, 4, 4);
	struct geometry g;
	read_geometry(&g);
	bad_header("huge size_note", g.block_size + 56, &huge, 8, 4);
	bad_header("max_mapnr_64 huge", g.block_size + 96, &huge, 8, 4);
	uint32_t odd = 4095;
	bad_header("block size 4095", 428, &odd, 4, 4);
	int32_t big = 0x7fffffff;
	bad_header("sub_hdr_size huge", 432, &big, 4, 4);
	uint32_t three = 3;
	bad_header("odd bitmap_blocks", 436, &three, 4, 4);
	uint64_t near_end = file_size(vmcore) - 10;
	bad_header("offset_note near the end of the file", g.block_size + 48, &near_end, 8, 5);
	uint64_t pagesize = find_bytes(vmcore, "PAGESIZE=4096");
	bad_header("VMCOREINFO PAGESIZE=4095", pagesize, "PAGESIZE=4095", 13, 4);
	bad_header("VMCOREINFO PAGESIZE=0", pagesize, "PAGESIZE=0000", 13, 4);
	/* Newline and an escape sequence in the build id: a mismatch, said
	 * on one escaped line. */
	uint64_t id = find_bytes(vmcore, "BUILD-ID=");
	bad_header("build id with control bytes", id + 9, "\x1b[31mX\rY", 8, 8);
}

static const char *first_line(const char *s, char *buf, size_t size)
{
	size_t n = strcspn(s, "\n");
	if (n >= size)
		n = size - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

/* An incomplete capture: a report that says so first (text and JSON). */
static void check_partial(const char *src, uint64_t len, const char *what)
{
	char *copy = copy_path("cut");
	copy_file(src, copy, len);
	struct run r;
	const char *args[] = {copy, "-k", vmlinux, NULL};
	run_whyhung(&r, args);
	check_run(&r, what, ok_or_data);
	char line[512];
	if (r.status == 0 &&
	    strncmp(first_line(r.out, line, sizeof(line)), "warning: dump incomplete: ", 26))
		fail_msg("%s: first line: %s", what, line);
	if (r.status == 9 && !strstr(r.err, "dump incomplete"))
		fail_msg("%s: %s", what, r.err);
	const char *json[] = {copy, "-k", vmlinux, "--format", "json", NULL};
	run_whyhung(&r, json);
	check_run(&r, what, ok_or_data);
	if (r.status == 0 && !strstr(r.out, "\"incomplete\":{\"pages_missing\":") &&
	    !strstr(r.out, "\"incomplete\": {\"pages_missing\":"))
		fail_msg("%s: JSON without the missing pages: %.300s", what, r.out);
	unlink(copy);
}

static void test_truncated(void **state)
{
	struct geometry g;
	read_geometry(&g);
	uint64_t size = file_size(vmcore);
	/* Cut in the headers and bitmaps: refused, exit 5. */
	uint64_t cuts[] = {300, g.block_size + 20, g.bitmap_off + 10};
	for (size_t i = 0; i < 3; i++) {
		char *copy = copy_path("cut");
		copy_file(vmcore, copy, cuts[i]);
		struct run r;
		const char *args[] = {copy, "-k", vmlinux, NULL};
		run_whyhung(&r, args);
		char what[64];
		snprintf(what, sizeof(what), "cut at %llu", (unsigned long long)cuts[i]);
		int five[] = {5, -1};
		check_run(&r, what, five);
		unlink(copy);
	}
	/* Cut inside the descriptor table: nothing is readable. */
	check_partial(vmcore, g.desc_off + 1000, "cut in the descriptor table");
	/* Cut in the page data: a partial report. */
	int pcts[] = {50, 85, 90, 95, 99};
	for (size_t i = 0; i < 5; i++) {
		char what[64];
		snprintf(what, sizeof(what), "kdump cut at %d%%", pcts[i]);
		check_partial(vmcore, size * (uint64_t)pcts[i] / 100, what);
	}
	/* 90% of this fixture keeps what the report needs: exit 0. */
	char *copy = copy_path("cut");
	copy_file(vmcore, copy, size * 90 / 100);
	struct run r;
	const char *args[] = {copy, "-k", vmlinux, NULL};
	run_whyhung(&r, args);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\npanic:      hung task: "));
	unlink(copy);
}

/* A raw /proc/vmcore copy (ELF) cut short: likewise partial. */
static void test_truncated_elf(void **state)
{
	uint64_t size = file_size(elf_vmcore);
	int pcts[] = {60, 90, 99};
	for (size_t i = 0; i < 3; i++) {
		char what[64];
		snprintf(what, sizeof(what), "ELF cut at %d%%", pcts[i]);
		check_partial(elf_vmcore, size * (uint64_t)pcts[i] / 100, what);
	}
}

/* The dump's linux_banner damaged (an escape sequence and a newline in
 * it) while its build id matches the vmlinux: the dump is what is corrupt
 * (9, not 8), said on one escaped line. */
static void test_damaged_banner(void **state)
{
	char *copy = copy_path("damaged-banner.elf");
	copy_file(elf_vmcore, copy, 0);
	static const char needle[] = "Linux version 6.1.192-whyhung (";
	int fd = open(copy, O_RDWR);
	assert_true(fd >= 0);
	static char buf[1 << 20];
	size_t patched = 0;
	for (uint64_t off = 0;; off += sizeof(buf) - 64) {
		ssize_t n = pread(fd, buf, sizeof(buf), (off_t)off);
		if (n <= 0)
			break;
		for (char *p = buf; (p = memmem(p, (size_t)(buf + n - p), needle,
						 sizeof(needle) - 1));
		     p++) {
			assert_int_equal(pwrite(fd, "\x1b[2J\n", 6, (off_t)(off + (uint64_t)(p - buf) + 22)),
					 6);
			patched++;
		}
		if ((size_t)n < sizeof(buf))
			break;
	}
	close(fd);
	assert_true(patched >= 1);
	struct run r;
	const char *args[] = {copy, "-k", vmlinux, NULL};
	run_whyhung(&r, args);
	int nine[] = {9, -1};
	check_run(&r, "damaged banner", nine);
	assert_non_null(strstr(r.err, "\\x1b"));
	unlink(copy);
}

/* A budget spent (WHYHUNG_LIMITS): still a report, which says so first;
 * the fixtures never reach the default budget. */
static void test_budget(void **state)
{
	const char *limits[] = {"pages=60", "steps=40", "pages=250,steps=100000"};
	for (size_t i = 0; i < 3; i++) {
		setenv("WHYHUNG_LIMITS", limits[i], 1);
		struct run r;
		const char *args[] = {vmcore, "-k", vmlinux, NULL};
		run_whyhung(&r, args);
		check_run(&r, limits[i], ok_or_data);
		char line[512];
		assert_int_equal(r.status, 0);
		if (strncmp(first_line(r.out, line, sizeof(line)),
			    "warning: analysis budget spent (", 32))
			fail_msg("%s: first line: %s", limits[i], line);
		assert_non_null(strstr(r.out, "\nwarning: analysis budget spent ("));
		const char *json[] = {vmcore, "-k", vmlinux, "-f", "json", NULL};
		run_whyhung(&r, json);
		assert_int_equal(r.status, 0);
		assert_true(strstr(r.out, "\"budget_spent\":\"") ||
			    strstr(r.out, "\"budget_spent\": \""));
	}
	unsetenv("WHYHUNG_LIMITS");
	struct run r;
	const char *json[] = {vmcore, "-k", vmlinux, "-f", "json", NULL};
	run_whyhung(&r, json);
	assert_int_equal(r.status, 0);
	assert_true(strstr(r.out, "\"budget_spent\":null") ||
		    strstr(r.out, "\"budget_spent\": null"));
	assert_true(strstr(r.out, "\"incomplete\":null") || strstr(r.out, "\"incomplete\": null"));
}

int main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: %s WHYHUNG VMCORE ELF_VMCORE VMLINUX WORKDIR\n", argv[0]);
		return 2;
	}
	whyhung = argv[1];
	vmcore = argv[2];
	elf_vmcore = argv[3];
	vmlinux = argv[4];
	work = argv[5];
	mkdir(work, 0755);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_damaged_headers), cmocka_unit_test(test_damaged_descriptors),
	    cmocka_unit_test(test_truncated),	    cmocka_unit_test(test_truncated_elf),
	    cmocka_unit_test(test_budget),
	    cmocka_unit_test(test_damaged_banner),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
