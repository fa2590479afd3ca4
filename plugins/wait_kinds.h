/* The wait kinds of one analysis: the registered kinds (wait_kind.h) with
 * the layout each resolved for this kernel, and the one scan of a
 * backtrace that tells which kinds it matches. The analysis asks through
 * here; no kind is called any other way. */
#ifndef WHYHUNG_WAIT_KINDS_H
#define WHYHUNG_WAIT_KINDS_H

#include "wait_kind.h"

/* For each of the N kinds, whether BT matches it and where (wait_kind.h:
 * the scheduler's frames, the kind's .skip frames, then one of its
 * .frames; or the frame that called schedule(); .from_task kinds always,
 * frame -1). One pass over the frames for all kinds. */
void wh_wait_match_frames(const struct wh_backtrace *bt, const struct wh_wait_kind_entry *kinds,
			  size_t n, struct wh_wait_match *ret, bool *ret_matched);

struct wh_wait_kinds;

struct wh_error *wh_wait_kinds_create(struct wh_kernel *k, struct wh_wait_kinds **ret);
void wh_wait_kinds_destroy(struct wh_wait_kinds *kinds);
/* The registered kinds and their count. */
const struct wh_wait_kind_entry *wh_wait_kinds_list(const struct wh_wait_kinds *kinds,
						    size_t *ret_n);
/* Ask kind KIND whether ctx->task, matched at M, waits on one of its
 * objects; resolves the kind's layout the first time (a failure is kept
 * and returned, as a new error, on every later ask). */
struct wh_error *wh_wait_kinds_find(struct wh_wait_kinds *kinds, enum wh_wait_kind_id kind,
				    const struct wh_wait_context *ctx,
				    const struct wh_wait_match *m, struct wh_wait_found *ret);
/* The kind's .describe of OBJ (found by KIND, FIRST the first waiter's
 * find, CTX its context). */
struct wh_error *wh_wait_kinds_describe(struct wh_wait_kinds *kinds,
					const struct wh_wait_context *ctx,
					const struct wh_wait_found *first,
					struct wh_wait_object *obj);
/* The kind's own name for the object at ADDR, if it has one. */
bool wh_wait_kinds_name(struct wh_wait_kinds *kinds, enum wh_wait_kind_id kind,
			const struct wh_wait_context *ctx, uint64_t addr, char *buf, size_t size);

#endif
