#include "batch_warm.h"
#include "addr_map.h"
#include "backtraces.h"
#include "dwarf_types.h"
#include "elf_image.h"
#include "kernel.h"
#include "report.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Bounds on what one journal makes the slot do: a report's shown stacks
 * have a few hundred frames; a hostile dump's worker must not be able to
 * keep its slot busy. */
enum { MAX_ADDRESSES = 4096, MAX_HINT_LISTS = 64, MAX_LINE = 2048 };

void wh_batch_warm_path(const char *result_path, char *buf, size_t size)
{
	snprintf(buf, size, "%s.warm", result_path);
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

struct addresses {
	uint64_t *a;
	size_t n, cap;
};

/* Did wh_backtrace_add_sources() run on BT? Then some frame has a source. */
static bool has_sources(const struct wh_backtrace *bt)
{
	for (size_t i = 0; i < bt->stack.n; i++)
		if (bt->sources[i].file || bt->sources[i].inlined)
			return true;
	return false;
}

/* The addresses wh_backtrace_add_sources() looked up in BT, vmlinux
 * frames only (a module's DWARF is relocated per dump): all of its frames,
 * found or not, since a failed lookup costs the same work. */
static struct wh_error *add_frames(struct addresses *as, const struct wh_backtrace *bt)
{
	if (!bt || !has_sources(bt))
		return NULL;
	for (size_t i = 0; i < bt->stack.n && as->n < MAX_ADDRESSES; i++) {
		const struct wh_frame *f = &bt->stack.frames[i];
		if (!f->have_symbol || f->sym.module)
			continue;
		if (as->n == as->cap) {
			size_t cap = as->cap ? 2 * as->cap : 256;
			uint64_t *g = realloc(as->a, cap * sizeof(*g));
			if (!g)
				return &wh_error_nomem;
			as->a = g;
			as->cap = cap;
		}
		/* As wh_backtrace_add_sources() does: a return address is
		 * looked up one byte back. */
		as->a[as->n++] = f->sym.link_address - (i > 0 && !(f->flags & WH_FRAME_REGS));
	}
	return NULL;
}

/* Every stack of R that got source lines: the tasks' and the CPUs'. */
static struct wh_error *frame_addresses(const struct wh_report *r, struct addresses *as)
{
	struct wh_error *err = NULL;
	for (size_t b = 0; !err && b < r->bts.count; b++)
		err = add_frames(as, r->bts.items[b]);
	for (size_t c = 0; !err && c < r->cpus.count; c++)
		err = add_frames(as, r->cpus.cpus[c].bt);
	if (err)
		return err;
	if (as->n)
		qsort(as->a, as->n, sizeof(*as->a), compare_u64);
	size_t m = 0;
	for (size_t i = 0; i < as->n; i++)
		if (!m || as->a[m - 1] != as->a[i])
			as->a[m++] = as->a[i];
	as->n = m;
	return NULL;
}

struct wh_error *wh_batch_warm_write(const struct wh_kernel *k, const struct wh_report *r,
				     const char *path)
{
	struct addresses as = {0};
	struct wh_error *err = frame_addresses(r, &as);
	if (err) {
		free(as.a);
		return err;
	}
	FILE *f = fopen(path, "we");
	if (!f) {
		free(as.a);
		return wh_error_create(WH_ERR_IO, "cannot write %s: %s", path, strerror(errno));
	}
	for (size_t i = 0; i < k->n_hints_done; i++) {
		fputc('h', f);
		for (const char *const *fn = k->hints_done[i]; *fn; fn++)
			fprintf(f, " %s", *fn);
		fputc('\n', f);
	}
	for (size_t i = 0; i < as.n; i++)
		fprintf(f, "a %" PRIx64 "\n", as.a[i]);
	free(as.a);
	if (fclose(f) != 0)
		return wh_error_create(WH_ERR_IO, "cannot write %s", path);
	return NULL;
}

/* As wh_kernel_type_hint(): the compile unit of the first function of the
 * list that has a symbol is indexed. */
static void replay_hint(struct wh_elf_image *img, struct wh_types *types, char *names)
{
	char *save;
	for (char *name = strtok_r(names, " \n", &save); name;
	     name = strtok_r(NULL, " \n", &save)) {
		struct wh_symbol sym;
		struct wh_error *err = wh_elf_image_symbol(img, name, &sym);
		if (!err)
			err = wh_types_index_cu_at(types, sym.address);
		bool done = !err;
		wh_error_destroy(err);
		if (done)
			return;
	}
}

static void replay_address(struct wh_types *types, uint64_t addr)
{
	const char *file;
	unsigned line;
	struct wh_inline_site *sites;
	size_t n;
	wh_best_effort(wh_types_source_line(types, addr, &file, &line));
	if (wh_best_effort(wh_types_inlined_at(types, addr, &sites, &n)))
		wh_inline_sites_destroy(sites, n);
}

void wh_batch_warm_replay(struct wh_elf_image *img, struct wh_types *types,
			  struct wh_addr_map *seen, const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	char line[MAX_LINE];
	size_t hints = 0, addrs = 0;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == 'h' && line[1] == ' ' && hints < MAX_HINT_LISTS) {
			hints++;
			replay_hint(img, types, line + 2);
		} else if (line[0] == 'a' && line[1] == ' ' && addrs < MAX_ADDRESSES) {
			char *end;
			errno = 0;
			uint64_t a = strtoull(line + 2, &end, 16);
			if (!errno && end != line + 2 && *end == '\n' &&
			    wh_addr_map_get(seen, a) == SIZE_MAX &&
			    wh_best_effort(wh_addr_map_add(seen, a, 0))) {
				addrs++;
				replay_address(types, a);
			}
		}
	}
	fclose(f);
	unlink(path);
}
