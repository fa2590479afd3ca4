/* The kernel log (dmesg) from the dump: the lockless printk ring buffer of
 * 5.10+ (prb) or the variable-length record buffer before it (log_buf),
 * chosen by probing symbols and types. Every size read from the dump is
 * checked against its ring and capped; records whose memory is missing from
 * the dump become gap records instead of ending the read. */
#ifndef WHYHUNG_PRINTK_H
#define WHYHUNG_PRINTK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "kernel.h"

/* printk_info.flags / printk_log.flags bits (enum printk_info_flags in
 * 5.10+, enum log_flags before; same values since 3.5). */
enum {
	WH_LOG_NEWLINE = 2, /* text ended with a newline */
	WH_LOG_CONT = 8,    /* continuation of the previous record */
};

/* Bounds that no sane kernel exceeds, whatever the dump says. */
enum {
	WH_LOG_MAX_RECORDS = 1 << 20,
	WH_LOG_MAX_TEXT = 0xffff,	  /* text_len is a u16 in every format */
	WH_LOG_MAX_TOTAL_TEXT = 64 << 20, /* bytes of text kept in all */
};

struct wh_log_record {
	uint64_t seq;
	uint64_t ts_nsec; /* local clock, ns since boot */
	uint8_t level;	  /* 0 (emerg) .. 7 (debug) */
	uint8_t facility;
	uint8_t flags; /* WH_LOG_* bits as stored */
	bool have_caller;
	uint32_t caller_id; /* bit 31: CPU number; else thread id */
	/* Raw bytes from the dump (may hold NULs; escape on output), followed
	 * by a NUL not counted in text_len. NULL for gaps. */
	char *text;
	size_t text_len;
	bool truncated; /* text_len was cut to what the data block holds */
	/* A gap stands for GAP_COUNT consecutive records that could not be
	 * read; GAP_REASON says why (wh_error_code_name()). */
	bool gap;
	uint64_t gap_count;
	const char *gap_reason;
};

struct wh_log {
	const char *format;	       /* "lockless" (prb, 5.10+), "log_buf" (before), "file" */
	struct wh_log_record *records; /* in log order */
	size_t count;
	uint64_t gap_records; /* records lost to gaps, summed */
	/* Inconsistencies met while reading (bad sizes, a torn ring): the
	 * records before them are kept. */
	struct wh_diags diags;
	/* Read from the file kdump saved beside the dump (kdump_log_file.h)
	 * because the dump's own log failed with DUMP_ERROR; both NULL when the
	 * log is the dump's. */
	char *file;
	char *dump_error;
};

/* Read the whole kernel log. Fails only when the log itself cannot be
 * located or its header is unreadable (WH_ERR_ABSENT for a kernel with
 * neither format); problems inside the ring end up as gaps and warnings. */
struct wh_error *wh_log_read(struct wh_kernel *k, struct wh_log *ret);
void wh_log_deinit(struct wh_log *log);

#endif
