/* Synthetic makedumpfile flattened streams for unit tests (cmocka's
 * assert_true must be in scope: include after <cmocka.h>). */
#ifndef WHYHUNG_TEST_FLAT_STREAM_H
#define WHYHUNG_TEST_FLAT_STREAM_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct flat_stream {
	unsigned char *bytes;
	size_t len, cap;
};

static inline void flat_put(struct flat_stream *s, const void *p, size_t n)
{
	if (s->len + n > s->cap) {
		size_t cap = s->cap ? s->cap : 8192;
		while (cap < s->len + n)
			cap *= 2;
		s->bytes = realloc(s->bytes, cap);
		assert_non_null(s->bytes);
		s->cap = cap;
	}
	if (n)
		memcpy(s->bytes + s->len, p, n);
	s->len += n;
}

static inline void flat_put_be64(struct flat_stream *s, int64_t v)
{
	unsigned char b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)((uint64_t)v >> (56 - 8 * i));
	flat_put(s, b, 8);
}

/* The 4096-byte header with TYPE and VERSION (both 1 in real streams). */
static inline void flat_header(struct flat_stream *s, int64_t type, int64_t version)
{
	unsigned char h[4096] = "makedumpfile";
	flat_put(s, h, 16);
	flat_put_be64(s, type);
	flat_put_be64(s, version);
	flat_put(s, h + 32, sizeof(h) - 32);
}

static inline void flat_record(struct flat_stream *s, int64_t offset, const void *data,
			       int64_t size)
{
	flat_put_be64(s, offset);
	flat_put_be64(s, size);
	if (size > 0)
		flat_put(s, data, (size_t)size);
}

static inline void flat_end(struct flat_stream *s)
{
	flat_put_be64(s, -1);
	flat_put_be64(s, -1);
}

/* A minimal kdump-compressed header (version 6, 4 KiB blocks, one sub-header
 * block, MAX_MAPNR pages) into BUF[8192]: enough to bound a rebuilt dump. */
static inline void kdump_header(unsigned char *buf, uint64_t max_mapnr)
{
	memset(buf, 0, 8192);
	memcpy(buf, "KDUMP   ", 8);
	uint32_t v32 = 6;
	memcpy(buf + 8, &v32, 4);
	v32 = 4096;
	memcpy(buf + 428, &v32, 4); /* block_size */
	v32 = 1;
	memcpy(buf + 432, &v32, 4); /* sub_hdr_size */
	v32 = 2;
	memcpy(buf + 436, &v32, 4); /* bitmap_blocks */
	v32 = (uint32_t)max_mapnr;
	memcpy(buf + 440, &v32, 4);
	memcpy(buf + 4096 + 96, &max_mapnr, 8); /* max_mapnr_64 */
}

#endif
