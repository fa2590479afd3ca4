#include "flattened.h"
#include "dump_size_limit.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char FLAT_SIGNATURE[16] = "makedumpfile";
enum { FLAT_TYPE = 1, FLAT_VERSION = 1, RECORD_HEADER_SIZE = 16 };
/* Without a header that bounds the dump (ELF inside, or before the kdump
 * header is in), a record may reach no further than twice the data the
 * stream has carried so far plus this: makedumpfile's ELF output is dense,
 * so a hostile stream gets a file no bigger than about twice its own size. */
static const uint64_t HEADER_WINDOW = 64ull << 20;
/* Written ranges kept apart; real streams collapse into a handful. */
enum { MAX_RUNS = 65536 };
/* makedumpfile writes no empty records; a stream of them (cheap to
 * compress) would only keep us busy. */
enum { MAX_EMPTY_RECORDS = 1 << 20 };

enum state { ST_FLAT_HEADER, ST_RECORD_HEADER, ST_DATA, ST_END };

/* A range [start, end) of the plain dump some record has claimed. */
struct run {
	uint64_t start, end;
};

struct wh_flat_rebuild {
	int fd;
	enum state state;
	unsigned char head[WH_FLAT_HEADER_SIZE]; /* flat header, then each record header */
	size_t head_have;
	uint64_t stream_pos; /* bytes of the stream consumed */
	uint64_t record_pos; /* stream offset of the current record's header */
	uint64_t rec_off, rec_size, rec_done;
	uint64_t records;
	struct run *runs; /* sorted, disjoint, never adjacent */
	size_t n_runs, cap_runs;
	uint64_t limit;
	bool limit_known;
	uint64_t limit_tried_prefix;
	uint64_t extent;  /* end of the furthest byte written */
	uint64_t carried; /* record data bytes so far */
	uint64_t empty_records;
};

bool wh_flat_has_signature(const void *head, size_t len)
{
	return len >= sizeof(FLAT_SIGNATURE) &&
	       !memcmp(head, FLAT_SIGNATURE, sizeof(FLAT_SIGNATURE));
}

static int64_t be64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return (int64_t)v;
}

struct wh_error *wh_flat_rebuild_create(int out_fd, struct wh_flat_rebuild **ret)
{
	struct wh_flat_rebuild *r = calloc(1, sizeof(*r));
	if (!r)
		return &wh_error_nomem;
	r->fd = out_fd;
	*ret = r;
	return NULL;
}

void wh_flat_rebuild_destroy(struct wh_flat_rebuild *r)
{
	if (!r)
		return;
	free(r->runs);
	free(r);
}

