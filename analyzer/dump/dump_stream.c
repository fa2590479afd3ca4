#include "dump_stream.h"
#include "dump_size_limit.h"
#include "flattened.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Enough of the start to tell a flattened stream from a plain dump. */
enum { PROBE_SIZE = 16, SPARSE_BLOCK = 4096 };

struct wh_dump_stream {
	int fd;
	unsigned char probe[PROBE_SIZE];
	size_t probe_have;
	bool decided;
	struct wh_flat_rebuild *flat; /* NULL: plain copy */
	uint64_t pos;		      /* plain copy: bytes received */
	/* Plain copy: the most the dump's header allows, once read. */
	uint64_t limit;
	uint64_t next_try; /* pos at which to look at the header again */
};

struct wh_error *wh_dump_stream_create(int out_fd, struct wh_dump_stream **ret)
{
	struct wh_dump_stream *s = calloc(1, sizeof(*s));
	if (!s)
		return &wh_error_nomem;
	s->fd = out_fd;
	s->limit = WH_DUMP_SIZE_CAP;
	s->next_try = SPARSE_BLOCK;
	*ret = s;
	return NULL;
}

void wh_dump_stream_destroy(struct wh_dump_stream *s)
{
	if (!s)
		return;
	wh_flat_rebuild_destroy(s->flat);
	free(s);
}

static bool all_zero(const unsigned char *p, size_t n)
{
	return n && !p[0] && !memcmp(p, p + 1, n - 1);
}

/* Plain copy: whole zero blocks are skipped, leaving holes (ELF dumps of
 * idle memory are mostly zeros). */
/* A compressed file that unpacks past what its dump's header says (a
 * decompression bomb) stops there. Tried as the header comes in, up to 64 MiB. */
static struct wh_error *check_limit(struct wh_dump_stream *s, size_t len)
{
	if (s->pos >= s->next_try && s->next_try) {
		uint64_t limit;
		if (wh_dump_size_limit(s->fd, s->pos, true, &limit)) {
			s->limit = limit;
			s->next_try = 0;
		} else {
			s->next_try = s->pos < (64u << 20) ? s->pos * 2 : 0;
		}
	}
	if (s->pos + len > s->limit)
		return wh_error_create(WH_ERR_NOT_DUMP,
				       "the unpacked dump runs past the %llu bytes its header "
				       "allows",
				       (unsigned long long)s->limit);
	return NULL;
}

static struct wh_error *write_plain(struct wh_dump_stream *s, const unsigned char *buf, size_t len)
{
	struct wh_error *err = check_limit(s, len);
	if (err)
		return err;
	while (len) {
		size_t n = SPARSE_BLOCK - (size_t)(s->pos % SPARSE_BLOCK);
		if (n > len)
			n = len;
		if (!(n == SPARSE_BLOCK && all_zero(buf, n))) {
			size_t done = 0;
			while (done < n) {
				ssize_t w =
				    pwrite(s->fd, buf + done, n - done, (off_t)(s->pos + done));
				if (w < 0 && errno == EINTR)
					continue;
				if (w <= 0)
					return wh_error_create(
					    WH_ERR_IO, "writing the unpacked dump: %s",
					    w < 0 ? strerror(errno) : "no space");
				done += (size_t)w;
			}
		}
		s->pos += n;
		buf += n;
		len -= n;
	}
	return NULL;
}

static struct wh_error *route(struct wh_dump_stream *s, const void *buf, size_t len)
{
	return s->flat ? wh_flat_rebuild_feed(s->flat, buf, len) : write_plain(s, buf, len);
}

static struct wh_error *decide(struct wh_dump_stream *s)
{
	s->decided = true;
	if (wh_flat_has_signature(s->probe, s->probe_have)) {
		struct wh_error *err = wh_flat_rebuild_create(s->fd, &s->flat);
		if (err)
			return err;
	}
	return route(s, s->probe, s->probe_have);
}

struct wh_error *wh_dump_stream_feed(struct wh_dump_stream *s, const void *data, size_t len)
{
	const unsigned char *buf = data;
	if (!s->decided) {
		size_t take = PROBE_SIZE - s->probe_have;
		if (take > len)
			take = len;
		memcpy(s->probe + s->probe_have, buf, take);
		s->probe_have += take;
		buf += take;
		len -= take;
		if (s->probe_have < PROBE_SIZE)
			return NULL;
		struct wh_error *err = decide(s);
		if (err)
			return err;
	}
	return len ? route(s, buf, len) : NULL;
}

struct wh_error *wh_dump_stream_finish(struct wh_dump_stream *s, struct wh_dump_stream_result *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct wh_error *err = s->decided ? NULL : decide(s);
	if (err)
		return err;
	if (s->flat) {
		struct wh_flat_result fr;
		if ((err = wh_flat_rebuild_finish(s->flat, &fr)))
			return err;
		ret->flattened = true;
		ret->size = fr.size;
		ret->records = fr.records;
		memcpy(ret->early, fr.early, sizeof(ret->early));
		return NULL;
	}
	/* A trailing hole needs the size set explicitly. */
	if (ftruncate(s->fd, (off_t)s->pos) < 0)
		return wh_error_create(WH_ERR_IO, "writing the unpacked dump: %s", strerror(errno));
	ret->size = s->pos;
	return NULL;
}
