#include "dump.h"
#include "dump_check.h"
#include "dump_pages.h"
#include "dump_phys.h"
#include "dump_source.h"
#include "page_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <libkdumpfile/kdumpfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct wh_dump {
	kdump_ctx_t *ctx;
	struct wh_dump_source *source; /* the files libkdumpfile reads */
	char *format;
	char *release;
	char *build_id;
	uint64_t kaslr_offset;
	uint32_t page_size;
	unsigned page_shift;
	unsigned num_cpus;
	struct wh_page_cache *cache; /* the pages read (page_cache.h) */
	struct wh_dump_stats stats;
	struct wh_dump_pages *pages; /* which pages the library may read */
	struct wh_dump_phys *phys;   /* checked reads, our own translation */
	struct wh_budget budget;
	const struct wh_dump_segment *segments; /* synthetic dumps only */
	size_t n_segments;
	/* VMCOREINFO values returned to callers, freed with the dump. */
	char **vmci_values;
	size_t n_vmci_values;
};

/* The page cache's budget: WHYHUNG_PAGE_CACHE_MB when set (machines with
 * little memory, experiments), else the default. */
static size_t page_cache_budget(void)
{
	const char *mb = getenv("WHYHUNG_PAGE_CACHE_MB");
	char *end;
	unsigned long long v = mb ? strtoull(mb, &end, 10) : 0;
	if (mb && *mb && !*end && v && v < ((size_t)-1 >> 20))
		return (size_t)v << 20;
	return WH_PAGE_CACHE_DEFAULT_BUDGET;
}

/* A status of libkdumpfile in whyhung's words: its own messages name
 * its internals ("Cannot set file.set.0.fd: ..."). */
static struct wh_error *kdump_error(kdump_status status, const char *what)
{
	switch (status) {
	case KDUMP_ERR_EOF:
		return wh_error_create(WH_ERR_TRUNCATED, "%s: the file ends early", what);
	case KDUMP_ERR_SYSTEM:
		return wh_error_create(WH_ERR_IO, "%s: the file cannot be read", what);
	case KDUMP_ERR_NOTIMPL:
		return wh_error_create(WH_ERR_NOT_DUMP,
				       "%s: no dump format whyhung reads starts like this file", what);
	case KDUMP_ERR_CORRUPT:
		return wh_error_create(WH_ERR_NOT_DUMP, "%s: its headers are damaged", what);
	default:
		return wh_error_create(WH_ERR_NOT_DUMP, "%s: it cannot be read as a dump", what);
	}
}

/* libkdumpfile 0.5.1's diskdump probe, when it fails after finding its
 * signature, frees its private data (diskdump_cleanup) but leaves the
 * page_size attribute's template pointing at the override embedded in it,
 * and its format ops in place. kdump_free() then frees the attributes
 * through that freed template (its ops) and calls diskdump_attr_cleanup()
 * on the NULL private data, which walks the same freed override chain: a
 * crash in Release builds (issue 10); ASan does not see it, the freed
 * block sits in its quarantine. dump_check.c refuses what would make the
 * probe fail; any context the library still fails to open is never freed:
 * it stays reachable here until exit. */
struct buried_ctx {
	kdump_ctx_t *ctx;
	struct buried_ctx *next;
};
static struct buried_ctx *buried;

static void bury_failed_context(kdump_ctx_t *ctx)
{
	struct buried_ctx *b = malloc(sizeof(*b));
	if (!b)
		return; /* leaked unreachable: still never freed */
	b->ctx = ctx;
	b->next = buried;
	buried = b;
}

static char *dup_vmcoreinfo(kdump_ctx_t *ctx, const char *key)
{
	char *val = NULL; /* allocated by libkdumpfile */
	if (kdump_vmcoreinfo_line(ctx, key, &val) != KDUMP_OK) {
		kdump_clear_err(ctx);
		return NULL;
	}
	return val;
}

static struct wh_error *read_attrs(struct wh_dump *dump)
{
	const char *fmt = NULL;
	if (kdump_get_string_attr(dump->ctx, KDUMP_ATTR_FILE_FORMAT, &fmt) == KDUMP_OK && fmt)
		dump->format = strdup(fmt);
	else
		dump->format = strdup("unknown");

