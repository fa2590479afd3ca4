/* kallsyms read from a fixture dump's memory (analyzer/kernel/
 * kallsyms_read.c, located through VMCOREINFO) against the vmlinux's
 * .symtab: every global symbol kallsyms has must be in the ELF file at
 * the same address once the dump's KASLR slide is applied, per-CPU ones
 * at the same per-CPU offset, and nearly every local one too (of a name
 * several static functions share, the one a lookup returns); and
 * symbolizing each function's start and middle must give it back.
 * usage: test_kallsyms_vs_elf VMLINUX VMCORE */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "dump.h"
#include "elf_image.h"
#include "kallsyms_read.h"

static const char *vmlinux_path, *vmcore_path;

static void test_same_symbols(void **state)
{
	(void)state;
	struct wh_dump *dump;
	struct wh_elf_image *img;
	struct wh_kallsyms *ks;
	assert_null(wh_dump_open_files(&vmcore_path, 1, &dump));
	assert_null(wh_elf_image_open(vmlinux_path, &img));
	struct wh_error *err = wh_kallsyms_read(dump, &ks);
	int major = 0, minor = 0;
	const char *release = wh_dump_release(dump);
	if (release && sscanf(release, "%d.%d", &major, &minor) != 2)
		major = 0;
	if (err && major && (major < 6)) {
		/* VMCOREINFO records kallsyms' tables from 6.0 on: before, the
		 * tables are not found, and the error says so. */
		assert_int_equal(err->code, WH_ERR_ABSENT);
		assert_non_null(strstr(err->message, "SYMBOL(kallsyms_num_syms)"));
		wh_error_destroy(err);
		wh_elf_image_destroy(img);
		wh_dump_destroy(dump);
		skip();
	}
	if (err)
		fail_msg("%s", err->message);
	uint64_t slide = wh_dump_kaslr_offset(dump);
	size_t n = wh_kallsyms_count(ks), globals = 0, locals = 0, local_misses = 0, percpu = 0,
	       symbolized = 0;
	for (size_t i = 0; i < n; i++) {
		struct wh_symbol k, e;
		wh_kallsyms_at(ks, i, &k);
		bool found = wh_best_effort(wh_elf_image_symbol(img, k.name, &e));
		/* (The vmlinux counts section boundaries at the per-CPU
		 * section's link address, __init_begin, as per-CPU too.) */
		uint64_t expect = found ? (k.percpu ? e.address : e.address + slide) : 0;
		if (k.global) {
			if (!found || expect != k.address || (k.percpu && !e.percpu))
				fail_msg("global %s: kallsyms 0x%llx, vmlinux %s0x%llx", k.name,
					 (unsigned long long)k.address, found ? "" : "(none) ",
					 (unsigned long long)expect);
			globals++;
			percpu += k.percpu;
		} else {
			/* A name kallsyms has more than once (static functions of
			 * several files) may be another copy in the vmlinux: only
			 * the copy a lookup by name returns is compared. */
			struct wh_symbol first;
			assert_null(wh_kallsyms_symbol(ks, k.name, &first));
			bool unique = first.address == k.address;
			locals++;
			if (unique && (!found || expect != k.address)) {
				if (local_misses < 5)
					printf("local %s: kallsyms 0x%llx, vmlinux %s0x%llx\n",
					       k.name, (unsigned long long)k.address,
					       found ? "" : "(none) ", (unsigned long long)expect);
				local_misses++;
			}
		}
		/* The middle of a function symbolizes to it (or to a symbol at
		 * the same address). */
		if ((k.type == 'T' || k.type == 't') && k.size > 1) {
			struct wh_symbol s;
			uint64_t off;
			assert_null(wh_kallsyms_symbolize(ks, k.address + k.size / 2, &s, &off));
			assert_true(s.address == k.address);
			assert_true(off == k.size / 2);
			symbolized++;
		}
	}
	printf("%zu kallsyms symbols: %zu global (%zu per-CPU) all at their vmlinux address; "
	       "%zu local, %zu of those looked up by name not or elsewhere in the vmlinux; "
	       "%zu functions symbolized\n",
	       n, globals, percpu, locals, local_misses, symbolized);
	assert_true(globals > 1000);
	assert_true(percpu > 10);
	assert_true(local_misses * 50 < locals);
	assert_true(symbolized > 10000);
	/* The kernel's own text bounds agree with the vmlinux's. */
	struct wh_symbol a, b;
	assert_null(wh_kallsyms_symbol(ks, "_stext", &a));
	assert_null(wh_elf_image_symbol(img, "_stext", &b));
	assert_true(a.address == b.address + slide);
	wh_kallsyms_destroy(ks);
	wh_elf_image_destroy(img);
	wh_dump_destroy(dump);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s VMLINUX VMCORE\n", argv[0]);
		return 2;
	}
	vmlinux_path = argv[1];
	vmcore_path = argv[2];
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_same_symbols)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
