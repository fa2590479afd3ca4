#include "decompress.h"

#include <bzlib.h>
#include <errno.h>
#include <lz4frame.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

enum { IN_SIZE = 1 << 20, OUT_SIZE = 1 << 20 };
/* xz's dictionary is chosen by the writer; xz -9 needs 65 MiB. */
static const uint64_t XZ_MEMLIMIT = 512ull << 20;

static const struct {
	enum wh_compression c;
	const char *name;
	unsigned char magic[6];
	size_t len;
} formats[] = {
    {WH_COMPRESSION_GZIP, "gzip", {0x1f, 0x8b}, 2},
    {WH_COMPRESSION_BZIP2, "bzip2", {'B', 'Z', 'h'}, 3},
    {WH_COMPRESSION_LZ4, "lz4", {0x04, 0x22, 0x4d, 0x18}, 4},
    {WH_COMPRESSION_XZ, "xz", {0xfd, '7', 'z', 'X', 'Z', 0x00}, 6},
    {WH_COMPRESSION_ZSTD, "zstd", {0x28, 0xb5, 0x2f, 0xfd}, 4},
};

enum wh_compression wh_compression_detect(const void *head, size_t len)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(*formats); i++)
		if (len >= formats[i].len && !memcmp(head, formats[i].magic, formats[i].len))
			return formats[i].c;
	return WH_COMPRESSION_NONE;
}

const char *wh_compression_name(enum wh_compression c)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(*formats); i++)
		if (formats[i].c == c)
			return formats[i].name;
	return "none";
}

/* What a decoder loop ends with. */
enum outcome { DONE, ENDS_EARLY, CORRUPT };

struct job {
	int fd;
	struct wh_dump_stream *sink;
	unsigned char *in, *out;
	size_t in_len; /* bytes of the last refill */
	bool eof;
	uint64_t produced;
	struct wh_error *err; /* I/O, memory or sink error: stops everything */
	const char *why;      /* for CORRUPT: in whyhung's words */
};

static bool refill(struct job *j)
{
	for (;;) {
		ssize_t n = read(j->fd, j->in, IN_SIZE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			j->err = wh_error_create(WH_ERR_IO, "reading the compressed dump: %s",
						 strerror(errno));
			return false;
		}
		j->in_len = (size_t)n;
		j->eof = n == 0;
		return true;
	}
}

static bool emit(struct job *j, size_t n)
{
	if (!n)
		return true;
	j->produced += n;
	j->err = wh_dump_stream_feed(j->sink, j->out, n);
	return !j->err;
}

static enum outcome run_gzip(struct job *j)
{
	z_stream z = {0};
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		j->err = &wh_error_nomem;
		return CORRUPT;
	}
	enum outcome out = ENDS_EARLY;
	for (;;) {
		if (!z.avail_in) {
			if (!refill(j))
				break;
			if (j->eof)
				break;
			z.next_in = j->in;
			z.avail_in = (uInt)j->in_len;
		}
		z.next_out = j->out;
		z.avail_out = OUT_SIZE;
		int rc = inflate(&z, Z_NO_FLUSH);
		if (!emit(j, OUT_SIZE - z.avail_out))
			break;
		if (rc == Z_STREAM_END) {
			/* gzip files may hold several members (pigz, cat a.gz b.gz). */
			if (!z.avail_in && (!refill(j) || j->eof)) {
				out = DONE;
				break;
			}
			if (!z.avail_in) {
				z.next_in = j->in;
				z.avail_in = (uInt)j->in_len;
			}
			if (z.next_in[0] != 0x1f) { /* trailing bytes, as gzip -d ignores */
				out = DONE;
				break;
			}
			inflateReset(&z);
		} else if (rc == Z_MEM_ERROR) {
			j->err = &wh_error_nomem;
			break;
		} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			out = CORRUPT;
			j->why = "the gzip data is corrupt";
			break;
		}
	}
	inflateEnd(&z);
	return out;
}

static enum outcome run_bzip2(struct job *j)
{
	bz_stream b = {0};
	if (BZ2_bzDecompressInit(&b, 0, 0) != BZ_OK) {
		j->err = &wh_error_nomem;
		return CORRUPT;
	}
	enum outcome out = ENDS_EARLY;
	for (;;) {
		if (!b.avail_in) {
			if (!refill(j) || j->eof)
				break;
			b.next_in = (char *)j->in;
			b.avail_in = (unsigned)j->in_len;
		}
		b.next_out = (char *)j->out;
		b.avail_out = OUT_SIZE;
		int rc = BZ2_bzDecompress(&b);
		if (!emit(j, OUT_SIZE - b.avail_out))
			break;
		if (rc == BZ_STREAM_END) {
			/* pbzip2 writes one stream per block: start over. */
			if (!b.avail_in && (!refill(j) || j->eof)) {
				out = DONE;
				break;
			}
			char *next = b.next_in;
			unsigned avail = b.avail_in;
			if (!avail) {
				next = (char *)j->in;
				avail = (unsigned)j->in_len;
			}
			if (next[0] != 'B') { /* trailing bytes, as bzip2 -d ignores */
				out = DONE;
				break;
			}
			BZ2_bzDecompressEnd(&b);
			memset(&b, 0, sizeof(b));
			if (BZ2_bzDecompressInit(&b, 0, 0) != BZ_OK) {
				j->err = &wh_error_nomem;
				return CORRUPT;
			}
			b.next_in = next;
			b.avail_in = avail;
		} else if (rc == BZ_MEM_ERROR) {
			j->err = &wh_error_nomem;
			break;
		} else if (rc != BZ_OK) {
			out = CORRUPT;
			j->why = "the bzip2 data is corrupt";
			break;
		}
	}
	BZ2_bzDecompressEnd(&b);
	return out;
}

