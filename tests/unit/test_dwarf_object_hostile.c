/* A damaged compressed debug section is inflated once: the failure is
 * remembered (issue 10: every frame's line lookup re-inflated a damaged
 * .debug_line, 12-16 s instead of 0.7 s on the fixture).
 * usage: test_dwarf_object_hostile BINARY_WITH_ZLIB_DEBUG_SECTIONS */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "dwarf_object.h"
#include "elf_image.h"

static const char *sample;

static unsigned char *slurp(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *buf = malloc((size_t)n);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*ret_len = (size_t)n;
	return buf;
}

static void test_failed_inflate_is_cached(void **state)
{
	struct wh_elf_image *img;
	assert_null(wh_elf_image_open(sample, &img));
	const struct wh_elf_section *s = wh_elf_image_section(img, ".debug_line");
	assert_non_null(s);
	assert_true(s->flags & 0x800); /* SHF_COMPRESSED */
	assert_true(s->size > 128);
	size_t len;
	unsigned char *file = slurp(sample, &len);
	/* The section's bytes in the file: found by content. */
	unsigned char *at = memmem(file, len, s->data, (size_t)s->size);
	assert_non_null(at);
	wh_elf_image_destroy(img);
	/* Damage the deflate stream past its header. */
	for (size_t i = 40; i < 72; i++)
		at[i] ^= 0xa5;
	char path[] = "/tmp/whyhung-dwobj-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, file, len), (ssize_t)len);
	close(fd);
	free(file);

	assert_null(wh_elf_image_open(path, &img));
	struct wh_dwarf_object *o;
	assert_null(wh_dwarf_object_open(img, &o));
	for (int round = 0; round < 3; round++) {
		const unsigned char *data;
		uint64_t size;
		struct wh_error *err = wh_dwarf_object_section(o, ".debug_line", &data, &size);
		assert_non_null(err);
		assert_int_equal(err->code, WH_ERR_FORMAT);
		wh_error_destroy(err);
	}
	assert_int_equal(wh_dwarf_object_copy_attempts(o), 1);
	wh_dwarf_object_destroy(o);
	wh_elf_image_destroy(img);
	unlink(path);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s BINARY\n", argv[0]);
		return 2;
	}
	sample = argv[1];
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_failed_inflate_is_cached),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
