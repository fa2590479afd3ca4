/* What a wait kind learns once per analysis and reuses for each of its
 * objects: FUSE's daemons per connection, found by reading every task's
 * open files, would otherwise be read again for every request waiting on
 * that connection. Values are keyed by the kind (its ops) and a 64-bit key,
 * and freed with the memo. */
#ifndef WHYHUNG_KIND_MEMO_H
#define WHYHUNG_KIND_MEMO_H

#include <stdint.h>

#include "error.h"

struct wh_kind_memo;

struct wh_error *wh_kind_memo_create(struct wh_kind_memo **ret);
void wh_kind_memo_destroy(struct wh_kind_memo *memo);
/* The value stored for (KIND, KEY), or NULL. */
void *wh_kind_memo_get(const struct wh_kind_memo *memo, const void *kind, uint64_t key);
/* Store VALUE (malloc'ed; the memo frees it) for (KIND, KEY). On failure
 * VALUE is freed too. */
struct wh_error *wh_kind_memo_put(struct wh_kind_memo *memo, const void *kind, uint64_t key,
				  void *value);

#endif
