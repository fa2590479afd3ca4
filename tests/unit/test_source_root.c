/* Frame file names relative to the kernel tree: the root found from where
 * init/main.c is, and stripped only where it is a real prefix. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "source_root.h"

static void root_of(const char *file, const char *expect)
{
	char root[64];
	wh_source_root_from(file, "init/main.c", root, sizeof(root));
	assert_string_equal(root, expect);
}

static void test_root_from_main(void **state)
{
	(void)state;
	/* Debian's reproducible build path, absolute. */
	root_of("/build/reproducible-path/linux-6.1.192/init/main.c",
		"/build/reproducible-path/linux-6.1.192/");
	/* Debian's RT flavour: relative to an out-of-tree build directory. */
	root_of("debian/build/source_rt/init/main.c", "debian/build/source_rt/");
	/* Already relative to the tree (the fixture kernels). */
	root_of("init/main.c", "");
	/* Not init/main.c, or not the tree's: nothing to strip. */
	root_of("/src/linux/init/version.c", "");
	root_of("/src/linux/xinit/main.c", "");
	root_of("", "");
	/* An assembler unit's absolute name (Debian 12's entry_64.S). */
	char root[64];
	wh_source_root_from("/build/reproducible-path/linux-6.1.192/arch/x86/entry/entry_64.S",
			    "arch/x86/entry/entry_64.S", root, sizeof(root));
	assert_string_equal(root, "/build/reproducible-path/linux-6.1.192/");
	/* A root longer than the buffer is not cut short: none is used. */
	root_of("/a-very-long-build-directory-name-that-does-not-fit-in-64-bytes/x/init/main.c",
		"");
}

static void test_strip(void **state)
{
	(void)state;
	const char *root = "/build/reproducible-path/linux-6.1.192/";
	assert_string_equal(wh_source_root_strip(root, "/build/reproducible-path/linux-6.1.192/kernel/"
							"locking/mutex.c"),
			    "kernel/locking/mutex.c");
	/* Outside the tree (generated or out-of-tree module files) and the
	 * root itself stay as they are. */
	assert_string_equal(wh_source_root_strip(root, "/usr/src/whyhung/whyhung_fixture.c"),
			    "/usr/src/whyhung/whyhung_fixture.c");
	assert_string_equal(wh_source_root_strip(root, root), root);
	assert_string_equal(wh_source_root_strip("", "kernel/sched/core.c"),
			    "kernel/sched/core.c");
	assert_string_equal(wh_source_root_strip("debian/build/source_rt/",
						 "debian/build/source_rt/fs/fuse/dev.c"),
			    "fs/fuse/dev.c");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_root_from_main),
	    cmocka_unit_test(test_strip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
