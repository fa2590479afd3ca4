/* makedumpfile's flattened format (makedumpfile -F, what kdump-tools saves):
 * a 4096-byte header ("makedumpfile", type 1, version 1), then records of
 * a 16-byte header (offset, size: big-endian signed 64-bit) and SIZE bytes
 * that belong at OFFSET of the plain dump; offset -1 ends the stream.
 * We rebuild the plain dump into a (sparse) file, as makedumpfile -R does,
 * fed in pieces of any size so a decompressor can stream into it. */
#ifndef WHYHUNG_FLATTENED_H
#define WHYHUNG_FLATTENED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

enum { WH_FLAT_HEADER_SIZE = 4096 };

struct wh_flat_rebuild;

struct wh_flat_result {
	uint64_t size;	  /* of the rebuilt dump */
	uint64_t records; /* data records applied */
	bool complete;	  /* the end marker was read */
	char early[160];  /* when not complete: where and how the stream stopped */
};

/* Does the stream start with the flattened signature? */
bool wh_flat_has_signature(const void *head, size_t len);

/* Rebuild into OUT_FD (empty, read-write; not owned). */
struct wh_error *wh_flat_rebuild_create(int out_fd, struct wh_flat_rebuild **ret);
/* The next LEN bytes of the stream, from its first byte (the flat header). */
struct wh_error *wh_flat_rebuild_feed(struct wh_flat_rebuild *r, const void *buf, size_t len);
/* The stream has no more bytes. */
struct wh_error *wh_flat_rebuild_finish(struct wh_flat_rebuild *r, struct wh_flat_result *ret);
void wh_flat_rebuild_destroy(struct wh_flat_rebuild *r);

#endif
