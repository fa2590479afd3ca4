/* Damage in a real dump: copies of the fixture's ELF dump with (1) the
 * first waiter of wh_mutex_a made to point at itself, (2) the suspended dm
 * device's deferred bio list made to loop and the quiesced disk's tag
 * bitmap given an absurd size. The report must still be built, the damage
 * reported with a reason, and every other object read as before; no
 * endless walk.
 * usage: test_fixture_corrupt FIXTURE_DIR VMLINUX ELF_VMCORE WORKDIR */
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

#include "explain.h"
#include "kernel.h"
#include "output_report.h"
#include "report.h"
#include "xarray.h"
#include "tests/support/json_read.h"

static const char *fixture_dir, *vmlinux_path, *elf_path, *work_dir;

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

static uint64_t truth_address(const char *symbol)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/truth.json", fixture_dir);
	struct jr_value *truth = jr_parse_file(path);
	assert_non_null(truth);
	const struct jr_value *blocked = jr_get(truth, "blocked");
	uint64_t addr = 0;
	for (size_t i = 0; blocked && i < blocked->count && !addr; i++) {
		const struct jr_value *w = jr_get(&blocked->items[i], "waits_on");
		const char *sym = w ? jr_get_string(w, "symbol") : NULL;
		if (sym && !strcmp(sym, symbol))
			addr = strtoull(jr_get_string(w, "address"), NULL, 16);
	}
	jr_free(truth);
	return addr;
}

static void test_looping_wait_list(void **state)
{
	uint64_t lock = truth_address("wh_mutex_a");
	assert_true(lock != 0);
	/* Find the first waiter's list node in the original dump. */
	struct wh_kernel *k;
	assert_null(wh_kernel_open(elf_path, vmlinux_path, &k));
	struct wh_member_info wait_list;
	assert_null(wh_kernel_member(k, "mutex", "wait_list", &wait_list));
	uint64_t first, paddr;
	assert_null(wh_dump_read_u64(k->dump, lock + wait_list.offset, &first));
	assert_null(wh_dump_virt_to_phys(k->dump, first, &paddr));
	wh_kernel_destroy(k);

	char copy[4096];
	snprintf(copy, sizeof(copy), "%s/looping-wait-list.elf", work_dir);
	char cmd[9000];
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", elf_path, copy);
	assert_int_equal(system(cmd), 0);
	int fd = open(copy, O_RDWR);
	assert_true(fd >= 0);
	off_t off = elf_offset(fd, paddr);
	assert_true(off >= 0);
	assert_int_equal(pwrite(fd, &first, sizeof(first), off), sizeof(first)); /* next = itself */
	close(fd);

	assert_null(wh_kernel_open(copy, vmlinux_path, &k));
	struct wh_report r;
	struct wh_error *err = wh_report_build(k, &r);
	if (err)
		fail_msg("report failed on a looping list: %s", err->message);
	/* The damage is reported, as a warning or on the object. */
	bool reported = false;
	for (size_t i = 0; i < r.waits.n_warnings; i++)
		reported |= strstr(r.waits.warnings[i], "0x") != NULL;
	for (size_t i = 0; i < r.waits.n_objects; i++)
		if (r.waits.objects[i].address == lock)
			reported |= r.waits.objects[i].incomplete[0] != '\0';
	assert_true(reported);
	/* The rest stands: the rwsem still has its three waiters in order. */
	uint64_t rwsem = truth_address("wh_rwsem");
	bool rwsem_ok = false;
	for (size_t i = 0; i < r.waits.n_objects; i++)
		if (r.waits.objects[i].address == rwsem)
			rwsem_ok =
			    r.waits.objects[i].n_waiters == 3 && !r.waits.objects[i].incomplete[0];
	assert_true(rwsem_ok);
	wh_report_deinit(&r);
	wh_kernel_destroy(k);
	unlink(copy);
}

