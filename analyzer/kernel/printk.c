#include "printk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- building the record array ---- */

struct builder {
	struct wh_kernel *k;
	struct wh_log *log;
	size_t cap;
	uint64_t total_text;
	bool full; /* WH_LOG_MAX_TOTAL_TEXT reached: stop reading */
};

static bool is_missing(const struct wh_error *err)
{
	return wh_error_unreadable(err);
}

/* Keep ERR among the log's problems and go on; consumes ERR. */
static void note(struct wh_log *log, struct wh_error *err)
{
	wh_diags_add_error(&log->diags, "printk", err);
}

static struct wh_error *push(struct builder *b, const struct wh_log_record *r)
{
	struct wh_log *log = b->log;
	if (log->count == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 512;
		struct wh_log_record *n = realloc(log->records, cap * sizeof(*n));
		if (!n)
			return &wh_error_nomem;
		log->records = n;
		b->cap = cap;
	}
	log->records[log->count++] = *r;
	return NULL;
}

/* One gap for a run of unreadable records; consumes ERR. Errors other than
 * missing memory (out of memory) are passed up. */
static struct wh_error *push_gap(struct builder *b, struct wh_error *err)
{
	if (!is_missing(err) && err->code != WH_ERR_CORRUPT)
		return err;
	const char *reason = wh_error_code_name(err->code);
	wh_error_destroy(err);
	b->log->gap_records++;
	struct wh_log_record *last = b->log->count ? &b->log->records[b->log->count - 1] : NULL;
	if (last && last->gap && !strcmp(last->gap_reason, reason)) {
		last->gap_count++;
		return NULL;
	}
	struct wh_log_record r = {.gap = true, .gap_count = 1, .gap_reason = reason};
	return push(b, &r);
}

/* Copy LEN bytes of text at ADDR into R, NUL-terminated. Sets b->full
 * instead when the total would pass WH_LOG_MAX_TOTAL_TEXT. */
static struct wh_error *read_text(struct builder *b, uint64_t addr, size_t len,
				  struct wh_log_record *r)
{
	if (b->total_text + len > WH_LOG_MAX_TOTAL_TEXT) {
		b->full = true;
		return NULL;
	}
	char *text = malloc(len + 1);
	if (!text)
		return &wh_error_nomem;
	struct wh_error *err = wh_dump_read(b->k->dump, addr, text, len);
	if (err) {
		free(text);
		return err;
	}
	text[len] = '\0';
	b->total_text += len;
	r->text = text;
	r->text_len = len;
	return NULL;
}

/* An unsigned global of any integer size (log_buf_len is u32, log_buf a
 * pointer); the ELF symbol size says how many bytes to read. kallsyms has
 * no sizes (only the distance to the next symbol): then DECLARED, the
 * size of its type in kernel/printk/printk.c. */
static struct wh_error *read_global(struct wh_kernel *k, const char *name, unsigned declared,
				    uint64_t *ret)
{
	struct wh_symbol sym;
	uint64_t addr;
	struct wh_error *err = wh_kernel_symbol(k, name, &sym);
	if (!err)
		err = wh_kernel_symbol_address(k, name, &addr);
	if (err)
		return err;
	struct wh_member_info m = {.offset = 0, .size = k->vmlinux ? sym.size : declared};
	err = wh_kernel_read_member(k, addr, &m, ret);
	return err ? wh_error_wrap(err, "reading %s", name) : NULL;
}

/* Level, facility, flags and caller id: the same members in printk_info
 * (5.10+) and printk_log (before). */
struct info_layout {
	struct wh_member_info ts_nsec, text_len, facility, flags, level, caller_id;
	bool have_caller;
};

static struct wh_error *probe_info(struct wh_kernel *k, const char *type, struct info_layout *l)
{
	struct wh_error *err;
	if ((err = wh_kernel_member(k, type, "ts_nsec", &l->ts_nsec)) ||
	    (err = wh_kernel_member(k, type, "text_len", &l->text_len)) ||
	    (err = wh_kernel_member(k, type, "facility", &l->facility)) ||
	    (err = wh_kernel_member(k, type, "flags", &l->flags)) ||
	    (err = wh_kernel_member(k, type, "level", &l->level)))
		return err;
	/* caller_id: CONFIG_PRINTK_CALLER before 5.10, always after. */
	return wh_kernel_member_opt(k, type, "caller_id", &l->caller_id, &l->have_caller);
}

