/* Whole-file compression: each format made here with its own library,
 * recognised by content under a misleading name, streamed into the rebuild
 * of a flattened dump; data that ends early or turns corrupt keeps what came
 * before and says so. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <bzlib.h>
#include <lz4frame.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "decompress.h"
#include "dump_source.h"
#include "dump_stream.h"
#include "temp_file.h"
#include "tests/support/flat_stream.h"

enum { PAGES = 64, PAGE = 4096, DUMP_SIZE = 8192 + PAGES * PAGE };

struct blob {
	unsigned char *bytes;
	size_t len;
};

static unsigned char *expected_dump(void)
{
	unsigned char *d = calloc(1, DUMP_SIZE);
	assert_non_null(d);
	kdump_header(d, 1024);
	/* Pages that compress, but not to nothing. */
	for (size_t i = 8192; i < DUMP_SIZE; i++)
		d[i] = (unsigned char)((i * 2654435761u) >> 13 & 0x0f);
	return d;
}

/* The dump as makedumpfile -F would stream it: headers, then pages. */
static struct blob flattened(const unsigned char *dump)
{
	struct flat_stream s = {0};
	flat_header(&s, 1, 1);
	flat_record(&s, 0, dump, 8192);
	for (size_t off = 8192; off < DUMP_SIZE; off += 3 * PAGE)
		flat_record(&s, (int64_t)off, dump + off,
			    DUMP_SIZE - off < 3 * PAGE ? (int64_t)(DUMP_SIZE - off) : 3 * PAGE);
	flat_end(&s);
	return (struct blob){s.bytes, s.len};
}

static struct blob gzip_blob(struct blob in)
{
	z_stream z = {0};
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
			 Z_OK);
	struct blob out = {malloc(deflateBound(&z, in.len)), 0};
	z.next_in = in.bytes;
	z.avail_in = (uInt)in.len;
	z.next_out = out.bytes;
	z.avail_out = (uInt)deflateBound(&z, in.len);
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	out.len = z.total_out;
	deflateEnd(&z);
	return out;
}

static struct blob bzip2_blob(struct blob in)
{
	unsigned len = (unsigned)(in.len + in.len / 100 + 600);
	struct blob out = {malloc(len), 0};
	assert_int_equal(BZ2_bzBuffToBuffCompress((char *)out.bytes, &len, (char *)in.bytes,
						  (unsigned)in.len, 9, 0, 0),
			 BZ_OK);
	out.len = len;
	return out;
}

static struct blob lz4_blob(struct blob in)
{
	size_t cap = LZ4F_compressFrameBound(in.len, NULL);
	struct blob out = {malloc(cap), 0};
	out.len = LZ4F_compressFrame(out.bytes, cap, in.bytes, in.len, NULL);
	assert_false(LZ4F_isError(out.len));
	return out;
}

static struct blob xz_blob(struct blob in)
{
	size_t cap = lzma_stream_buffer_bound(in.len), pos = 0;
	struct blob out = {malloc(cap), 0};
	assert_int_equal(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, in.bytes, in.len,
						 out.bytes, &pos, cap),
			 LZMA_OK);
	out.len = pos;
	return out;
}

static struct blob zstd_blob(struct blob in)
{
	size_t cap = ZSTD_compressBound(in.len);
	struct blob out = {malloc(cap), 0};
	out.len = ZSTD_compress(out.bytes, cap, in.bytes, in.len, 3);
	assert_false(ZSTD_isError(out.len));
	return out;
}

static const struct {
	enum wh_compression c;
	const char *name;
	struct blob (*compress)(struct blob);
} formats[] = {
    {WH_COMPRESSION_GZIP, "gzip", gzip_blob}, {WH_COMPRESSION_BZIP2, "bzip2", bzip2_blob},
    {WH_COMPRESSION_LZ4, "lz4", lz4_blob},    {WH_COMPRESSION_XZ, "xz", xz_blob},
    {WH_COMPRESSION_ZSTD, "zstd", zstd_blob},
};

