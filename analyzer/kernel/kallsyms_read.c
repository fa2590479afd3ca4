#include "kallsyms_read.h"
#include "btf_types.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

/* Bounds on what is copied out of a hostile dump: a distribution kernel's
 * names table is ~2 MB and its BTF ~5 MB. */
static const uint64_t MAX_NAMES = 64u << 20, MAX_TOKENS = 1u << 20, MAX_BTF = 256u << 20;

static struct wh_error *info_symbol(struct wh_dump *dump, const char *name, uint64_t *ret)
{
	char key[64];
	snprintf(key, sizeof(key), "SYMBOL(%s)", name);
	const char *v = wh_dump_vmcoreinfo(dump, key);
	char *end;
	if (!v)
		return wh_error_create(WH_ERR_ABSENT, "VMCOREINFO has no %s", key);
	*ret = strtoull(v, &end, 16);
	if (end == v || *end)
		return wh_error_create(WH_ERR_FORMAT, "VMCOREINFO %s=%s is not an address", key, v);
	return NULL;
}

/* SIZE bytes at ADDR, newly allocated. */
static struct wh_error *copy_out(struct wh_dump *dump, uint64_t addr, uint64_t size,
				 const char *what, void **ret)
{
	void *buf = malloc(size ? size : 1);
	if (!buf)
		return &wh_error_nomem;
	struct wh_error *err = wh_dump_read(dump, addr, buf, size);
	if (err) {
		free(buf);
		return wh_error_wrap(err, "reading %s (%" PRIu64 " bytes at 0x%" PRIx64 ")", what,
				     size, addr);
	}
	*ret = buf;
	return NULL;
}

/* The tables' extents: scripts/kallsyms.c emits names, markers, then the
 * token table and index, so each ends before the next begins. */
static struct wh_error *extent(uint64_t start, uint64_t next, uint64_t max, const char *what,
			       uint64_t *ret)
{
	if (next <= start || next - start > max)
		return wh_error_create(
		    WH_ERR_FORMAT, "kallsyms %s at 0x%" PRIx64 " does not end before 0x%" PRIx64,
		    what, start, next);
	*ret = next - start;
	return NULL;
}

struct wh_error *wh_kallsyms_read(struct wh_dump *dump, struct wh_kallsyms **ret)
{
	uint64_t a_num, a_names, a_tt, a_ti, a_off = 0, a_base = 0, a_addrs = 0;
	struct wh_error *err;
	if ((err = info_symbol(dump, "kallsyms_num_syms", &a_num)) ||
	    (err = info_symbol(dump, "kallsyms_names", &a_names)) ||
	    (err = info_symbol(dump, "kallsyms_token_table", &a_tt)) ||
	    (err = info_symbol(dump, "kallsyms_token_index", &a_ti)))
		return err;
	/* Relative offsets (CONFIG_KALLSYMS_BASE_RELATIVE) or absolute addresses. */
	if ((err = info_symbol(dump, "kallsyms_offsets", &a_off)) ||
	    (err = info_symbol(dump, "kallsyms_relative_base", &a_base))) {
		if (err->code != WH_ERR_ABSENT)
			return err;
		wh_error_destroy(err);
		a_off = 0;
		if ((err = info_symbol(dump, "kallsyms_addresses", &a_addrs)))
			return err;
	}
	uint32_t num;
	uint64_t names_size = 0, tt_size = 0;
	if ((err = wh_dump_read_u32(dump, a_num, &num)))
		return wh_error_wrap(err, "reading kallsyms_num_syms");
	if ((err = extent(a_names, a_tt, MAX_NAMES, "names", &names_size)) ||
	    (err = extent(a_tt, a_ti, MAX_TOKENS, "token table", &tt_size)))
		return err;
	struct wh_kallsyms_tables t = {
	    .num_syms = num, .names_size = names_size, .token_table_size = tt_size};
	void *names = NULL, *tt = NULL, *ti = NULL, *table = NULL;
	if (num > (4u << 20))
		err = wh_error_create(WH_ERR_FORMAT, "implausible kallsyms_num_syms %u", num);
	if (!err)
		err = copy_out(dump, a_names, names_size, "kallsyms_names", &names);
	if (!err)
		err = copy_out(dump, a_tt, tt_size, "kallsyms_token_table", &tt);
	if (!err)
		err = copy_out(dump, a_ti, 256 * 2, "kallsyms_token_index", &ti);
	if (!err && a_off)
		err = copy_out(dump, a_off, (uint64_t)num * 4, "kallsyms_offsets", &table);
	else if (!err)
		err = copy_out(dump, a_addrs, (uint64_t)num * 8, "kallsyms_addresses", &table);
	if (!err && a_off)
		err = wh_dump_read_u64(dump, a_base, &t.relative_base);
	if (!err) {
		t.names = names;
		t.token_table = tt;
		t.token_index = ti;
		t.offsets = a_off ? table : NULL;
		t.addresses = a_off ? NULL : table;
		err = wh_kallsyms_create(&t, ret);
	}
	free(names);
	free(tt);
	free(ti);
	free(table);
	return err;
}

struct wh_error *wh_btf_read(struct wh_dump *dump, const struct wh_kallsyms *ks,
			     struct wh_types **ret)
{
	struct wh_symbol start, stop;
	struct wh_error *err;
	if ((err = wh_kallsyms_symbol(ks, "__start_BTF", &start)) ||
	    (err = wh_kallsyms_symbol(ks, "__stop_BTF", &stop)))
		return wh_error_wrap(err, "no BTF in the kernel");
	if (stop.address <= start.address || stop.address - start.address > MAX_BTF)
		return wh_error_create(WH_ERR_FORMAT, "BTF from 0x%" PRIx64 " to 0x%" PRIx64,
				       start.address, stop.address);
	void *data;
	uint64_t size = stop.address - start.address;
	if ((err = copy_out(dump, start.address, size, "the kernel's BTF", &data)))
		return err;
	err = wh_types_create_btf(data, size, ret);
	free(data);
	return err ? wh_error_wrap(err, "the kernel's BTF") : NULL;
}