static struct wh_error *read_info(struct wh_kernel *k, uint64_t addr, const struct info_layout *l,
				  struct wh_log_record *r, uint64_t *ret_text_len)
{
	uint64_t ts, facility, flags, level, caller = 0;
	struct wh_error *err;
	if ((err = wh_kernel_read_member(k, addr, &l->ts_nsec, &ts)) ||
	    (err = wh_kernel_read_member(k, addr, &l->text_len, ret_text_len)) ||
	    (err = wh_kernel_read_member(k, addr, &l->facility, &facility)) ||
	    (err = wh_kernel_read_member(k, addr, &l->flags, &flags)) ||
	    (err = wh_kernel_read_member(k, addr, &l->level, &level)) ||
	    (l->have_caller && (err = wh_kernel_read_member(k, addr, &l->caller_id, &caller))))
		return err;
	r->ts_nsec = ts;
	r->facility = (uint8_t)facility;
	r->flags = (uint8_t)flags;
	r->level = (uint8_t)level;
	r->have_caller = l->have_caller;
	r->caller_id = (uint32_t)caller;
	return NULL;
}

/* ---- 5.10+: the lockless ring (kernel/printk/printk_ringbuffer.c) ---- */

/* state_var: the top two bits are the state, the rest the descriptor id. */
static const uint64_t DESC_ID_MASK = (1ull << 62) - 1;
enum { DESC_COMMITTED = 1, DESC_FINALIZED = 2 };

struct prb_layout {
	struct wh_member_info count_bits, descs, infos, head_id, tail_id;
	struct wh_member_info size_bits, data;
	struct wh_member_info state_var, begin, next, seq;
	uint64_t desc_size, info_size;
	struct info_layout info;
};

struct prb {
	uint64_t descs, infos, data;
	unsigned count_bits, size_bits;
};

static struct wh_error *probe_prb(struct wh_kernel *k, struct prb_layout *l)
{
	struct wh_error *err;
	const char *rb = "printk_ringbuffer";
	if ((err = wh_kernel_member(k, rb, "desc_ring.count_bits", &l->count_bits)) ||
	    (err = wh_kernel_member(k, rb, "desc_ring.descs", &l->descs)) ||
	    (err = wh_kernel_member(k, rb, "desc_ring.infos", &l->infos)) ||
	    (err = wh_kernel_member(k, rb, "desc_ring.head_id.counter", &l->head_id)) ||
	    (err = wh_kernel_member(k, rb, "desc_ring.tail_id.counter", &l->tail_id)) ||
	    (err = wh_kernel_member(k, rb, "text_data_ring.size_bits", &l->size_bits)) ||
	    (err = wh_kernel_member(k, rb, "text_data_ring.data", &l->data)) ||
	    (err = wh_kernel_member(k, "prb_desc", "state_var.counter", &l->state_var)) ||
	    (err = wh_kernel_member(k, "prb_desc", "text_blk_lpos.begin", &l->begin)) ||
	    (err = wh_kernel_member(k, "prb_desc", "text_blk_lpos.next", &l->next)) ||
	    (err = wh_kernel_member(k, "printk_info", "seq", &l->seq)) ||
	    (err = wh_types_struct_size(k->types, "prb_desc", &l->desc_size)) ||
	    (err = wh_types_struct_size(k->types, "printk_info", &l->info_size)))
		return err;
	return probe_info(k, "printk_info", &l->info);
}

/* Where the text of a data block lies, following get_data() in
 * printk_ringbuffer.c: a block either sits within one wrap of the ring or,
 * when it would have crossed the end, was placed at the start. Every block
 * begins with its descriptor id (an unsigned long). */
