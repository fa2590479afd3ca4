/* Module debug files (-m DIR) on the fixture: the fixture module's .ko,
 * copied under a temporary tree as the -dbg packages lay it out, must give
 * its frames file:line (checked against binutils' addr2line on the .ko
 * itself when installed) and its types; a .ko of another module must be
 * refused with a warning.
 * usage: test_fixture_module_debug VMLINUX VMCORE KO */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "backtraces.h"
#include "kernel.h"
#include "module_debug.h"
#include "module_debug_check.h"
#include "modules.h"
#include "tasks.h"

static const char *vmlinux_path, *vmcore_path, *ko_path;
static const char MODULE[] = "whyhung_fixture";

struct fixture {
	struct wh_kernel *k;
	struct wh_task_list tasks;
	const struct wh_module *mod;
	struct wh_elf_image *ko; /* the original, for section sizes */
	char dir[64];
};

static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	assert_non_null(in);
	assert_non_null(out);
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

static void remove_tree(const char *dir)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* DIR/lib/modules/RELEASE/extra/NAME, like a -dbg package's tree. */
static void make_tree(struct wh_kernel *k, char *dir, size_t size, const char *name, char *ret_path,
		      size_t path_size)
{
	snprintf(dir, size, "/tmp/whyhung-mdbg-XXXXXX");
	assert_non_null(mkdtemp(dir));
	char path[1024];
	snprintf(path, sizeof(path), "%s/lib/modules/%s/extra", dir, wh_dump_release(k->dump));
	char cmd[1100];
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", path);
	assert_int_equal(system(cmd), 0);
	snprintf(ret_path, path_size, "%s/%s", path, name);
}