/* Write DATA to a file named NAME in a fresh directory; returns its path. */
static char *write_file(const char *name, const void *data, size_t len)
{
	char dir[] = "/tmp/whyhung-test-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *path;
	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

static void remove_file(char *path)
{
	unlink(path);
	*strrchr(path, '/') = '\0';
	rmdir(path);
	free(path);
}

static unsigned char *read_all(int fd, size_t *len)
{
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	unsigned char *b = calloc(1, (size_t)st.st_size + 1);
	assert_int_equal(pread(fd, b, (size_t)st.st_size, 0), st.st_size);
	*len = (size_t)st.st_size;
	return b;
}

/* Each format, named like a plain dump: recognised, unpacked, rebuilt. */
static void test_each_format_by_content(void **state)
{
	unsigned char *dump = expected_dump();
	struct blob flat = flattened(dump);
	for (size_t i = 0; i < sizeof(formats) / sizeof(*formats); i++) {
		struct blob z = formats[i].compress(flat);
		assert_int_equal(wh_compression_detect(z.bytes, z.len), formats[i].c);
		char *path = write_file("vmcore", z.bytes, z.len);
		struct wh_dump_source *src;
		const char *p = path;
		assert_null(wh_dump_source_open(&p, 1, &src));
		assert_int_equal(src->n_fds, 1);
		char want[64];
		snprintf(want, sizeof(want), "vmcore: %s-compressed flattened kdump stream",
			 formats[i].name);
		if (!src->note || strncmp(src->note, want, strlen(want)))
			fail_msg("%s: note \"%s\"", formats[i].name, src->note);
		size_t len;
		unsigned char *got = read_all(src->fds[0], &len);
		assert_int_equal(len, DUMP_SIZE);
		assert_memory_equal(got, dump, DUMP_SIZE);
		free(got);
		wh_dump_source_destroy(src);
		remove_file(path);
		free(z.bytes);
	}
	free(flat.bytes);
	free(dump);
}

/* Compressed plain (not flattened) dumps are unpacked as they are. */
static void test_compressed_plain_dump(void **state)
{
	unsigned char *dump = expected_dump();
	struct blob plain = {dump, DUMP_SIZE};
	struct blob z = zstd_blob(plain);
	char *path = write_file("dump.zst", z.bytes, z.len);
	struct wh_dump_source *src;
	const char *p = path;
	assert_null(wh_dump_source_open(&p, 1, &src));
	assert_non_null(strstr(src->note, "zstd-compressed kdump dump, unpacked into"));
	size_t len;
	unsigned char *got = read_all(src->fds[0], &len);
	assert_int_equal(len, DUMP_SIZE);
	assert_memory_equal(got, dump, DUMP_SIZE);
	free(got);
	wh_dump_source_destroy(src);
	remove_file(path);
	free(z.bytes);
	free(dump);
}

struct partial {
	char early[160];
	size_t len;
	unsigned char *bytes;
};

static struct partial unpack_blob(enum wh_compression c, struct blob z)
{
	char *path = write_file("x", z.bytes, z.len);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	int out;
	assert_null(wh_temp_file_create(&out));
	struct wh_dump_stream *s;
	assert_null(wh_dump_stream_create(out, &s));
	struct partial p = {0};
	assert_null(wh_decompress(fileno(f), c, s, p.early, sizeof(p.early)));
	struct wh_dump_stream_result res;
	assert_null(wh_dump_stream_finish(s, &res));
	wh_dump_stream_destroy(s);
	p.bytes = read_all(out, &p.len);
	close(out);
	fclose(f);
	remove_file(path);
	return p;
}

/* Cut in half: what came out before is kept, a prefix of the dump, and the
 * note says the data ended early. */
static void test_each_format_cut_short(void **state)
{
	unsigned char *dump = expected_dump();
	struct blob plain = {dump, DUMP_SIZE};
	for (size_t i = 0; i < sizeof(formats) / sizeof(*formats); i++) {
		struct blob z = formats[i].compress(plain);
		z.len /= 2;
		struct partial p = unpack_blob(formats[i].c, z);
		if (!strstr(p.early, "ends early"))
			fail_msg("%s: \"%s\"", formats[i].name, p.early);
		assert_true(p.len < DUMP_SIZE);
		assert_memory_equal(p.bytes, dump, p.len);
		free(p.bytes);
		free(z.bytes);
	}
	free(dump);
}

/* Garbage in the middle: never a crash; either the library notices (corrupt)
 * or the data ends early, and what is kept is still a prefix. */
static void test_each_format_corrupt(void **state)
{
	unsigned char *dump = expected_dump();
	struct blob plain = {dump, DUMP_SIZE};
	for (size_t i = 0; i < sizeof(formats) / sizeof(*formats); i++) {
		struct blob z = formats[i].compress(plain);
		memset(z.bytes + z.len / 3, 0xa5, 64);
		struct partial p = unpack_blob(formats[i].c, z);
		if (!p.early[0])
			fail_msg("%s: corrupt data not noticed", formats[i].name);
		free(p.bytes);
		free(z.bytes);
	}
	free(dump);
}

/* A small file that unpacks far past what its dump's header allows (an ELF
 * core of one 4 KiB segment followed by 80 MiB of zeros) stops there. */
static void test_bomb_stops_at_the_header_limit(void **state)
{
	size_t len = 80u << 20;
	unsigned char *plain = calloc(1, len);
	assert_non_null(plain);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)plain;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_type = ET_CORE;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = 1;
	Elf64_Phdr *ph = (Elf64_Phdr *)(plain + sizeof(*eh));
	ph->p_type = PT_LOAD;
	ph->p_offset = 4096;
	ph->p_filesz = 4096;
	size_t cap = ZSTD_compressBound(len);
	struct blob z = {malloc(cap), 0};
	z.len = ZSTD_compress(z.bytes, cap, plain, len, 1);
	assert_false(ZSTD_isError(z.len));
	free(plain);

	char *path = write_file("small", z.bytes, z.len);
	struct wh_dump_source *src;
	const char *p = path;
	struct wh_error *err = wh_dump_source_open(&p, 1, &src);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_NOT_DUMP);
	if (!strstr(err->message, "runs past the"))
		fail_msg("%s", err->message);
	wh_error_destroy(err);
	remove_file(path);
	free(z.bytes);
}