static enum outcome run_lz4(struct job *j)
{
	LZ4F_dctx *ctx;
	if (LZ4F_isError(LZ4F_createDecompressionContext(&ctx, LZ4F_VERSION))) {
		j->err = &wh_error_nomem;
		return CORRUPT;
	}
	enum outcome out = ENDS_EARLY;
	size_t hint = 1; /* 0 once a frame is complete */
	while (refill(j) && !j->eof) {
		size_t pos = 0;
		while (pos < j->in_len) {
			size_t src = j->in_len - pos, dst = OUT_SIZE;
			hint = LZ4F_decompress(ctx, j->out, &dst, j->in + pos, &src, NULL);
			if (LZ4F_isError(hint)) {
				out = CORRUPT;
				j->why = "the lz4 data is corrupt";
				goto end;
			}
			pos += src;
			if (!emit(j, dst))
				goto end;
		}
	}
	/* Flush what the context still holds. */
	for (size_t dst = OUT_SIZE; !j->err && hint; dst = OUT_SIZE) {
		size_t src = 0;
		hint = LZ4F_decompress(ctx, j->out, &dst, NULL, &src, NULL);
		if (LZ4F_isError(hint) || !dst || !emit(j, dst))
			break;
	}
	if (!j->err && hint == 0)
		out = DONE;
end:
	LZ4F_freeDecompressionContext(ctx);
	return out;
}

static enum outcome run_xz(struct job *j)
{
	lzma_stream s = LZMA_STREAM_INIT;
	if (lzma_stream_decoder(&s, XZ_MEMLIMIT, LZMA_CONCATENATED) != LZMA_OK) {
		j->err = &wh_error_nomem;
		return CORRUPT;
	}
	enum outcome out = ENDS_EARLY;
	lzma_action action = LZMA_RUN;
	for (;;) {
		if (!s.avail_in && action == LZMA_RUN) {
			if (!refill(j))
				break;
			s.next_in = j->in;
			s.avail_in = j->in_len;
			if (j->eof)
				action = LZMA_FINISH;
		}
		s.next_out = j->out;
		s.avail_out = OUT_SIZE;
		lzma_ret rc = lzma_code(&s, action);
		if (!emit(j, OUT_SIZE - s.avail_out))
			break;
		if (rc == LZMA_STREAM_END) {
			out = DONE;
			break;
		}
		if (rc == LZMA_MEM_ERROR) {
			j->err = &wh_error_nomem;
			break;
		}
		if (rc == LZMA_BUF_ERROR)
			break; /* no progress at the end: the data stops early */
		if (rc == LZMA_MEMLIMIT_ERROR) {
			out = CORRUPT;
			j->why = "the xz data asks for more than 512 MiB to decompress";
			break;
		}
		if (rc != LZMA_OK) {
			out = CORRUPT;
			j->why = "the xz data is corrupt";
			break;
		}
	}
	lzma_end(&s);
	return out;
}

static enum outcome run_zstd(struct job *j)
{
	ZSTD_DStream *ds = ZSTD_createDStream();
	if (!ds) {
		j->err = &wh_error_nomem;
		return CORRUPT;
	}
	enum outcome out = ENDS_EARLY;
	size_t hint = 1; /* 0 once a frame is complete and flushed */
	while (refill(j) && !j->eof) {
		ZSTD_inBuffer in = {j->in, j->in_len, 0};
		while (in.pos < in.size) {
			ZSTD_outBuffer o = {j->out, OUT_SIZE, 0};
			hint = ZSTD_decompressStream(ds, &o, &in);
			if (ZSTD_isError(hint)) {
				out = CORRUPT;
				j->why = "the zstd data is corrupt";
				goto end;
			}
			if (!emit(j, o.pos))
				goto end;
		}
	}
	/* Output the last input left behind in the decoder. */
	while (!j->err && hint) {
		ZSTD_inBuffer in = {NULL, 0, 0};
		ZSTD_outBuffer o = {j->out, OUT_SIZE, 0};
		hint = ZSTD_decompressStream(ds, &o, &in);
		if (ZSTD_isError(hint) || !o.pos || !emit(j, o.pos))
			break;
	}
	if (!j->err && hint == 0)
		out = DONE;
end:
	ZSTD_freeDStream(ds);
	return out;
}

struct wh_error *wh_decompress(int in_fd, enum wh_compression c, struct wh_dump_stream *sink,
			       char *early, size_t early_size)
{
	struct job j = {.fd = in_fd, .sink = sink};
	j.in = malloc(IN_SIZE);
	j.out = malloc(OUT_SIZE);
	enum outcome out = CORRUPT;
	if (!j.in || !j.out) {
		j.err = &wh_error_nomem;
	} else {
		switch (c) {
		case WH_COMPRESSION_GZIP: out = run_gzip(&j); break;
		case WH_COMPRESSION_BZIP2: out = run_bzip2(&j); break;
		case WH_COMPRESSION_LZ4: out = run_lz4(&j); break;
		case WH_COMPRESSION_XZ: out = run_xz(&j); break;
		case WH_COMPRESSION_ZSTD: out = run_zstd(&j); break;
		case WH_COMPRESSION_NONE:
			j.err = wh_error_create(WH_ERR_INTERNAL, "no compression to undo");
			break;
		}
	}
	free(j.in);
	free(j.out);
	if (j.err)
		return j.err;
	early[0] = '\0';
	if (out == ENDS_EARLY)
		snprintf(early, early_size, "the %s data ends early, after %llu bytes of dump",
			 wh_compression_name(c), (unsigned long long)j.produced);
	else if (out == CORRUPT)
		snprintf(early, early_size, "%s after %llu bytes of dump", j.why,
			 (unsigned long long)j.produced);
	return NULL;
}
