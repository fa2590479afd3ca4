/* makedumpfile's flattened format: rebuilding streams built here, good
 * and hostile. */
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

#include "flattened.h"
#include "temp_file.h"
#include "tests/support/flat_stream.h"

struct outcome {
	struct wh_error *err;
	struct wh_flat_result res;
	unsigned char *file; /* the rebuilt dump */
	size_t file_len;
};

/* Feed S in pieces of PIECE bytes, as a decompressor would. */
static struct outcome rebuild(const struct flat_stream *s, size_t piece)
{
	struct outcome o = {0};
	int fd;
	assert_null(wh_temp_file_create(&fd));
	struct wh_flat_rebuild *r;
	assert_null(wh_flat_rebuild_create(fd, &r));
	for (size_t off = 0; off < s->len && !o.err; off += piece)
		o.err = wh_flat_rebuild_feed(r, s->bytes + off,
					     s->len - off < piece ? s->len - off : piece);
	if (!o.err)
		o.err = wh_flat_rebuild_finish(r, &o.res);
	wh_flat_rebuild_destroy(r);
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	o.file_len = (size_t)st.st_size;
	o.file = calloc(1, o.file_len + 1);
	assert_int_equal(pread(fd, o.file, o.file_len, 0), (ssize_t)o.file_len);
	close(fd);
	return o;
}

static void outcome_free(struct outcome *o)
{
	wh_error_destroy(o->err);
	free(o->file);
}

static void expect_error(const struct flat_stream *s, enum wh_error_code code, const char *words)
{
	struct outcome o = rebuild(s, s->len);
	assert_non_null(o.err);
	assert_int_equal(o.err->code, code);
	if (!strstr(o.err->message, words))
		fail_msg("\"%s\" not in \"%s\"", words, o.err->message);
	assert_null(strchr(o.err->message, '\n'));
	outcome_free(&o);
}

/* A kdump header at 0, then records out of order and one rewrite of the
 * header's own bytes: the plain dump comes out byte for byte, whatever the
 * pieces the stream arrives in. */
static void test_rebuilds_out_of_order_records(void **state)
{
	unsigned char hdr[8192], page[4096];
	kdump_header(hdr, 64);
	struct flat_stream s = {0};
	flat_header(&s, 1, 1);
	flat_record(&s, 4096, hdr + 4096, 104);
	flat_record(&s, 0, hdr, 464);
	for (int i = 3; i >= 0; i--) {
		memset(page, 'a' + i, sizeof(page));
		flat_record(&s, 16384 + 4096 * i, page, sizeof(page));
	}
	hdr[460] = 7; /* nr_cpus, rewritten as makedumpfile updates headers */
	flat_record(&s, 456, hdr + 456, 8);
	flat_record(&s, 9000, "", 0); /* empty: places nothing */
	flat_end(&s);
	flat_put(&s, "\0\0\0\0", 4); /* padding after the end: ignored */

	size_t pieces[] = {s.len, 1, 7, 4096, 4097};
	for (size_t p = 0; p < sizeof(pieces) / sizeof(*pieces); p++) {
		struct outcome o = rebuild(&s, pieces[p]);
		assert_null(o.err);
		assert_true(o.res.complete);
		assert_string_equal(o.res.early, "");
		assert_int_equal(o.res.records, 7);
		assert_int_equal(o.res.size, 16384 + 4 * 4096);
		assert_int_equal(o.file_len, 16384 + 4 * 4096);
		assert_memory_equal(o.file, hdr, 464);
		assert_memory_equal(o.file + 4096, hdr + 4096, 104);
		for (int i = 0; i < 4; i++) {
			memset(page, 'a' + i, sizeof(page));
			assert_memory_equal(o.file + 16384 + 4096 * i, page, sizeof(page));
		}
		assert_int_equal(o.file[8192], 0); /* the hole between */
		outcome_free(&o);
	}
	free(s.bytes);
}

