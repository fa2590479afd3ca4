#include "orc.h"
#include "modules.h"

#include <stdlib.h>
#include <string.h>

enum { ORC_ENTRY_SIZE = 6 };
static const uint64_t MAX_ORC_ENTRIES = 16u << 20;

/* A table copied from memory has its runtime addresses in IPS; the
 * vmlinux's is searched where the file is mapped (REL_IPS: self-relative
 * s32s, REL_BASE the runtime address of the first), not copied: a batch
 * worker then shares its slot's pages instead of building 2 MB per dump. */
struct orc_table {
	uint64_t *ips;
	const unsigned char *rel_ips;
	uint64_t rel_base;
	const unsigned char *entries; /* ORC_ENTRY_SIZE bytes each */
	unsigned char *owned;	      /* ENTRIES when copied */
	size_t n;
	bool loaded, failed;
};

static uint64_t table_ip(const struct orc_table *t, size_t i)
{
	if (t->ips)
		return t->ips[i];
	int32_t rel;
	memcpy(&rel, t->rel_ips + 4 * i, 4);
	return t->rel_base + 4 * i + (int64_t)rel;
}

struct wh_orc {
	int version;
	const char *source; /* NULL when the kernel's table failed to load */
	struct orc_table kernel;
	struct orc_table *modules; /* parallel to wh_modules' array */
	size_t n_modules;
	/* Tables that failed to load, each said once; their code is unwound
	 * without ORC. */
	struct wh_diags diags;
};

void wh_orc_decode(const unsigned char raw[6], int version, struct wh_orc_entry *ret)
{
	memcpy(&ret->sp_offset, raw, 2);
	memcpy(&ret->bp_offset, raw + 2, 2);
	unsigned flags = raw[4] | (unsigned)raw[5] << 8;
	ret->sp_reg = flags & 0xf;
	ret->bp_reg = (flags >> 4) & 0xf;
	if (version >= 3) {
		/* 6.4: type:3 with explicit UNDEFINED/END_OF_STACK, signal:1. */
		static const enum wh_orc_type types[] = {WH_ORC_UNDEFINED, WH_ORC_END_OF_STACK,
							 WH_ORC_CALL, WH_ORC_REGS,
							 WH_ORC_REGS_PARTIAL};
		unsigned t = (flags >> 8) & 7;
		ret->type = t < 5 ? types[t] : WH_ORC_UNDEFINED;
		ret->signal = (flags >> 11) & 1;
		return;
	}
	/* 4.14-6.3: type:2, then (6.3) signal:1, then end:1. */
	unsigned t = (flags >> 8) & 3;
	bool end = version == 2 ? (flags >> 11) & 1 : (flags >> 10) & 1;
	ret->type = t == 0   ? WH_ORC_CALL
		    : t == 1 ? WH_ORC_REGS
		    : t == 2 ? WH_ORC_REGS_PARTIAL
			     : WH_ORC_UNDEFINED;
	ret->signal = version == 2 ? (flags >> 10) & 1 : ret->type != WH_ORC_CALL;
	if (ret->sp_reg == WH_ORC_REG_UNDEFINED)
		ret->type = end ? WH_ORC_END_OF_STACK : WH_ORC_UNDEFINED;
}

/* .orc_header (6.4+) names the format by hash (scripts/orc_hash.sh). */
static int detect_version(struct wh_kernel *k)
{
	static const unsigned char v3[20] = {0xfe, 0x5d, 0x32, 0xbf, 0x58, 0x1b, 0xd6,
					     0x3b, 0x2c, 0xa9, 0xa5, 0xc6, 0x5a, 0xa5,
					     0xa6, 0x25, 0xea, 0xb3, 0xfe, 0x24};
	const struct wh_elf_section *hdr =
	    k->vmlinux ? wh_elf_image_section(k->vmlinux, ".orc_header") : NULL;
	if (hdr && hdr->data && hdr->size >= 20)
		return memcmp(hdr->data, v3, 20) ? 4 : 3;
	if (wh_kernel_version_at_least(k, 6, 4))
		return 3; /* e.g. RHEL 9.6 backports without the header */
	if (wh_kernel_version_at_least(k, 6, 3))
		return 2;
	return 1;
}

static bool sorted(const struct orc_table *t)
{
	uint64_t prev = t->n ? table_ip(t, 0) : 0;
	for (size_t i = 1; i < t->n; i++) {
		uint64_t ip = table_ip(t, i);
		if (ip < prev)
			return false;
		prev = ip;
	}
	return true;
}

