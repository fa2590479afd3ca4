/* Damage in a real PREEMPT_RT dump (hung-6.12-rt's ELF form): the waiter
 * tree of the PI chain's rt_mutex X made to loop (its root's left child is
 * the root), then its root pointer sent outside memory. Each time the
 * report is still built, the damage is said on that object with a reason,
 * its owner is still read, and every other object stands as before.
 * usage: test_fixture_rt_corrupt FIXTURE_DIR VMLINUX ELF_VMCORE WORKDIR */
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
#include "report.h"
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

/* The address truth.json gives the lock named SYMBOL. */
static uint64_t truth_address(const char *symbol)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/truth.json", fixture_dir);
	struct jr_value *truth = jr_parse_file(path);
	assert_non_null(truth);
	const struct jr_value *locks = jr_get(truth, "locks");
	uint64_t addr = 0;
	for (size_t i = 0; locks && i < locks->count && !addr; i++) {
		const char *sym = jr_get_string(&locks->items[i], "symbol");
		if (sym && !strcmp(sym, symbol))
			addr = strtoull(jr_get_string(&locks->items[i], "address"), NULL, 16);
	}
	jr_free(truth);
	return addr;
}

static void poke(struct wh_kernel *k, const char *copy, uint64_t vaddr, uint64_t value)
{
	uint64_t paddr;
	assert_null(wh_dump_virt_to_phys(k->dump, vaddr, &paddr));
	int fd = open(copy, O_RDWR);
	assert_true(fd >= 0);
	off_t off = elf_offset(fd, paddr);
	assert_true(off >= 0);
	assert_int_equal(pwrite(fd, &value, sizeof(value), off), (ssize_t)sizeof(value));
	close(fd);
}

static const struct wh_wait_object *object_at(const struct wh_report *r, uint64_t addr)
{
	for (size_t i = 0; i < r->waits.n_objects; i++)
		if (r->waits.objects[i].address == addr)
			return &r->waits.objects[i];
	return NULL;
}

struct where {
	uint64_t x, y, spin, root_at, root;
	size_t x_waiters, y_waiters, spin_waiters;
};

/* The pristine dump: X's tree root, and what the other objects hold. */
static void survey(struct where *w)
{
	w->x = truth_address("wh_rt_pi_x");
	w->y = truth_address("wh_rt_pi_y");
	w->spin = truth_address("wh_rt_spin");
	assert_true(w->x && w->y && w->spin);
	struct wh_kernel *k;
	assert_null(wh_kernel_open(elf_path, vmlinux_path, &k));
	struct wh_member_info base, root;
	assert_null(wh_kernel_member(k, "rt_mutex", "rtmutex", &base));
	assert_null(wh_kernel_member(k, "rt_mutex_base", "waiters.rb_root.rb_node", &root));
	w->root_at = w->x + base.offset + root.offset;
	assert_null(wh_dump_read_u64(k->dump, w->root_at, &w->root));
	assert_true(w->root != 0);
	struct wh_report r;
	assert_null(wh_report_build(k, &r));
	const struct wh_wait_object *x = object_at(&r, w->x), *y = object_at(&r, w->y),
				    *spin = object_at(&r, w->spin);
	assert_non_null(x);
	assert_non_null(y);
	assert_non_null(spin);
	assert_int_equal(x->n_waiters, 2);
	assert_int_equal(wh_diags_total(&x->incomplete), 0);
	w->x_waiters = x->n_waiters;
	w->y_waiters = y->n_waiters;
	w->spin_waiters = spin->n_waiters;
	wh_report_deinit(&r);
	wh_kernel_destroy(k);
}

/* Does one of D's problems say WORD? */
static bool says(const struct wh_diags *d, const char *word)
{
	for (size_t i = 0; i < d->count; i++)
		if (strstr(d->items[i].message, word))
			return true;
	return false;
}

/* Damage COPY at VADDR with VALUE, rebuild the report and check it. */
static void check_damage(const struct where *w, const char *name, uint64_t vaddr, uint64_t value,
			 const char *reason)
{
	char copy[4096], cmd[9000];
	snprintf(copy, sizeof(copy), "%s/%s.elf", work_dir, name);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", elf_path, copy);
	assert_int_equal(system(cmd), 0);
	struct wh_kernel *k;
	assert_null(wh_kernel_open(copy, vmlinux_path, &k));
	poke(k, copy, vaddr, value);
	wh_kernel_destroy(k);

	assert_null(wh_kernel_open(copy, vmlinux_path, &k));
	struct wh_report r;
	struct wh_error *err = wh_report_build(k, &r);
	if (err)
		fail_msg("%s: report failed: %s", name, err->message);
	const struct wh_wait_object *x = object_at(&r, w->x), *y = object_at(&r, w->y),
				    *spin = object_at(&r, w->spin);
	assert_non_null(x);
	if (!says(&x->incomplete, reason)) {
		const char *first = wh_diags_first(&x->incomplete);
		fail_msg("%s: rt_mutex X says \"%s\", not \"%s\"", name, first ? first : "",
			 reason);
	}
	/* The owner field is read all the same. */
	assert_int_equal(x->n_owners, 1);
	/* The rest stands. */
	assert_non_null(y);
	assert_non_null(spin);
	assert_int_equal(y->n_waiters, w->y_waiters);
	assert_int_equal(y->n_owners, 1);
	assert_int_equal(wh_diags_total(&y->incomplete), 0);
	assert_int_equal(spin->n_waiters, w->spin_waiters);
	assert_int_equal(wh_diags_total(&spin->incomplete), 0);
	wh_report_deinit(&r);
	wh_kernel_destroy(k);
	unlink(copy);
}

static void test_looping_waiter_tree(void **state)
{
	struct where w;
	survey(&w);
	struct wh_kernel *k;
	assert_null(wh_kernel_open(elf_path, vmlinux_path, &k));
	struct wh_member_info left;
	assert_null(wh_kernel_member(k, "rb_node", "rb_left", &left));
	wh_kernel_destroy(k);
	check_damage(&w, "rt-tree-loop", w.root + left.offset, w.root, "loops");
}

static void test_waiter_tree_outside_memory(void **state)
{
	struct where w;
	survey(&w);
	/* A user-space address: not mapped in the kernel's page tables. */
	check_damage(&w, "rt-tree-outside", w.root_at, 0x1000, "waiter tree");
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
	    cmocka_unit_test(test_looping_waiter_tree),
	    cmocka_unit_test(test_waiter_tree_outside_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
