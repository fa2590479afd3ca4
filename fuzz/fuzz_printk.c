/* The kernel log decoders (analyzer/kernel/printk.c): the 5.10+ lockless ring
 * and the older log_buf, on synthetic memory around the globals of the
 * samples tests/data/{lockless,old}_printk.c (their DWARF gives the
 * layouts). Memory starts as a small valid log of each kind; the input
 * (after its first byte, which picks the format) is XORed over the
 * globals and the ring, so an empty input is a sane log and every byte
 * can damage any field. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "printk.h"
#include "dwarf_types.h"
#include "tests/data/lockless_printk.h"
#include "tests/data/old_printk.h" /* same typedefs: allowed twice in C11 */

enum { PAGE = 4096, NREC = 3, GLOBALS = 256 };
static const uint64_t DESCS = 0x10000000, INFOS = 0x10001000, DATA = 0x10002000;

struct sample {
	struct wh_elf_image *img;
	struct wh_types *types;
	uint64_t bss_base, bss_size;
};

static struct sample *sample_get(int lockless)
{
	static struct sample samples[2];
	static int opened[2];
	struct sample *s = &samples[lockless];
	if (opened[lockless])
		return s->img ? s : NULL;
	opened[lockless] = 1;
	const char *path = lockless ? WH_FUZZ_LOCKLESS_SAMPLE : WH_FUZZ_OLD_SAMPLE;
	if (wh_elf_image_open(path, &s->img) || wh_types_create(s->img, &s->types))
		abort(); /* the harness's own files: not the input's fault */
	const struct wh_elf_section *bss = wh_elf_image_section(s->img, ".bss");
	if (!bss)
		abort();
	s->bss_base = bss->addr & ~(uint64_t)(PAGE - 1);
	s->bss_size = (bss->addr + bss->size - s->bss_base + PAGE - 1) & ~(uint64_t)(PAGE - 1);
	return s;
}

static unsigned char *at(struct sample *s, unsigned char *mem, const char *name)
{
	struct wh_symbol sym;
	if (wh_elf_image_symbol(s->img, name, &sym))
		abort();
	return mem + (sym.address - s->bss_base);
}

/* NREC finalized records "line N" in descriptor slots 0..NREC-1. */
static void lay_out_lockless(struct sample *s, unsigned char *mem)
{
	uint64_t rb_addr = s->bss_base + (uint64_t)(at(s, mem, "printk_rb_static") - mem);
	memcpy(at(s, mem, "prb"), &rb_addr, 8);
	struct printk_ringbuffer *rb = (void *)at(s, mem, "printk_rb_static");
	rb->desc_ring.count_bits = 4;
	rb->desc_ring.descs = (struct prb_desc *)(uintptr_t)DESCS;
	rb->desc_ring.infos = (struct printk_info *)(uintptr_t)INFOS;
	rb->desc_ring.tail_id.counter = 0;
	rb->desc_ring.head_id.counter = NREC - 1;
	rb->text_data_ring.size_bits = 8;
	rb->text_data_ring.data = (char *)(uintptr_t)DATA;
	struct prb_desc *descs = (void *)(mem + s->bss_size);
	struct printk_info *infos = (void *)(mem + s->bss_size + PAGE);
	unsigned char *data = mem + s->bss_size + 2 * PAGE;
	for (uint64_t id = 0; id < NREC; id++) {
		char text[] = "line 0";
		text[5] = (char)('0' + id);
		descs[id].state_var.counter = (long)((2ull << 62) | id);
		descs[id].text_blk_lpos.begin = id * 32;
		descs[id].text_blk_lpos.next = id * 32 + 32;
		memcpy(data + id * 32, &id, 8);
		memcpy(data + id * 32 + 8, text, sizeof(text) - 1);
		infos[id].seq = id;
		infos[id].ts_nsec = 1000000 * id;
		infos[id].text_len = sizeof(text) - 1;
		infos[id].flags = WH_LOG_NEWLINE;
		infos[id].level = 6;
	}
}

static void lay_out_old(struct sample *s, unsigned char *mem)
{
	uint64_t buf = DESCS;
	uint32_t len = PAGE, next = 0;
	memcpy(at(s, mem, "log_buf"), &buf, 8);
	memcpy(at(s, mem, "log_buf_len"), &len, 4);
	unsigned char *log = mem + s->bss_size;
	for (unsigned i = 0; i < NREC; i++) {
		struct printk_log h = {.ts_nsec = 1000000 * i, .len = 24, .text_len = 6,
				       .flags = WH_LOG_NEWLINE, .level = 6};
		memcpy(log + next, &h, sizeof(h));
		memcpy(log + next + sizeof(h), "line 0", 6);
		log[next + sizeof(h) + 5] += (unsigned char)i;
		next += h.len;
	}
	memcpy(at(s, mem, "log_next_idx"), &next, 4);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int lockless = size && (data[0] & 1);
	struct sample *s = sample_get(lockless);
	size_t pages = lockless ? 3 : 1;
	size_t mem_size = s->bss_size + pages * PAGE;
	unsigned char *mem = calloc(1, mem_size);
	if (!mem)
		return 0;
	if (lockless)
		lay_out_lockless(s, mem);
	else
		lay_out_old(s, mem);
	/* The samples' globals sit in the first bytes of .bss: XOR those, then
	 * the ring's pages, so that most input bytes land on something read. */
	for (size_t i = 1; i < size; i++) {
		size_t at = i - 1 < GLOBALS ? i - 1 : s->bss_size + (i - 1 - GLOBALS);
		if (at >= mem_size)
			break;
		mem[at] ^= data[i];
	}
	struct wh_dump_segment segs[4] = {{.address = s->bss_base, .size = s->bss_size, .data = mem}};
	for (size_t p = 0; p < pages; p++)
		segs[1 + p] = (struct wh_dump_segment){
		    .address = DESCS + p * PAGE, .size = PAGE, .data = mem + s->bss_size + p * PAGE};
	struct wh_kernel k;
	memset(&k, 0, sizeof(k));
	k.vmlinux = s->img;
	k.types = s->types;
	struct wh_error *err = wh_dump_create_synthetic(segs, 1 + pages, "6.1.0-fuzz", &k.dump);
	if (!err) {
		struct wh_log log;
		err = wh_log_read(&k, &log);
		if (!err)
			wh_log_deinit(&log);
		wh_dump_destroy(k.dump);
	}
	wh_error_destroy(err);
	free(mem);
	return 0;
}