static struct wh_error *locate_block(const struct prb *p, uint64_t begin, uint64_t next,
				     uint64_t *ret_offset, uint64_t *ret_size)
{
	unsigned bits = p->size_bits;
	uint64_t size = 1ull << bits, mask = size - 1;
	if (begin >> bits == next >> bits && begin < next) {
		*ret_offset = begin & mask;
		*ret_size = next - begin;
	} else if ((begin + size) >> bits == next >> bits) {
		*ret_offset = 0;
		*ret_size = next & mask;
	} else {
		return wh_error_create(WH_ERR_CORRUPT, "bad data block %#llx-%#llx",
				       (unsigned long long)begin, (unsigned long long)next);
	}
	if (*ret_size < 8 || *ret_size > size || (begin | next) % 8)
		return wh_error_create(WH_ERR_CORRUPT, "bad data block %#llx-%#llx",
				       (unsigned long long)begin, (unsigned long long)next);
	*ret_offset += 8;
	*ret_size -= 8;
	return NULL;
}

/* Read the record of descriptor id ID. Records not committed or finalized (being written at
 * the time of the dump, or recycled) and data-less ones are skipped, as
 * the kernel's readers and makedumpfile do. */
static struct wh_error *read_prb_record(struct builder *b, const struct prb_layout *l,
					const struct prb *p, uint64_t id)
{
	struct wh_kernel *k = b->k;
	uint64_t idx = id & ((1ull << p->count_bits) - 1);
	uint64_t desc = p->descs + idx * l->desc_size, info = p->infos + idx * l->info_size;
	uint64_t sv, begin, next, text_len;
	struct wh_log_record r = {0};
	struct wh_error *err;
	if ((err = wh_kernel_read_member(k, desc, &l->state_var, &sv)))
		return push_gap(b, err);
	unsigned state = (unsigned)(sv >> 62);
	if ((sv & DESC_ID_MASK) != id || (state != DESC_COMMITTED && state != DESC_FINALIZED))
		return NULL;
	if ((err = wh_kernel_read_member(k, desc, &l->begin, &begin)) ||
	    (err = wh_kernel_read_member(k, desc, &l->next, &next)))
		return push_gap(b, err);
	if ((begin & 1) && (next & 1))
		return NULL; /* NO_LPOS (empty) or FAILED_LPOS (lost) */
	if ((err = wh_kernel_read_member(k, info, &l->seq, &r.seq)) ||
	    (err = read_info(k, info, &l->info, &r, &text_len)))
		return push_gap(b, err);
	uint64_t offset = 0, avail = 0;
	if ((err = locate_block(p, begin, next, &offset, &avail)))
		return push_gap(b,
				wh_error_wrap(err, "log record %llu", (unsigned long long)r.seq));
	if (text_len > avail) {
		text_len = avail; /* the block holds less than the record claims */
		r.truncated = true;
	}
	if (text_len > WH_LOG_MAX_TEXT) {
		text_len = WH_LOG_MAX_TEXT;
		r.truncated = true;
	}
	if ((err = read_text(b, p->data + offset, (size_t)text_len, &r)))
		return push_gap(b, err);
	if (b->full)
		return NULL;
	if ((err = push(b, &r)))
		free(r.text);
	return err;
}

