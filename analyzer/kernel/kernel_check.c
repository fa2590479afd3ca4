#include "kernel_check.h"
#include "escape.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { BANNER_MAX = 512 };

/* Dump bytes for an error line: escaped, so that a newline or a terminal
 * escape in a damaged dump cannot split the line or reach the terminal. */
static const char *esc(const char *s, char *buf, size_t size)
{
	return wh_escape_text(s, SIZE_MAX, buf, size);
}

/* The linux_banner symbol of the vmlinux: a file without one is not a
 * kernel (a program, a module .ko), whatever its build id. Other failures
 * keep their own reason. */
static struct wh_error *banner_symbol(struct wh_kernel *k, struct wh_symbol *ret)
{
	struct wh_error *err = wh_elf_image_symbol(k->vmlinux, "linux_banner", ret);
	if (!err)
		return NULL;
	if (err->code == WH_ERR_ABSENT) {
		wh_error_destroy(err);
		return wh_error_create(WH_ERR_NO_VMLINUX, "%s has no linux_banner: not a vmlinux",
				       wh_elf_image_path(k->vmlinux));
	}
	if (err->code == WH_ERR_NOMEM)
		return err;
	err->code = WH_ERR_NO_VMLINUX;
	return wh_error_wrap(err, "not a usable vmlinux");
}

/* linux_banner as linked into the vmlinux file. */
static struct wh_error *file_banner(struct wh_kernel *k, const struct wh_symbol *symbol,
				    char *buf, uint64_t *ret_addr)
{
	struct wh_symbol sym = *symbol;
	struct wh_error *err;
	size_t len = sym.size && sym.size < BANNER_MAX ? sym.size : BANNER_MAX - 1;
	memset(buf, 0, BANNER_MAX);
	err = wh_elf_image_read(k->vmlinux, sym.address, buf, len);
	if (err)
		return wh_error_wrap(err, "reading linux_banner from the vmlinux");
	buf[BANNER_MAX - 1] = '\0';
	*ret_addr = sym.address;
	return NULL;
}

static void chomp(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

/* The release is the third word of "Linux version RELEASE (...". */
static bool banner_has_release(const char *banner, const char *release)
{
	static const char prefix[] = "Linux version ";
	if (strncmp(banner, prefix, sizeof(prefix) - 1))
		return false;
	const char *r = banner + sizeof(prefix) - 1;
	size_t n = strlen(release);
	return !strncmp(r, release, n) && (r[n] == ' ' || r[n] == '\0');
}

/* With no KERNELOFFSET line, derive the slide from a VMCOREINFO symbol. */
static void derive_kaslr(struct wh_kernel *k)
{
	if (wh_dump_vmcoreinfo(k->dump, "KERNELOFFSET"))
		return;
	const char *v = wh_dump_vmcoreinfo(k->dump, "SYMBOL(init_uts_ns)");
	struct wh_symbol sym;
	struct wh_error *err = wh_elf_image_symbol(k->vmlinux, "init_uts_ns", &sym);
	if (v && !err)
		k->kaslr_offset = strtoull(v, NULL, 16) - sym.address;
	wh_error_destroy(err);
}

struct wh_error *wh_kernel_check_match(struct wh_kernel *k)
{
	struct wh_symbol sym;
	struct wh_error *err = banner_symbol(k, &sym);
	if (err)
		return err;
	const char *dump_id = wh_dump_build_id(k->dump);
	const char *elf_id = wh_elf_image_build_id(k->vmlinux);
	char e1[256], e2[600];
	if (dump_id && elf_id && strcmp(dump_id, elf_id))
		return wh_error_create(WH_ERR_MISMATCH,
				       "vmlinux does not match the dump: build id %s, dump has %s",
				       esc(elf_id, e1, sizeof(e1)), esc(dump_id, e2, sizeof(e2)));
	/* Same build id: the vmlinux is the dump's kernel, so a banner that
	 * differs or cannot be read says the dump is damaged. */
	bool same_build = dump_id && elf_id;
	derive_kaslr(k);
	char want[BANNER_MAX], got[BANNER_MAX];
	uint64_t addr = 0;
	err = file_banner(k, &sym, want, &addr);
	if (err && err->code == WH_ERR_ABSENT) {
		/* A --only-keep-debug file (Fedora/RHEL debuginfo) has no data
		 * sections: only the build id can tie it to the dump. */
		wh_error_destroy(err);
		if (dump_id && elf_id)
			return NULL;
		return wh_error_create(WH_ERR_MISMATCH,
				       "cannot tell whether %s belongs to the dump: it has no "
				       "kernel data to compare and %s has no build id",
				       wh_elf_image_path(k->vmlinux), elf_id ? "the dump" : "it");
	}
	if (err)
		return err;
	const char *release = wh_dump_release(k->dump);
	if (!banner_has_release(want, release)) {
		/* With the same build id, which side is damaged? When the
		 * dump's own banner agrees with the vmlinux, its VMCOREINFO. */
		err = wh_dump_read_cstr(k->dump, addr + k->kaslr_offset, got, sizeof(got));
		bool dump_damaged = same_build && !err && !strcmp(want, got);
		wh_error_destroy(err);
		chomp(want);
		return wh_error_create(
		    dump_damaged ? WH_ERR_CORRUPT : WH_ERR_MISMATCH,
		    "%s: dump is %s, vmlinux is \"%s\"",
		    dump_damaged ? "the dump's VMCOREINFO release is damaged (the build ids match)"
				 : "vmlinux does not match the dump",
		    esc(release, e1, sizeof(e1)), esc(want, e2, sizeof(e2)));
	}
	/* Same release can still be a different build: compare the whole
	 * banner (it carries the build number and date) with the dump's. */
	err = wh_dump_read_cstr(k->dump, addr + k->kaslr_offset, got, sizeof(got));
	if (err && same_build) {
		/* The build ids already tie the two together. */
		wh_error_destroy(err);
		return NULL;
	}
	if (err) {
		/* Without build ids, an unreadable banner most likely means
		 * the layouts differ, not a bad dump. */
		struct wh_error *mismatch = wh_error_create(
		    WH_ERR_MISMATCH,
		    "vmlinux does not match the dump: its linux_banner is unreadable in the "
		    "dump (%s)",
		    err->message);
		wh_error_destroy(err);
		return mismatch;
	}
	if (strcmp(want, got)) {
		chomp(want);
		chomp(got);
		char e3[BANNER_MAX * 4];
		return wh_error_create(same_build ? WH_ERR_CORRUPT : WH_ERR_MISMATCH,
				       "%s: dump says \"%s\", vmlinux says \"%s\"",
				       same_build ? "the dump's linux_banner is damaged (the build "
						    "ids match)"
						  : "vmlinux does not match the dump",
				       esc(got, e3, sizeof(e3)), esc(want, e2, sizeof(e2)));
	}
	return NULL;
}
