/* ORC tables (analyzer/kernel/orc.c) from a vmlinux: .orc_unwind_ip and
 * .orc_unwind of any length and order, .orc_header naming the format,
 * entries of every format version decoded, lookups at addresses in and
 * around the text. The harness writes a small ELF holding the sections
 * (input chunks: .orc_unwind_ip, .orc_unwind, .orc_header; then a byte
 * choosing the kernel version and 8-byte addresses to look up). */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "modules.h"
#include "orc.h"
#include "fuzz/fuzz_input.h"
#include "fuzz/orc_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = {data, size};
	struct fuzz_chunk c[3];
	for (int i = 0; i < 3; i++)
		c[i] = fuzz_take(&in);
	int fd = fuzz_orc_image(c);
	if (fd < 0)
		return 0;
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	static struct wh_modules no_modules;
	struct wh_kernel k;
	memset(&k, 0, sizeof(k));
	struct wh_error *err = wh_elf_image_open(path, &k.vmlinux);
	close(fd);
	if (err) {
		wh_error_destroy(err);
		return 0;
	}
	uint8_t version = in.size ? in.data[0] : 0;
	in.data += in.size ? 1 : 0;
	in.size -= in.size ? 1 : 0;
	k.version_major = 6;
	k.version_minor = 1 + version % 4; /* 6.1: format 1, 6.3: 2, 6.4: 3 */
	k.kaslr_offset = (uint64_t)(version >> 2) << 21;
	k.modules = &no_modules;
	k.text_start = TEXT + k.kaslr_offset;
	k.text_end = k.text_start + 0x10000000;
	for (int i = 0; i < 8 && in.size; i++) {
		struct wh_orc_entry e;
		bool found;
		err = wh_orc_find(&k, k.text_start + (fuzz_u64(&in) & 0x1ffffff), &e, &found);
		if (err) { /* out of memory */
			wh_error_destroy(err);
			break;
		}
	}
	const char *source;
	wh_error_destroy(wh_orc_source(&k, &source));
	for (int v = 1; v <= 4; v++) { /* every format, on the raw entry bytes */
		struct wh_orc_entry e;
		if (c[1].size >= 6)
			wh_orc_decode(c[1].data, v, &e);
	}
	wh_orc_destroy(k.orc);
	wh_elf_image_destroy(k.vmlinux);
	return 0;
}