static struct wh_error *read_lockless(struct builder *b)
{
	struct wh_kernel *k = b->k;
	struct prb_layout l;
	struct wh_error *err = probe_prb(k, &l);
	if (err)
		return wh_error_wrap(err, "printk ring layout");
	uint64_t rb, count_bits, size_bits, head, tail;
	struct prb p;
	/* prb points at printk_rb_static, or printk_rb_dynamic after log_buf_len=. */
	if ((err = read_global(k, "prb", 8, &rb)) ||
	    (err = wh_kernel_read_member(k, rb, &l.count_bits, &count_bits)) ||
	    (err = wh_kernel_read_member(k, rb, &l.size_bits, &size_bits)) ||
	    (err = wh_kernel_read_member(k, rb, &l.descs, &p.descs)) ||
	    (err = wh_kernel_read_member(k, rb, &l.infos, &p.infos)) ||
	    (err = wh_kernel_read_member(k, rb, &l.data, &p.data)) ||
	    (err = wh_kernel_read_member(k, rb, &l.head_id, &head)) ||
	    (err = wh_kernel_read_member(k, rb, &l.tail_id, &tail)))
		return wh_error_wrap(err, "printk ring at 0x%llx", (unsigned long long)rb);
	/* log_buf_len= caps the buffer at 2^31 bytes; PRB_AVGBITS is 5. */
	if (count_bits > 31 || size_bits < 4 || size_bits > 31)
		return wh_error_create(
		    WH_ERR_CORRUPT, "printk ring with 2^%llu descriptors and 2^%llu bytes",
		    (unsigned long long)count_bits, (unsigned long long)size_bits);
	p.count_bits = (unsigned)count_bits;
	p.size_bits = (unsigned)size_bits;
	head &= DESC_ID_MASK;
	tail &= DESC_ID_MASK;
	uint64_t n = ((head - tail) & DESC_ID_MASK) + 1;
	uint64_t limit = 1ull << count_bits;
	if (limit > WH_LOG_MAX_RECORDS)
		limit = WH_LOG_MAX_RECORDS;
	if (n > limit) {
		/* More ids than descriptors: the ring is torn. Keep the newest. */
		err = wh_error_create(WH_ERR_CORRUPT,
				      "printk ring ids %llu..%llu outnumber its %llu descriptors; "
				      "reading the newest",
				      (unsigned long long)tail, (unsigned long long)head,
				      (unsigned long long)limit);
		note(b->log, err);
		tail = (head - limit + 1) & DESC_ID_MASK;
		n = limit;
	}
	for (uint64_t i = 0; i < n && !b->full; i++)
		if ((err = read_prb_record(b, &l, &p, (tail + i) & DESC_ID_MASK)))
			return err;
	return NULL;
}

/* ---- 3.5 .. 5.9: variable-length records in log_buf (kernel/printk/printk.c) ---- */

struct old_layout {
	struct wh_member_info len;
	uint64_t header_size;
	struct info_layout info;
};

/* struct printk_log since 3.11; RHEL7's 3.10 kept the name struct log. */
static struct wh_error *probe_old(struct wh_kernel *k, struct old_layout *l)
{
	static const char *const names[] = {"printk_log", "log"};
	struct wh_error *err = NULL;
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		wh_error_destroy(err);
		err = wh_kernel_member(k, names[i], "len", &l->len);
		if (!err)
			err = probe_info(k, names[i], &l->info);
		if (!err)
			err = wh_types_struct_size(k->types, names[i], &l->header_size);
		if (!err || err->code != WH_ERR_ABSENT)
			return err;
	}
	return err;
}

static struct wh_error *read_old_record(struct builder *b, const struct old_layout *l, uint64_t hdr,
					uint64_t len, struct wh_log_record *r)
{
	uint64_t text_len;
	struct wh_error *err = read_info(b->k, hdr, &l->info, r, &text_len);
	if (err)
		return err;
	if (text_len > len - l->header_size) {
		text_len = len - l->header_size;
		r->truncated = true;
	}
	if (text_len > WH_LOG_MAX_TEXT) {
		text_len = WH_LOG_MAX_TEXT;
		r->truncated = true;
	}
	return read_text(b, hdr + l->header_size, (size_t)text_len, r);
}

/* Walk from log_first_idx to log_next_idx; a header with len 0 marks the
 * end of the used buffer: continue at index 0 (log_next() in printk.c). */