/* Several members or frames one after the other (pigz, pbzip2, cat a.gz
 * b.gz) are one dump; the zero padding gzip, bzip2 and xz tolerate after
 * the data is ignored. */
static void test_concatenated_and_padded(void **state)
{
	unsigned char *dump = expected_dump();
	size_t half = DUMP_SIZE / 2;
	for (size_t i = 0; i < sizeof(formats) / sizeof(*formats); i++) {
		struct blob a = formats[i].compress((struct blob){dump, half});
		struct blob b = formats[i].compress((struct blob){dump + half, DUMP_SIZE - half});
		bool padded = formats[i].c == WH_COMPRESSION_GZIP ||
			      formats[i].c == WH_COMPRESSION_BZIP2 ||
			      formats[i].c == WH_COMPRESSION_XZ;
		struct blob both = {calloc(1, a.len + b.len + 512), a.len + b.len};
		memcpy(both.bytes, a.bytes, a.len);
		memcpy(both.bytes + a.len, b.bytes, b.len);
		if (padded)
			both.len += 512;
		struct partial p = unpack_blob(formats[i].c, both);
		if (p.early[0])
			fail_msg("%s: \"%s\"", formats[i].name, p.early);
		assert_int_equal(p.len, DUMP_SIZE);
		assert_memory_equal(p.bytes, dump, DUMP_SIZE);
		free(p.bytes);
		free(a.bytes);
		free(b.bytes);
		free(both.bytes);
	}
	free(dump);
}

static void test_detect(void **state)
{
	assert_int_equal(wh_compression_detect("KDUMP   ", 8), WH_COMPRESSION_NONE);
	assert_int_equal(wh_compression_detect("\x1f", 1), WH_COMPRESSION_NONE);
	assert_int_equal(wh_compression_detect("BZh9", 4), WH_COMPRESSION_BZIP2);
	assert_string_equal(wh_compression_name(WH_COMPRESSION_XZ), "xz");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_each_format_by_content),
	    cmocka_unit_test(test_compressed_plain_dump),
	    cmocka_unit_test(test_each_format_cut_short),
	    cmocka_unit_test(test_each_format_corrupt),
	    cmocka_unit_test(test_concatenated_and_padded),
	    cmocka_unit_test(test_bomb_stops_at_the_header_limit),
	    cmocka_unit_test(test_detect),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
