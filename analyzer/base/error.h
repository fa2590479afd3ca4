/* One error convention for all of whyhung: every fallible function returns
 * struct wh_error *, NULL on success. Callers add context with
 * wh_error_wrap() so the final message reads outside-in, e.g.
 * "reading task list: task at 0x...: page excluded from dump". */
#ifndef WHYHUNG_ERROR_H
#define WHYHUNG_ERROR_H

#include <stdbool.h>
#include <stdint.h>

enum wh_error_code {
	WH_ERR_NOMEM = 1,
	WH_ERR_USAGE,	     /* bad command line */
	WH_ERR_IO,	     /* open/read/mmap of a file failed */
	WH_ERR_NOT_DUMP,     /* the file is not a dump libkdumpfile understands */
	WH_ERR_TRUNCATED,    /* the dump ends before its own headers say */
	WH_ERR_NO_VMLINUX,   /* the vmlinux is missing or not an ELF kernel image */
	WH_ERR_NO_DEBUGINFO, /* the vmlinux has no usable DWARF */
	WH_ERR_MISMATCH,     /* the vmlinux is not the kernel of the dump */
	WH_ERR_FAULT,	     /* address not mapped / not in the dump */
	WH_ERR_EXCLUDED,     /* page filtered out of the dump (makedumpfile -d) */
	WH_ERR_ABSENT,	     /* type, member or symbol not in this kernel */
	WH_ERR_CORRUPT,	     /* kernel data inconsistent: loops, bad sizes, ... */
	WH_ERR_FORMAT,	     /* malformed DWARF/ELF/other metadata */
	WH_ERR_INTERNAL,
	WH_ERR_INCOMPLETE, /* page not saved: the dump file ends early */
	WH_ERR_BUDGET,	   /* the analysis' budget (pages, list steps, time) ran out */
	WH_ERR_NETWORK,	   /* no debuginfod server answered */
};

struct wh_error {
	enum wh_error_code code;
	bool has_address;
	uint64_t address;
	char *message;
};

/* Returned when allocating the error itself failed; never freed. */
extern struct wh_error wh_error_nomem;

struct wh_error *wh_error_create(enum wh_error_code code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
struct wh_error *wh_error_at(enum wh_error_code code, uint64_t address, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prefix context to err's message; returns err (or wh_error_nomem). */
struct wh_error *wh_error_wrap(struct wh_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void wh_error_destroy(struct wh_error *err);

/* Did a read fail because the page is not there to read (filtered out,
 * unmapped, not saved in an incomplete dump, damaged in the file, or the
 * analysis' budget spent)? Such failures end a walk or a stack with what
 * was read, never the analysis. */
bool wh_error_unreadable(const struct wh_error *err);

/* A best-effort step whose failure only leaves one field unknown: true when
 * ERR is NULL; otherwise destroys ERR and returns false. Using it says at
 * the call that the error is deliberately not reported
 * (tests/lint/dropped_errors.py flags results used as booleans). */
bool wh_best_effort(struct wh_error *err);

/* Short stable name of a code ("excluded", "fault", ...), used in JSON output. */
const char *wh_error_code_name(enum wh_error_code code);

#endif
