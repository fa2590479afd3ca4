#include "split_check.h"
#include "hash.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* makedumpfile's disk_dump_header and kdump_sub_header (x86-64 layout). */
enum {
	DD_VERSION = 8,
	DD_BLOCK_SIZE = 428,
	DD_SUB_HDR_SIZE = 432,
	DD_MAX_MAPNR = 440,
	DD_HEADER_END = 464,
	SUB_SPLIT = 12,
	SUB_START_PFN = 16,
	SUB_END_PFN = 24,
	SUB_START_PFN_64 = 80,
	SUB_END_PFN_64 = 88,
	SUB_MAX_MAPNR_64 = 96,
	SUB_V6_END = 104,
};
/* Compared between members: the main header and this much of the sub-header
 * blocks (notes, VMCOREINFO), the pfn range fields masked. */
enum { COMPARE_MAX = 65536 };

struct header {
	unsigned char *bytes; /* header block + sub-header blocks, pfn fields zeroed */
	size_t len;
};

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t get_u32(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static struct wh_error *read_at(int fd, const char *name, uint64_t off, void *buf, size_t len)
{
	ssize_t n = pread(fd, buf, len, (off_t)off);
	if (n < 0)
		return wh_error_create(WH_ERR_IO, "%s: read failed: %s", name, strerror(errno));
	if ((size_t)n != len)
		return wh_error_create(WH_ERR_TRUNCATED, "%s: the file ends inside its headers",
				       name);
	return NULL;
}

/* Reads M's headers; leaves M->split false for anything that is not a
 * kdump-compressed split member. */
static struct wh_error *read_member(struct wh_split_member *m, struct header *h)
{
	unsigned char dd[DD_HEADER_END];
	struct wh_error *err = read_at(m->fd, m->name, 0, dd, sizeof(dd));
	if (err && err->code == WH_ERR_TRUNCATED) {
		/* Too short for a kdump header: dump_check judges it. */
		wh_error_destroy(err);
		return NULL;
	}
	if (err)
		return err;
	if (memcmp(dd, "KDUMP   ", 8) || (int32_t)get_u32(dd + DD_VERSION) < 2)
		return NULL;
	uint32_t block = get_u32(dd + DD_BLOCK_SIZE);
	uint64_t sub_len = (uint64_t)get_u32(dd + DD_SUB_HDR_SIZE) * block;
	if (block < 512 || block > (1u << 20) || sub_len < SUB_V6_END)
		return NULL; /* dump_check says what is wrong */
	h->len = block + (sub_len < COMPARE_MAX ? sub_len : COMPARE_MAX);
	h->bytes = calloc(1, h->len);
	if (!h->bytes)
		return &wh_error_nomem;
	if ((err = read_at(m->fd, m->name, 0, h->bytes, h->len))) {
		if (err->code != WH_ERR_TRUNCATED)
			return err;
		wh_error_destroy(err); /* a short file: dump_check says so */
		return NULL;
	}
	unsigned char *sub = h->bytes + block;
	if (!get_u32(sub + SUB_SPLIT))
		return NULL;
	m->split = true;
	if ((int32_t)get_u32(dd + DD_VERSION) >= 6) {
		m->start_pfn = get_u64(sub + SUB_START_PFN_64);
		m->end_pfn = get_u64(sub + SUB_END_PFN_64);
		m->max_mapnr = get_u64(sub + SUB_MAX_MAPNR_64);
	} else {
		m->start_pfn = get_u64(sub + SUB_START_PFN);
		m->end_pfn = get_u64(sub + SUB_END_PFN);
		m->max_mapnr = get_u32(dd + DD_MAX_MAPNR);
	}
	static const size_t range_fields[] = {SUB_START_PFN, SUB_END_PFN, SUB_START_PFN_64,
					      SUB_END_PFN_64};
	for (size_t i = 0; i < sizeof(range_fields) / sizeof(*range_fields); i++)
		memset(sub + range_fields[i], 0, 8);
	if (m->start_pfn > m->end_pfn || m->end_pfn > m->max_mapnr)
		return wh_error_create(WH_ERR_NOT_DUMP,
				       "%s: split dump member with impossible pfn range "
				       "0x%llx-0x%llx (max 0x%llx)",
				       m->name, (unsigned long long)m->start_pfn,
				       (unsigned long long)m->end_pfn,
				       (unsigned long long)m->max_mapnr);
	return NULL;
}

static int by_start_pfn(const void *a, const void *b)
{
	const struct wh_split_member *x = a, *y = b;
	if (x->start_pfn != y->start_pfn)
		return x->start_pfn < y->start_pfn ? -1 : 1;
	return x->end_pfn < y->end_pfn ? -1 : x->end_pfn > y->end_pfn;
}

/* After sorting: every pfn in exactly one member. */
static struct wh_error *check_tiling(const struct wh_split_member *m, size_t n)
{
	uint64_t covered = 0;
	for (size_t i = 0; i < n; i++) {
		if (m[i].start_pfn > covered)
			return wh_error_create(
			    WH_ERR_TRUNCATED,
			    "split dump incomplete: pfns 0x%llx-0x%llx are in none of the %zu "
			    "file%s given (a member of the set is missing)",
			    (unsigned long long)covered, (unsigned long long)m[i].start_pfn, n,
			    n == 1 ? "" : "s");
		if (m[i].start_pfn < covered && m[i].start_pfn < m[i].end_pfn)
			return wh_error_create(WH_ERR_USAGE,
					       "%s and %s both hold pfns from 0x%llx: is a file "
					       "given twice?",
					       m[i - 1].name, m[i].name,
					       (unsigned long long)m[i].start_pfn);
		if (m[i].end_pfn > covered)
			covered = m[i].end_pfn;
	}
	if (covered < m[0].max_mapnr)
		return wh_error_create(WH_ERR_TRUNCATED,
				       "split dump incomplete: pfns 0x%llx-0x%llx are in none of "
				       "the %zu file%s given (a member of the set is missing)",
				       (unsigned long long)covered,
				       (unsigned long long)m[0].max_mapnr, n, n == 1 ? "" : "s");
	return NULL;
}

static struct wh_error *check_members(struct wh_split_member *members, size_t n, struct header *h,
				      bool *ret_split)
{
	struct wh_error *err;
	size_t n_split = 0;
	for (size_t i = 0; i < n; i++) {
		if ((err = read_member(&members[i], &h[i])))
			return err;
		n_split += members[i].split;
	}
	*ret_split = n_split > 0;
	if (n == 1 && !n_split)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (!members[i].split)
			return wh_error_create(WH_ERR_USAGE,
					       "%s is not part of a split dump (makedumpfile "
					       "--split), so it cannot be read with other files",
					       members[i].name);
		if (h[i].len != h[0].len || memcmp(h[i].bytes, h[0].bytes, h[0].len))
			return wh_error_create(WH_ERR_USAGE,
					       "%s and %s are not parts of the same dump (their "
					       "headers differ)",
					       members[0].name, members[i].name);
	}
	qsort(members, n, sizeof(*members), by_start_pfn);
	return check_tiling(members, n);
}

struct wh_error *wh_split_check(struct wh_split_member *members, size_t n, bool *ret_split)
{
	struct header *h = calloc(n, sizeof(*h));
	if (!h)
		return &wh_error_nomem;
	struct wh_error *err = check_members(members, n, h, ret_split);
	for (size_t i = 0; i < n; i++)
		free(h[i].bytes);
	free(h);
	return err;
}

struct wh_error *wh_split_probe(int fd, const char *name, bool *ret_split, char ret_set[33])
{
	struct wh_split_member m = {.fd = fd, .name = name};
	struct header h = {0};
	struct wh_error *err = read_member(&m, &h);
	*ret_split = false;
	if (err && err->code != WH_ERR_IO && err != &wh_error_nomem) {
		wh_error_destroy(err); /* an impossible range: not a member */
		err = NULL;
	}
	if (!err && m.split) {
		struct wh_hash hash;
		wh_hash_init(&hash);
		wh_hash_update(&hash, h.bytes, h.len);
		wh_hash_hex(&hash, ret_set);
		*ret_split = true;
	}
	free(h.bytes);
	return err;
}