	kdump_num_t num;
	if (kdump_get_number_attr(dump->ctx, KDUMP_ATTR_PAGE_SIZE, &num) != KDUMP_OK)
		return kdump_error(KDUMP_ERR_NODATA, "page size");
	if (num < 4096 || num > (1u << 20) || (num & (num - 1)))
		return wh_error_create(WH_ERR_NOT_DUMP, "implausible page size %llu",
				       (unsigned long long)num);
	dump->page_size = (uint32_t)num;
	dump->page_shift = (unsigned)__builtin_ctz(dump->page_size);
	if (kdump_get_number_attr(dump->ctx, KDUMP_ATTR_NUM_CPUS, &num) == KDUMP_OK)
		dump->num_cpus = (unsigned)num;

	dump->release = dup_vmcoreinfo(dump->ctx, "OSRELEASE");
	if (!dump->release)
		return wh_error_create(WH_ERR_NOT_DUMP,
				       "no VMCOREINFO in the dump (was it taken without "
				       "the vmcoreinfo device or kdump?)");
	dump->build_id = dup_vmcoreinfo(dump->ctx, "BUILD-ID");
	char *off = dup_vmcoreinfo(dump->ctx, "KERNELOFFSET");
	if (off) {
		dump->kaslr_offset = strtoull(off, NULL, 16);
		free(off);
	}
	if (!dump->format)
		return &wh_error_nomem;
	return NULL;
}

static struct wh_error *open_checked(struct wh_dump *dump, const struct wh_dump_layout *layouts);

struct wh_error *wh_dump_open(const char *path, struct wh_dump **ret)
{
	return wh_dump_open_files(&path, 1, ret);
}

struct wh_error *wh_dump_open_files(const char *const *paths, size_t n, struct wh_dump **ret)
{
	struct wh_dump *dump = calloc(1, sizeof(*dump));
	if (!dump)
		return &wh_error_nomem;
	struct wh_error *err = wh_dump_source_open(paths, n, &dump->source);
	if (err)
		goto fail;
	/* Each file's headers checked (a split set: each member's), before
	 * libkdumpfile reads any of them. */
	struct wh_dump_layout *layouts = calloc(dump->source->n_fds, sizeof(*layouts));
	if (!layouts) {
		err = &wh_error_nomem;
		goto fail;
	}
	for (size_t i = 0; i < dump->source->n_fds && !err; i++)
		err = wh_dump_check_layout(dump->source->fds[i], &layouts[i]);
	if (!err)
		err = open_checked(dump, layouts);
	for (size_t i = 0; i < dump->source->n_fds; i++)
		wh_dump_layout_deinit(&layouts[i]);
	free(layouts);
	if (err == &wh_error_nomem)
		goto fail;
	if (err)
		goto fail_path;
	wh_budget_init(&dump->budget);
	*ret = dump;
	return NULL;

fail_path:
	err = wh_dump_wrap_error(dump, err);
fail:
	wh_dump_destroy(dump);
	return err;
}

/* libkdumpfile on the files whose headers LAYOUTS (one per file) were
 * checked: one file, or the members of a split set in pfn order. */
static struct wh_error *open_checked(struct wh_dump *dump, const struct wh_dump_layout *layouts)
{
	dump->ctx = kdump_new();
	if (!dump->ctx)
		return &wh_error_nomem;
	/* Without the OS type libkdumpfile cannot set up kernel page-table
	 * translation on QEMU/makedumpfile dumps (tooling-notes.md). */
	kdump_status st = kdump_set_string_attr(dump->ctx, KDUMP_ATTR_OSTYPE, "linux");
	if (st != KDUMP_OK)
		return kdump_error(st, "setting OS type");
	const struct wh_dump_source *src = dump->source;
	st = src->n_fds == 1 ? kdump_open_fd(dump->ctx, src->fds[0])
			     : kdump_open_fdset(dump->ctx, (unsigned)src->n_fds, src->fds);
	if (st != KDUMP_OK) {
		bury_failed_context(dump->ctx);
		dump->ctx = NULL;
		return kdump_error(st, "not a kernel dump");
	}
	struct wh_error *err = read_attrs(dump);
	/* A page is checked by the file that holds it (split members hold
	 * pfn ranges): one checker per file, chained. */
	for (size_t i = src->n_fds; !err && i-- > 0;) {
		struct wh_dump_pages *member;
		if (!(err = wh_dump_pages_create(src->fds[i], &layouts[i], &member))) {
			wh_dump_pages_chain(member, dump->pages);
			dump->pages = member;
		}
	}
	if (!err)
		err = wh_dump_phys_create(dump->ctx, dump->pages, dump->page_size, &dump->phys);
	if (err)
		return err;
	return wh_page_cache_create(dump->page_size, page_cache_budget(), &dump->cache);
}

