/* A module's ORC tables (analyzer/kernel/orc.c), which are always read
 * from the dump's memory: mod->arch's table pointers and entry count are
 * whatever the dump says. Input chunks: the s32 self-relative IPs and the
 * 6-byte entries as they sit in the module's memory; then a u32 entry
 * count (as struct module claims it, not necessarily what is there), a
 * byte choosing the format version and the KASLR slide, and 8-byte
 * offsets into the module's text to look up. The kernel's own table is a
 * fixed two-entry one, so every lookup outside the module still works. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz/fuzz_input.h"
#include "fuzz/orc_image.h"
#include "modules.h"
#include "orc.h"

enum { PAGE = 4096, MAX_TABLE = 64 * PAGE, MAX_COUNT = 1 << 16 };
static const uint64_t MOD_BASE = 0xffffffffc0000000ull, MOD_SIZE = 0x100000;
static const uint64_t IP_ADDR = 0xffffffffc0200000ull, UN_ADDR = 0xffffffffc0300000ull;

/* The kernel's table: ENTRIES at TEXT and TEXT + 0x100 (an end marker). */
static struct wh_elf_image *kernel_image(void)
{
	static struct wh_elf_image *img;
	if (img)
		return img;
	const uint64_t ip_addr = TEXT + 0x1000000;
	int32_t rel[2] = {(int32_t)(TEXT - ip_addr), (int32_t)(TEXT + 0x100 - (ip_addr + 4))};
	static const unsigned char entries[12] = {8, 0, 0, 0, 0x15, 0x02, 0, 0, 0, 0, 0, 0};
	struct fuzz_chunk c[3] = {{(const unsigned char *)rel, sizeof(rel)}, {entries, 12}, {0}};
	int fd = fuzz_orc_image(c);
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (fd < 0 || wh_elf_image_open(path, &img))
		abort(); /* the harness's own file: not the input's fault */
	close(fd);
	return img;
}

/* CHUNK copied into a zeroed, page-rounded buffer (the dump's pages). */
static unsigned char *pages_of(const struct fuzz_chunk *c, uint64_t *ret_size)
{
	uint64_t size = c->size < MAX_TABLE ? c->size : MAX_TABLE;
	*ret_size = (size + PAGE - 1) / PAGE * PAGE;
	unsigned char *p = calloc(1, *ret_size ? *ret_size : PAGE);
	if (p && size)
		memcpy(p, c->data, size);
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = {data, size};
	struct fuzz_chunk ips = fuzz_take(&in), entries = fuzz_take(&in);
	uint32_t count = 0;
	if (in.size >= 4) {
		memcpy(&count, in.data, 4);
		in.data += 4;
		in.size -= 4;
	}
	uint8_t version = in.size ? in.data[0] : 0;
	in.data += in.size ? 1 : 0;
	in.size -= in.size ? 1 : 0;
	uint64_t ip_size, un_size;
	unsigned char *ip_mem = pages_of(&ips, &ip_size), *un_mem = pages_of(&entries, &un_size);
	/* A page after each table is excluded from the dump: counts that run
	 * past what is there meet a hole, not the end of the harness's buffer. */
	static unsigned char hole[PAGE];
	const struct wh_dump_segment segs[] = {
	    {.address = IP_ADDR, .size = ip_size, .data = ip_mem},
	    {.address = IP_ADDR + ip_size, .size = PAGE, .data = hole, .excluded = true},
	    {.address = UN_ADDR, .size = un_size, .data = un_mem},
	    {.address = UN_ADDR + un_size, .size = PAGE, .data = hole, .excluded = true},
	};
	struct wh_kernel k;
	memset(&k, 0, sizeof(k));
	struct wh_module mod = {.base = MOD_BASE,
				.size = MOD_SIZE,
				.orc_ip = IP_ADDR,
				.orc_entries = UN_ADDR,
				.num_orcs = count % MAX_COUNT};
	snprintf(mod.name, sizeof(mod.name), "fuzz");
	struct wh_modules mods = {.modules = &mod, .count = 1};
	if (!ip_mem || !un_mem || !ip_size || !un_size ||
	    wh_dump_create_synthetic(segs, 4, "6.1.0-fuzz", &k.dump))
		goto out;
	k.vmlinux = kernel_image();
	k.version_major = 6;
	k.version_minor = 1 + version % 4; /* 6.1: format 1, 6.3: 2, 6.4: 3 */
	k.kaslr_offset = (uint64_t)(version >> 2) << 21;
	k.modules = &mods;
	k.text_start = TEXT + k.kaslr_offset;
	k.text_end = k.text_start + 0x1000;
	for (int i = 0; i < 8 && in.size; i++) {
		struct wh_orc_entry e;
		bool found;
		struct wh_error *err =
		    wh_orc_find(&k, MOD_BASE + fuzz_u64(&in) % (MOD_SIZE + 64), &e, &found);
		wh_error_destroy(err);
	}
	wh_orc_destroy(k.orc);
	wh_dump_destroy(k.dump);
out:
	free(ip_mem);
	free(un_mem);
	return 0;
}
