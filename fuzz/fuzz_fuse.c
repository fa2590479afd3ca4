/* FUSE request records as plugins/fuse.c reads them (describe: the
 * request's opcode, unique id and node, its mount and connection, its
 * wait queue, and the daemon search through every task's open files for
 * a /dev/fuse file of that connection), on synthetic memory laid out with
 * the layouts of tests/data/fuse_sample.c. Memory starts as one sane
 * scenario (a request with one waiter; a daemon task holding /dev/fuse
 * for the connection as fd 3; a kernel thread); the input is XORed over
 * it, so an empty input is the sane scenario and every byte can damage
 * any field, pointer or list link. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf_types.h"
#include "kernel.h"
#include "kind_memo.h"
#include "modules.h"
#include "tasks.h"
#include "wait_kinds.h"

enum { PAGE = 4096, PAGES = 4 };
static const uint64_t BASE = 0xffff888000100000ull;
/* Where the scenario puts each record, as offsets from BASE. */
enum {
	REQ = 0x0,
	ENTRY = 0x400,
	MOUNT = 0x800,
	CONN = 0xa00,
	WAITER = 0x1000,
	DAEMON = 0x1100,
	KTHREAD = 0x1200,
	FILES = 0x1800,
	FDT = 0x1900,
	FDS = 0x1a00,
	FILE_ = 0x1b00,
	DEV = 0x1c00,
};

struct sample {
	struct wh_elf_image *img;
	struct wh_types *types;
	uint64_t fops;
};

static struct sample *sample_get(void)
{
	static struct sample s;
	if (s.img)
		return &s;
	struct wh_symbol sym;
	if (wh_elf_image_open(WH_FUZZ_FUSE_SAMPLE, &s.img) || wh_types_create(s.img, &s.types) ||
	    wh_elf_image_symbol(s.img, "fuse_dev_operations", &sym))
		abort(); /* the harness's own file: not the input's fault */
	s.fops = sym.address;
	return &s;
}

/* Store V (SIZE bytes) at record REC's member PATH of STRUCT_NAME. */
static void put(struct sample *s, unsigned char *mem, uint64_t rec, const char *struct_name,
		const char *path, uint64_t v)
{
	struct wh_member_info m;
	if (wh_types_struct_member(s->types, struct_name, path, &m) ||
	    rec + m.offset + m.size > PAGES * PAGE)
		abort();
	memcpy(mem + rec + m.offset, &v, m.size < 8 ? m.size : 8);
}

static uint64_t member_offset(struct sample *s, const char *struct_name, const char *path)
{
	struct wh_member_info m;
	if (wh_types_struct_member(s->types, struct_name, path, &m))
		abort();
	return m.offset;
}

