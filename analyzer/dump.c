#include "dump.h"
#include "dump_check.h"
#include "dump_source.h"

#include <errno.h>
#include <fcntl.h>
#include <libkdumpfile/kdumpfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Direct-mapped cache of whole pages; excluded/faulting pages are cached as
 * negative entries so a corrupt list pointing at them stays cheap. */
enum { CACHE_SLOTS = 1024 };

enum slot_state { SLOT_EMPTY, SLOT_DATA, SLOT_ERROR };

struct cache_slot {
	uint64_t page;
	enum slot_state state;
	enum wh_error_code error_code;
	unsigned char *data;
};

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
	struct cache_slot *slots;
	struct wh_dump_stats stats;
	const struct wh_dump_segment *segments; /* synthetic dumps only */
	size_t n_segments;
	/* VMCOREINFO values returned to callers, freed with the dump. */
	char **vmci_values;
	size_t n_vmci_values;
};

static struct wh_error *kdump_error(struct wh_dump *dump, kdump_status status, const char *what)
{
	enum wh_error_code code = WH_ERR_NOT_DUMP;
	if (status == KDUMP_ERR_EOF)
		code = WH_ERR_TRUNCATED;
	else if (status == KDUMP_ERR_SYSTEM)
		code = WH_ERR_IO;
	const char *detail = dump->ctx ? kdump_get_err(dump->ctx) : NULL;
	return wh_error_create(code, "%s: %s", what, detail ? detail : kdump_strerror(status));
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
		return kdump_error(dump, KDUMP_ERR_NODATA, "page size");
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
	for (size_t i = 0; i < dump->source->n_fds && !err; i++)
		err = wh_dump_check_file(dump->source->fds[i]);
	if (err)
		goto fail_path;
	dump->ctx = kdump_new();
	if (!dump->ctx) {
		err = &wh_error_nomem;
		goto fail;
	}
	/* Without the OS type libkdumpfile cannot set up kernel page-table
	 * translation on QEMU/makedumpfile dumps (tooling-notes.md). */
	kdump_status st = kdump_set_string_attr(dump->ctx, KDUMP_ATTR_OSTYPE, "linux");
	if (st != KDUMP_OK) {
		err = kdump_error(dump, st, "setting OS type");
		goto fail_path;
	}
	/* A file set: makedumpfile --split members, in pfn order. */
	st = kdump_open_fdset(dump->ctx, (unsigned)dump->source->n_fds, dump->source->fds);
	if (st == KDUMP_ERR_NOTIMPL) {
		/* libkdumpfile's "Cannot set file.set.0.fd: Unknown file format". */
		err = wh_error_create(WH_ERR_NOT_DUMP, "not a kernel dump: no dump format whyhung "
						       "reads starts like this file");
		goto fail_path;
	}
	if (st != KDUMP_OK) {
		err = kdump_error(dump, st, "not a kernel dump");
		goto fail_path;
	}
	err = read_attrs(dump);
	if (err)
		goto fail_path;
	dump->slots = calloc(CACHE_SLOTS, sizeof(*dump->slots));
	if (!dump->slots) {
		err = &wh_error_nomem;
		goto fail;
	}
	*ret = dump;
	return NULL;

fail_path:
	err = wh_dump_wrap_error(dump, err);
fail:
	wh_dump_destroy(dump);
	return err;
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
	if (dump->ctx)
		kdump_free(dump->ctx);
	wh_dump_source_destroy(dump->source);
	if (dump->slots) {
		for (size_t i = 0; i < CACHE_SLOTS; i++)
			free(dump->slots[i].data);
		free(dump->slots);
	}
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
		return wh_error_at(code, addr, "page at 0x%llx lies past the end of the dump file",
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
	dump->release = strdup(release);
	dump->slots = calloc(CACHE_SLOTS, sizeof(*dump->slots));
	if (!dump->format || !dump->release || !dump->slots) {
		wh_dump_destroy(dump);
		return &wh_error_nomem;
	}
	*ret = dump;
	return NULL;
}

/* Fetch the page containing ADDR into the cache; returns its slot. */
static struct wh_error *load_page(struct wh_dump *dump, uint64_t addr, struct cache_slot **ret)
{
	uint64_t page = addr >> dump->page_shift;
	struct cache_slot *slot = &dump->slots[page % CACHE_SLOTS];
	if (slot->state != SLOT_EMPTY && slot->page == page) {
		dump->stats.cache_hits++;
		if (slot->state == SLOT_ERROR) {
			if (slot->error_code == WH_ERR_EXCLUDED)
				dump->stats.excluded_reads++;
			return page_error(slot->error_code, addr);
		}
		*ret = slot;
		return NULL;
	}
	if (!slot->data) {
		slot->data = malloc(dump->page_size);
		if (!slot->data)
			return &wh_error_nomem;
	}
	dump->stats.page_reads++;
	size_t got = dump->page_size;
	kdump_status st = dump->ctx ? kdump_read(dump->ctx, KDUMP_KVADDR, page << dump->page_shift,
						 slot->data, &got)
				    : read_synthetic(dump, page << dump->page_shift, slot->data);
	slot->page = page;
	if (st == KDUMP_OK && got == dump->page_size) {
		slot->state = SLOT_DATA;
		*ret = slot;
		return NULL;
	}
	if (dump->ctx)
		kdump_clear_err(dump->ctx);
	slot->state = SLOT_ERROR;
	if (st == KDUMP_ERR_NODATA) {
		/* NODATA is what libkdumpfile reports for makedumpfile-filtered
		 * pages; also for physical holes, which we cannot tell apart. */
		slot->error_code = WH_ERR_EXCLUDED;
		dump->stats.excluded_reads++;
	} else if (st == KDUMP_ERR_EOF) {
		slot->error_code = WH_ERR_TRUNCATED;
	} else {
		slot->error_code = WH_ERR_FAULT;
	}
	return page_error(slot->error_code, addr);
}

struct wh_error *wh_dump_read(struct wh_dump *dump, uint64_t addr, void *buf, size_t len)
{
	unsigned char *out = buf;
	while (len) {
		struct cache_slot *slot;
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
		struct cache_slot *slot;
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
	if (!dump->ctx)
		return wh_error_at(WH_ERR_FAULT, addr, "no page tables in a synthetic dump");
	addrxlat_ctx_t *axctx;
	addrxlat_sys_t *axsys;
	if (kdump_get_addrxlat(dump->ctx, &axctx, &axsys) != KDUMP_OK) {
		kdump_clear_err(dump->ctx);
		return wh_error_at(WH_ERR_FAULT, addr, "no address translation for this dump");
	}
	addrxlat_fulladdr_t fa = {.addr = addr, .as = ADDRXLAT_KVADDR};
	addrxlat_status st = addrxlat_fulladdr_conv(&fa, ADDRXLAT_KPHYSADDR, axctx, axsys);
	addrxlat_ctx_decref(axctx);
	addrxlat_sys_decref(axsys);
	if (st != ADDRXLAT_OK)
		return wh_error_at(WH_ERR_FAULT, addr, "0x%llx has no physical address",
				   (unsigned long long)addr);
	*ret = fa.addr;
	return NULL;
}