static void test_bad_magic_type_or_version(void **state)
{
	struct flat_stream s = {0};
	flat_header(&s, 1, 2);
	flat_end(&s);
	expect_error(&s, WH_ERR_NOT_DUMP, "version 2");
	s.len = 0;
	flat_header(&s, 3, 1);
	flat_end(&s);
	expect_error(&s, WH_ERR_NOT_DUMP, "type 3");
	/* Bad magic: not taken for a flattened stream at all. */
	s.bytes[11] = 'X';
	assert_false(wh_flat_has_signature(s.bytes, s.len));
	expect_error(&s, WH_ERR_NOT_DUMP, "bad signature");
	free(s.bytes);
}

static void test_shorter_than_its_header(void **state)
{
	struct flat_stream s = {0};
	flat_header(&s, 1, 1);
	s.len = 100;
	expect_error(&s, WH_ERR_TRUNCATED, "inside its 4096-byte header");
	free(s.bytes);
}

/* With the dump's header in, a record far past what it allows is refused
 * before anything is written there. */
static void test_record_past_the_header_limit(void **state)
{
	unsigned char hdr[8192];
	kdump_header(hdr, 64);
	struct flat_stream s = {0};
	flat_header(&s, 1, 1);
	flat_record(&s, 0, hdr, sizeof(hdr));
	flat_record(&s, 1ll << 40, "x", 1);
	flat_end(&s);
	expect_error(&s, WH_ERR_NOT_DUMP, "past the 0x");
	free(s.bytes);
}

/* Without a header that bounds the dump: no further than the stream
 * could fill, and never past any dump's size. */
static void test_record_far_past_the_stream(void **state)
{
	struct flat_stream s = {0};
	flat_header(&s, 1, 1);
	flat_record(&s, (1ll << 62), "x", 1);
	flat_end(&s);
	expect_error(&s, WH_ERR_NOT_DUMP, "past any dump");
	s.len = 0;
	flat_header(&s, 1, 1);
	flat_record(&s, 1ll << 30, "x", 1);
	flat_end(&s);
	expect_error(&s, WH_ERR_NOT_DUMP, "far past the 1 bytes the stream has carried");
	free(s.bytes);
}

static void test_negative_size(void **state)
{
	struct flat_stream s = {0};
	flat_header(&s, 1, 1);
	flat_put_be64(&s, 0);
	flat_put_be64(&s, -5);
	expect_error(&s, WH_ERR_NOT_DUMP, "negative");
	free(s.bytes);
}

/* A record half over written bytes, half beyond. */
static void test_overlapping_records(void **state)
{
	unsigned char data[8192] = {0};
	struct flat_stream s = {0};
	flat_header(&s, 1, 1);
	flat_record(&s, 4096, data, 4096);
	flat_record(&s, 6144, data, 4096);
	flat_end(&s);
	expect_error(&s, WH_ERR_NOT_DUMP, "overlap");
	/* Spanning two written ranges and the gap between them. */
	s.len = 0;
	flat_header(&s, 1, 1);
	flat_record(&s, 0, data, 100);
	flat_record(&s, 200, data, 100);
	flat_record(&s, 50, data, 200);
	flat_end(&s);
	expect_error(&s, WH_ERR_NOT_DUMP, "overlap");
	/* Starting where one range ends and running into the next. */
	s.len = 0;
	flat_header(&s, 1, 1);
	flat_record(&s, 0, data, 100);
	flat_record(&s, 200, data, 100);
	flat_record(&s, 100, data, 150);
	flat_end(&s);
	expect_error(&s, WH_ERR_NOT_DUMP, "overlap");
	/* ... while filling the gap exactly is fine. */
	s.len = 0;
	flat_header(&s, 1, 1);
	flat_record(&s, 0, data, 100);
	flat_record(&s, 200, data, 100);
	flat_record(&s, 100, data, 100);
	flat_record(&s, 0, data, 300); /* a rewrite of the merged whole */
	flat_end(&s);
	struct outcome o = rebuild(&s, s.len);
	assert_null(o.err);
	assert_int_equal(o.res.records, 4);
	outcome_free(&o);
	free(s.bytes);
}