static struct wh_error *corrupt(const struct wh_flat_rebuild *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static struct wh_error *corrupt(const struct wh_flat_rebuild *r, const char *fmt, ...)
{
	char what[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return wh_error_create(
	    WH_ERR_NOT_DUMP, "corrupt flattened stream: record %llu (stream byte %llu): %s",
	    (unsigned long long)r->records + 1, (unsigned long long)r->record_pos, what);
}

static struct wh_error *check_flat_header(const struct wh_flat_rebuild *r)
{
	if (!wh_flat_has_signature(r->head, sizeof(r->head)))
		return wh_error_create(WH_ERR_NOT_DUMP, "not a flattened dump: bad signature");
	int64_t type = be64(r->head + 16), version = be64(r->head + 24);
	if (type != FLAT_TYPE || version != FLAT_VERSION)
		return wh_error_create(WH_ERR_NOT_DUMP,
				       "flattened dump of type %lld version %lld: whyhung reads "
				       "type 1 version 1",
				       (long long)type, (long long)version);
	return NULL;
}

/* Index of the first run ending at or after OFF (n_runs if none). */
static size_t first_run_reaching(const struct wh_flat_rebuild *r, uint64_t off)
{
	size_t lo = 0, hi = r->n_runs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->runs[mid].end < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Claim [start, end): a rewrite inside one written range is what
 * makedumpfile does to its headers and is allowed (the later bytes win, as
 * with makedumpfile -R); a record that straddles the edge of what was
 * written, or spans two ranges, is not. */
static struct wh_error *claim_range(struct wh_flat_rebuild *r, uint64_t start, uint64_t end)
{
	size_t i = first_run_reaching(r, start);
	struct run *next = i < r->n_runs ? &r->runs[i] : NULL;
	if (next && next->start <= start && next->end >= end)
		return NULL; /* rewrite */
	if (next && next->start < end && next->end > start)
		return corrupt(r, "its bytes 0x%llx-0x%llx overlap another record's only in part",
			       (unsigned long long)start, (unsigned long long)end);
	/* Disjoint: merge with a neighbour that touches it, or insert. */
	bool touches_next = next && next->start == end;
	bool touches_prev = next && next->end == start;
	/* Extending run I must not run into the one after it. */
	if (touches_prev && i + 1 < r->n_runs && r->runs[i + 1].start < end)
		return corrupt(r, "its bytes 0x%llx-0x%llx overlap another record's only in part",
			       (unsigned long long)start, (unsigned long long)end);
	if (touches_prev) {
		next->end = end;
		if (i + 1 < r->n_runs && r->runs[i + 1].start == end) {
			next->end = r->runs[i + 1].end;
			memmove(&r->runs[i + 1], &r->runs[i + 2],
				(r->n_runs - i - 2) * sizeof(*r->runs));
			r->n_runs--;
		}
		return NULL;
	}
	if (touches_next) {
		next->start = start;
		return NULL;
	}
	if (r->n_runs == MAX_RUNS)
		return corrupt(r, "the stream scatters its data over more than %d separate ranges",
			       MAX_RUNS);
	if (r->n_runs == r->cap_runs) {
		size_t cap = r->cap_runs ? r->cap_runs * 2 : 16;
		struct run *grown = realloc(r->runs, cap * sizeof(*grown));
		if (!grown)
			return &wh_error_nomem;
		r->runs = grown;
		r->cap_runs = cap;
	}
	memmove(&r->runs[i + 1], &r->runs[i], (r->n_runs - i) * sizeof(*r->runs));
	r->runs[i] = (struct run){start, end};
	r->n_runs++;
	return NULL;
}

static struct wh_error *start_record(struct wh_flat_rebuild *r)
{
	int64_t off = be64(r->head), size = be64(r->head + 8);
	r->head_have = 0;
	if (off == -1) {
		r->state = ST_END;
		return NULL;
	}
	if (off < 0 || size < 0)
		return corrupt(r, "negative offset %lld or size %lld", (long long)off,
			       (long long)size);
	if (size == 0) {
		if (++r->empty_records > MAX_EMPTY_RECORDS)
			return corrupt(r, "more than %d empty records", MAX_EMPTY_RECORDS);
		/* Nothing to place; the header itself moved the stream on. */
		r->record_pos = r->stream_pos;
		return NULL;
	}
	uint64_t end = (uint64_t)off + (uint64_t)size;
	if (r->limit_known && end > r->limit)
		return corrupt(r,
			       "puts data up to 0x%llx, past the 0x%llx bytes the dump's "
			       "header allows",
			       (unsigned long long)end, (unsigned long long)r->limit);
	if (end > WH_DUMP_SIZE_CAP)
		return corrupt(r, "puts data up to 0x%llx, past any dump's size (0x%llx)",
			       (unsigned long long)end, (unsigned long long)WH_DUMP_SIZE_CAP);
	/* Below the cap, so no overflow. */
	uint64_t reach = 2 * (r->carried + (uint64_t)size) + HEADER_WINDOW;
	if (!r->limit_known && end > reach)
		return corrupt(r,
			       "puts data up to 0x%llx, far past the %llu bytes the stream "
			       "has carried",
			       (unsigned long long)end,
			       (unsigned long long)(r->carried + (uint64_t)size));
	struct wh_error *err = claim_range(r, (uint64_t)off, end);
	if (err)
		return err;
	r->rec_off = (uint64_t)off;
	r->rec_size = (uint64_t)size;
	r->rec_done = 0;
	r->carried += (uint64_t)size;
	r->state = ST_DATA;
	return NULL;
}

/* Once the dump's header is written, it bounds the rest. */
static struct wh_error *update_limit(struct wh_flat_rebuild *r)
{
	if (r->limit_known || !r->n_runs || r->runs[0].start != 0)
		return NULL;
	uint64_t prefix = r->runs[0].end;
	if (prefix <= r->limit_tried_prefix)
		return NULL;
	r->limit_tried_prefix = prefix;
	uint64_t limit;
	if (!wh_dump_size_limit(r->fd, prefix, false, &limit))
		return NULL;
	r->limit_known = true;
	r->limit = limit;
	if (r->extent > limit)
		return corrupt(r,
			       "data was placed up to 0x%llx, past the 0x%llx bytes the dump's "
			       "header allows",
			       (unsigned long long)r->extent, (unsigned long long)limit);
	return NULL;
}

static struct wh_error *write_data(struct wh_flat_rebuild *r, const unsigned char *buf, size_t n)
{
	while (n) {
		ssize_t w = pwrite(r->fd, buf, n, (off_t)(r->rec_off + r->rec_done));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return wh_error_create(WH_ERR_IO, "writing the rebuilt dump: %s",
					       w < 0 ? strerror(errno) : "no space");
		buf += w;
		n -= (size_t)w;
		r->rec_done += (uint64_t)w;
		if (r->rec_off + r->rec_done > r->extent)
			r->extent = r->rec_off + r->rec_done;
	}
	return NULL;
}

/* Gather header bytes until NEED are in; returns bytes taken from BUF. */
static size_t gather(struct wh_flat_rebuild *r, const unsigned char *buf, size_t len, size_t need)
{
	size_t take = need - r->head_have;
	if (take > len)
		take = len;
	memcpy(r->head + r->head_have, buf, take);
	r->head_have += take;
	return take;
}

struct wh_error *wh_flat_rebuild_feed(struct wh_flat_rebuild *r, const void *data, size_t len)
{
	const unsigned char *buf = data;
	struct wh_error *err = NULL;
	while (len && !err && r->state != ST_END) {
		size_t used;
		switch (r->state) {
		case ST_FLAT_HEADER:
			used = gather(r, buf, len, WH_FLAT_HEADER_SIZE);
			if (r->head_have == WH_FLAT_HEADER_SIZE) {
				err = check_flat_header(r);
				r->head_have = 0;
				r->state = ST_RECORD_HEADER;
				r->record_pos = r->stream_pos + used;
			}
			break;
		case ST_RECORD_HEADER:
			used = gather(r, buf, len, RECORD_HEADER_SIZE);
			if (r->head_have == RECORD_HEADER_SIZE) {
				r->stream_pos += used;
				err = start_record(r);
				r->stream_pos -= used;
			}
			break;
		case ST_DATA:
			used = (size_t)(r->rec_size - r->rec_done < len ? r->rec_size - r->rec_done
									: len);
			err = write_data(r, buf, used);
			if (!err && r->rec_done == r->rec_size) {
				r->records++;
				r->state = ST_RECORD_HEADER;
				r->record_pos = r->stream_pos + used;
				err = update_limit(r);
			}
			break;
		default: used = len; break;
		}
		buf += used;
		len -= used;
		r->stream_pos += used;
	}
	/* Bytes after the end marker (padding) are ignored, as makedumpfile -R does. */
	return err;
}

struct wh_error *wh_flat_rebuild_finish(struct wh_flat_rebuild *r, struct wh_flat_result *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->size = r->extent;
	ret->records = r->records;
	unsigned long long n = (unsigned long long)r->records + 1;
	switch (r->state) {
	case ST_FLAT_HEADER:
		return wh_error_create(WH_ERR_TRUNCATED,
				       "flattened dump ends inside its %d-byte header (%zu bytes)",
				       WH_FLAT_HEADER_SIZE, r->head_have);
	case ST_RECORD_HEADER:
		if (r->head_have)
			snprintf(ret->early, sizeof(ret->early),
				 "the stream ends inside the header of record %llu (stream byte "
				 "%llu)",
				 n, (unsigned long long)r->record_pos);
		else
			snprintf(ret->early, sizeof(ret->early),
				 "the stream ends after record %llu without its end marker", n - 1);
		break;
	case ST_DATA:
		snprintf(ret->early, sizeof(ret->early),
			 "the stream ends inside record %llu (%llu of its %llu bytes)", n,
			 (unsigned long long)r->rec_done, (unsigned long long)r->rec_size);
		break;
	case ST_END: ret->complete = true; break;
	}
	return NULL;
}
