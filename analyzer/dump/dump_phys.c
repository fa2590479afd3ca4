#include "dump_phys.h"

#include <libkdumpfile/addrxlat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct wh_dump_phys {
	kdump_ctx_t *ctx;
	struct wh_dump_pages *pages;
	uint32_t page_size;
	addrxlat_ctx_t *axctx;
	addrxlat_sys_t *axsys;
	/* Why the last page-table read failed, to name it when the
	 * translation fails on it. */
	enum wh_error_code pt_error;
};

static const char *state_name(enum wh_page_state s)
{
	switch (s) {
	case WH_PAGE_ABSENT: return "excluded from dump";
	case WH_PAGE_MISSING: return "not saved: dump incomplete";
	case WH_PAGE_CORRUPT: return "damaged page descriptor";
	case WH_PAGE_OK: break;
	}
	return "readable";
}

static enum wh_error_code state_code(enum wh_page_state s)
{
	switch (s) {
	case WH_PAGE_ABSENT: return WH_ERR_EXCLUDED;
	case WH_PAGE_MISSING: return WH_ERR_INCOMPLETE;
	default: return WH_ERR_CORRUPT;
	}
}

struct wh_error *wh_dump_phys_read(struct wh_dump_phys *phys, uint64_t paddr, unsigned char *buf)
{
	enum wh_page_state state;
	struct wh_error *err = wh_dump_pages_check(phys->pages, paddr / phys->page_size, &state);
	if (err)
		return err;
	if (state != WH_PAGE_OK)
		return wh_error_at(state_code(state), paddr, "physical page 0x%llx %s",
				   (unsigned long long)paddr, state_name(state));
	size_t got = phys->page_size;
	kdump_status st = kdump_read(phys->ctx, KDUMP_MACHPHYSADDR, paddr, buf, &got);
	if (st == KDUMP_OK && got == phys->page_size)
		return NULL;
	kdump_clear_err(phys->ctx);
	if (st == KDUMP_ERR_NODATA)
		return wh_error_at(WH_ERR_EXCLUDED, paddr,
				   "physical page 0x%llx excluded from dump",
				   (unsigned long long)paddr);
	if (st == KDUMP_ERR_EOF)
		return wh_error_at(WH_ERR_INCOMPLETE, paddr,
				   "physical page 0x%llx not saved: dump incomplete",
				   (unsigned long long)paddr);
	if (st == KDUMP_ERR_NOTIMPL)
		return wh_error_at(WH_ERR_CORRUPT, paddr,
				   "physical page 0x%llx is compressed with a method this "
				   "libkdumpfile cannot read",
				   (unsigned long long)paddr);
	return wh_error_at(WH_ERR_CORRUPT, paddr,
			   "physical page 0x%llx cannot be read: its data is damaged",
			   (unsigned long long)paddr);
}

/* libaddrxlat keeps the pages it gets in its own small read cache until it
 * puts them: each is a copy of its own, freed by put_page. */
static void put_page(const addrxlat_buffer_t *buf)
{
	free(buf->priv);
}

static addrxlat_status get_page(const addrxlat_cb_t *cb, addrxlat_buffer_t *buf)
{
	struct wh_dump_phys *phys = cb->priv;
	uint64_t paddr = buf->addr.addr & ~(uint64_t)(phys->page_size - 1);
	if (buf->addr.as != ADDRXLAT_MACHPHYSADDR && buf->addr.as != ADDRXLAT_KPHYSADDR)
		return addrxlat_ctx_err(phys->axctx, ADDRXLAT_ERR_NOMETH, "not a physical address");
	unsigned char *data = malloc(phys->page_size);
	if (!data)
		return addrxlat_ctx_err(phys->axctx, ADDRXLAT_ERR_NOMEM, "out of memory");
	struct wh_error *err = wh_dump_phys_read(phys, paddr, data);
	if (err) {
		free(data);
		phys->pt_error = err->code;
		wh_error_destroy(err);
		return addrxlat_ctx_err(phys->axctx, ADDRXLAT_ERR_NODATA, "page table unreadable");
	}
	buf->addr.addr = paddr;
	buf->ptr = data;
	buf->priv = data;
	buf->size = phys->page_size;
	buf->byte_order = ADDRXLAT_LITTLE_ENDIAN;
	buf->put_page = put_page;
	return ADDRXLAT_OK;
}

