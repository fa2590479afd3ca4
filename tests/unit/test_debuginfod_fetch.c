/* Fetching by build id without a server: which build ids from a dump are
 * used at all, when debuginfod may be asked, and what a file already in
 * libdebuginfod's cache must be (a wrong one is refused and removed). The
 * real server is tests/integration/debuginfod.sh. */
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

#include "debuginfod_fetch.h"
#include "elf_image.h"

static const char *self_path;

static void test_build_id_usable(void **state)
{
	(void)state;
	assert_true(wh_build_id_usable("027d00f5e48cd03c3c72f4322b439bf29ff7c4f1"));
	assert_true(wh_build_id_usable("ab"));
	char max[129];
	memset(max, 'a', 128);
	max[128] = '\0';
	assert_true(wh_build_id_usable(max));
	char over[131];
	memset(over, 'a', 130);
	over[130] = '\0';
	const char *bad[] = {NULL,    "",	"a",	 "abc",	 "AB", "../etc/passwd",
			     "ab/cd", "ab\ncd", "abcd ", "0x12", "g0", over};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_false(wh_build_id_usable(bad[i]));
}

static void test_enabled(void **state)
{
	(void)state;
	unsetenv("DEBUGINFOD_URLS");
	assert_false(wh_debuginfod_enabled(false));
	setenv("DEBUGINFOD_URLS", " \t", 1);
	assert_false(wh_debuginfod_enabled(false));
	setenv("DEBUGINFOD_URLS", "http://127.0.0.1:1", 1);
	assert_true(wh_debuginfod_enabled(false));
	assert_false(wh_debuginfod_enabled(true));
}

/* A scratch cache directory, removed by the caller with rm_cache(). */
static void make_cache(char *dir, size_t size)
{
	snprintf(dir, size, "%s/whyhung-test-cache.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(dir));
	setenv("DEBUGINFOD_CACHE_PATH", dir, 1);
}

static void rm_cache(const char *dir)
{
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void put_in_cache(const char *dir, const char *build_id, const char *src)
{
	char path[4200], cmd[8600];
	snprintf(path, sizeof(path), "%s/%s", dir, build_id);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s/debuginfo'", src, path);
	assert_int_equal(system(cmd), 0);
}

/* A bad build id is refused before any client is made. */
static void test_refuses_bad_id(void **state)
{
	(void)state;
	setenv("DEBUGINFOD_URLS", "http://127.0.0.1:1", 1);
	char *path = NULL;
	struct wh_error *err = wh_debuginfod_fetch("../../etc", "vmlinux", &path);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_NO_VMLINUX);
	assert_null(path);
	wh_error_destroy(err);
}

/* The cache holds the right file: used, no server needed (port 1 refuses). */
static void test_cache_hit(void **state)
{
	(void)state;
	struct wh_elf_image *img;
	assert_null(wh_elf_image_open(self_path, &img));
	const char *id = wh_elf_image_build_id(img);
	if (!id) {
		wh_elf_image_destroy(img);
		skip();
	}
	char build_id[200];
	snprintf(build_id, sizeof(build_id), "%s", id);
	wh_elf_image_destroy(img);
	char dir[4096];
	make_cache(dir, sizeof(dir));
	put_in_cache(dir, build_id, self_path);
	setenv("DEBUGINFOD_URLS", "http://127.0.0.1:1", 1);
	char *path = NULL;
	struct wh_error *err = wh_debuginfod_fetch(build_id, "vmlinux", &path);
	assert_null(err);
	assert_non_null(path);
	assert_non_null(strstr(path, build_id));
	free(path);
	rm_cache(dir);
}

/* The cache holds a file of another build, or not ELF at all: refused as a
 * mismatch and removed, so the next run asks the server again. */
static void test_cache_wrong_file(void **state)
{
	(void)state;
	const char *other = "0123456789abcdef0123456789abcdef01234567";
	char text[4096];
	snprintf(text, sizeof(text), "%s/whyhung-test-text.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	int fd = mkstemp(text);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "not an ELF file\n", 16), 16);
	close(fd);
	const char *sources[] = {self_path, text};
	for (size_t i = 0; i < 2; i++) {
		char dir[4096], cached[4300];
		make_cache(dir, sizeof(dir));
		put_in_cache(dir, other, sources[i]);
		snprintf(cached, sizeof(cached), "%s/%s/debuginfo", dir, other);
		setenv("DEBUGINFOD_URLS", "http://127.0.0.1:1", 1);
		char *path = NULL;
		struct wh_error *err = wh_debuginfod_fetch(other, "vmlinux", &path);
		assert_non_null(err);
		assert_int_equal(err->code, WH_ERR_MISMATCH);
		assert_non_null(strstr(err->message, "removed from the cache"));
		assert_null(path);
		assert_int_not_equal(access(cached, F_OK), 0);
		wh_error_destroy(err);
		rm_cache(dir);
	}
	unlink(text);
}

/* Nothing cached and nothing listening: WH_ERR_NETWORK, not "not found". */
static void test_no_server(void **state)
{
	(void)state;
	char dir[4096];
	make_cache(dir, sizeof(dir));
	setenv("DEBUGINFOD_URLS", "http://127.0.0.1:1", 1);
	char *path = NULL;
	struct wh_error *err =
	    wh_debuginfod_fetch("0123456789abcdef0123456789abcdef01234567", "vmlinux", &path);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_NETWORK);
	assert_null(path);
	wh_error_destroy(err);
	rm_cache(dir);
}

int main(void)
{
	self_path = "/proc/self/exe";
	static char exe[4096];
	ssize_t n = readlink(self_path, exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		self_path = exe;
	}
	wh_debuginfod_set_progress(false);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_build_id_usable),  cmocka_unit_test(test_enabled),
	    cmocka_unit_test(test_refuses_bad_id),   cmocka_unit_test(test_cache_hit),
	    cmocka_unit_test(test_cache_wrong_file), cmocka_unit_test(test_no_server),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