static struct wh_error *table_alloc(struct orc_table *t, uint64_t n)
{
	if (n == 0 || n > MAX_ORC_ENTRIES)
		return wh_error_create(WH_ERR_CORRUPT, "implausible ORC table of %llu entries",
				       (unsigned long long)n);
	t->ips = malloc(n * sizeof(*t->ips));
	t->entries = t->owned = malloc(n * ORC_ENTRY_SIZE);
	if (!t->ips || !t->owned)
		return &wh_error_nomem;
	t->n = n;
	return NULL;
}

static void table_free(struct orc_table *t)
{
	free(t->ips);
	free(t->owned);
	memset(t, 0, sizeof(*t));
}

/* From the vmlinux file: self-relative IPs are relative to link-time
 * addresses; the KASLR slide moves both alike. */
static struct wh_error *load_kernel_from_file(struct wh_kernel *k, struct orc_table *t)
{
	if (!k->vmlinux)
		return wh_error_create(WH_ERR_ABSENT, "no vmlinux");
	const struct wh_elf_section *ip = wh_elf_image_section(k->vmlinux, ".orc_unwind_ip");
	const struct wh_elf_section *un = wh_elf_image_section(k->vmlinux, ".orc_unwind");
	if (!ip || !un || !ip->data || !un->data)
		return wh_error_create(WH_ERR_ABSENT, "no ORC sections in the vmlinux");
	uint64_t n = ip->size / 4;
	if (un->size / ORC_ENTRY_SIZE != n)
		return wh_error_create(WH_ERR_FORMAT, "ORC sections disagree in length");
	if (n == 0 || n > MAX_ORC_ENTRIES)
		return wh_error_create(WH_ERR_CORRUPT, "implausible ORC table of %llu entries",
				       (unsigned long long)n);
	*t = (struct orc_table){.rel_ips = ip->data,
				.rel_base = ip->addr + k->kaslr_offset,
				.entries = un->data,
				.n = n};
	if (!sorted(t)) {
		table_free(t);
		return wh_error_create(WH_ERR_FORMAT, "ORC table in the vmlinux is unsorted");
	}
	return NULL;
}

/* A table in kernel memory: N self-relative s32 IPs at IP_ADDR and N entries
 * at ENTRY_ADDR. */
static struct wh_error *load_from_memory(struct wh_kernel *k, uint64_t ip_addr, uint64_t entry_addr,
					 uint64_t n, struct orc_table *t)
{
	struct wh_error *err = table_alloc(t, n);
	if (err)
		return err;
	int32_t *rel = malloc(n * 4);
	if (!rel)
		return &wh_error_nomem;
	err = wh_dump_read(k->dump, ip_addr, rel, n * 4);
	if (!err)
		err = wh_dump_read(k->dump, entry_addr, t->owned, n * ORC_ENTRY_SIZE);
	if (!err)
		for (uint64_t i = 0; i < n; i++)
			t->ips[i] = ip_addr + 4 * i + (int64_t)rel[i];
	free(rel);
	if (!err && !sorted(t))
		err = wh_error_create(WH_ERR_CORRUPT, "ORC table in memory is unsorted");
	if (err)
		table_free(t);
	return err;
}

static struct wh_error *load_kernel_from_memory(struct wh_kernel *k, struct orc_table *t)
{
	uint64_t start_ip, stop_ip, start_un;
	struct wh_error *err;
	if ((err = wh_kernel_symbol_address(k, "__start_orc_unwind_ip", &start_ip)) ||
	    (err = wh_kernel_symbol_address(k, "__stop_orc_unwind_ip", &stop_ip)) ||
	    (err = wh_kernel_symbol_address(k, "__start_orc_unwind", &start_un)))
		return err;
	if (stop_ip <= start_ip)
		return wh_error_create(WH_ERR_FORMAT, "empty ORC table");
	return load_from_memory(k, start_ip, start_un, (stop_ip - start_ip) / 4, t);
}