struct wh_error *wh_dump_wrap_error(const struct wh_dump *dump, struct wh_error *err)
{
	if (!dump->source || err == &wh_error_nomem)
		return err;
	if (!dump->source->incomplete)
		return wh_error_wrap(err, "%s", dump->source->label);
	/* The rebuilt file lacks its end: that, not the symptom, is the cause. */
	err = wh_error_wrap(err, "%s: %s, so the dump is incomplete", dump->source->label,
			    dump->source->incomplete);
	if (err != &wh_error_nomem)
		err->code = WH_ERR_TRUNCATED;
	return err;
}

const char *wh_dump_source_incomplete(const struct wh_dump *dump)
{
	return dump->source ? dump->source->incomplete : NULL;
}

const char *wh_dump_source_note(const struct wh_dump *dump)
{
	return dump->source ? dump->source->note : NULL;
}

size_t wh_dump_files(const struct wh_dump *dump, const char *const **ret)
{
	if (!dump->source)
		return 0;
	*ret = (const char *const *)dump->source->files;
	return dump->source->n_files;
}

void wh_dump_destroy(struct wh_dump *dump)
{
	if (!dump)
		return;
	wh_dump_phys_destroy(dump->phys);
	wh_dump_pages_destroy(dump->pages);
	if (dump->ctx)
		kdump_free(dump->ctx);
	wh_dump_source_destroy(dump->source);
	wh_page_cache_destroy(dump->cache);
	for (size_t i = 0; i < dump->n_vmci_values; i++)
		free(dump->vmci_values[i]);
	free(dump->vmci_values);
	free(dump->format);
	free(dump->release);
	free(dump->build_id);
	free(dump);
}

const char *wh_dump_format(const struct wh_dump *dump)
{
	return dump->format;
}
const char *wh_dump_release(const struct wh_dump *dump)
{
	return dump->release;
}
const char *wh_dump_build_id(const struct wh_dump *dump)
{
	return dump->build_id;
}
uint64_t wh_dump_kaslr_offset(const struct wh_dump *dump)
{
	return dump->kaslr_offset;
}
uint32_t wh_dump_page_size(const struct wh_dump *dump)
{
	return dump->page_size;
}

const char *wh_dump_vmcoreinfo(struct wh_dump *dump, const char *key)
{
	if (!dump->ctx)
		return NULL;
	char *val = dup_vmcoreinfo(dump->ctx, key);
	if (!val)
		return NULL;
	char **grown = realloc(dump->vmci_values, (dump->n_vmci_values + 1) * sizeof(*grown));
	if (!grown) {
		free(val);
		return NULL;
	}
	dump->vmci_values = grown;
	grown[dump->n_vmci_values++] = val;
	return val;
}

static struct wh_error *page_error(enum wh_error_code code, uint64_t addr)
{
	switch (code) {
	case WH_ERR_EXCLUDED:
		return wh_error_at(code, addr, "page at 0x%llx excluded from dump",
				   (unsigned long long)addr);
	case WH_ERR_TRUNCATED:
	case WH_ERR_INCOMPLETE:
		return wh_error_at(WH_ERR_INCOMPLETE, addr,
				   "page at 0x%llx not saved: dump incomplete",
				   (unsigned long long)addr);
	case WH_ERR_CORRUPT:
		return wh_error_at(code, addr, "page at 0x%llx is damaged in the dump file",
				   (unsigned long long)addr);
	default:
		return wh_error_at(code, addr, "address 0x%llx not in the dump",
				   (unsigned long long)addr);
	}
}