/* Overwrite SIZE bytes at kernel address VADDR of the ELF dump COPY. */
static void poke(struct wh_kernel *k, const char *copy, uint64_t vaddr, uint64_t value, size_t size)
{
	uint64_t paddr;
	assert_null(wh_dump_virt_to_phys(k->dump, vaddr, &paddr));
	int fd = open(copy, O_RDWR);
	assert_true(fd >= 0);
	off_t off = elf_offset(fd, paddr);
	assert_true(off >= 0);
	assert_int_equal(pwrite(fd, &value, size, off), (ssize_t)size);
	close(fd);
}

static uint64_t member_addr(struct wh_kernel *k, uint64_t obj, const char *type, const char *member)
{
	struct wh_member_info m;
	assert_null(wh_kernel_member(k, type, member, &m));
	return obj + m.offset;
}

static uint64_t member_value(struct wh_kernel *k, uint64_t obj, const char *type,
			     const char *member)
{
	struct wh_member_info m;
	uint64_t v = 0;
	assert_null(wh_kernel_member(k, type, member, &m));
	assert_null(wh_kernel_read_member(k, obj, &m, &v));
	return v;
}

static const struct wh_io_target *io_of(const struct wh_report *r, const char *device)
{
	for (size_t i = 0; i < r->waits.n_objects; i++)
		if (r->waits.objects[i].io.known && !strcmp(r->waits.objects[i].io.device, device))
			return &r->waits.objects[i].io;
	return NULL;
}

static void test_damaged_io_targets(void **state)
{
	struct wh_kernel *k;
	struct wh_report r;
	assert_null(wh_kernel_open(elf_path, vmlinux_path, &k));
	assert_null(wh_report_build(k, &r));
	const struct wh_io_target *dm = io_of(&r, "dm-0"), *vda = io_of(&r, "vda");
	assert_non_null(dm);
	assert_non_null(vda);
	assert_true(dm->dm_deferred >= 1);
	assert_true(vda->rq_allocated >= 1 && vda->scheduler);
	/* dm: the first deferred bio's bi_next points at itself. */
	uint64_t disk = member_value(k, dm->bdev, "block_device", "bd_disk");
	uint64_t md = member_value(k, disk, "gendisk", "private_data");
	uint64_t bio = member_value(k, md, "mapped_device", "deferred.head");
	uint64_t next_at = member_addr(k, bio, "bio", "bi_next");
	/* vda: the first hardware context's scheduler tag bitmap claims 2^31 words. */
	uint64_t vdisk = member_value(k, vda->bdev, "block_device", "bd_disk");
	uint64_t q = member_value(k, vdisk, "gendisk", "queue"), hctx;
	assert_null(wh_xa_load(k, member_addr(k, q, "request_queue", "hctx_table"), 0, &hctx));
	assert_true(hctx != 0);
	uint64_t tags = member_value(k, hctx, "blk_mq_hw_ctx", "sched_tags");
	uint64_t map_nr_at = member_addr(k, tags, "blk_mq_tags", "bitmap_tags.sb.map_nr");
	wh_report_deinit(&r);

	char copy[4096], cmd[9000];
	snprintf(copy, sizeof(copy), "%s/damaged-io.elf", work_dir);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", elf_path, copy);
	assert_int_equal(system(cmd), 0);
	poke(k, copy, next_at, bio, 8);
	poke(k, copy, map_nr_at, 0x80000000u, 4);
	wh_kernel_destroy(k);

	assert_null(wh_kernel_open(copy, vmlinux_path, &k));
	struct wh_error *err = wh_report_build(k, &r);
	if (err)
		fail_msg("report failed on damaged I/O targets: %s", err->message);
	dm = io_of(&r, "dm-0");
	vda = io_of(&r, "vda");
	assert_non_null(dm);
	assert_non_null(vda);
	/* Said, not guessed: unknown counts and a reason. */
	assert_int_equal(dm->dm_deferred, -1);
	assert_non_null(strstr(dm->incomplete, "loops"));
	assert_int_equal(dm->dm_suspended, 1);
	assert_int_equal(vda->rq_allocated, -1);
	assert_non_null(strstr(vda->incomplete, "implausible"));
	assert_int_equal(vda->queue_quiesced, 1);
	wh_report_deinit(&r);
	wh_kernel_destroy(k);
	unlink(copy);
}