static struct wh_error *orc_get(struct wh_kernel *k, struct wh_orc **ret)
{
	if (k->orc) {
		*ret = k->orc;
		return NULL;
	}
	struct wh_orc *orc = calloc(1, sizeof(*orc));
	if (!orc)
		return &wh_error_nomem;
	orc->version = detect_version(k);
	/* Before 5.10 the file copy is sorted only at boot: use memory. */
	struct wh_error *err = wh_kernel_version_at_least(k, 5, 10)
				   ? load_kernel_from_file(k, &orc->kernel)
				   : wh_error_create(WH_ERR_ABSENT, "unsorted in file");
	orc->source = "vmlinux";
	if (err && err != &wh_error_nomem) {
		wh_error_destroy(err);
		err = load_kernel_from_memory(k, &orc->kernel);
		orc->source = "memory";
	}
	if (err == &wh_error_nomem) {
		wh_orc_destroy(orc);
		return err;
	}
	if (err) {
		/* Loaded once, failed once: not tried again for every frame. */
		table_free(&orc->kernel);
		orc->kernel.failed = true;
		orc->source = NULL;
		wh_diags_add_error(&orc->diags, "ORC",
				   wh_error_wrap(err, "loading the kernel's ORC unwind tables "
						      "(stacks unwound without ORC: frame "
						      "pointers and stack scans, guesses)"));
	} else {
		orc->kernel.loaded = true;
	}
	k->orc = orc;
	*ret = orc;
	return NULL;
}

static struct orc_table *module_table(struct wh_kernel *k, struct wh_orc *orc, uint64_t ip)
{
	const struct wh_modules *mods;
	struct wh_error *err = wh_modules_get(k, &mods);
	if (err) {
		wh_error_destroy(err);
		return NULL;
	}
	const struct wh_module *m = wh_modules_find(mods, ip);
	if (!m || !m->num_orcs)
		return NULL;
	if (!orc->modules) {
		orc->modules = calloc(mods->count ? mods->count : 1, sizeof(*orc->modules));
		if (!orc->modules)
			return NULL;
		orc->n_modules = mods->count;
	}
	struct orc_table *t = &orc->modules[m - mods->modules];
	if (!t->loaded && !t->failed) {
		err = load_from_memory(k, m->orc_ip, m->orc_entries, m->num_orcs, t);
		t->loaded = !err;
		t->failed = err != NULL;
		if (err)
			wh_diags_add_error(&orc->diags, "ORC",
					   wh_error_wrap(err,
							 "loading the ORC table of module %s "
							 "(its frames unwound without ORC)",
							 m->name));
	}
	return t->loaded ? t : NULL;
}

/* Rightmost entry with address <= IP, as the kernel's __orc_find(): the
 * build sorts section terminators before real entries at the same IP. */
static bool table_find(const struct orc_table *t, uint64_t ip, size_t *ret)
{
	if (!t->n || ip < table_ip(t, 0))
		return false;
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (table_ip(t, mid) <= ip)
			lo = mid + 1;
		else
			hi = mid;
	}
	*ret = lo - 1;
	return true;
}

struct wh_error *wh_orc_find(struct wh_kernel *k, uint64_t ip, struct wh_orc_entry *ret,
			     bool *ret_found)
{
	struct wh_orc *orc;
	struct wh_error *err = orc_get(k, &orc);
	if (err)
		return err;
	*ret_found = false;
	const struct orc_table *t = module_table(k, orc, ip);
	if (!t) {
		/* Only trust the kernel table inside kernel text: beyond its last
		 * entry every address would "match" the final terminator. */
		bool in_text = wh_kernel_in_text(k, ip);
		if (!in_text || !orc->kernel.loaded)
			return NULL;
		t = &orc->kernel;
	}
	size_t i;
	if (!table_find(t, ip, &i))
		return NULL;
	wh_orc_decode(t->entries + i * ORC_ENTRY_SIZE, orc->version, ret);
	*ret_found = true;
	return NULL;
}

struct wh_error *wh_orc_source(struct wh_kernel *k, const char **ret)
{
	struct wh_orc *orc;
	struct wh_error *err = orc_get(k, &orc);
	if (err)
		return err;
	if (!orc->source)
		return wh_error_create(WH_ERR_ABSENT, "%s", wh_diags_first(&orc->diags));
	*ret = orc->source;
	return NULL;
}

const struct wh_diags *wh_orc_diags(const struct wh_kernel *k)
{
	return k->orc ? &k->orc->diags : NULL;
}

void wh_orc_destroy(struct wh_orc *orc)
{
	if (!orc)
		return;
	table_free(&orc->kernel);
	for (size_t i = 0; i < orc->n_modules; i++)
		table_free(&orc->modules[i]);
	free(orc->modules);
	wh_diags_deinit(&orc->diags);
	free(orc);
}