/* Streams that stop short are rebuilt as far as they go and say where
 * they stopped. */
static void test_truncated_record_header(void **state)
{
	unsigned char data[4096];
	memset(data, 'q', sizeof(data));
	struct flat_stream s = {0};
	flat_header(&s, 1, 1);
	flat_record(&s, 0, data, sizeof(data));
	flat_put_be64(&s, 4096);
	flat_put(&s, "\0\0", 2); /* 10 bytes of a 16-byte record header */
	struct outcome o = rebuild(&s, 3);
	assert_null(o.err);
	assert_false(o.res.complete);
	assert_non_null(strstr(o.res.early, "inside the header of record 2"));
	assert_int_equal(o.file_len, sizeof(data));
	assert_memory_equal(o.file, data, sizeof(data));
	outcome_free(&o);
	free(s.bytes);
}

static void test_truncated_record_data(void **state)
{
	unsigned char data[4096];
	memset(data, 'q', sizeof(data));
	struct flat_stream s = {0};
	flat_header(&s, 1, 1);
	flat_record(&s, 8192, data, sizeof(data));
	s.len -= 1000;
	struct outcome o = rebuild(&s, s.len);
	assert_null(o.err);
	assert_false(o.res.complete);
	assert_non_null(strstr(o.res.early, "inside record 1 (3096 of its 4096 bytes)"));
	assert_int_equal(o.file_len, 8192 + 3096);
	outcome_free(&o);
	/* Whole records but no end marker. */
	s.len = 0;
	flat_header(&s, 1, 1);
	flat_record(&s, 0, data, sizeof(data));
	o = rebuild(&s, s.len);
	assert_null(o.err);
	assert_false(o.res.complete);
	assert_non_null(strstr(o.res.early, "after record 1 without its end marker"));
	outcome_free(&o);
	free(s.bytes);
}

/* Many empty records cannot stall the rebuild: each costs its 16 bytes. */
static void test_zero_size_records(void **state)
{
	struct flat_stream s = {0};
	flat_header(&s, 1, 1);
	for (int i = 0; i < 200000; i++)
		flat_record(&s, 4096, NULL, 0);
	flat_record(&s, 0, "abc", 3);
	flat_end(&s);
	struct outcome o = rebuild(&s, 65536);
	assert_null(o.err);
	assert_true(o.res.complete);
	assert_int_equal(o.res.records, 1);
	assert_int_equal(o.file_len, 3);
	outcome_free(&o);
	free(s.bytes);
}

/* ... but a stream of nothing but them is refused. */
static void test_too_many_empty_records(void **state)
{
	struct flat_stream s = {0};
	flat_header(&s, 1, 1);
	for (int i = 0; i <= (1 << 20); i++)
		flat_record(&s, 0, NULL, 0);
	flat_end(&s);
	expect_error(&s, WH_ERR_NOT_DUMP, "empty records");
	free(s.bytes);
}

/* Records scattered one byte apart: refused past a bound, in bounded time. */
static void test_scattered_records(void **state)
{
	struct flat_stream s = {0};
	flat_header(&s, 1, 1);
	for (int i = 0; i < 70000; i++)
		flat_record(&s, 2 * i, "z", 1);
	flat_end(&s);
	expect_error(&s, WH_ERR_NOT_DUMP, "separate ranges");
	free(s.bytes);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rebuilds_out_of_order_records),
	    cmocka_unit_test(test_bad_magic_type_or_version),
	    cmocka_unit_test(test_shorter_than_its_header),
	    cmocka_unit_test(test_record_past_the_header_limit),
	    cmocka_unit_test(test_record_far_past_the_stream),
	    cmocka_unit_test(test_negative_size),
	    cmocka_unit_test(test_overlapping_records),
	    cmocka_unit_test(test_truncated_record_header),
	    cmocka_unit_test(test_truncated_record_data),
	    cmocka_unit_test(test_zero_size_records),
	    cmocka_unit_test(test_too_many_empty_records),
	    cmocka_unit_test(test_scattered_records),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
