/* Rebuilt dumps live in files with no name: nothing is left in $TMPDIR,
 * whatever happens to the process. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "temp_file.h"

static size_t entries(const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	size_t n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static void test_no_name_in_tmpdir(void **state)
{
	char dir[] = "/tmp/whyhung-test-XXXXXX";
	assert_non_null(mkdtemp(dir));
	assert_int_equal(setenv("TMPDIR", dir, 1), 0);
	int fd;
	assert_null(wh_temp_file_create(&fd));
	assert_int_equal(write(fd, "dump", 4), 4);
	assert_int_equal(entries(dir), 0);
	char back[4];
	assert_int_equal(pread(fd, back, 4, 0), 4);
	assert_memory_equal(back, "dump", 4);
	close(fd);
	assert_int_equal(rmdir(dir), 0);
}

static void test_unusable_tmpdir(void **state)
{
	assert_int_equal(setenv("TMPDIR", "/nonexistent/whyhung", 1), 0);
	int fd;
	struct wh_error *err = wh_temp_file_create(&fd);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_IO);
	assert_non_null(strstr(err->message, "/nonexistent/whyhung"));
	wh_error_destroy(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_no_name_in_tmpdir),
	    cmocka_unit_test(test_unusable_tmpdir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
