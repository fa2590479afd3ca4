/* A dump arriving as a stream of bytes (from a decompressor or a flattened
 * file) written into a file libkdumpfile can open: flattened streams are
 * rebuilt (flattened.h), anything else is copied as it comes, sparse. */
#ifndef WHYHUNG_DUMP_STREAM_H
#define WHYHUNG_DUMP_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct wh_dump_stream;

struct wh_dump_stream_result {
	bool flattened;
	uint64_t size;	  /* of the dump written */
	uint64_t records; /* flattened records applied */
	char early[160];  /* "" or how a flattened stream stopped short */
};

/* Write into OUT_FD (empty, read-write; not owned). */
struct wh_error *wh_dump_stream_create(int out_fd, struct wh_dump_stream **ret);
struct wh_error *wh_dump_stream_feed(struct wh_dump_stream *s, const void *buf, size_t len);
struct wh_error *wh_dump_stream_finish(struct wh_dump_stream *s, struct wh_dump_stream_result *ret);
void wh_dump_stream_destroy(struct wh_dump_stream *s);

#endif