static int setup(void **state)
{
	static struct fixture f;
	*state = &f; /* teardown runs after a failed setup too */
	struct wh_error *err = wh_kernel_open(vmcore_path, vmlinux_path, &f.k);
	if (!err)
		err = wh_tasks_collect(f.k, &f.tasks);
	const struct wh_modules *mods;
	if (!err)
		err = wh_modules_get(f.k, &mods);
	if (!err)
		err = wh_elf_image_open(ko_path, &f.ko);
	if (err) {
		fprintf(stderr, "%s\n", err->message);
		return -1;
	}
	for (size_t i = 0; i < mods->count; i++)
		if (!strcmp(mods->modules[i].name, MODULE))
			f.mod = &mods->modules[i];
	if (!f.mod)
		return -1;
	/* The file name with '-': module names use '_', file names may not. */
	char path[4096];
	make_tree(f.k, f.dir, sizeof(f.dir), "whyhung-fixture.ko", path, sizeof(path));
	copy_file(ko_path, path);
	if ((err = wh_kernel_set_module_dir(f.k, f.dir))) {
		fprintf(stderr, "%s\n", err->message);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	if (f->dir[0])
		remove_tree(f->dir);
	wh_elf_image_destroy(f->ko);
	wh_task_list_deinit(&f->tasks);
	wh_kernel_destroy(f->k);
	return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

/* The .ko's executable section holding runtime address ADDR, by the
 * section addresses the dump recorded and the sizes in the file. */
static const char *section_of(struct fixture *f, uint64_t addr, uint64_t *ret_offset)
{
	assert_null(wh_module_load_sections(f->k, f->mod));
	for (size_t i = 0; i < f->mod->n_sections; i++) {
		const struct wh_module_section *ms = &f->mod->sections[i];
		const struct wh_elf_section *s = wh_elf_image_section(f->ko, ms->name);
		if (s && (s->flags & SHF_EXECINSTR) && addr >= ms->address &&
		    addr - ms->address < s->size) {
			*ret_offset = addr - ms->address;
			return ms->name;
		}
	}
	return NULL;
}

/* binutils' answer for OFFSET in SECTION of the .ko: false when addr2line
 * is not installed. */
/* addr2line -i: the innermost location first, then where each inlined
 * function was called, the frame's own function last. */
struct location {
	char file[4096];
	unsigned line;
};

static bool addr2line(const char *section, uint64_t offset, struct location *ret, size_t cap,
		      size_t *ret_n)
{
	char cmd[4200], out[4096];
	snprintf(cmd, sizeof(cmd), "addr2line -i -e '%s' -j '%s' 0x%llx 2>/dev/null", ko_path,
		 section, (unsigned long long)offset);
	FILE *p = popen(cmd, "r");
	if (!p)
		return false;
	size_t n = 0;
	bool ok = true;
	while (fgets(out, sizeof(out), p)) {
		char *colon = strrchr(out, ':');
		if (n >= cap || !colon || sscanf(colon + 1, "%u", &ret[n].line) != 1) {
			ok = false;
			continue;
		}
		*colon = '\0';
		snprintf(ret[n].file, sizeof(ret[n].file), "%s", out);
		n++;
	}
	if (pclose(p) != 0 || !n)
		return false;
	*ret_n = n;
	return ok;
}

static void test_module_frames_get_lines(void **state)
{
	struct fixture *f = *state;
	size_t checked = 0, by_addr2line = 0;
	for (size_t i = 0; i < f->tasks.count; i++) {
		const struct wh_task *t = &f->tasks.tasks[i];
		if (t->state != 'D' || strncmp(t->comm, "wh_", 3))
			continue;
		struct wh_backtrace *bt;
		assert_null(wh_backtrace_of_task(f->k, t, &bt));
		for (size_t j = 0; j < bt->stack.n; j++) {
			const struct wh_frame *fr = &bt->stack.frames[j];
			if (!fr->sym.module || strcmp(fr->sym.module, MODULE))
				continue;
			const struct wh_frame_source *src = &bt->sources[j];
			if (!src->file)
				fail_msg("pid %d frame %zu %s: no source line", t->pid, j,
					 fr->sym.function);
			/* Inlined kernel helpers (folio_lock from pagemap.h) give
			 * header lines: any file, but it must be addr2line's. */
			assert_true(src->line >= 1 && src->line <= 100000);
			checked++;
			/* Return addresses are looked up at the call, one byte before. */
			uint64_t off = 0, addr = fr->ip - (j > 0 && !(fr->flags & WH_FRAME_REGS));
			const char *section = section_of(f, addr, &off);
			assert_non_null(section);
			struct location locs[16];
			size_t n;
			if (!addr2line(section, off, locs, 16, &n))
				continue;
			/* Ours in addr2line's order: the inlined functions'
			 * locations, innermost first, then the frame's. */
			if (n != src->n_inlined + 1)
				fail_msg("pid %d %s+0x%llx: %zu inlined functions, addr2line %zu",
					 t->pid, fr->sym.function,
					 (unsigned long long)fr->sym.offset, src->n_inlined, n - 1);
			for (size_t k = 0; k < n; k++) {
				const char *file =
				    k < src->n_inlined ? src->inlined[k].file : src->file;
				unsigned line =
				    k < src->n_inlined ? src->inlined[k].line : src->line;
				if (!file || !ends_with(locs[k].file, file) || line != locs[k].line)
					fail_msg("pid %d %s+0x%llx [%zu]: whyhung says %s:%u, "
						 "addr2line %s:%u",
						 t->pid, fr->sym.function,
						 (unsigned long long)fr->sym.offset, k,
						 file ? file : "-", line, locs[k].file,
						 locs[k].line);
			}
			by_addr2line++;
		}
		wh_backtrace_destroy(bt);
	}
	/* Every scenario task runs module code. */
	assert_true(checked >= 10);
	if (system("command -v addr2line >/dev/null 2>&1") == 0)
		assert_int_equal(by_addr2line, checked);
	else
		fprintf(stderr, "note: addr2line not installed, lines only checked for range\n");
}

static const struct wh_module_symbol *module_symbol(const struct wh_module *mod, const char *name)
{
	for (size_t i = 0; i < mod->n_symbols; i++)
		if (!strcmp(mod->symbols[i].name, name))
			return &mod->symbols[i];
	fail_msg("no symbol %s in the module", name);
	return NULL;
}

static void test_module_types(void **state)
{
	struct fixture *f = *state;
	struct wh_types *types;
	struct wh_error *err = wh_module_types(f->k, MODULE, &types);
	if (err)
		fail_msg("%s", err->message);
	assert_ptr_not_equal(types, f->k->types);
	/* A module variable's type, found through the CU of a module function at
	 * its runtime address: its size must be the dump's kallsyms size. */
	const struct wh_module_symbol *fn = module_symbol(f->mod, "wh_abba_a_fn");
	const struct wh_module_symbol *var = module_symbol(f->mod, "wh_tasks");
	struct wh_type type, elem;
	uint64_t size, len;
	assert_null(wh_types_variable_near(types, "wh_tasks", fn->address, &type));
	assert_null(wh_types_sizeof(types, type, &size));
	assert_int_equal(size, var->size);
	assert_null(wh_types_array_length(types, type, &len));
	assert_int_equal(len * 8, var->size); /* an array of pointers, per kallsyms */
	assert_null(wh_types_target(types, type, &elem));
	enum wh_type_kind kind;
	assert_null(wh_types_resolve(types, elem, &kind, &elem));
	assert_int_equal(kind, WH_TYPE_POINTER);
	/* Kernel types seen from the module agree with the vmlinux. */
	static const char *const members[] = {"proc_open", "proc_read", "proc_write",
					      "proc_release"};
	for (size_t i = 0; i < sizeof(members) / sizeof(*members); i++) {
		struct wh_member_info in_module, in_vmlinux;
		assert_null(wh_types_struct_member(types, "proc_ops", members[i], &in_module));
		assert_null(
		    wh_types_struct_member(f->k->types, "proc_ops", members[i], &in_vmlinux));
		assert_int_equal(in_module.offset, in_vmlinux.offset);
		assert_int_equal(in_module.size, in_vmlinux.size);
	}
	assert_int_equal(wh_diags_total(wh_module_debug_diags(f->k)), 0);
}

/* A fresh kernel context whose -m tree holds FILE_NAME with the fixture
 * .ko's bytes, patched by PATCH: its module lookup must fail with a
 * warning that names the reason. */
static void expect_rejected(void (*patch)(unsigned char *buf, size_t size), const char *reason)
{
	struct wh_kernel *k;
	assert_null(wh_kernel_open(vmcore_path, vmlinux_path, &k));
	char dir[64], path[4096];
	make_tree(k, dir, sizeof(dir), "whyhung_fixture.ko", path, sizeof(path));
	FILE *in = fopen(ko_path, "rb");
	assert_non_null(in);
	static unsigned char buf[1 << 22];
	size_t n = fread(buf, 1, sizeof(buf), in);
	fclose(in);
	patch(buf, n);
	FILE *out = fopen(path, "wb");
	assert_non_null(out);
	assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(out);
	assert_null(wh_kernel_set_module_dir(k, dir));
	struct wh_types *types;
	struct wh_error *err = wh_module_types(k, MODULE, &types);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_ABSENT);
	wh_error_destroy(err);
	const struct wh_diags *d = wh_module_debug_diags(k);
	assert_int_equal(wh_diags_total(d), 1);
	const char *warning = d->items[0].message;
	if (!strstr(warning, reason) || !strstr(warning, "not used"))
		fail_msg("warning \"%s\" does not say \"%s\"", warning, reason);
	remove_tree(dir);
	wh_kernel_destroy(k);
}

/* Overwrite every NEEDLE in BUF with REPLACEMENT (same length). */
static void replace(unsigned char *buf, size_t size, const char *needle, const char *replacement)
{
	size_t len = strlen(needle), found = 0;
	for (size_t i = 0; i + len <= size; i++) {
		if (!memcmp(buf + i, needle, len)) {
			memcpy(buf + i, replacement, len);
			found++;
		}
	}
	if (!found)
		fail_msg("%s not in the file", needle);
}

/* The struct module in .gnu.linkonce.this_module names another module. */
static void rename_module(unsigned char *buf, size_t size)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	Elf64_Shdr *sh = (Elf64_Shdr *)(buf + eh->e_shoff);
	const char *names = (const char *)buf + sh[eh->e_shstrndx].sh_offset;
	for (unsigned i = 0; i < eh->e_shnum; i++) {
		if (strcmp(names + sh[i].sh_name, ".gnu.linkonce.this_module"))
			continue;
		replace(buf + sh[i].sh_offset, sh[i].sh_size, "whyhung_fixture", "whyhung_fixturX");
		return;
	}
	fail_msg("no .gnu.linkonce.this_module");
}