/* The device-mapper disk's gendisk unreadable (bd_disk pointing into the
 * x86-64 guard hole): the I/O target says why it is incomplete, and no
 * error is dropped on the way (describe_dm leaked the fops read error:
 * LeakSanitizer fails this test on that code). */
static void test_unreadable_dm_disk(void **state)
{
	struct wh_kernel *k;
	struct wh_report r;
	assert_null(wh_kernel_open(elf_path, vmlinux_path, &k));
	assert_null(wh_report_build(k, &r));
	const struct wh_io_target *dm = io_of(&r, "dm-0");
	assert_non_null(dm);
	uint64_t bdev = dm->bdev;
	uint64_t disk_at = member_addr(k, bdev, "block_device", "bd_disk");
	wh_report_deinit(&r);
	char copy[4096], cmd[9000];
	snprintf(copy, sizeof(copy), "%s/unreadable-dm-disk.elf", work_dir);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", elf_path, copy);
	assert_int_equal(system(cmd), 0);
	poke(k, copy, disk_at, 0xffff800000001000ull, 8);
	wh_kernel_destroy(k);

	assert_null(wh_kernel_open(copy, vmlinux_path, &k));
	struct wh_error *err = wh_report_build(k, &r);
	if (err)
		fail_msg("report failed on an unreadable dm disk: %s", err->message);
	bool seen = false;
	for (size_t i = 0; i < r.waits.n_objects; i++) {
		const struct wh_io_target *t = &r.waits.objects[i].io;
		if (t->known && t->bdev == bdev) {
			seen = true;
			assert_true(t->incomplete[0] != '\0');
		}
	}
	assert_true(seen);
	wh_report_deinit(&r);
	wh_kernel_destroy(k);
	unlink(copy);
}

/* init_task.tasks pointing at itself: the task list cannot be walked.
 * The report says so (a warning, its first line), and the hung tasks the
 * kernel log names are still reported. */
static void test_empty_task_list(void **state)
{
	struct wh_kernel *k;
	assert_null(wh_kernel_open(elf_path, vmlinux_path, &k));
	uint64_t init_task;
	assert_null(wh_kernel_symbol_address(k, "init_task", &init_task));
	uint64_t head = member_addr(k, init_task, "task_struct", "tasks");
	char copy[4096], cmd[9000];
	snprintf(copy, sizeof(copy), "%s/empty-task-list.elf", work_dir);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", elf_path, copy);
	assert_int_equal(system(cmd), 0);
	poke(k, copy, head, head, 8);
	poke(k, copy, head + 8, head, 8);
	wh_kernel_destroy(k);

	assert_null(wh_kernel_open(copy, vmlinux_path, &k));
	struct wh_report r;
	struct wh_error *err = wh_report_build(k, &r);
	if (!err)
		err = wh_explain_report(&r);
	if (err)
		fail_msg("report failed on an empty task list: %s", err->message);
	assert_true(r.summary.tasks.list_incomplete);
	bool warned = false;
	for (size_t i = 0; i < r.summary.tasks.n_warnings; i++)
		warned |= strstr(r.summary.tasks.warnings[i], "task list cannot be walked") != NULL;
	assert_true(warned);
	assert_true(r.summary.panic.n_hung >= 20); /* from the kernel log */
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	wh_output_text_report(out, &r);
	fclose(out);
	assert_non_null(strstr(text, "warning: the task list cannot be walked"));
	assert_true(strstr(text, "warning: the task list cannot be walked") <
		    strstr(text, "panic:"));
	free(text);
	wh_report_deinit(&r);
	wh_kernel_destroy(k);
	unlink(copy);
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: %s FIXTURE_DIR VMLINUX ELF_VMCORE WORKDIR\n", argv[0]);
		return 2;
	}
	fixture_dir = argv[1];
	vmlinux_path = argv[2];
	elf_path = argv[3];
	work_dir = argv[4];
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_looping_wait_list),
	    cmocka_unit_test(test_damaged_io_targets),
	    cmocka_unit_test(test_empty_task_list),
	    cmocka_unit_test(test_unreadable_dm_disk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