static void lay_out(struct sample *s, unsigned char *mem)
{
	uint64_t head = REQ + member_offset(s, "fuse_req", "waitq.head");
	uint64_t node = ENTRY + member_offset(s, "wait_queue_entry", "entry");
	/* The request's wait queue: head <-> the waiter's entry. */
	put(s, mem, head, "list_head", "next", BASE + node);
	put(s, mem, head, "list_head", "prev", BASE + node);
	put(s, mem, node, "list_head", "next", BASE + head);
	put(s, mem, node, "list_head", "prev", BASE + head);
	put(s, mem, ENTRY, "wait_queue_entry", "private", BASE + WAITER);
	put(s, mem, REQ, "fuse_req", "in.h.opcode", 15); /* READ */
	put(s, mem, REQ, "fuse_req", "in.h.unique", 8);
	put(s, mem, REQ, "fuse_req", "in.h.nodeid", 2);
	put(s, mem, REQ, "fuse_req", "fm", BASE + MOUNT);
	put(s, mem, MOUNT, "fuse_mount", "fc", BASE + CONN);
	/* The daemon: fd 3 is /dev/fuse for the connection. */
	put(s, mem, DAEMON, "task_struct", "files", BASE + FILES);
	put(s, mem, FILES, "files_struct", "fdt", BASE + FDT);
	put(s, mem, FDT, "fdtable", "max_fds", 4);
	put(s, mem, FDT, "fdtable", "fd", BASE + FDS);
	memcpy(mem + FDS + 8, &(uint64_t){BASE + FILE_ + 0x40}, 8); /* not /dev/fuse */
	memcpy(mem + FDS + 24, &(uint64_t){BASE + FILE_}, 8);
	put(s, mem, FILE_, "file", "f_op", s->fops);
	put(s, mem, FILE_, "file", "private_data", BASE + DEV);
	put(s, mem, DEV, "fuse_dev", "fc", BASE + CONN);
	/* The waiter shares no files; the kernel thread has none. */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char mem[(PAGES + 1) * PAGE];
	struct sample *s = sample_get();
	memset(mem, 0, sizeof(mem));
	lay_out(s, mem);
	for (size_t i = 0; i < size && i < PAGES * PAGE; i++)
		mem[i] ^= data[i];
	const struct wh_dump_segment segs[] = {
	    {.address = BASE, .size = PAGES * PAGE, .data = mem},
	    {.address = BASE + PAGES * PAGE,
	     .size = PAGE,
	     .data = mem + PAGES * PAGE,
	     .excluded = true},
	};
	static struct wh_modules no_modules;
	struct wh_kernel k;
	memset(&k, 0, sizeof(k));
	k.vmlinux = s->img;
	k.types = s->types;
	k.modules = &no_modules;
	k.version_major = 6;
	k.version_minor = 1;
	if (wh_dump_create_synthetic(segs, 2, "6.1.0-fuzz", &k.dump))
		return 0;
	struct wh_task tasks[] = {
	    {.address = BASE + WAITER, .pid = 10, .tgid = 10, .state = 'D', .cpu = -1},
	    {.address = BASE + DAEMON, .pid = 20, .tgid = 20, .state = 'T', .cpu = -1},
	    {.address = BASE + KTHREAD,
	     .pid = 2,
	     .tgid = 2,
	     .state = 'S',
	     .cpu = -1,
	     .kthread = true},
	};
	struct wh_task_list list = {.tasks = tasks, .count = sizeof(tasks) / sizeof(*tasks)};
	struct wh_kind_memo *memo;
	if (wh_kind_memo_create(&memo)) {
		wh_dump_destroy(k.dump);
		return 0;
	}
	/* The fuse kind through the analysis' own door (wait_kinds.h): its
	 * layout resolved on this kernel, then describe(). */
	struct wh_wait_kinds *kinds;
	if (wh_wait_kinds_create(&k, &kinds)) {
		wh_kind_memo_destroy(memo);
		wh_dump_destroy(k.dump);
		return 0;
	}
	struct wh_wait_context ctx = {.k = &k, .tasks = &list, .task = &tasks[0], .memo = memo};
	/* Twice: the second request of a connection takes the daemons from
	 * the memo. */
	for (int i = 0; i < 2; i++) {
		struct wh_wait_object obj = {.kind = WH_WAIT_KIND_FUSE, .address = BASE + REQ};
		struct wh_wait_found first = {.found = true, .object = BASE + REQ};
		wh_error_destroy(wh_wait_kinds_describe(kinds, &ctx, &first, &obj));
		/* The sane scenario must reach everything: one waiter, the
		 * daemon found through its fd, the request named. */
		if (!size && (obj.n_waiters != 1 || obj.waiters[0] != BASE + WAITER ||
			      obj.n_owners != 1 || obj.owners[0].task != BASE + DAEMON ||
			      !strstr(obj.name, "FUSE READ request #8 (node 2)")))
			abort();
		free(obj.waiters);
		free(obj.waiter_modes);
		wh_diags_deinit(&obj.incomplete);
	}
	wh_wait_kinds_destroy(kinds);
	wh_kind_memo_destroy(memo);
	wh_dump_destroy(k.dump);
	return 0;
}