/* Another build of the same source: different build id. */
static void change_build_id(unsigned char *buf, size_t size)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	Elf64_Shdr *sh = (Elf64_Shdr *)(buf + eh->e_shoff);
	const char *names = (const char *)buf + sh[eh->e_shstrndx].sh_offset;
	(void)size;
	for (unsigned i = 0; i < eh->e_shnum; i++) {
		if (strcmp(names + sh[i].sh_name, ".note.gnu.build-id"))
			continue;
		buf[sh[i].sh_offset + sh[i].sh_size - 1] ^= 0xff; /* last byte of the id */
		return;
	}
	fail_msg("no .note.gnu.build-id");
}

/* Not a kernel module at all. */
static void not_a_module(unsigned char *buf, size_t size)
{
	replace(buf, size, ".gnu.linkonce.this_module", ".gnu.linkonce.that_module");
}

/* Code that may be built in or modular (fuse, jbd2, dm_mod) takes its
 * types from wh_types_of(): the loaded module's -m debug file, the vmlinux
 * for a name that is not a loaded module. */
static void test_types_of_module_or_kernel(void **state)
{
	struct fixture *f = *state;
	struct wh_types *types, *module_types;
	assert_null(wh_module_types(f->k, "whyhung_fixture", &module_types));
	assert_null(wh_types_of(f->k, "whyhung_fixture", &types));
	assert_ptr_equal(types, module_types);
	assert_true(types != f->k->types);
	assert_null(wh_types_of(f->k, "no_such_module", &types));
	assert_ptr_equal(types, f->k->types);
}

static void test_wrong_files_rejected(void **state)
{
	(void)state;
	expect_rejected(rename_module, "it is module \"whyhung_fixturX\"");
	expect_rejected(change_build_id, "build id");
	expect_rejected(not_a_module, "not a kernel module");
}

static void test_missing_dir(void **state)
{
	struct fixture *f = *state;
	struct wh_kernel *k;
	assert_null(wh_kernel_open(vmcore_path, vmlinux_path, &k));
	char path[128];
	snprintf(path, sizeof(path), "%s/does-not-exist", f->dir);
	struct wh_error *err = wh_kernel_set_module_dir(k, path);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_IO);
	wh_error_destroy(err);
	wh_kernel_destroy(k);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: %s VMLINUX VMCORE KO\n", argv[0]);
		return 2;
	}
	vmlinux_path = argv[1];
	vmcore_path = argv[2];
	ko_path = argv[3];
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_module_frames_get_lines),
	    cmocka_unit_test(test_module_types),
	    cmocka_unit_test(test_types_of_module_or_kernel),
	    cmocka_unit_test(test_wrong_files_rejected),
	    cmocka_unit_test(test_missing_dir),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
