/* The list walker (analyzer/kernel/list_walk.c) over synthetic memory: the input
 * is a page of list_head pointers at BASE (a second page follows,
 * excluded from the dump); the walk starts at the head whose offset the
 * first byte gives and must end, whatever the pointers say. */
#include <stdint.h>
#include <string.h>

#include "kernel.h"
#include "list_walk.h"

enum { PAGE = 4096 };
static const uint64_t BASE = 0xffff888000100000ull;

static struct wh_error *visit(void *arg, uint64_t node, bool *stop)
{
	uint64_t *count = arg;
	(*count)++;
	*stop = node == BASE + 8; /* a visitor that ends early, sometimes */
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char mem[2 * PAGE];
	if (size < 1)
		return 0;
	memset(mem, 0, sizeof(mem));
	memcpy(mem, data + 1, size - 1 < PAGE ? size - 1 : PAGE);
	const struct wh_dump_segment segs[] = {
		{.address = BASE, .size = PAGE, .data = mem},
		{.address = BASE + PAGE, .size = PAGE, .data = mem + PAGE, .excluded = true},
	};
	struct wh_kernel k;
	memset(&k, 0, sizeof(k));
	if (wh_dump_create_synthetic(segs, 2, "6.1.0-fuzz", &k.dump))
		return 0;
	uint64_t count = 0;
	wh_error_destroy(wh_list_walk(&k, BASE + 8 * (uint64_t)(data[0] % 64), 1000, visit, &count));
	wh_dump_destroy(k.dump);
	return 0;
}