static struct wh_error *read_old(struct builder *b)
{
	struct wh_kernel *k = b->k;
	struct old_layout l;
	struct wh_error *err = probe_old(k, &l);
	if (err)
		return wh_error_wrap(err, "printk_log layout");
	uint64_t buf, buf_len, idx, next, seq = 0;
	if ((err = read_global(k, "log_buf", 8, &buf)) ||
	    (err = read_global(k, "log_buf_len", 4, &buf_len)) ||
	    (err = read_global(k, "log_first_idx", 4, &idx)) ||
	    (err = read_global(k, "log_next_idx", 4, &next)))
		return err;
	err = read_global(k, "log_first_seq", 8, &seq); /* absent in hand-made kernels only */
	if (err && err->code != WH_ERR_ABSENT)
		return err;
	wh_error_destroy(err);
	if (buf_len > 1ull << 31 || buf_len < l.header_size || idx >= buf_len || next >= buf_len ||
	    l.header_size == 0)
		return wh_error_create(
		    WH_ERR_CORRUPT, "log_buf of %llu bytes, first index %llu, next %llu",
		    (unsigned long long)buf_len, (unsigned long long)idx, (unsigned long long)next);
	/* Each record takes at least a header, and the walk may wrap once. */
	uint64_t max = buf_len / l.header_size + 2;
	if (max > WH_LOG_MAX_RECORDS)
		max = WH_LOG_MAX_RECORDS;
	bool wrapped = false;
	for (uint64_t n = 0; idx != next; n++) {
		uint64_t hdr = buf + idx, len;
		if (n == max || idx + l.header_size > buf_len) {
			note(b->log, wh_error_create(WH_ERR_CORRUPT, "log_buf walk lost at index %llu",
						     (unsigned long long)idx));
			return NULL;
		}
		if ((err = wh_kernel_read_member(k, hdr, &l.len, &len))) {
			/* Without the length the rest cannot be found. */
			if (!is_missing(err))
				return err;
			struct wh_error *w = wh_error_create(
			    err->code,
			    "log_buf record header at 0x%llx unreadable (%s); log ends here",
			    (unsigned long long)hdr, wh_error_code_name(err->code));
			if ((err = push_gap(b, err))) {
				wh_error_destroy(w);
				return err;
			}
			note(b->log, w);
			return NULL;
		}
		if (len == 0) {
			if (wrapped) {
				note(b->log, wh_error_create(WH_ERR_CORRUPT, "log_buf wraps twice"));
				return NULL;
			}
			wrapped = true;
			idx = 0;
			continue;
		}
		if (len < l.header_size || len > buf_len - idx) {
			note(b->log, wh_error_create(WH_ERR_CORRUPT,
						     "log_buf record at index %llu has length %llu",
						     (unsigned long long)idx, (unsigned long long)len));
			return NULL;
		}
		struct wh_log_record r = {.seq = seq};
		seq++;
		err = read_old_record(b, &l, hdr, len, &r);
		if (err)
			err = push_gap(b, err);
		else if (b->full)
			break;
		else if ((err = push(b, &r)))
			free(r.text);
		if (err)
			return err;
		idx += len;
	}
	return NULL;
}

/* ---- entry points ---- */

static bool have_symbol(struct wh_kernel *k, const char *name)
{
	struct wh_symbol sym;
	struct wh_error *err = wh_kernel_symbol(k, name, &sym);
	wh_error_destroy(err);
	return !err;
}

struct wh_error *wh_log_read(struct wh_kernel *k, struct wh_log *ret)
{
	memset(ret, 0, sizeof(*ret));
	/* The ring's types live in printk_ringbuffer.c, printk_log in printk.c. */
	static const char *const hint[] = {"prb_read_valid", "do_syslog", NULL};
	wh_kernel_type_hint(k, hint);
	struct builder b = {.k = k, .log = ret};
	struct wh_error *err;
	if (have_symbol(k, "prb")) {
		ret->format = "lockless";
		err = read_lockless(&b);
	} else if (have_symbol(k, "log_buf") && have_symbol(k, "log_first_idx")) {
		ret->format = "log_buf";
		err = read_old(&b);
	} else {
		err = wh_error_create(WH_ERR_ABSENT,
				      "no printk ring (prb) nor log_buf in this kernel");
	}
	if (!err && b.full)
		note(ret, wh_error_create(WH_ERR_CORRUPT,
					  "more than %d bytes of log text; the rest is left out",
					  WH_LOG_MAX_TOTAL_TEXT));
	if (err) {
		wh_log_deinit(ret);
		return wh_error_wrap(err, "reading the kernel log");
	}
	return NULL;
}

void wh_log_deinit(struct wh_log *log)
{
	for (size_t i = 0; i < log->count; i++)
		free(log->records[i].text);
	free(log->records);
	wh_diags_deinit(&log->diags);
	free(log->file);
	free(log->dump_error);
	memset(log, 0, sizeof(*log));
}