static unsigned long read_caps(const addrxlat_cb_t *cb)
{
	(void)cb;
	return ADDRXLAT_CAPS(ADDRXLAT_MACHPHYSADDR) | ADDRXLAT_CAPS(ADDRXLAT_KPHYSADDR);
}

/* VMCOREINFO values, as libkdumpfile's own callbacks give them. */
static addrxlat_status vmcoreinfo_number(struct wh_dump_phys *phys, const char *key, int base,
					 addrxlat_addr_t *val)
{
	char *line = NULL;
	if (kdump_vmcoreinfo_line(phys->ctx, key, &line) != KDUMP_OK) {
		kdump_clear_err(phys->ctx);
		return addrxlat_ctx_err(phys->axctx, ADDRXLAT_ERR_NODATA, "no %s", key);
	}
	char *end;
	unsigned long long v = strtoull(line, &end, base);
	bool ok = *line && !*end;
	free(line);
	if (!ok)
		return addrxlat_ctx_err(phys->axctx, ADDRXLAT_ERR_NODATA, "bad %s", key);
	*val = v;
	return ADDRXLAT_OK;
}

static addrxlat_status vmcoreinfo_key(const addrxlat_cb_t *cb, const char *kind, const char *name,
				      int base, addrxlat_addr_t *val)
{
	char key[256];
	if ((size_t)snprintf(key, sizeof(key), "%s(%s)", kind, name) >= sizeof(key))
		return ADDRXLAT_ERR_NODATA;
	return vmcoreinfo_number(cb->priv, key, base, val);
}

static addrxlat_status sym_value(const addrxlat_cb_t *cb, const char *name, addrxlat_addr_t *val)
{
	return vmcoreinfo_key(cb, "SYMBOL", name, 16, val);
}

static addrxlat_status sym_sizeof(const addrxlat_cb_t *cb, const char *name, addrxlat_addr_t *val)
{
	return vmcoreinfo_key(cb, "SIZE", name, 0, val);
}

static addrxlat_status sym_offsetof(const addrxlat_cb_t *cb, const char *obj, const char *elem,
				    addrxlat_addr_t *val)
{
	char name[200];
	if ((size_t)snprintf(name, sizeof(name), "%s.%s", obj, elem) >= sizeof(name))
		return ADDRXLAT_ERR_NODATA;
	return vmcoreinfo_key(cb, "OFFSET", name, 0, val);
}

static addrxlat_status num_value(const addrxlat_cb_t *cb, const char *name, addrxlat_addr_t *val)
{
	return vmcoreinfo_key(cb, "NUMBER", name, 0, val);
}

/* CPU 0's registers from the dump's notes (cr3 in QEMU's notes). */
static addrxlat_status reg_value(const addrxlat_cb_t *cb, const char *name, addrxlat_addr_t *val)
{
	struct wh_dump_phys *phys = cb->priv;
	char key[64];
	snprintf(key, sizeof(key), "cpu.0.reg.%s", name);
	kdump_num_t v;
	if (kdump_get_number_attr(phys->ctx, key, &v) != KDUMP_OK) {
		kdump_clear_err(phys->ctx);
		return addrxlat_ctx_err(phys->axctx, ADDRXLAT_ERR_NODATA, "no register %s", name);
	}
	*val = v;
	return ADDRXLAT_OK;
}

