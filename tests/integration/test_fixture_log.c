/* The kernel log and the panic classification on a real fixture dump: the
 * log renders byte for byte like makedumpfile --dump-dmesg's saved output,
 * and the panic agrees with truth.json and the kernel's own console
 * (serial.log). usage: test_fixture_log FIXTURE_DIR VMLINUX VMCORE */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kernel.h"
#include "output_log.h"
#include "printk.h"
#include "summary.h"
#include "tests/support/json_read.h"

static const char *fixture_dir, *vmlinux_path, *vmcore_path;

struct fixture {
	struct wh_kernel *k;
};

static int setup(void **state)
{
	static struct fixture f;
	struct wh_error *err = wh_kernel_open(vmcore_path, vmlinux_path, &f.k);
	if (err) {
		fprintf(stderr, "open: %s\n", err->message);
		return -1;
	}
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	wh_kernel_destroy(f->k);
	return 0;
}

static char *read_file(const char *name, size_t *ret_len)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", fixture_dir, name);
	FILE *in = fopen(path, "rb");
	if (!in)
		return NULL;
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	do {
		if (len + 65536 > cap) {
			cap = (cap + 65536) * 2;
			buf = realloc(buf, cap + 1);
			assert_non_null(buf);
		}
		n = fread(buf + len, 1, cap - len, in);
		len += n;
	} while (n);
	fclose(in);
	buf[len] = '\0';
	*ret_len = len;
	return buf;
}

static void test_log_equals_makedumpfile(void **state)
{
	struct fixture *f = *state;
	size_t want_len;
	char *want = read_file("reference/makedumpfile-dmesg.txt", &want_len);
	if (!want)
		skip();
	struct wh_log log;
	struct wh_error *err = wh_log_read(f->k, &log);
	if (err)
		fail_msg("%s", err->message);
	assert_string_equal(log.format, "lockless");
	assert_int_equal(log.gap_records, 0);
	assert_int_equal(log.diags.count, 0);
	for (size_t i = 1; i < log.count; i++)
		assert_true(log.records[i].seq > log.records[i - 1].seq);
	char *got = NULL, *notes = NULL;
	size_t got_len, notes_len;
	FILE *out = open_memstream(&got, &got_len), *nout = open_memstream(&notes, &notes_len);
	wh_output_text_log(out, nout, &log);
	fclose(out);
	fclose(nout);
	assert_int_equal(notes_len, 0);
	/* On a difference, name the first differing line. */
	if (got_len != want_len || memcmp(got, want, want_len)) {
		size_t i = 0, line = 1;
		while (i < got_len && i < want_len && got[i] == want[i])
			line += got[i++] == '\n';
		fail_msg("log differs from makedumpfile at line %zu (%zu vs %zu bytes)", line,
			 got_len, want_len);
	}
	free(got);
	free(notes);
	free(want);
	wh_log_deinit(&log);
}

/* serial.log: the CPU line printed right after the panic line. */
static void panic_cpu_from_console(int *cpu, int *pid, char *comm)
{
	size_t len;
	char *serial = read_file("serial.log", &len);
	assert_non_null(serial);
	char *p = strstr(serial, "Kernel panic - not syncing: ");
	assert_non_null(p);
	p = strstr(p, "CPU: ");
	assert_non_null(p);
	/* dump_stack_print_info() (lib/dump_stack.c) prints "UID: N" between
	 * the CPU and the PID since 6.10 (6.12 fixture); 6.1 has none. */
	if (sscanf(p, "CPU: %d PID: %d Comm: %16s", cpu, pid, comm) != 3)
		assert_int_equal(sscanf(p, "CPU: %d UID: %*d PID: %d Comm: %16s", cpu, pid, comm),
				 3);
	free(serial);
}

static void test_panic_matches_truth(void **state)
{
	struct fixture *f = *state;
	char path[4096];
	snprintf(path, sizeof(path), "%s/truth.json", fixture_dir);
	struct jr_value *truth = jr_parse_file(path);
	assert_non_null(truth);
	struct wh_summary s;
	struct wh_error *err = wh_summary_build(f->k, &s);
	if (err)
		fail_msg("%s", err->message);
	const struct wh_panic *p = &s.panic;
	assert_false(p->log_unavailable);
	assert_int_equal(p->kind, WH_PANIC_HUNG_TASK);
	assert_true(p->have_message);
	assert_string_equal(p->message, jr_get_string(truth, "panic"));
	/* Every task the hung task watchdog reported, in report order. */
	const struct jr_value *reported = jr_get(truth, "hung_task_reported");
	const struct jr_value *blocked = jr_get(truth, "blocked");
	assert_non_null(reported);
	assert_non_null(blocked);
	assert_int_equal(p->n_hung, reported->count);
	assert_int_equal(p->n_hung_dropped, 0);
	for (size_t i = 0; i < reported->count; i++) {
		assert_int_equal(p->hung[i].pid, (int32_t)reported->items[i].number);
		assert_true(p->hung[i].seconds >= 10);
		for (size_t j = 0; j < blocked->count; j++)
			if (jr_get_int(&blocked->items[j], "pid", -1) == p->hung[i].pid)
				assert_string_equal(p->hung[i].comm,
						    jr_get_string(&blocked->items[j], "comm"));
	}
	/* Where it panicked: from panic_cpu and that CPU's runqueue, agreeing
	 * with what the kernel printed. */
	int cpu, pid;
	char comm[17];
	panic_cpu_from_console(&cpu, &pid, comm);
	assert_int_equal(p->cpu, cpu);
	assert_string_equal(p->cpu_source, "panic_cpu");
	assert_int_equal(p->pid, pid);
	assert_string_equal(p->comm, comm);
	assert_string_equal(p->task_source, "runqueue");
	wh_summary_deinit(&s);
	jr_free(truth);
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s FIXTURE_DIR VMLINUX VMCORE\n", argv[0]);
		return 2;
	}
	fixture_dir = argv[1];
	vmlinux_path = argv[2];
	vmcore_path = argv[3];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log_equals_makedumpfile),
		cmocka_unit_test(test_panic_matches_truth),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
