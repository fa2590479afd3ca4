/* Hang signatures: what a dump's first root cause is, in terms that stay
 * the same when the same bug hangs another machine, another boot or
 * another build of the kernel: the panic kind, the root cause kind, the
 * lock's kind and class (where it lives, not its address), and the
 * normalised stacks of its holder and waiters (function names only).
 * "whyhung-sig/1:" + a hash of those parts; the parts are kept beside it
 * in readable form. The algorithm is described in README.md ("Hang
 * signatures"); change it only with a new version number. */
#ifndef WHYHUNG_SIGNATURE_H
#define WHYHUNG_SIGNATURE_H

#include "report.h"

#define WH_SIGNATURE_PREFIX "whyhung-sig/1:"

struct wh_signature {
	char id[sizeof(WH_SIGNATURE_PREFIX) + 32];
	char *parts; /* readable, one line per part; raw dump bytes escaped */
};

struct wh_error *wh_signature_build(const struct wh_report *r, struct wh_signature *ret);
void wh_signature_deinit(struct wh_signature *s);

/* One function name as signatures use it, into OUT: compiler suffixes
 * (".constprop.0", ".isra.0", ".cold", ".part.1", ".llvm.123") removed.
 * Exposed for the unit test. */
void wh_signature_function(const char *name, char *out, size_t size);
/* A lock's class from its name: "mmap_lock of mm of a.out[123]" ->
 * "mm_struct.mmap_lock", addresses and numbers dropped. */
void wh_signature_lock_class(const char *kind, const char *name, char *out, size_t size);

#endif