/* Synthetic dumps: a page must lie wholly inside one segment. */
static kdump_status read_synthetic(struct wh_dump *dump, uint64_t addr, unsigned char *out)
{
	for (size_t i = 0; i < dump->n_segments; i++) {
		const struct wh_dump_segment *seg = &dump->segments[i];
		if (addr < seg->address || addr - seg->address >= seg->size ||
		    seg->size - (addr - seg->address) < dump->page_size)
			continue;
		if (seg->excluded)
			return KDUMP_ERR_NODATA;
		memcpy(out, (const unsigned char *)seg->data + (addr - seg->address),
		       dump->page_size);
		return KDUMP_OK;
	}
	return KDUMP_ERR_ADDRXLAT;
}

struct wh_error *wh_dump_create_synthetic(const struct wh_dump_segment *segments, size_t n,
					  const char *release, struct wh_dump **ret)
{
	struct wh_dump *dump = calloc(1, sizeof(*dump));
	if (!dump)
		return &wh_error_nomem;
	dump->segments = segments;
	dump->n_segments = n;
	dump->page_size = 4096;
	dump->page_shift = 12;
	dump->num_cpus = 1;
	dump->format = strdup("synthetic");
	wh_budget_init(&dump->budget);
	dump->release = strdup(release);
	struct wh_error *err =
	    !dump->format || !dump->release
		? &wh_error_nomem
		: wh_page_cache_create(dump->page_size, page_cache_budget(), &dump->cache);
	if (err) {
		wh_dump_destroy(dump);
		return err;
	}
	*ret = dump;
	return NULL;
}

/* Fetch the page containing ADDR into the cache; returns its slot. */
static struct wh_error *load_page(struct wh_dump *dump, uint64_t addr, struct wh_page_slot **ret)
{
	uint64_t page = addr >> dump->page_shift;
	struct wh_page_slot *slot = wh_page_cache_lookup(dump->cache, page);
	if (slot) {
		dump->stats.cache_hits++;
		if (slot->state == WH_SLOT_ERROR) {
			if (slot->error_code == WH_ERR_EXCLUDED)
				dump->stats.excluded_reads++;
			return page_error(slot->error_code, addr);
		}
		*ret = slot;
		return NULL;
	}
	struct wh_error *err = wh_budget_page(&dump->budget);
	if (err)
		return err; /* not cached: the budget is not the page's fault */
	if ((err = wh_page_cache_insert(dump->cache, page, &slot)))
		return err;
	dump->stats.page_reads++;
	uint64_t at = page << dump->page_shift;
	if (dump->phys) {
		err = wh_dump_phys_read_virt(dump->phys, at, slot->data);
	} else {
		kdump_status st = read_synthetic(dump, at, slot->data);
		if (st != KDUMP_OK)
			err = page_error(st == KDUMP_ERR_NODATA ? WH_ERR_EXCLUDED : WH_ERR_FAULT, at);
	}
	if (!err) {
		*ret = slot;
		return NULL;
	}
	if (err == &wh_error_nomem || err->code == WH_ERR_IO) {
		wh_page_cache_forget(dump->cache, slot); /* a later read tries again */
		return err;
	}
	slot->state = WH_SLOT_ERROR;
	slot->error_code = err->code;
	wh_page_cache_drop_data(dump->cache, slot);
	wh_error_destroy(err);
	if (slot->error_code == WH_ERR_EXCLUDED)
		dump->stats.excluded_reads++;
	return page_error(slot->error_code, addr);
}

struct wh_error *wh_dump_read(struct wh_dump *dump, uint64_t addr, void *buf, size_t len)
{
	unsigned char *out = buf;
	while (len) {
		struct wh_page_slot *slot;
		struct wh_error *err = load_page(dump, addr, &slot);
		if (err)
			return err;
		size_t in_page = addr & (dump->page_size - 1);
		size_t n = dump->page_size - in_page;
		if (n > len)
			n = len;
		memcpy(out, slot->data + in_page, n);
		out += n;
		len -= n;
		if (addr + n < addr && len)
			return wh_error_at(WH_ERR_FAULT, addr,
					   "read wraps around the address space");
		addr += n;
	}
	return NULL;
}