/* The options libkdumpfile's own set-up (vtop_init) would pass. */
static unsigned build_opts(struct wh_dump_phys *phys, addrxlat_opt_t *opts)
{
	unsigned n = 0;
	addrxlat_opt_arch(&opts[n++], "x86_64");
	addrxlat_opt_os_type(&opts[n++], "linux");
	addrxlat_opt_page_shift(&opts[n++], (unsigned long)__builtin_ctz(phys->page_size));
	kdump_num_t num;
	if (kdump_get_number_attr(phys->ctx, "linux.version_code", &num) == KDUMP_OK)
		addrxlat_opt_version_code(&opts[n++], (unsigned long)num);
	kdump_clear_err(phys->ctx);
	kdump_addr_t addr;
	if (kdump_get_address_attr(phys->ctx, "linux.phys_base", &addr) == KDUMP_OK)
		addrxlat_opt_phys_base(&opts[n++], addr);
	kdump_clear_err(phys->ctx);
	return n;
}

struct wh_error *wh_dump_phys_create(kdump_ctx_t *ctx, struct wh_dump_pages *pages,
				     uint32_t page_size, struct wh_dump_phys **ret)
{
	struct wh_dump_phys *phys = calloc(1, sizeof(*phys));
	if (!phys)
		return &wh_error_nomem;
	phys->ctx = ctx;
	phys->pages = pages;
	phys->page_size = page_size;
	phys->axctx = addrxlat_ctx_new();
	phys->axsys = addrxlat_sys_new();
	addrxlat_cb_t *cb = phys->axctx ? addrxlat_ctx_add_cb(phys->axctx) : NULL;
	if (!phys->axsys || !cb) {
		wh_dump_phys_destroy(phys);
		return &wh_error_nomem;
	}
	cb->priv = phys;
	cb->get_page = get_page;
	cb->read_caps = read_caps;
	cb->reg_value = reg_value;
	cb->sym_value = sym_value;
	cb->sym_sizeof = sym_sizeof;
	cb->sym_offsetof = sym_offsetof;
	cb->num_value = num_value;
	addrxlat_opt_t opts[8];
	unsigned n = build_opts(phys, opts);
	if (addrxlat_sys_os_init(phys->axsys, phys->axctx, n, opts) != ADDRXLAT_OK) {
		wh_dump_phys_destroy(phys);
		return wh_error_create(WH_ERR_CORRUPT,
				       "the kernel's page tables cannot be found in the dump");
	}
	*ret = phys;
	return NULL;
}

void wh_dump_phys_destroy(struct wh_dump_phys *phys)
{
	if (!phys)
		return;
	if (phys->axsys)
		addrxlat_sys_decref(phys->axsys);
	if (phys->axctx)
		addrxlat_ctx_decref(phys->axctx);
	free(phys);
}

struct wh_error *wh_dump_phys_translate(struct wh_dump_phys *phys, uint64_t vaddr, uint64_t *ret)
{
	addrxlat_fulladdr_t fa = {.addr = vaddr, .as = ADDRXLAT_KVADDR};
	phys->pt_error = 0;
	addrxlat_status st =
	    addrxlat_fulladdr_conv(&fa, ADDRXLAT_KPHYSADDR, phys->axctx, phys->axsys);
	if (st == ADDRXLAT_OK) {
		*ret = fa.addr;
		return NULL;
	}
	enum wh_error_code code = phys->pt_error;
	phys->pt_error = 0;
	if (code == WH_ERR_INCOMPLETE)
		return wh_error_at(code, vaddr,
				   "address 0x%llx: its page table was not saved: dump incomplete",
				   (unsigned long long)vaddr);
	if (code == WH_ERR_CORRUPT)
		return wh_error_at(code, vaddr, "address 0x%llx: its page table is damaged",
				   (unsigned long long)vaddr);
	return wh_error_at(WH_ERR_FAULT, vaddr, "address 0x%llx not in the dump",
			   (unsigned long long)vaddr);
}

struct wh_error *wh_dump_phys_read_virt(struct wh_dump_phys *phys, uint64_t vaddr,
					unsigned char *buf)
{
	uint64_t paddr;
	struct wh_error *err = wh_dump_phys_translate(phys, vaddr, &paddr);
	if (err)
		return err;
	return wh_dump_phys_read(phys, paddr & ~(uint64_t)(phys->page_size - 1), buf);
}
