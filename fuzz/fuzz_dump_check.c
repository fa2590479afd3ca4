/* The dump file's structural checks (analyzer/dump/dump_check.c) and the page
 * checks built on them (analyzer/dump/dump_pages.c): ELF program headers, the
 * kdump-compressed header, sub-header, notes, bitmaps and page
 * descriptors, on the input as a whole file; then pages asked for as an
 * analysis would (the first ones, and spread over the dump). */
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dump_check.h"
#include "dump_pages.h"

static void check_pages(int fd, const struct wh_dump_layout *layout)
{
	struct wh_dump_pages *pages;
	struct wh_error *err = wh_dump_pages_create(fd, layout, &pages);
	if (err) {
		wh_error_destroy(err);
		return;
	}
	uint64_t end = layout->max_pfn ? layout->max_pfn : 1 << 20;
	for (uint64_t i = 0; i < 64; i++) {
		uint64_t pfn = i < 32 ? i : (end / 32) * (i - 32) + i;
		enum wh_page_state state;
		wh_error_destroy(wh_dump_pages_check(pages, pfn, &state));
	}
	(void)wh_dump_pages_missing(pages);
	wh_dump_pages_destroy(pages);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-dump", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		struct wh_dump_layout layout;
		struct wh_error *err = wh_dump_check_layout(fd, &layout);
		if (!err) {
			check_pages(fd, &layout);
			wh_dump_layout_deinit(&layout);
		}
		wh_error_destroy(err);
	}
	close(fd);
	return 0;
}