struct wh_error *wh_dump_read_u64(struct wh_dump *dump, uint64_t addr, uint64_t *ret)
{
	return wh_dump_read(dump, addr, ret, sizeof(*ret));
}

struct wh_error *wh_dump_read_u32(struct wh_dump *dump, uint64_t addr, uint32_t *ret)
{
	return wh_dump_read(dump, addr, ret, sizeof(*ret));
}

struct wh_error *wh_dump_read_cstr(struct wh_dump *dump, uint64_t addr, char *buf, size_t max)
{
	if (!max)
		return NULL;
	size_t i = 0;
	while (i + 1 < max) {
		size_t in_page = addr & (dump->page_size - 1);
		size_t n = dump->page_size - in_page;
		if (n > max - 1 - i)
			n = max - 1 - i;
		struct wh_page_slot *slot;
		struct wh_error *err = load_page(dump, addr, &slot);
		if (err) {
			buf[i] = '\0';
			return err;
		}
		const unsigned char *src = slot->data + in_page;
		const void *nul = memchr(src, '\0', n);
		size_t take = nul ? (size_t)((const unsigned char *)nul - src) : n;
		memcpy(buf + i, src, take);
		i += take;
		if (nul)
			break;
		addr += n;
	}
	buf[i] = '\0';
	return NULL;
}

void wh_dump_get_stats(const struct wh_dump *dump, struct wh_dump_stats *ret)
{
	*ret = dump->stats;
}

unsigned wh_dump_num_cpu_notes(struct wh_dump *dump)
{
	return dump->ctx ? dump->num_cpus : 0;
}

struct wh_error *wh_dump_cpu_note(struct wh_dump *dump, unsigned index,
				  struct wh_dump_cpu_note *ret)
{
	if (!dump->ctx || index >= dump->num_cpus)
		return wh_error_create(WH_ERR_ABSENT, "no CPU note %u", index);
	static const char *const names[] = {"pid",     "reg.rip",   "reg.rsp", "reg.rbp",
					    "reg.rdx", "reg.rdi",   "reg.r10", "reg.r13",
					    "reg.cs",  "reg.rflags"};
	uint64_t *out[] = {&ret->pid, &ret->ip,	 &ret->sp,  &ret->bp, &ret->dx,
			   &ret->di,  &ret->r10, &ret->r13, &ret->cs, &ret->flags};
	memset(ret, 0, sizeof(*ret));
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		char key[64];
		snprintf(key, sizeof(key), "cpu.%u.%s", index, names[i]);
		kdump_num_t v;
		kdump_status st = kdump_get_number_attr(dump->ctx, key, &v);
		if (st != KDUMP_OK) {
			kdump_clear_err(dump->ctx);
			/* cs is not in every note format; the rest is required. */
			if (!strcmp(names[i], "reg.cs") || !strcmp(names[i], "reg.rflags"))
				continue;
			return wh_error_create(WH_ERR_ABSENT, "CPU note %u has no %s", index,
					       names[i]);
		}
		*out[i] = v;
	}
	return NULL;
}

struct wh_error *wh_dump_virt_to_phys(struct wh_dump *dump, uint64_t addr, uint64_t *ret)
{
	if (!dump->phys)
		return wh_error_at(WH_ERR_FAULT, addr, "no page tables in a synthetic dump");
	return wh_dump_phys_translate(dump->phys, addr, ret);
}

struct wh_budget *wh_dump_budget(struct wh_dump *dump)
{
	return &dump->budget;
}

const struct wh_dump_missing *wh_dump_missing(const struct wh_dump *dump)
{
	return dump->pages ? wh_dump_pages_missing(dump->pages) : NULL;
}

uint64_t wh_dump_chunks_checked(const struct wh_dump *dump)
{
	return dump->pages ? wh_dump_pages_chunks_checked(dump->pages) : 0;
}
