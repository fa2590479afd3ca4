/* Where, in a dump's physical memory, the kernel data whyhung reads lies:
 * for the damaged-dump corpus (tests/corpus/check.py), which aims its bit
 * flips and pointer damage there. Prints one line per object:
 *   KIND NAME VADDR PADDR SIZE
 * KIND: task (a task_struct; NAME its pid), tasks-node (its list_head in
 * the task list), symbol (a global whyhung starts from), ring (the printk
 * ring's arrays), address (each ADDRESS given, e.g. locks from truth.json).
 * usage: corpus_targets VMCORE VMLINUX [ADDRESS...] */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "kernel.h"
#include "tasks.h"

static void print(struct wh_kernel *k, const char *kind, const char *name, uint64_t vaddr,
		  uint64_t size)
{
	uint64_t paddr;
	struct wh_error *err = wh_dump_virt_to_phys(k->dump, vaddr, &paddr);
	if (err) {
		wh_error_destroy(err);
		return;
	}
	printf("%s %s 0x%" PRIx64 " 0x%" PRIx64 " %" PRIu64 "\n", kind, name, vaddr, paddr, size);
}

static void symbols(struct wh_kernel *k)
{
	static const char *const names[] = {"init_task", "prb",	    "printk_rb_static",
					    "modules",	 "runqueues", "__per_cpu_offset",
					    "jiffies",	 "linux_banner"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		uint64_t addr;
		struct wh_error *err = wh_kernel_symbol_address(k, names[i], &addr);
		if (!err)
			print(k, "symbol", names[i], addr, 64);
		wh_error_destroy(err);
	}
}

/* The lockless ring's descriptor, info and text arrays. */
static void ring(struct wh_kernel *k)
{
	static const char *const members[] = {"desc_ring.descs", "desc_ring.infos",
					      "text_data_ring.data"};
	uint64_t rb;
	struct wh_error *err = wh_kernel_symbol_address(k, "printk_rb_static", &rb);
	for (size_t i = 0; !err && i < 3; i++) {
		struct wh_member_info m;
		uint64_t ptr;
		if (!(err = wh_kernel_member(k, "printk_ringbuffer", members[i], &m)) &&
		    !(err = wh_kernel_read_member(k, rb, &m, &ptr)))
			print(k, "ring", members[i], ptr, 4096);
	}
	wh_error_destroy(err);
}

static void tasks(struct wh_kernel *k)
{
	struct wh_task_list list;
	uint64_t size;
	struct wh_member_info node;
	struct wh_error *err;
	if ((err = wh_types_struct_size(k->types, "task_struct", &size)) ||
	    (err = wh_kernel_member(k, "task_struct", "tasks", &node)) ||
	    (err = wh_tasks_collect(k, &list))) {
		fprintf(stderr, "corpus_targets: %s\n", err->message);
		wh_error_destroy(err);
		return;
	}
	for (size_t i = 0; i < list.count; i++) {
		const struct wh_task *t = &list.tasks[i];
		char pid[16];
		snprintf(pid, sizeof(pid), "%d", t->pid);
		print(k, "task", pid, t->address, size);
		if (!t->idle || i == 0) /* idle tasks: only init_task is on the list */
			print(k, "tasks-node", pid, t->address + node.offset, 16);
	}
	wh_task_list_deinit(&list);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: corpus_targets VMCORE VMLINUX [ADDRESS...]\n");
		return 2;
	}
	struct wh_kernel *k;
	struct wh_error *err = wh_kernel_open(argv[1], argv[2], &k);
	if (err) {
		fprintf(stderr, "corpus_targets: %s\n", err->message);
		return 1;
	}
	symbols(k);
	ring(k);
	tasks(k);
	for (int i = 3; i < argc; i++)
		print(k, "address", argv[i], strtoull(argv[i], NULL, 16), 64);
	wh_kernel_destroy(k);
	return 0;
}
